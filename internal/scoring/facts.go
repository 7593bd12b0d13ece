package scoring

import (
	"sort"
	"strconv"
	"strings"
	"unicode"

	"touchaudit/internal/audit"
)

// DefaultCurrency is the currency of a bare amount ("12,50"): the sample
// company is a Polish bank, so a number stated without a currency is read in złoty.
const DefaultCurrency = "PLN"

// currencies maps the ways a currency is written to its ISO code. Longer
// spellings come first so "złotych" is not read as "zł" + "otych".
var currencies = []struct{ text, code string }{
	{"złotych", "PLN"}, {"złote", "PLN"}, {"złoty", "PLN"}, {"zlotych", "PLN"}, {"zloty", "PLN"},
	{"pln", "PLN"}, {"zł", "PLN"}, {"zl", "PLN"},
	{"euro", "EUR"}, {"eur", "EUR"}, {"€", "EUR"},
	{"usd", "USD"}, {"$", "USD"}, {"chf", "CHF"}, {"gbp", "GBP"}, {"£", "GBP"},
}

// freeWords are amounts stated in words that mean zero.
var freeWords = []string{"bezpłatnie", "bezpłatny", "bezpłatne", "bezpłatna", "za darmo", "darmowe", "darmowy", "free", "free of charge", "no fee", "brak opłaty", "0"}

// NormalizeFact puts a stated fact in a form where equal facts compare equal.
// Every kind: case folded, whitespace collapsed, surrounding punctuation
// trimmed. Money: the amount as a plain decimal with its currency code
// ("12,50 zł", "12.50 PLN" and "12.5" all become "12.5 PLN"; a bare number
// is in DefaultCurrency; "bezpłatnie"/"free" is "0 PLN"). Number: the number
// as a plain decimal ("13,99 %" and "13.99" are "13.99"). For money and
// numbers only the first amount counts: units and words after it ("dni
// roboczych", "miesięcznie", "%") are ignored. A value with no number is
// compared as text. A value with no digits may state its number in words,
// in Polish or English ("dziewięć złotych" is "9 PLN", "dwa dni robocze"
// and "two working days" are "2"; see wordNumber).
func NormalizeFact(kind audit.FactKind, value string) string {
	s := strings.ToLower(strings.Join(strings.FieldsFunc(value, unicode.IsSpace), " "))
	s = strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '.' || r == ',' || r == ';' || r == '!' })
	if kind == audit.FactText {
		return s
	}
	if kind == audit.FactMoney {
		for _, w := range freeWords {
			if s == w {
				return "0 " + DefaultCurrency
			}
		}
	}
	currency := ""
	if kind == audit.FactMoney {
		for _, c := range currencies {
			if i := strings.Index(s, c.text); i >= 0 && !letterAround(s, i, len(c.text)) {
				currency = c.code
				s = s[:i] + " " + s[i+len(c.text):]
				break
			}
		}
		if currency == "" {
			currency = DefaultCurrency
		}
	}
	num, _, ok := leadingNumber(s)
	if !ok {
		num, ok = wordNumber(s)
	}
	if !ok {
		return strings.Join(strings.Fields(s), " ")
	}
	if currency != "" {
		return num + " " + currency
	}
	return num
}

// letterAround reports whether the match s[i:i+n] is part of a longer word
// ("zł" inside "złożenie").
func letterAround(s string, i, n int) bool {
	isLetter := func(r rune) bool { return unicode.IsLetter(r) }
	if i > 0 {
		r := []rune(s[:i])
		if isLetter(r[len(r)-1]) {
			return true
		}
	}
	if j := i + n; j < len(s) {
		r := []rune(s[j:])
		if isLetter(r[0]) {
			return true
		}
	}
	return false
}

