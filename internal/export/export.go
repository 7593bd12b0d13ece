// Package export turns a review's results into tables a CX lead opens in a
// spreadsheet: results per touchpoint, every walk, the recommendations and
// the corrective actions that answer them, as CSV (one table a file) and XLSX (one sheet a table). Cells are typed
// (text, whole numbers, decimals, dates, yes/no), so numbers stay numbers
// and dates stay dates in Excel and LibreOffice.
package export

import (
	"slices"
	"strings"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/scoring"
)

// Kind is the type of a column's cells.
type Kind int

const (
	Text     Kind = iota // string
	Int                  // int
	Number               // float64
	Date                 // time.Time, shown as a day
	DateTime             // time.Time, shown to the minute
	Bool                 // bool
)

// Column is one column of a table; Key names it in the catalogue.
type Column struct {
	Key  string
	Kind Kind
}

// Table is one exported table. Each row has one cell per column, of the
// column's Kind's Go type, or nil for an empty cell.
type Table struct {
	Name    string // touchpoints, walks, recommendations or actions
	Columns []Column
	Rows    [][]any
}

// Table names, also the values of the CSV export's ?table= (docs/API.md).
const (
	TableTouchpoints     = "touchpoints"
	TableWalks           = "walks"
	TableRecommendations = "recommendations"
	TableActions         = "actions"
)

// TableNames lists the tables in the order of the XLSX sheets.
var TableNames = []string{TableTouchpoints, TableWalks, TableRecommendations, TableActions}

// Input is what the tables are made of: the compiled report, and the
// review's results and walkthroughs for the table of walks.
type Input struct {
	Report       *scoring.Report
	Results      []audit.Result
	Walkthroughs []audit.Walkthrough
	// Actions are the corrective actions that answer the review, and Now
	// the day against which they are overdue.
	Actions []audit.Action
	Now     time.Time
	Lang    audit.Lang
	// T translates a catalogue key (column headers, channels, statuses,
	// quadrants); nil leaves keys as they are.
	T func(key string) string
}

func (in Input) t(key string) string {
	if in.T == nil {
		return key
	}
	return in.T(key)
}

// Tables builds every table, in the order of TableNames.
func Tables(in Input) []Table {
	return []Table{touchpoints(in), walks(in), recommendations(in), actions(in)}
}

// TableOf builds one table by name; ok is false for an unknown name.
func TableOf(in Input, name string) (Table, bool) {
	switch name {
	case TableTouchpoints:
		return touchpoints(in), true
	case TableWalks:
		return walks(in), true
	case TableRecommendations:
		return recommendations(in), true
	case TableActions:
		return actions(in), true
	}
	return Table{}, false
}

func touchpoints(in Input) Table {
	t := Table{Name: TableTouchpoints, Columns: []Column{
		{"col.review", Text}, {"col.journey", Text}, {"col.stage", Text}, {"col.touchpointId", Text}, {"col.touchpoint", Text},
		{"col.channel", Text}, {"col.momentOfTruth", Bool}, {"col.customerEffort", Bool}, {"col.reach", Number},
		{"col.walks", Int}, {"col.valuations", Text}, {"col.median", Int}, {"col.spread", Int}, {"col.disagreement", Bool},
		{"col.previousMedian", Int}, {"col.drift", Text}, {"col.brokenPromises", Int}, {"col.pendingPromises", Int},
		{"col.endToEndSeconds", Number}, {"col.lastWalked", DateTime}, {"col.nextDue", Date}, {"col.dueReason", Text},
	}}
	r := in.Report
	journeys, stages := names(r)
	drift := map[string]scoring.Drift{}
	for _, d := range r.Drift {
		drift[d.TouchpointID] = d
	}
	for _, s := range r.Touchpoints {
		var prev, status any
		if d, ok := drift[s.TouchpointID]; ok {
			if d.Previous != nil {
				prev = int(d.Previous.Median)
			}
			status = in.t("drift." + d.Status)
		}
		vals := make([]string, len(s.Valuations))
		for i, v := range s.Valuations {
			vals[i] = Signed(v)
		}
		t.Rows = append(t.Rows, []any{
			r.ReviewID, journeys[s.JourneyID].In(in.Lang), stages[s.JourneyID+"/"+s.StageID].In(in.Lang), s.TouchpointID, s.Name.In(in.Lang),
			in.t("channel." + string(s.Channel)), s.MomentOfTruth, s.CustomerEffort, s.Reach,
			s.Walks, strings.Join(vals, " "), int(s.Median), s.Spread, s.Disagreement,
			prev, status, s.BrokenPromises, s.PendingPromises,
			seconds(s.EndToEnd), timeOrNil(s.LastWalked), timeOrNil(s.NextDue), in.t("due." + s.DueReason),
		})
	}
	return t
}

