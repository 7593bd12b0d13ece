package workflow

import (
	"slices"
	"testing"
	"time"

	"touchaudit/internal/audit"
)

func TestHalfYearlyOpens_FollowsTheScheduleInWarsaw(t *testing.T) {
	cases := []struct {
		name, now, want string
	}{
		{"autumn waits for January (07:00 CET)", "2026-11-15T10:00:00Z", "2027-01-01T06:00:00Z"},
		{"January after the opening waits for July (07:00 CEST)", "2027-01-10T09:00:00Z", "2027-07-01T05:00:00Z"},
		{"a minute before the opening", "2027-07-01T04:59:00Z", "2027-07-01T05:00:00Z"},
		{"at the opening: the next one", "2027-07-01T05:00:00Z", "2028-01-01T06:00:00Z"},
		{"New Year's Eve in Warsaw, still the old year in UTC", "2026-12-31T23:30:00Z", "2027-01-01T06:00:00Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := HalfYearlyOpens(at(c.now)).Format(time.RFC3339); got != c.want {
				t.Errorf("after %s: %s, want %s", c.now, got, c.want)
			}
		})
	}
}

// scheduled reads the stored schedule item of a touchpoint.
func (f *fixture) scheduled(t *testing.T, tp string) (audit.DueTouchpoint, bool) {
	t.Helper()
	ds, err := f.store.ListDueTouchpoints(f.ctx, "bank-pl", endOfSchedule)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(ds, func(d audit.DueTouchpoint) bool { return d.TouchpointID == tp })
	if i < 0 {
		return audit.DueTouchpoint{}, false
	}
	return ds[i], true
}

func TestSchedule_OnlyApprovedResultsMoveIt(t *testing.T) {
	f := newQAFixture(t)
	a, r := f.pending(t, "tok-qa")
	if d, ok := f.scheduled(t, r.TouchpointID); ok {
		t.Fatalf("a result pending QA is scheduled: %+v", d)
	}
	f.clock.t = t0.Add(2 * audit.Day)
	if _, err := f.wf.QA.Decide(f.ctx, DecideInput{CompanyID: "bank-pl", ResultID: r.ID, By: "s-001", Decision: audit.DecideApprove}); err != nil {
		t.Fatal(err)
	}
	d, ok := f.scheduled(t, r.TouchpointID)
	// The −2 walked on 2026-11-02 awaits its fix: provisionally one month on.
	if !ok || d.NextDue.Format(time.DateOnly) != "2026-12-02" || d.DueReason != "awaitingFix" || d.LastValuation != -2 || d.LastReviewID != a.ReviewID {
		t.Fatalf("after approval: %+v (scheduled %v), want due 2026-12-02 awaitingFix", d, ok)
	}
}

