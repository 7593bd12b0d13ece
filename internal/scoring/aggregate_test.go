package scoring

import (
	"slices"
	"testing"
	"time"

	"touchaudit/internal/audit"
)

func TestMedian(t *testing.T) {
	cases := []struct {
		name string
		in   []audit.Valuation
		want audit.Valuation
	}{
		{"none", nil, 0},
		{"one", []audit.Valuation{2}, 2},
		{"odd", []audit.Valuation{1, -2, 0}, 0},
		{"even takes the lower middle", []audit.Valuation{-1, 1}, -1},
		{"even four", []audit.Valuation{2, 2, 0, -1}, 0},
		{"even equal middles", []audit.Valuation{0, 0, 1, -2}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Median(c.in); got != c.want {
				t.Errorf("Median(%v) = %+d, want %+d", c.in, got, c.want)
			}
		})
	}
}

func res(id, tp, auditor string, v audit.Valuation, walked time.Time) audit.Result {
	return audit.Result{ID: id, WalkthroughID: id, TouchpointID: tp, AuditorID: auditor, Valuation: v, StandardVersion: "v2", WalkedAt: walked, ScoredAt: walked}
}

func TestAggregate_MedianDisagreementAndFlags(t *testing.T) {
	e := testEngine(t)
	cases := []struct {
		name     string
		vals     []audit.Valuation
		median   audit.Valuation
		disagree bool
	}{
		{"agree", []audit.Valuation{0, 0}, 0, false},
		{"differ by one", []audit.Valuation{-1, 0}, -1, false},
		{"differ by two", []audit.Valuation{-1, 1}, -1, true},
		{"three walks, one outlier", []audit.Valuation{2, 0, 0}, 0, true},
		{"single walk", []audit.Valuation{-2}, -2, false},
		{"differ by three", []audit.Valuation{-2, 1}, -2, true},
		{"four walks, extremes two apart", []audit.Valuation{-1, 0, 0, 1}, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var rs []audit.Result
			for i, v := range c.vals {
				rs = append(rs, res(string(rune('a'+i)), "branch-open", "a"+string(rune('1'+i)), v, t0))
			}
			ts := e.Aggregate(rs, nil)
			if len(ts) != 1 {
				t.Fatalf("got %d touchpoints", len(ts))
			}
			s := ts[0]
			if s.Median != c.median || s.Disagreement != c.disagree || s.Walks != len(c.vals) {
				t.Errorf("median %+d disagreement %v walks %d; want %+d %v", s.Median, s.Disagreement, s.Walks, c.median, c.disagree)
			}
			if !s.MomentOfTruth || s.CustomerEffort || s.JourneyID != "acct" || s.StageID != "sale" {
				t.Errorf("flags/refs = %+v", s)
			}
		})
	}
}

func TestAggregate_DisagreementIsBetweenAuditors(t *testing.T) {
	e := testEngine(t)
	cases := []struct {
		name     string
		walks    []audit.Result
		spread   int
		disagree bool
	}{
		{"two auditors two apart", []audit.Result{res("a", "branch-open", "a1", -1, t0), res("b", "branch-open", "a2", 1, t0)}, 2, true},
		{"one auditor's own walks two apart", []audit.Result{res("a", "branch-open", "a1", -1, t0), res("b", "branch-open", "a1", 1, t0)}, 2, false},
		{"a third auditor two from one of them", []audit.Result{res("a", "branch-open", "a1", -1, t0), res("b", "branch-open", "a1", 1, t0), res("c", "branch-open", "a2", 1, t0)}, 2, true},
		{"auditors one apart, one auditor's walks two apart", []audit.Result{res("a", "branch-open", "a1", -1, t0), res("b", "branch-open", "a1", 1, t0), res("c", "branch-open", "a2", 0, t0)}, 2, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := e.Aggregate(c.walks, nil)[0]
			if s.Spread != c.spread || s.Disagreement != c.disagree {
				t.Errorf("spread %d disagreement %v; want %d %v", s.Spread, s.Disagreement, c.spread, c.disagree)
			}
		})
	}
}

