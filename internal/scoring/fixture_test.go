package scoring

import (
	"testing"
	"time"

	"touchaudit/internal/audit"
)

// A small company for the rule tests: one journey with an IVR, a branch
// visit (moment of truth) and a mobile-app step, and two standard versions.
func lbl(s string) audit.Label { return audit.Label{PL: s + " (pl)", EN: s} }

func dur(s string) audit.Duration {
	d, err := audit.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return d
}

func testCompany() *audit.Company {
	to := audit.MustDate("2026-07-01")
	v1 := []audit.Criterion{
		{ID: "next-step", Kind: audit.KindStep, Label: lbl("named the next step"), Weight: 2, Category: audit.GapProcess, Channels: []audit.Channel{audit.ChannelBranch, audit.ChannelIVR, audit.ChannelMobileApp}},
		{ID: "id-check", Kind: audit.KindStep, Label: lbl("checked the ID"), Weight: 3, Critical: true, Category: audit.GapPeople, Touchpoints: []string{"branch-open"}},
		{ID: "ivr-reach", Kind: audit.KindTiming, Label: lbl("time to a consultant"), Weight: 2, Category: audit.GapTechnology, Touchpoints: []string{"ivr-hotline"},
			Timing: &audit.TimingSpec{Step: "reach_consultant", Target: dur("60s"), Limit: dur("3m")}},
		{ID: "ivr-levels", Kind: audit.KindEffort, Label: lbl("IVR menu levels"), Weight: 1, Category: audit.GapTechnology, Touchpoints: []string{"ivr-hotline"},
			Effort: &audit.EffortSpec{Measure: audit.EffortIVRMenuLevels, Target: 3}},
		{ID: "docs-send", Kind: audit.KindEffort, Label: lbl("documents to send"), Weight: 2, Category: audit.GapProcess, Touchpoints: []string{"branch-open"},
			Effort: &audit.EffortSpec{Measure: audit.EffortDocuments, Target: 0, CompanyWork: true}},
		{ID: "switches", Kind: audit.KindEffort, Label: lbl("channel switches"), Weight: 1, Category: audit.GapProcess, Touchpoints: []string{"app-card"},
			Effort: &audit.EffortSpec{Measure: audit.EffortChannelSwitches, Target: 1}},
		{ID: "prep-docs", Kind: audit.KindExceed, Label: lbl("offered to prepare the documents"), Weight: 1, Category: audit.GapPeople, Touchpoints: []string{"branch-open"},
			Exceed: &audit.ExceedSpec{Level: 1}},
		{ID: "remind-end", Kind: audit.KindExceed, Label: lbl("offered a reminder before the contract ends"), Weight: 1, Category: audit.GapPeople, Touchpoints: []string{"branch-open"},
			Exceed: &audit.ExceedSpec{Level: 2}},
		{ID: "callback", Kind: audit.KindPromise, Label: lbl("promised a callback"), Weight: 2, Category: audit.GapProcess, Touchpoints: []string{"ivr-hotline", "branch-open"},
			Promise: &audit.PromiseSpec{DueWithin: dur("1d")}},
		{ID: "fee-stated", Kind: audit.KindFact, Label: lbl("stated the monthly fee"), Weight: 1, Category: audit.GapPeople, Touchpoints: []string{"branch-open", "app-card"},
			Fact: &audit.FactRef{Key: "monthly_fee"}},
		{ID: "e2e", Kind: audit.KindTiming, Label: lbl("application to card"), Weight: 2, Category: audit.GapProcess, Touchpoints: []string{"app-card"},
			Timing: &audit.TimingSpec{Target: dur("3d"), Limit: dur("10d")}},
	}
	v2 := append([]audit.Criterion{}, v1...)
	v2[2].Timing = &audit.TimingSpec{Step: "reach_consultant", Target: dur("30s"), Limit: dur("2m")}
	v2 = append(v2[:3], v2[4:]...) // v2 drops ivr-levels
	v2 = append(v2, audit.Criterion{ID: "no-repeat", Kind: audit.KindEffort, Label: lbl("asked to repeat data"), Weight: 1, Category: audit.GapTechnology,
		Touchpoints: []string{"ivr-hotline"}, Effort: &audit.EffortSpec{Measure: audit.EffortRepeatRequests, Target: 0}})
	fee := []audit.FactSpec{{Key: "monthly_fee", Label: lbl("monthly fee"), Kind: audit.FactMoney}}
	return &audit.Company{
		ID: "bank-test", Name: lbl("Test bank"),
		Units: []audit.Unit{
			{ID: "r1", Kind: audit.UnitRegion, Name: lbl("Region")},
			{ID: "b1", Kind: audit.UnitBranch, Name: lbl("Branch"), Region: "r1", City: "Kraków"},
			{ID: "cc", Kind: audit.UnitDepartment, Name: lbl("Contact centre")},
		},
		Staff: []audit.Staff{
			{ID: "a1", Name: "Anna Nowak", HomeUnit: "b1", Region: "r1", Languages: []audit.Lang{audit.Polish}, Roles: []audit.Role{audit.RoleAuditor}},
			{ID: "a2", Name: "Piotr Wiśniewski", HomeUnit: "cc", Region: "r1", Languages: []audit.Lang{audit.Polish}, Roles: []audit.Role{audit.RoleAuditor}},
		},
		Journeys: []audit.Journey{{ID: "acct", Name: lbl("Account opening"), Stages: []audit.Stage{
			{ID: "sale", Name: lbl("Up to signing"), Touchpoints: []audit.Touchpoint{
				{ID: "ivr-hotline", Name: lbl("Hotline"), Channel: audit.ChannelIVR, OwnerUnit: "cc", CustomerEffort: true, Reach: 0.5, Instructions: lbl("call")},
				{ID: "branch-open", Name: lbl("Branch visit"), Channel: audit.ChannelBranch, OwnerUnit: "b1", MomentOfTruth: true, Reach: 0.4, Facts: fee, Instructions: lbl("visit")},
			}},
			{ID: "after", Name: lbl("Fulfilment"), Touchpoints: []audit.Touchpoint{
				{ID: "app-card", Name: lbl("Card in the app"), Channel: audit.ChannelMobileApp, OwnerUnit: "cc", Reach: 0.6, Facts: fee, Instructions: lbl("apply")},
			}},
		}}},
		Standards: []audit.StandardSet{
			{Version: "v1", Name: lbl("Standard 2025"), EffectiveFrom: audit.MustDate("2025-01-01"), EffectiveTo: &to, Criteria: v1},
			{Version: "v2", Name: lbl("Standard 2026"), EffectiveFrom: to, Criteria: v2},
		},
	}
}