func TestPlanReview_ReadsOnlyTheStoredSchedule(t *testing.T) {
	f := newFixture(t)
	closes := t0.Add(DefaultWindow) // 2026-12-14
	items := []audit.DueTouchpoint{
		{TouchpointID: "acc.ivr-info", NextDue: at("2026-12-01T00:00:00Z"), DueReason: "minusOne", LastValuation: -1},
		// A moment of truth not due yet is not walked: the schedule caps it at six months.
		{TouchpointID: "acc.card-activation", NextDue: at("2027-03-01T00:00:00Z"), DueReason: "momentOfTruth"},
		{TouchpointID: "acc.web-form", NextDue: at("2027-05-01T00:00:00Z"), DueReason: "default"},
		{TouchpointID: "acc.chat-fees", NextDue: closes, DueReason: "default"}, // due at the close, not before
	}
	for i := range items {
		items[i].CompanyID, items[i].LastReviewID, items[i].LastScoredAt = "bank-pl", "bank-pl-2026-h1", at("2026-06-01T00:00:00Z")
	}
	if err := f.store.PutSchedule(f.ctx, items); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		scope audit.ReviewScope
		want  []string
	}{
		{"due before the window closes", audit.ReviewScope{Touchpoints: nil, Journeys: []string{"account-opening"}},
			nil}, // filled below: every never-audited touchpoint of the journey and acc.ivr-info
		{"named touchpoints are walked whether due or not", audit.ReviewScope{Touchpoints: []string{"acc.web-form", "acc.ivr-info"}},
			[]string{"acc.ivr-info", "acc.web-form"}},
	}
	c, _ := f.store.GetCompany(f.ctx, "bank-pl")
	for _, ref := range c.Touchpoints() {
		if ref.JourneyID == "account-opening" && !slices.ContainsFunc(items, func(d audit.DueTouchpoint) bool { return d.TouchpointID == ref.ID }) {
			cases[0].want = append(cases[0].want, ref.ID)
		}
	}
	cases[0].want = append(cases[0].want, "acc.ivr-info")
	if !slices.ContainsFunc(c.Touchpoints(), func(r audit.TouchpointRef) bool {
		return r.ID == "acc.card-activation" && r.MomentOfTruth && r.JourneyID == "account-opening"
	}) {
		t.Fatal("acc.card-activation is no moment of truth of account-opening: fix the test's touchpoint")
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := "bank-pl.plan-" + string(rune('a'+i))
			if _, err := f.wf.Reviews.PlanReview(f.ctx, ReviewRequest{CompanyID: "bank-pl", ReviewID: id, StandardVersion: "v2", Opens: &t0, Scope: tc.scope}); err != nil {
				t.Fatal(err)
			}
			as, _, _ := f.store.ListAssignmentsByReview(f.ctx, id, audit.StatusPlanned, audit.Page{Limit: 1000})
			var got []string
			for _, a := range as {
				if !slices.Contains(got, a.TouchpointID) {
					got = append(got, a.TouchpointID)
				}
			}
			slices.Sort(got)
			slices.Sort(tc.want)
			if !slices.Equal(got, tc.want) {
				t.Errorf("planned %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCompileReport_AutoInterimStartsTheInterimReviewOnce(t *testing.T) {
	for _, auto := range []bool{false, true} {
		t.Run(map[bool]string{false: "lead starts it", true: "autoInterim"}[auto], func(t *testing.T) {
			f := newFixture(t)
			c, _ := f.store.GetCompany(f.ctx, "bank-pl")
			c.Settings = &audit.CompanySettings{AutoInterim: auto}
			if err := f.store.SaveCompany(f.ctx, c); err != nil {
				t.Fatal(err)
			}
			f.wf = New(f.store, f.exec, f.note, f.clock, Config{ReviewStateMachineArn: "arn:review"}, nil)
			rv := &audit.Review{ID: "bank-pl-2026-h2", CompanyID: "bank-pl", StandardVersion: "v2", Status: audit.ReviewRunning,
				Window: audit.Window{Opens: t0, Closes: t0.Add(DefaultWindow)}, CreatedAt: t0}
			if err := f.store.CreateReview(f.ctx, rv); err != nil {
				t.Fatal(err)
			}
			walked := at("2026-11-15T10:00:00Z")
			r := audit.Result{ID: "res-1", CompanyID: "bank-pl", ReviewID: rv.ID, TouchpointID: "acc.ivr-info", JourneyID: "account-opening",
				Channel: audit.ChannelIVR, WalkthroughID: "w-1", AuditorID: "s-010", StandardVersion: "v2", Valuation: -1,
				WalkedAt: walked, ScoredAt: walked, QA: &audit.QA{Status: audit.QAApproved, Since: walked, Auto: true, DecidedAt: walked}}
			if err := f.store.PutResults(f.ctx, []audit.Result{r}); err != nil {
				t.Fatal(err)
			}
			f.clock.t = at("2027-01-10T09:00:00Z") // the January review is over; July is too late for 2027-02-15
			for range 2 {
				if _, err := f.wf.Reviews.CompileReport(f.ctx, ReviewRef{ReviewID: rv.ID}); err != nil {
					t.Fatal(err)
				}
			}
			in, err := f.wf.Reviews.ProposeInterim(f.ctx, "bank-pl")
			if err != nil || in.Proposal == nil || !slices.Equal(in.Proposal.Scope.Touchpoints, []string{"acc.ivr-info"}) ||
				in.Proposal.OpenBy.Format(time.DateOnly) != "2027-02-15" {
				t.Fatalf("proposal %+v, %v", in, err)
			}
			_, started := f.exec.started[in.ReviewID]
			if started != auto {
				t.Fatalf("interim review %s started: %v, want %v", in.ReviewID, started, auto)
			}
			if !auto {
				return
			}
			got, err := f.store.GetReview(f.ctx, in.ReviewID)
			if err != nil || !slices.Equal(got.Scope.Touchpoints, []string{"acc.ivr-info"}) || got.CreatedBy != audit.TrailActorSystem {
				t.Fatalf("interim review %+v, %v", got, err)
			}
		})
	}
}
