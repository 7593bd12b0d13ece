package scoring

import (
	"slices"
	"strings"
	"testing"
	"time"

	"touchaudit/internal/audit"
)

func walked(id, review, tp, auditor string, v audit.Valuation, at time.Time) audit.Result {
	return audit.Result{ID: id, CompanyID: "bank-test", ReviewID: review, TouchpointID: tp, WalkthroughID: id, AuditorID: auditor,
		StandardVersion: "v2", Valuation: v, WalkedAt: at, ScoredAt: at.Add(time.Hour)}
}

var nov15 = time.Date(2026, 11, 15, 10, 0, 0, 0, time.UTC)

func TestSchedule_OneRuleForEveryCaller(t *testing.T) {
	e := testEngine(t)
	rs := []audit.Result{
		// An older review's −2 no longer decides anything.
		walked("old-1", "rv-2026-h1", "ivr-hotline", "a1", -2, nov15.AddDate(0, -6, 0)),
		walked("w-1", "rv-2026-h2", "ivr-hotline", "a1", -1, nov15),
		walked("w-2", "rv-2026-h2", "ivr-hotline", "a2", -1, nov15.Add(-time.Hour)),
		walked("w-3", "rv-2026-h2", "app-card", "a1", 0, nov15),
		walked("w-4", "rv-2026-h2", "branch-open", "a2", 0, nov15), // moment of truth
	}
	got := e.Schedule(rs, nil)
	want := []struct {
		tp, due, reason string
	}{
		{"ivr-hotline", "2027-02-15", DueMinusOne},
		{"app-card", "2027-05-15", DueDefault},
		{"branch-open", "2027-05-15", DueDefault},
	}
	if len(got) != len(want) {
		t.Fatalf("schedule = %+v", got)
	}
	for i, w := range want {
		if got[i].TouchpointID != w.tp || got[i].NextDue.Format(time.DateOnly) != w.due || got[i].Reason != w.reason {
			t.Errorf("[%d] = %s %s %s, want %s %s %s", i, got[i].TouchpointID, got[i].NextDue.Format(time.DateOnly), got[i].Reason, w.tp, w.due, w.reason)
		}
	}
	// The store's schedule index gets the same dates.
	items := e.DueTouchpoints(rs, nil)
	if len(items) != 3 || items[0].TouchpointID != "ivr-hotline" || !items[0].NextDue.Equal(got[0].NextDue) ||
		items[0].LastValuation != -1 || items[0].LastReviewID != "rv-2026-h2" || !items[0].LastScoredAt.Equal(nov15.Add(time.Hour)) {
		t.Errorf("due touchpoints = %+v", items)
	}
	if items[0].DueReason != DueMinusOne {
		t.Errorf("stored reason %q, want %q", items[0].DueReason, DueMinusOne)
	}
	// Read back from the store, the items are the same schedule.
	if back := e.ScheduleDue(items); !slices.EqualFunc(back, got, func(a, b Due) bool {
		return a.TouchpointID == b.TouchpointID && a.NextDue.Equal(b.NextDue) && a.Reason == b.Reason && a.Valuation == b.Valuation && a.Name == b.Name
	}) {
		t.Errorf("schedule read back %+v differs from Schedule %+v", back, got)
	}
	// The report's schedule is the same list.
	rep, err := e.Report(ReportInput{ReviewID: "rv-2026-h2", Results: rs[1:], GeneratedAt: nov15})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(rep.Schedule, got, func(a, b Due) bool {
		return a.TouchpointID == b.TouchpointID && a.NextDue.Equal(b.NextDue) && a.Reason == b.Reason
	}) {
		t.Errorf("report schedule %+v differs from Schedule %+v", rep.Schedule, got)
	}
}

func TestProposeInterim_MinusOneCannotWaitForHalfYearly(t *testing.T) {
	e := testEngine(t)
	rs := []audit.Result{
		walked("w-1", "rv-2026-h2", "ivr-hotline", "a1", -1, nov15),
		walked("w-2", "rv-2026-h2", "app-card", "a1", 0, nov15),
	}
	sched := e.Schedule(rs, nil)
	cases := []struct {
		name  string
		opens time.Time
		want  []string // nil: no interim review
	}{
		{"half-yearly opens in July", time.Date(2027, 7, 1, 0, 0, 0, 0, time.UTC), []string{"ivr-hotline", "app-card"}},
		{"half-yearly opens in March", time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), []string{"ivr-hotline"}},
		{"half-yearly opens in time", time.Date(2027, 2, 15, 0, 0, 0, 0, time.UTC), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := ProposeInterim(e.Company(), sched, c.opens)
			if c.want == nil {
				if p != nil {
					t.Fatalf("proposed %+v, want none", p)
				}
				return
			}
			if p == nil {
				t.Fatal("no interim review proposed")
			}
			if !slices.Equal(p.Scope.Touchpoints, c.want) {
				t.Errorf("scope = %v, want %v", p.Scope.Touchpoints, c.want)
			}
			if got := p.OpenBy.Format(time.DateOnly); got != "2027-02-15" {
				t.Errorf("open by %s, want 2027-02-15", got)
			}
			if !strings.Contains(p.Reason, "ivr-hotline (-1, minusOne) due 2027-02-15") || !strings.Contains(p.Reason, c.opens.Format(time.DateOnly)) {
				t.Errorf("reason = %q", p.Reason)
			}
		})
	}
}