func TestRollups_ByStageJourneyAndChannel(t *testing.T) {
	e := testEngine(t)
	rs := []audit.Result{
		res("1", "ivr-hotline", "a1", -1, t0), res("2", "ivr-hotline", "a2", -1, t0),
		res("3", "branch-open", "a1", 2, t0), res("4", "branch-open", "a2", 0, t0),
		res("5", "app-card", "a1", -2, t0),
	}
	ts := e.Aggregate(rs, nil)
	stages, journeys, channels := e.Rollups(ts)
	if len(stages) != 2 || stages[0].Key != "acct/sale" || stages[0].Touchpoints != 2 || stages[0].Mean != -0.5 || stages[0].Walks != 4 {
		t.Errorf("stages = %+v", stages)
	}
	if len(journeys) != 1 || journeys[0].Touchpoints != 3 || journeys[0].Min != -2 || journeys[0].Below0 != 2 ||
		journeys[0].MomentsOfTruth != 1 || journeys[0].CustomerEffort != 1 || journeys[0].Disagreements != 1 {
		t.Errorf("journeys = %+v", journeys)
	}
	var keys []string
	for _, c := range channels {
		keys = append(keys, c.Key)
	}
	if !slices.Equal(keys, []string{"ivr", "mobile_app", "branch"}) {
		t.Errorf("channel order = %v", keys)
	}
}

func TestGapsByJourney_TotalsByCause(t *testing.T) {
	e := testEngine(t)
	r1 := res("1", "ivr-hotline", "a1", -1, t0)
	r1.JourneyID = "acct"
	r1.Gaps = []audit.Gap{{CriterionID: "ivr-reach", Category: audit.GapTechnology, Weight: 2}, {CriterionID: "next-step", Category: audit.GapProcess, Weight: 2}}
	r2 := res("2", "branch-open", "a1", -2, t0)
	r2.JourneyID = "acct"
	r2.Gaps = []audit.Gap{{CriterionID: "id-check", Category: audit.GapPeople, Weight: 3}, {CriterionID: "next-step", Category: audit.GapProcess, Weight: 2}}
	g := e.GapsByJourney([]audit.Result{r1, r2})
	if len(g) != 1 {
		t.Fatalf("journeys = %d", len(g))
	}
	j := g[0]
	if j.Missed != 4 || j.People != (CauseTotal{1, 3}) || j.Process != (CauseTotal{2, 4}) || j.Technology != (CauseTotal{1, 2}) {
		t.Errorf("totals = %+v", j)
	}
	if j.Criteria[0].CriterionID != "next-step" || j.Criteria[0].Missed != 2 || !slices.Equal(j.Criteria[0].Touchpoints, []string{"ivr-hotline", "branch-open"}) {
		t.Errorf("criteria = %+v", j.Criteria)
	}
	if j.Criteria[0].Label.EN != "named the next step" {
		t.Errorf("label = %+v", j.Criteria[0].Label)
	}
}

