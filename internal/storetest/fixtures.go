package storetest

import (
	"fmt"
	"time"

	"touchaudit/internal/audit"
)

// Fixture sizes match the sample bank (testdata/company): about 150 staff,
// 45 touchpoints and two standard sets, so the company item is as large as a
// real configuration (100-200 KB of JSON).
const (
	fixtureStaff       = 150
	fixtureJourneys    = 5
	fixtureStages      = 3
	fixtureTouchpoints = 3 // per stage: 5 × 3 × 3 = 45
)

func label(s string) audit.Label { return audit.Label{PL: s + " (pl)", EN: s} }

// newCompany builds a valid company configuration of the sample's size.
func newCompany(id string) *audit.Company {
	c := &audit.Company{ID: id, Name: label("Bank " + id)}
	regions := []string{"region-north", "region-south", "region-west"}
	for _, r := range regions {
		c.Units = append(c.Units, audit.Unit{ID: r, Kind: audit.UnitRegion, Name: label(r)})
	}
	for i := range 12 {
		c.Units = append(c.Units, audit.Unit{
			ID: fmt.Sprintf("branch-%02d", i), Kind: audit.UnitBranch, Name: label(fmt.Sprintf("Branch %d", i)),
			Region: regions[i%len(regions)], City: "Kraków",
		})
	}
	c.Units = append(c.Units, audit.Unit{ID: "dept-it", Kind: audit.UnitDepartment, Name: label("IT")})
	for i := range fixtureStaff {
		roles := []audit.Role{audit.RoleAuditor}
		if i%10 == 0 {
			roles = append(roles, audit.RoleLead)
		}
		c.Staff = append(c.Staff, audit.Staff{
			ID: fmt.Sprintf("staff-%03d", i), Name: fmt.Sprintf("Anna Kowalska-%03d", i),
			HomeUnit: fmt.Sprintf("branch-%02d", i%12), Region: regions[i%len(regions)],
			Languages: []audit.Lang{audit.Polish, audit.English}, Roles: roles,
			Email: fmt.Sprintf("staff-%03d@bank.example", i),
		})
	}
	var tps []string
	for j := range fixtureJourneys {
		jr := audit.Journey{ID: fmt.Sprintf("journey-%d", j), Name: label(fmt.Sprintf("Journey %d", j))}
		for s := range fixtureStages {
			st := audit.Stage{ID: fmt.Sprintf("stage-%d", s), Name: label(fmt.Sprintf("Stage %d", s))}
			for k := range fixtureTouchpoints {
				id := fmt.Sprintf("tp-%d-%d-%d", j, s, k)
				tps = append(tps, id)
				st.Touchpoints = append(st.Touchpoints, audit.Touchpoint{
					ID: id, Name: label("Touchpoint " + id), Channel: audit.Channels[(j+s+k)%len(audit.Channels)],
					OwnerUnit: "dept-it", MomentOfTruth: k == 0, Reach: 0.5,
					Facts:        []audit.FactSpec{{Key: "monthly_fee", Label: label("Monthly fee"), Kind: audit.FactMoney}},
					Instructions: label("Call the contact centre and ask about the monthly fee of the account"),
				})
			}
			jr.Stages = append(jr.Stages, st)
		}
		c.Journeys = append(c.Journeys, jr)
	}
	for v, from := range []string{"2025-01-01", "2026-01-01"} {
		set := audit.StandardSet{Version: fmt.Sprintf("v%d", v+1), Name: label(fmt.Sprintf("Standard v%d", v+1)), EffectiveFrom: audit.MustDate(from)}
		for i, tp := range tps {
			set.Criteria = append(set.Criteria,
				audit.Criterion{ID: fmt.Sprintf("greet-%d", i), Kind: audit.KindStep, Label: label("Greets the customer by name"), Weight: 1, Category: audit.GapPeople, Touchpoints: []string{tp}},
				audit.Criterion{ID: fmt.Sprintf("fee-%d", i), Kind: audit.KindFact, Label: label("States the monthly fee of the account correctly and in full"), Weight: 3, Critical: true, Category: audit.GapPeople, Touchpoints: []string{tp}, Channels: []audit.Channel{audit.ChannelBranch}, Fact: &audit.FactRef{Key: "monthly_fee"}},
				audit.Criterion{ID: fmt.Sprintf("wait-%d", i), Kind: audit.KindTiming, Label: label("Time to reach a consultant"), Weight: 2, Category: audit.GapProcess, Touchpoints: []string{tp},
					Timing: &audit.TimingSpec{Step: "reach_consultant", Target: audit.Duration(90 * time.Second), Limit: audit.Duration(5 * time.Minute)}},
			)
		}
		c.Standards = append(c.Standards, set)
	}
	return c
}

