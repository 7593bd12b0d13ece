package scoring

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"touchaudit/internal/audit"
)

// Schedule is the one answer to "when is this touchpoint due": the report,
// the console and the planner all take it from here. Per touchpoint it
// takes the walks of the latest review that walked it (pass only approved
// results), values them as Aggregate does (median, disagreement) and
// applies NextDueWithReason with the fix marked done (fixesDone, may be
// nil) and the standard versions published since. Soonest first.
func (e *Engine) Schedule(approved []audit.Result, fixesDone map[string]time.Time) []Due {
	return scheduleOf(e.Aggregate(latestWalks(approved), fixesDone))
}

// DueTouchpoints is Schedule in the form the store's schedule index keeps
// (audit.DueTouchpoint), so the index holds the same dates as the report.
// ScheduleDue turns the stored items back into Schedule's form.
func (e *Engine) DueTouchpoints(approved []audit.Result, fixesDone map[string]time.Time) []audit.DueTouchpoint {
	latest := latestWalks(approved)
	last := map[string]*audit.Result{}
	for i := range latest {
		r := &latest[i]
		if l, ok := last[r.TouchpointID]; !ok || r.ScoredAt.After(l.ScoredAt) {
			last[r.TouchpointID] = r
		}
	}
	var out []audit.DueTouchpoint
	for _, d := range scheduleOf(e.Aggregate(latest, fixesDone)) {
		l := last[d.TouchpointID]
		out = append(out, audit.DueTouchpoint{CompanyID: e.company.ID, TouchpointID: d.TouchpointID, NextDue: d.NextDue,
			DueReason: d.Reason, LastValuation: d.Valuation, LastReviewID: l.ReviewID, LastScoredAt: l.ScoredAt})
	}
	return out
}

// ScheduleDue is the stored schedule (audit.DueTouchpoint, from
// DueTouchpoints) as Schedule lists it, for ProposeInterim: touchpoints
// the company no longer has are left out. Soonest first.
func (e *Engine) ScheduleDue(items []audit.DueTouchpoint) []Due {
	out := []Due{}
	for _, d := range items {
		tp, ok := e.touchpoints[d.TouchpointID]
		if !ok {
			continue
		}
		out = append(out, Due{TouchpointID: d.TouchpointID, Name: tp.ref.Name, Valuation: d.LastValuation, NextDue: d.NextDue, Reason: d.DueReason})
	}
	sortDue(out)
	return out
}

// latestWalks keeps, per touchpoint, the results of the review holding its
// most recent walk: older reviews no longer decide when it is due.
func latestWalks(rs []audit.Result) []audit.Result {
	newest := map[string]*audit.Result{}
	for i := range rs {
		r := &rs[i]
		if n, ok := newest[r.TouchpointID]; !ok || walkedAt(r).After(walkedAt(n)) {
			newest[r.TouchpointID] = r
		}
	}
	out := make([]audit.Result, 0, len(rs))
	for i := range rs {
		if rs[i].ReviewID == newest[rs[i].TouchpointID].ReviewID {
			out = append(out, rs[i])
		}
	}
	return out
}

func scheduleOf(ts []TouchpointSummary) []Due {
	out := []Due{}
	for _, t := range ts {
		out = append(out, Due{TouchpointID: t.TouchpointID, Name: t.Name, Valuation: t.Median, NextDue: t.NextDue, Reason: t.DueReason})
	}
	sortDue(out)
	return out
}

func sortDue(out []Due) {
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].NextDue.Equal(out[j].NextDue) {
			return out[i].NextDue.Before(out[j].NextDue)
		}
		return out[i].TouchpointID < out[j].TouchpointID
	})
}

// InterimReview is a proposed review of just the touchpoints that fall due
// before the next half-yearly review opens: a −1 is walked again within 3
// months, so when no half-yearly review falls in time it cannot wait.
type InterimReview struct {
	// OpenBy is the earliest due date in scope: the interim review should
	// open by then.
	OpenBy time.Time `json:"openBy"`
	// NextReviewOpens is the half-yearly review the touchpoints would wait for.
	NextReviewOpens time.Time         `json:"nextReviewOpens"`
	Scope           audit.ReviewScope `json:"scope"`
	Due             []Due             `json:"due"`
	Reason          string            `json:"reason"`
}

// ProposeInterim returns the interim review the planner proposes, or nil
// when every touchpoint of the schedule (from Schedule) can wait for the
// next half-yearly review opening at nextReviewOpens. A touchpoint waits
// too long when it falls due before that review opens.
func ProposeInterim(c *audit.Company, schedule []Due, nextReviewOpens time.Time) *InterimReview {
	var due []Due
	for _, d := range schedule {
		if _, ok := c.Touchpoint(d.TouchpointID); ok && d.NextDue.Before(nextReviewOpens) {
			due = append(due, d)
		}
	}
	if len(due) == 0 {
		return nil
	}
	sort.SliceStable(due, func(i, j int) bool { return due[i].NextDue.Before(due[j].NextDue) })
	p := &InterimReview{OpenBy: due[0].NextDue, NextReviewOpens: nextReviewOpens, Due: due}
	var parts []string
	for _, d := range due {
		p.Scope.Touchpoints = append(p.Scope.Touchpoints, d.TouchpointID)
		parts = append(parts, fmt.Sprintf("%s (%+d, %s) due %s", d.TouchpointID, d.Valuation, d.Reason, d.NextDue.Format(time.DateOnly)))
	}
	p.Reason = fmt.Sprintf("%d touchpoint(s) fall due before the next half-yearly review opens on %s: %s",
		len(due), nextReviewOpens.Format(time.DateOnly), strings.Join(parts, "; "))
	return p
}
