package console

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"touchaudit/internal/audit"
)

// The helpers below are what the templ components (*.templ) call to turn
// values into text; templ escapes what they return.

// str writes a value as html/template printed it: fmt's %v.
func str(v any) string { return fmt.Sprint(v) }

// urlPart escapes a value for a URL's path segment or query, as
// html/template did for a value placed after the "#" or "?" of an href:
// every byte but letters, digits and -._~ percent-encoded. (A function of
// html/template's that does no template execution; templ.URL then checks
// the whole URL's scheme.)
func urlPart(v any) string { return template.URLQueryEscaper(v) }

func pct(f float64) string        { return fmt.Sprintf("%.0f%%", f*100) }
func date(t time.Time) string     { return dateOr(t, time.DateOnly) }
func dateTime(t time.Time) string { return dateOr(t, "2006-01-02 15:04") }
func month(t time.Time) string    { return t.Format("2006-01") }
func dur(d audit.Duration) string { return durText(d) }
func ratio(a, b int) string {
	if b == 0 {
		return "0%"
	}
	return fmt.Sprintf("%.0f%%", float64(a)/float64(b)*100)
}

func dateOr(t time.Time, layout string) string {
	if t.IsZero() {
		return "–"
	}
	return t.UTC().Format(layout)
}

// durText writes a duration for people: 45s, 3m 20s, 2h 5m, 3d 4h.
func durText(d audit.Duration) string {
	t := time.Duration(d).Round(time.Second)
	switch {
	case t == 0:
		return "–"
	case t < time.Minute:
		return fmt.Sprintf("%ds", int(t.Seconds()))
	case t < time.Hour:
		return fmt.Sprintf("%dm %ds", int(t.Minutes()), int(t.Seconds())%60)
	case t < 24*time.Hour:
		return fmt.Sprintf("%dh %dm", int(t.Hours()), int(t.Minutes())%60)
	}
	return fmt.Sprintf("%dd %dh", int(t.Hours())/24, int(t.Hours())%24)
}

// chart is what a chart component gets: an id for its title and
// description, and the texts.
type chart struct {
	ID, Title, Desc string
}

// actionsFilterLink opens the action list filtered by status ("" all).
func actionsFilterLink(status string) string {
	if status == "" {
		return "#/actions"
	}
	return "#/actions/status/" + urlPart(status)
}

// tpClass is a journey map touchpoint's colour class.
func tpClass(t MapTouchpoint) string {
	if t.Walked {
		return valClass(t.Median)
	}
	return "unwalked"
}

// tpValuation is a journey map touchpoint's data-valuation: its median
// when walked.
func tpValuation(t MapTouchpoint) string {
	if t.Walked {
		return signed(t.Median)
	}
	return ""
}

// joinValues lists a fact's values as the report shows them.
func joinValues(vs []string) string { return strings.Join(vs, ", ") }

// liveNote says that the journey map is live, not compiled.
func liveNote(p page, compiled bool) string {
	if compiled {
		return ""
	}
	return " · " + p.T("map.live")
}

// defaultCostMark marks a recommendation's cost that is the default, not
// an estimate (the report's footnote explains the asterisk).
func defaultCostMark(estimated bool) string {
	if estimated {
		return ""
	}
	return "*"
}
