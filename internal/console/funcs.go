package console

import (
	"fmt"
	"html/template"
	"time"

	"touchaudit/internal/audit"
)

var funcs = template.FuncMap{
	"signed":   signed,
	"valClass": valClass,
	"decimal":  decimal,
	"pct":      func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
	"date":     func(t time.Time) string { return dateOr(t, time.DateOnly) },
	"dateTime": func(t time.Time) string { return dateOr(t, "2006-01-02 15:04") },
	"month":    func(t time.Time) string { return t.Format("2006-01") },
	"dur":      func(d audit.Duration) string { return durText(d) },
	"add":      func(a, b int) int { return a + b },
	"ratio": func(a, b int) string {
		if b == 0 {
			return "0%"
		}
		return fmt.Sprintf("%.0f%%", float64(a)/float64(b)*100)
	},
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

// chartData is what a chart template gets: an id for its title and
// description, the texts, and the geometry.
type chartData struct {
	ID, Title, Desc string
	Data            any
}

// countsTable is the data of the "counts" template.
type countsTable struct {
	Statuses []audit.AssignmentStatus
	Rows     []CountRow
}

func init() {
	funcs["sub"] = func(p page, d any) page { p.Data = d; return p }
	funcs["chart"] = func(id, title, desc string, d any) chartData { return chartData{id, title, desc, d} }
	funcs["countsOf"] = func(s []audit.AssignmentStatus, rows []CountRow) countsTable { return countsTable{s, rows} }
	funcs["half"] = func(f float64) float64 { return f / 2 }
	funcs["half2"] = func(a, b float64) float64 { return (a + b) / 2 }
	funcs["minus"] = func(a, b float64) float64 { return a - b }
	funcs["float"] = func(i int) float64 { return float64(i) }
	funcs["deref"] = func(i *int) int { return *i }
}