// leadingNumber finds the first number in s, reading "1 234,50", "1.234,50",
// "1,234.50", "12,5" and "12.50" the Polish or English way: with both
// separators the last one is the decimal point; a lone comma is decimal; a
// space between digit groups separates thousands. It returns the number
// formatted canonically and the text after it.
func leadingNumber(s string) (num, rest string, ok bool) {
	start := strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' })
	if start < 0 {
		return "", s, false
	}
	neg := strings.HasSuffix(s[:start], "-") || strings.HasSuffix(s[:start], "−")
	end := start
	for end < len(s) {
		ch := s[end]
		if ch >= '0' && ch <= '9' {
			end++
			continue
		}
		// a separator counts only when a digit follows it
		if (ch == '.' || ch == ',' || ch == ' ') && end+1 < len(s) && s[end+1] >= '0' && s[end+1] <= '9' {
			end++
			continue
		}
		break
	}
	raw := s[start:end]
	lastDot, lastComma := strings.LastIndexByte(raw, '.'), strings.LastIndexByte(raw, ',')
	dec := -1
	switch {
	case lastDot >= 0 && lastComma >= 0:
		dec = max(lastDot, lastComma)
	case lastComma >= 0 && strings.Count(raw, ",") == 1:
		dec = lastComma
	case lastDot >= 0 && strings.Count(raw, ".") == 1:
		dec = lastDot
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		switch {
		case raw[i] >= '0' && raw[i] <= '9':
			b.WriteByte(raw[i])
		case i == dec:
			b.WriteByte('.')
		}
	}
	f, err := strconv.ParseFloat(b.String(), 64)
	if err != nil {
		return "", s, false
	}
	if neg {
		f = -f
	}
	return strconv.FormatFloat(f, 'f', -1, 64), s[end:], true
}

// Inconsistency is one fact stated differently across the walkthroughs of a
// review: customers hear different fees in different channels.
type Inconsistency struct {
	Key   string         `json:"key"`
	Label audit.Label    `json:"label"`
	Kind  audit.FactKind `json:"kind"`
	// Channels lists the channels involved; CrossChannel is true when the
	// disagreeing values come from more than one channel.
	Channels     []audit.Channel `json:"channels"`
	CrossChannel bool            `json:"crossChannel"`
	Values       []StatedFact    `json:"values"`
}

// StatedFact is one recorded statement of a fact.
type StatedFact struct {
	Channel       audit.Channel `json:"channel"`
	Value         string        `json:"value"`
	Normalized    string        `json:"normalized"`
	TouchpointID  string        `json:"touchpointId"`
	WalkthroughID string        `json:"walkthroughId"`
}

// Consistency compares every fact key recorded in the results (each result
// carries the facts its walkthrough recorded) after NormalizeFact, and lists
// the keys whose values disagree, with each channel and value. A fact's kind
// comes from the first touchpoint that declares it; an undeclared key is
// compared as money when a value names a currency, as a number when a value
// holds one (in digits or words), else as text.
func (e *Engine) Consistency(results []audit.Result) []Inconsistency {
	type rec struct {
		audit.FactRecord
		tp, wt string
	}
	byKey := map[string][]rec{}
	var keys []string
	for i := range results {
		r := &results[i]
		for _, f := range r.Facts {
			if _, seen := byKey[f.Key]; !seen {
				keys = append(keys, f.Key)
			}
			byKey[f.Key] = append(byKey[f.Key], rec{f, r.TouchpointID, r.WalkthroughID})
		}
	}
	sort.Strings(keys)
	var out []Inconsistency
	for _, k := range keys {
		recs := byKey[k]
		vals := make([]string, len(recs))
		for i := range recs {
			vals[i] = recs[i].Value
		}
		kind, label := e.factKind(k, vals)
		in := Inconsistency{Key: k, Label: label, Kind: kind}
		distinct := map[string]audit.Channel{}
		chans := map[audit.Channel]bool{}
		for _, r := range recs {
			n := NormalizeFact(kind, r.Value)
			in.Values = append(in.Values, StatedFact{Channel: r.Channel, Value: r.Value, Normalized: n, TouchpointID: r.tp, WalkthroughID: r.wt})
			distinct[n] = r.Channel
			chans[r.Channel] = true
		}
		if len(distinct) < 2 {
			continue
		}
		for _, ch := range audit.Channels {
			if chans[ch] {
				in.Channels = append(in.Channels, ch)
			}
		}
		// Cross-channel when two disagreeing values were heard in different channels.
		valueChans := map[string]map[audit.Channel]bool{}
		for _, v := range in.Values {
			if valueChans[v.Normalized] == nil {
				valueChans[v.Normalized] = map[audit.Channel]bool{}
			}
			valueChans[v.Normalized][v.Channel] = true
		}
		for a, ca := range valueChans {
			for b, cb := range valueChans {
				if a >= b {
					continue
				}
				for ch := range ca {
					if len(cb) > 1 || !cb[ch] {
						in.CrossChannel = true
					}
				}
			}
		}
		sort.SliceStable(in.Values, func(i, j int) bool {
			if in.Values[i].Normalized != in.Values[j].Normalized {
				return in.Values[i].Normalized < in.Values[j].Normalized
			}
			return channelRank(in.Values[i].Channel) < channelRank(in.Values[j].Channel)
		})
		out = append(out, in)
	}
	return out
}