func walks(in Input) Table {
	t := Table{Name: TableWalks, Columns: []Column{
		{"col.review", Text}, {"col.walkthrough", Text}, {"col.touchpointId", Text}, {"col.touchpoint", Text},
		{"col.auditor", Text}, {"col.channel", Text}, {"col.valuation", Int}, {"col.revaluedFrom", Int},
		{"col.walkedAt", DateTime}, {"col.endToEndSeconds", Number}, {"col.resolved", Bool},
		{"col.reasons", Text}, {"col.gaps", Text}, {"col.facts", Text}, {"col.promises", Text}, {"col.notes", Text},
	}}
	tpName := map[string]audit.Label{}
	for _, s := range in.Report.Touchpoints {
		tpName[s.TouchpointID] = s.Name
	}
	byID := map[string]audit.Walkthrough{}
	for _, w := range in.Walkthroughs {
		byID[w.ID] = w
	}
	results := slices.Clone(in.Results)
	slices.SortFunc(results, func(a, b audit.Result) int {
		return strings.Compare(a.TouchpointID+"\x00"+a.WalkthroughID, b.TouchpointID+"\x00"+b.WalkthroughID)
	})
	for _, res := range results {
		w := byID[res.WalkthroughID]
		var reasons, gaps, facts, promises []string
		for _, x := range res.Reasons {
			reasons = append(reasons, Signed(x.Effect)+" "+x.Label.In(in.Lang))
		}
		for _, g := range res.Gaps {
			gaps = append(gaps, g.CriterionID+" ("+in.t("cause."+string(g.Category))+")")
		}
		for _, f := range res.Facts {
			facts = append(facts, f.Key+" = "+f.Value+" ("+in.t("channel."+string(f.Channel))+")")
		}
		for _, p := range w.Promises {
			promises = append(promises, p.Text+" ("+p.DueAt.UTC().Format(time.DateOnly)+": "+in.t("promise."+string(p.Outcome))+")")
		}
		var revalued any
		if res.RevaluedFrom != nil {
			revalued = int(*res.RevaluedFrom)
		}
		var resolved any
		if w.ID != "" {
			resolved = w.Resolved
		}
		t.Rows = append(t.Rows, []any{
			res.ReviewID, res.WalkthroughID, res.TouchpointID, tpName[res.TouchpointID].In(in.Lang),
			res.AuditorID, in.t("channel." + string(res.Channel)), int(res.Valuation), revalued,
			timeOrNil(res.WalkedAt), seconds(res.EndToEnd), resolved,
			strings.Join(reasons, "; "), strings.Join(gaps, "; "), strings.Join(facts, "; "), strings.Join(promises, "; "), w.Notes,
		})
	}
	return t
}

func recommendations(in Input) Table {
	t := Table{Name: TableRecommendations, Columns: []Column{
		{"col.rank", Int}, {"col.kind", Text}, {"col.touchpointId", Text}, {"col.touchpoint", Text}, {"col.journey", Text},
		{"col.channel", Text}, {"col.valuation", Int}, {"col.target", Int}, {"col.weight", Number}, {"col.reach", Number},
		{"col.impact", Number}, {"col.cost", Number}, {"col.costEstimated", Bool}, {"col.quadrant", Text},
		{"col.project", Text}, {"col.criteria", Text},
	}}
	journeys, _ := names(in.Report)
	recs := in.Report.Recommendations
	for _, r := range append(slices.Clone(recs.Fixes), recs.Differentiators...) {
		var project any
		if r.Project != "" {
			project = in.t("project." + r.Project)
		}
		t.Rows = append(t.Rows, []any{
			r.Rank, in.t("kind." + r.Kind), r.TouchpointID, r.Name.In(in.Lang), journeys[r.JourneyID].In(in.Lang),
			in.t("channel." + string(r.Channel)), int(r.Valuation), int(r.Target), r.Weight, r.Reach,
			r.Impact, r.Cost, r.CostEstimated, in.t("quadrant." + r.Quadrant), project, strings.Join(r.Criteria, ", "),
		})
	}
	return t
}

func actions(in Input) Table {
	t := Table{Name: TableActions, Columns: []Column{
		{"col.actionId", Text}, {"col.touchpointId", Text}, {"col.touchpoint", Text}, {"col.valuation", Int}, {"col.what", Text},
		{"col.ownerUnit", Text}, {"col.ownerPerson", Text}, {"col.due", Date}, {"col.actionCost", Number}, {"col.currency", Text},
		{"col.status", Text}, {"col.overdue", Bool}, {"col.source", Text}, {"col.createdAt", DateTime}, {"col.doneAt", DateTime},
		{"col.verifiedAt", DateTime},
	}}
	tpName := map[string]audit.Label{}
	if in.Report != nil {
		for _, s := range in.Report.Touchpoints {
			tpName[s.TouchpointID] = s.Name
		}
	}
	for _, a := range in.Actions {
		name := tpName[a.TouchpointID].In(in.Lang)
		if name == "" {
			name = a.TouchpointID
		}
		source := a.Source.ResultID
		if source == "" {
			source = a.Source.ReviewID
		}
		t.Rows = append(t.Rows, []any{
			a.ID, a.TouchpointID, name, int(a.Valuation), a.What,
			a.Owner.Unit, a.Owner.Person, timeOrNil(a.Due.Time()), a.Cost.Amount, a.Cost.Currency,
			in.t("action." + string(a.Status)), a.Overdue(in.Now), source, timeOrNil(a.CreatedAt), ptrTime(a.DoneAt),
			ptrTime(a.VerifiedAt),
		})
	}
	return t
}

func ptrTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return timeOrNil(*t)
}

// names are the report's journey names by id and stage names by
// "journey/stage", from its roll-ups.
func names(r *scoring.Report) (journeys, stages map[string]audit.Label) {
	journeys, stages = map[string]audit.Label{}, map[string]audit.Label{}
	for _, j := range r.Journeys {
		journeys[j.Key] = j.Name
	}
	for _, s := range r.Stages {
		stages[s.Key] = s.Name
	}
	return journeys, stages
}

// Signed writes a valuation as people read it: −2, −1, 0, +1, +2 (with a
// real minus sign).
func Signed(v audit.Valuation) string {
	switch {
	case v > 0:
		return "+" + string(rune('0'+v))
	case v < 0:
		return "−" + string(rune('0'-v))
	}
	return "0"
}

func seconds(d audit.Duration) any {
	if d == 0 {
		return nil
	}
	return time.Duration(d).Seconds()
}

func timeOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}