func TestNextDue(t *testing.T) {
	c := audit.DefaultCadence()
	walked := time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)
	fix := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	newStd := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		in   DueInput
		want time.Time
		why  string
	}{
		{"-2 after its fix: one month", DueInput{Valuation: -2, VerifiedAt: walked, FixDoneAt: fix}, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), DueAfterFix},
		{"-2 fix marked done the moment of the walk", DueInput{Valuation: -2, VerifiedAt: walked, FixDoneAt: walked}, time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC), DueAfterFix},
		{"-2 fix marked done before the walk is not its fix", DueInput{Valuation: -2, VerifiedAt: walked, FixDoneAt: walked.Add(-audit.Day)}, time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC), DueAwaitingFix},
		{"-2 awaiting its fix: provisional month from the walk", DueInput{Valuation: -2, VerifiedAt: walked}, time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC), DueAwaitingFix},
		{"-2 at a moment of truth awaiting its fix", DueInput{Valuation: -2, MomentOfTruth: true, VerifiedAt: walked}, time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC), DueAwaitingFix},
		{"-1: 3 calendar months", DueInput{Valuation: -1, VerifiedAt: walked}, time.Date(2027, 2, 10, 12, 0, 0, 0, time.UTC), DueMinusOne},
		{"-1 at a moment of truth stays 3 months", DueInput{Valuation: -1, MomentOfTruth: true, VerifiedAt: walked}, time.Date(2027, 2, 10, 12, 0, 0, 0, time.UTC), DueMinusOne},
		{"0: 6 calendar months", DueInput{Valuation: 0, VerifiedAt: walked}, time.Date(2027, 5, 10, 12, 0, 0, 0, time.UTC), DueDefault},
		{"+2", DueInput{Valuation: 2, VerifiedAt: walked}, time.Date(2027, 5, 10, 12, 0, 0, 0, time.UTC), DueDefault},
		{"moment of truth at 0", DueInput{Valuation: 0, MomentOfTruth: true, VerifiedAt: walked}, time.Date(2027, 5, 10, 12, 0, 0, 0, time.UTC), DueDefault},
		{"disagreement", DueInput{Valuation: 1, Disagreement: true, VerifiedAt: walked}, time.Date(2027, 2, 10, 12, 0, 0, 0, time.UTC), DueDisagreement},
		{"new standard before the date: due at once", DueInput{Valuation: 0, VerifiedAt: walked, NewStandardFrom: newStd}, newStd, DueNewStandard},
		{"new standard already in force at the walk: due at the walk", DueInput{Valuation: 0, VerifiedAt: walked, NewStandardFrom: walked.Add(-audit.Day)}, walked, DueNewStandard},
		{"new standard after the date", DueInput{Valuation: -1, VerifiedAt: walked, NewStandardFrom: walked.Add(200 * audit.Day)}, time.Date(2027, 2, 10, 12, 0, 0, 0, time.UTC), DueMinusOne},
		{"new standard beats a -2 awaiting its fix", DueInput{Valuation: -2, VerifiedAt: walked, NewStandardFrom: walked.Add(5 * audit.Day)}, walked.Add(5 * audit.Day), DueNewStandard},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, why := NextDueWithReason(c, tc.in)
			if !got.Equal(tc.want) || why != tc.why {
				t.Errorf("got %s (%s), want %s (%s)", got, why, tc.want, tc.why)
			}
		})
	}
	t.Run("moment of truth caps a longer default", func(t *testing.T) {
		custom := audit.Cadence{Default: audit.Duration(365 * audit.Day)}
		got, why := NextDueWithReason(custom, DueInput{MomentOfTruth: true, VerifiedAt: walked})
		if !got.Equal(time.Date(2027, 5, 10, 12, 0, 0, 0, time.UTC)) || why != DueMomentOfTruth {
			t.Errorf("got %s (%s)", got, why)
		}
	})
	t.Run("configured intervals that are not whole months are durations", func(t *testing.T) {
		custom := audit.Cadence{MinusOne: audit.Duration(45 * audit.Day)}
		got, _ := NextDueWithReason(custom, DueInput{Valuation: -1, VerifiedAt: walked})
		if !got.Equal(walked.Add(45 * audit.Day)) {
			t.Errorf("got %s", got)
		}
	})
}

func TestAddInterval_CalendarMonths(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 9, 30, 0, 0, time.UTC) }
	cases := []struct {
		name string
		from time.Time
		iv   string
		want time.Time
	}{
		{"one month", d(2026, 11, 5), "30d", d(2026, 12, 5)},
		{"three months over the year end", d(2026, 11, 5), "90d", d(2027, 2, 5)},
		{"six months", d(2026, 11, 5), "180d", d(2027, 5, 5)},
		{"clamped to the month's last day", d(2026, 8, 31), "30d", d(2026, 9, 30)},
		{"clamped to February", d(2026, 11, 30), "90d", d(2027, 2, 28)},
		{"leap February", d(2027, 11, 30), "90d", d(2028, 2, 29)},
		{"a year", d(2026, 2, 28), "360d", d(2027, 2, 28)},
		{"not whole months: a duration", d(2026, 11, 5), "14d", d(2026, 11, 19)},
		{"hours: a duration", d(2026, 11, 5), "36h", d(2026, 11, 6).Add(12 * time.Hour)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := AddInterval(c.from, dur(c.iv)); !got.Equal(c.want) {
				t.Errorf("AddInterval(%s, %s) = %s, want %s", c.from, c.iv, got, c.want)
			}
		})
	}
}