func (e *Engine) factKind(key string, recs []string) (audit.FactKind, audit.Label) {
	if f, ok := e.facts[key]; ok {
		return f.Kind, f.Label
	}
	label := audit.Label{PL: key, EN: key}
	numeric := false
	for _, v := range recs {
		v = strings.ToLower(v)
		for _, c := range currencies {
			if i := strings.Index(v, c.text); i >= 0 && !letterAround(v, i, len(c.text)) {
				return audit.FactMoney, label
			}
		}
		if _, _, ok := leadingNumber(v); ok {
			numeric = true
		} else if _, ok := wordNumber(v); ok {
			numeric = true
		}
	}
	if numeric {
		return audit.FactNumber, label
	}
	return audit.FactText, label
}

func channelRank(c audit.Channel) int {
	for i, k := range audit.Channels {
		if k == c {
			return i
		}
	}
	return len(audit.Channels)
}

// numberWords are the Polish (nominative and genitive, without diacritics)
// and English number words wordNumber reads. Multipliers are separate.
var numberWords = map[string]int{
	"zero": 0, "jeden": 1, "jedna": 1, "jedno": 1, "jednego": 1, "jednej": 1,
	"dwa": 2, "dwie": 2, "dwoch": 2, "dwu": 2, "trzy": 3, "trzech": 3, "cztery": 4, "czterech": 4,
	"piec": 5, "pieciu": 5, "szesc": 6, "szesciu": 6, "siedem": 7, "siedmiu": 7, "osiem": 8, "osmiu": 8,
	"dziewiec": 9, "dziewieciu": 9, "dziesiec": 10, "dziesieciu": 10,
	"jedenascie": 11, "jedenastu": 11, "dwanascie": 12, "dwunastu": 12, "trzynascie": 13, "trzynastu": 13,
	"czternascie": 14, "czternastu": 14, "pietnascie": 15, "pietnastu": 15, "szesnascie": 16, "szesnastu": 16,
	"siedemnascie": 17, "siedemnastu": 17, "osiemnascie": 18, "osiemnastu": 18, "dziewietnascie": 19, "dziewietnastu": 19,
	"dwadziescia": 20, "dwudziestu": 20, "trzydziesci": 30, "trzydziestu": 30, "czterdziesci": 40, "czterdziestu": 40,
	"piecdziesiat": 50, "piecdziesieciu": 50, "szescdziesiat": 60, "szescdziesieciu": 60,
	"siedemdziesiat": 70, "siedemdziesieciu": 70, "osiemdziesiat": 80, "osiemdziesieciu": 80,
	"dziewiecdziesiat": 90, "dziewiecdziesieciu": 90,
	"sto": 100, "stu": 100, "dwiescie": 200, "dwustu": 200, "trzysta": 300, "trzystu": 300, "czterysta": 400, "czterystu": 400,
	"piecset": 500, "pieciuset": 500, "szescset": 600, "szesciuset": 600, "siedemset": 700, "siedmiuset": 700,
	"osiemset": 800, "osmiuset": 800, "dziewiecset": 900, "dziewieciuset": 900,
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
	"eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
	"eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
	"seventy": 70, "eighty": 80, "ninety": 90,
}

var numberMultipliers = map[string]int{"tysiac": 1000, "tysiace": 1000, "tysiecy": 1000, "tysiaca": 1000, "hundred": 100, "thousand": 1000}

var foldPolish = strings.NewReplacer("ą", "a", "ć", "c", "ę", "e", "ł", "l", "ń", "n", "ó", "o", "ś", "s", "ź", "z", "ż", "z")

// wordNumber reads the first whole number written in words in s (lower
// case): "dziewięć" 9, "dwadzieścia pięć" 25, "tysiąc dwieście" 1200,
// "two" 2, "one hundred and five" 105. Diacritics are optional
// ("dziewiec"). ok is false when s holds no number word.
func wordNumber(s string) (string, bool) {
	words := strings.FieldsFunc(foldPolish.Replace(s), func(r rune) bool { return !unicode.IsLetter(r) })
	total, cur, seen := 0, 0, false
	for i, w := range words {
		if v, ok := numberWords[w]; ok {
			cur += v
			seen = true
			continue
		}
		if m, ok := numberMultipliers[w]; ok && (seen || m == 1000) {
			cur = max(cur, 1) * m
			if m == 1000 {
				total, cur = total+cur, 0
			}
			seen = true
			continue
		}
		if seen && (w == "and" || w == "i") && i+1 < len(words) {
			if _, ok := numberWords[words[i+1]]; ok {
				continue
			}
		}
		if seen {
			break
		}
	}
	if !seen {
		return "", false
	}
	return strconv.Itoa(total + cur), true
}
