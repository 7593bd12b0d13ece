package audit

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Lang is a UI language. touchaudit speaks Polish and English.
type Lang string

const (
	Polish  Lang = "pl"
	English Lang = "en"
)

// Label is text shown to people, in both UI languages.
type Label struct {
	PL string `json:"pl"`
	EN string `json:"en"`
}

// In returns the label in lang, falling back to the other language.
func (l Label) In(lang Lang) string {
	if lang == Polish && l.PL != "" || l.EN == "" {
		return l.PL
	}
	return l.EN
}

func (l Label) validate(v *validator, path string) {
	v.require(strings.TrimSpace(l.PL) != "", path+".pl", "Polish label is required")
	v.require(strings.TrimSpace(l.EN) != "", path+".en", "English label is required")
}

// Duration is a time.Duration that reads and writes as text such as "90s",
// "3m", "24h" or "14d" (days are 24 h; customer tasks run for days).
type Duration time.Duration

// Day is the unit used for multi-day customer tasks.
const Day = 24 * time.Hour

func (d Duration) D() time.Duration { return time.Duration(d) }

func (d Duration) String() string {
	td := time.Duration(d)
	if td != 0 && td%Day == 0 {
		return strconv.FormatInt(int64(td/Day), 10) + "d"
	}
	return td.String()
}

// ParseDuration accepts Go durations plus a leading whole number of days:
// "2d", "1d12h", "90s".
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	var days int64
	if i := strings.IndexByte(s, 'd'); i > 0 {
		n, err := strconv.ParseInt(s[:i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("duration %q: bad day count", s)
		}
		days, s = n, s[i+1:]
	}
	var rest time.Duration
	if s != "" {
		var err error
		if rest, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("duration %q: %v", s, err)
		}
	}
	return Duration(time.Duration(days)*Day + rest), nil
}

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"90s\" or \"2d\"")
	}
	v, err := ParseDuration(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