func newReview(id string) *audit.Review {
	return &audit.Review{
		ID: id, CompanyID: "bank", Name: "Spring review " + id,
		Scope:           audit.ReviewScope{Journeys: []string{"journey-0"}, WalksPerTouchpoint: 2, MaxPerAuditor: 6},
		Window:          audit.Window{Opens: t0, Closes: t0.Add(30 * audit.Day)},
		StandardVersion: "v2", Status: audit.ReviewPlanned, Seed: 42, CreatedAt: t0, CreatedBy: "staff-000",
	}
}

func newAssignment(id, review, auditor string, status audit.AssignmentStatus, due time.Time) audit.Assignment {
	return audit.Assignment{
		ID: id, CompanyID: "bank", ReviewID: review, TouchpointID: "tp-0-0-0", AuditorID: auditor,
		Status: status, Due: due, Walk: 1, UpdatedAt: t0,
	}
}

func newWalkthrough(id string, a audit.Assignment) audit.Walkthrough {
	two := 2
	return audit.Walkthrough{
		ID: id, AssignmentID: a.ID, ReviewID: a.ReviewID, CompanyID: a.CompanyID, TouchpointID: a.TouchpointID,
		AuditorID: a.AuditorID, StandardVersion: "v2", Resolved: true,
		Timeline: []audit.TimelineStep{{
			Key: "reach_consultant", Channel: audit.ChannelPhone,
			Start: audit.Stamp{Client: t0, Server: t0.Add(time.Second)},
			End:   audit.Stamp{Client: t0.Add(3 * time.Minute), Server: t0.Add(3*time.Minute + time.Second)},
		}},
		Answers:     []audit.Answer{{CriterionID: "greet-0", Value: audit.AnswerYes}, {CriterionID: "ivr-levels", Count: &two}},
		Facts:       []audit.FactRecord{{Key: "monthly_fee", Value: "9.99 PLN", Channel: audit.ChannelPhone}},
		Promises:    []audit.Promise{{ID: "p1", Text: "We will call you back within 24 h", MadeAt: t0, DueAt: t0.Add(24 * time.Hour), Outcome: audit.PromisePending}},
		Notes:       "Consultant was friendly; zażółć gęślą jaźń.",
		Evidence:    []string{"s3://evidence/" + id + "/call.m4a"},
		SubmittedAt: t0.Add(time.Hour),
	}
}

// newSubmission moves a (as read, with its stored version) to submitted.
func newSubmission(id, hash string, a audit.Assignment, walkthroughID string) audit.Submission {
	w := newWalkthrough(walkthroughID, a)
	next := a
	next.Status = audit.StatusSubmitted
	next.WalkthroughID = walkthroughID
	next.SubmissionID = id
	next.UpdatedAt = t0.Add(time.Hour)
	return audit.Submission{ID: id, PayloadHash: hash, Assignment: next, Walkthrough: w, At: t0.Add(time.Hour)}
}

func newResult(id, review, touchpoint string, scored time.Time, nextDue time.Time) audit.Result {
	return audit.Result{
		ID: id, CompanyID: "bank", ReviewID: review, TouchpointID: touchpoint, JourneyID: "journey-0",
		Channel: audit.ChannelPhone, WalkthroughID: "w-" + id, AssignmentID: "a-" + id, AuditorID: "staff-001",
		StandardVersion: "v2", Valuation: -1,
		Reasons:   []audit.Reason{{CriterionID: "wait-0", Kind: audit.KindTiming, Effect: -1, Detail: "4m10s over the 90s target"}},
		Gaps:      []audit.Gap{{CriterionID: "wait-0", Category: audit.GapProcess, Weight: 2}},
		Durations: map[string]audit.Duration{"wait-0": audit.Duration(250 * time.Second)},
		ScoredAt:  scored, NextDue: nextDue,
	}
}