func testEngine(t testing.TB) *Engine {
	t.Helper()
	e, err := New(testCompany())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

var t0 = time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)

func st(t time.Time) audit.Stamp { return audit.Stamp{Client: t, Server: t.Add(2 * time.Second)} }

func step(key string, ch audit.Channel, from, to time.Duration) audit.TimelineStep {
	return audit.TimelineStep{Key: key, Channel: ch, Start: st(t0.Add(from)), End: st(t0.Add(to))}
}

func yes(id string) audit.Answer { return audit.Answer{CriterionID: id, Value: audit.AnswerYes} }
func no(id string) audit.Answer  { return audit.Answer{CriterionID: id, Value: audit.AnswerNo} }
func na(id string) audit.Answer  { return audit.Answer{CriterionID: id, Value: audit.AnswerNA} }
func count(id string, n int) audit.Answer {
	return audit.Answer{CriterionID: id, Count: &n}
}

// branchWalk meets every branch criterion of v2 with no behaviour beyond.
func branchWalk() audit.Walkthrough {
	return audit.Walkthrough{
		ID: "w-branch", ReviewID: "rv-2026-h2", CompanyID: "bank-test", TouchpointID: "branch-open", AuditorID: "a1",
		StandardVersion: "v2", Resolved: true,
		Timeline: []audit.TimelineStep{step("queue", audit.ChannelBranch, 0, 5*time.Minute), step("meeting", audit.ChannelBranch, 5*time.Minute, 30*time.Minute)},
		Answers:  []audit.Answer{yes("next-step"), yes("id-check"), count("docs-send", 0), no("prep-docs"), no("remind-end"), na("callback")},
		Facts:    []audit.FactRecord{{Key: "monthly_fee", Value: "0 zł", Channel: audit.ChannelBranch}},
	}
}

func ivrWalk(reach time.Duration) audit.Walkthrough {
	return audit.Walkthrough{
		ID: "w-ivr", ReviewID: "rv-2026-h2", CompanyID: "bank-test", TouchpointID: "ivr-hotline", AuditorID: "a2",
		StandardVersion: "v2", Resolved: true,
		Timeline: []audit.TimelineStep{step("menu", audit.ChannelIVR, 0, 40*time.Second), step("reach_consultant", audit.ChannelIVR, 40*time.Second, 40*time.Second+reach),
			step("talk", audit.ChannelPhone, 40*time.Second+reach, 40*time.Second+reach+4*time.Minute)},
		Answers: []audit.Answer{yes("next-step"), count("no-repeat", 0), na("callback")},
	}
}
