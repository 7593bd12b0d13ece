package audit

import (
	"encoding/json"
	"fmt"
	"time"
)

// Date is a calendar day (YYYY-MM-DD), used for standard effective dates and
// review windows.
type Date struct{ t time.Time }

const dateLayout = "2006-01-02"

// DateOf returns the UTC day of t.
func DateOf(t time.Time) Date {
	y, m, d := t.UTC().Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// MustDate parses "YYYY-MM-DD" and panics on error; for tests and constants.
func MustDate(s string) Date {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		panic(err)
	}
	return Date{t}
}

func (d Date) Time() time.Time              { return d.t }
func (d Date) IsZero() bool                 { return d.t.IsZero() }
func (d Date) Before(o Date) bool           { return d.t.Before(o.t) }
func (d Date) String() string               { return d.t.Format(dateLayout) }
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date must be a string YYYY-MM-DD")
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return fmt.Errorf("date %q must be YYYY-MM-DD", s)
	}
	d.t = t
	return nil
}