func TestRecommend_FixesFirstThenFewDifferentiators(t *testing.T) {
	ts := []TouchpointSummary{
		{TouchpointID: "a", Median: -1, Reach: 0.9},
		{TouchpointID: "b", Median: -2, Reach: 0.1, MomentOfTruth: true, Reasons: []ReasonCount{{Reason: audit.Reason{CriterionID: "id-check", Effect: -2}, Walks: 1}},
			Gaps: []GapCount{{Gap: audit.Gap{CriterionID: "id-check", Category: audit.GapPeople, Weight: 3}, Walks: 1}}},
		{TouchpointID: "c", Median: -1, Reach: 0.2, CustomerEffort: true, Gaps: []GapCount{{Gap: audit.Gap{CriterionID: "x", Category: audit.GapTechnology, Weight: 1}, Walks: 2}}},
		{TouchpointID: "d", Median: 0, Reach: 0.8},
		{TouchpointID: "e", Median: 1, Reach: 0.5, MomentOfTruth: true},
		{TouchpointID: "f", Median: 0, Reach: 0.3, Disagreement: true},
		{TouchpointID: "g", Median: 2, Reach: 1},
		{TouchpointID: "h", Median: 0, Reach: 0.1},
		{TouchpointID: "i", Median: 0, Reach: 0.05},
	}
	got := Recommend(ts, map[string]float64{"a": 40, "b": 5}, RecommendOptions{})
	var fixes, diffs []string
	for _, r := range got.Fixes {
		fixes = append(fixes, r.TouchpointID)
	}
	for _, r := range got.Differentiators {
		diffs = append(diffs, r.TouchpointID)
	}
	// impact a = 1×1×0.9 = 0.9; b = 2×1.5×0.1 = 0.3; c = 1×1.5×0.2 = 0.3 (ties by id)
	if !slices.Equal(fixes, []string{"a", "b", "c"}) {
		t.Errorf("fixes = %v", fixes)
	}
	// candidates by weight×reach: d 0.8, e 0.75, h 0.1 (f disagrees, g is +2 already)
	if !slices.Equal(diffs, []string{"d", "e", "h"}) {
		t.Errorf("differentiators = %v", diffs)
	}
	a, b := got.Fixes[0], got.Fixes[1]
	if a.Impact != 0.9 || a.Cost != 40 || !a.CostEstimated || a.Quadrant != MajorProject {
		t.Errorf("a = %+v", a)
	}
	if b.Project != ProjectSoft || b.Quadrant != FillIn || !slices.Equal(b.Criteria, []string{"id-check"}) {
		t.Errorf("b = %+v", b)
	}
	if c := got.Fixes[2]; c.Project != ProjectHard || c.Cost != DefaultCost || c.CostEstimated {
		t.Errorf("c = %+v", c)
	}
	if d := got.Differentiators[0]; d.Target != 2 || d.Impact != 1.6 || d.Quadrant != QuickWin || d.Rank != 4 {
		t.Errorf("d = %+v", d)
	}
	if !slices.Equal(got.Matrix.QuickWins, []string{"d", "e"}) || !slices.Equal(got.Matrix.MajorProjects, []string{"a"}) {
		t.Errorf("matrix = %+v", got.Matrix)
	}
}

func TestQuadrant_Thresholds(t *testing.T) {
	opt := RecommendOptions{}
	cases := []struct {
		impact, cost float64
		want         string
	}{
		{0.5, 20, QuickWin}, {0.5, 20.01, MajorProject}, {0.49, 20, FillIn}, {0.49, 21, Thankless}, {2, 1, QuickWin},
	}
	for _, c := range cases {
		if got := Quadrant(c.impact, c.cost, opt); got != c.want {
			t.Errorf("Quadrant(%v, %v) = %s, want %s", c.impact, c.cost, got, c.want)
		}
	}
}

func TestRecommend_DifferentiatorsWhereTheStandardDefinesAPlusTwo(t *testing.T) {
	ts := []TouchpointSummary{
		{TouchpointID: "wide", Median: 0, Reach: 0.9},
		{TouchpointID: "narrow", Median: 0, Reach: 0.2, PlusTwo: []string{"contract-end-reminder"}},
	}
	got := Recommend(ts, nil, RecommendOptions{})
	if len(got.Differentiators) != 1 || got.Differentiators[0].TouchpointID != "narrow" || got.Differentiators[0].Criteria[0] != "contract-end-reminder" {
		t.Errorf("differentiators = %+v", got.Differentiators)
	}
}
