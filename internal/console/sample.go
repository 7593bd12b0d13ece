package console

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/scoring"
)

// Sample names what SeedSample stored.
type Sample struct {
	CompanyID string
	// Previous and Current are the two recorded half-year reviews, completed
	// with their reports; Running is a review in progress with walks in
	// every status, some of them late.
	Previous, Current, Running string
}

// The sample's reviews (the recorded walkthroughs name the first two).
const (
	SamplePrevious = "rv-2025-h2"
	SampleCurrent  = "rv-2026-h2"
	SampleRunning  = "rv-2027-h1"
)

// SeedSample fills a store with the sample company and reviews, for the
// console's tests and `touchaudit local --demo`: testdata is the
// repository's testdata directory (company/, walkthroughs/,
// walkthroughs/previous/, walkthroughs/costs/fix-costs.json). The two
// recorded reviews are scored with internal/scoring as `touchaudit score`
// does and stored as the workflow stores them (assignments, submissions,
// results, the review and its report); the running review is assignments
// only, with no execution behind it. now places the running review's
// window (it opened ten days before now).
func SeedSample(ctx context.Context, store audit.Store, testdata string, now time.Time) (Sample, error) {
	co, err := audit.LoadCompanyDir(filepath.Join(testdata, "company"))
	if err != nil {
		return Sample{}, err
	}
	if err := store.SaveCompany(ctx, co); err != nil {
		return Sample{}, err
	}
	eng, err := scoring.New(co)
	if err != nil {
		return Sample{}, err
	}
	var costs map[string]float64
	b, err := os.ReadFile(filepath.Join(testdata, "walkthroughs", "costs", "fix-costs.json"))
	if err != nil {
		return Sample{}, err
	}
	if err := json.Unmarshal(b, &costs); err != nil {
		return Sample{}, fmt.Errorf("fix costs: %w", err)
	}
	prevRes, prevWalks, err := seedReview(ctx, store, eng, filepath.Join(testdata, "walkthroughs", "previous"),
		audit.Review{ID: SamplePrevious, CompanyID: co.ID, Name: "Przegląd półroczny II/2025", StandardVersion: "v1", Seed: 41,
			Window: audit.Window{Opens: time.Date(2025, 11, 3, 8, 0, 0, 0, time.UTC), Closes: time.Date(2025, 12, 15, 8, 0, 0, 0, time.UTC)}},
		scoring.ReportInput{Costs: costs})
	if err != nil {
		return Sample{}, err
	}
	if _, _, err := seedReview(ctx, store, eng, filepath.Join(testdata, "walkthroughs"),
		audit.Review{ID: SampleCurrent, CompanyID: co.ID, Name: "Przegląd półroczny II/2026", StandardVersion: "v2", Seed: 42,
			PreviousReviewID: SamplePrevious, FixCosts: costs,
			Window: audit.Window{Opens: time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC), Closes: time.Date(2026, 12, 14, 8, 0, 0, 0, time.UTC)}},
		scoring.ReportInput{PreviousReviewID: SamplePrevious, Previous: prevRes, PreviousWalkthroughs: prevWalks, Costs: costs}); err != nil {
		return Sample{}, err
	}
	if err := seedRunning(ctx, store, eng, co, filepath.Join(testdata, "walkthroughs"), now); err != nil {
		return Sample{}, err
	}
	return Sample{CompanyID: co.ID, Previous: SamplePrevious, Current: SampleCurrent, Running: SampleRunning}, nil
}

// seedReview stores one recorded review as completed, with its report.
func seedReview(ctx context.Context, store audit.Store, eng *scoring.Engine, dir string, rv audit.Review, in scoring.ReportInput) ([]audit.Result, []audit.Walkthrough, error) {
	recs, err := scoring.ReadWalkthroughs(dir)
	if err != nil {
		return nil, nil, err
	}
	rv.Status, rv.CreatedAt, rv.CreatedBy = audit.ReviewCompleted, rv.Window.Opens.Add(-7*24*time.Hour), "s-001"
	walks := map[string]int{}
	var results []audit.Result
	var stored []audit.Walkthrough
	for _, rec := range recs {
		w := rec.Walkthrough
		walks[w.TouchpointID]++
		a := audit.Assignment{ID: fmt.Sprintf("%s.%s.w%d", rv.ID, w.TouchpointID, walks[w.TouchpointID]), CompanyID: rv.CompanyID,
			ReviewID: rv.ID, TouchpointID: w.TouchpointID, AuditorID: w.AuditorID, Status: audit.StatusStarted,
			Due: rv.Window.Closes, Walk: walks[w.TouchpointID], StandardVersion: rv.StandardVersion, UpdatedAt: rv.Window.Opens}
		if err := store.PutAssignments(ctx, []audit.Assignment{a}); err != nil {
			return nil, nil, err
		}
		w.AssignmentID, w.ReviewID = a.ID, rv.ID
		done := a
		done.Status, done.WalkthroughID, done.SubmissionID, done.UpdatedAt = audit.StatusScored, w.ID, "seed-"+a.ID, w.SubmittedAt
		if _, err := store.RecordSubmission(ctx, audit.Submission{ID: "seed-" + a.ID, PayloadHash: "seed", Assignment: done, Walkthrough: w, At: w.SubmittedAt}); err != nil {
			return nil, nil, err
		}
		r, err := eng.ScoreRecorded(&rec, time.Time{})
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", rec.Path(), err)
		}
		r.ID, r.ReviewID, r.AssignmentID = w.ID, rv.ID, a.ID
		results = append(results, r)
		stored = append(stored, w)
		rv.Assignments++
		rv.Staffed++
		rv.Done++
	}
	if err := store.CreateReview(ctx, &rv); err != nil {
		return nil, nil, err
	}
	if err := store.PutResults(ctx, results); err != nil {
		return nil, nil, err
	}
	in.ReviewID, in.Results, in.Walkthroughs = rv.ID, results, stored
	for _, r := range results {
		if r.ScoredAt.After(in.GeneratedAt) {
			in.GeneratedAt = r.ScoredAt
		}
	}
	rep, err := eng.Report(in)
	if err != nil {
		return nil, nil, err
	}
	b, err := json.Marshal(rep)
	if err != nil {
		return nil, nil, err
	}
	return results, stored, store.SaveReport(ctx, rv.ID, b)
}

// runningStatuses is the cycle of statuses the running sample's walks get.
var runningStatuses = []audit.AssignmentStatus{audit.StatusScored, audit.StatusAssigned, audit.StatusStarted, audit.StatusSubmitted,
	audit.StatusScored, audit.StatusAssigned, audit.StatusReassigned, audit.StatusExpired, audit.StatusPlanned}

// seedRunning stores a review in progress: two walks of each of the first
// journey's touchpoints, in a cycle of statuses, due every other day from
// the opening, so the open ones due before now are late. Its scored walks
// are the recorded walks of their touchpoints (dir) scored again and put
// through the QA gate's rule (seedQueue).
func seedRunning(ctx context.Context, store audit.Store, eng *scoring.Engine, co *audit.Company, dir string, now time.Time) error {
	opens := now.UTC().Add(-10 * 24 * time.Hour).Truncate(time.Hour)
	rv := audit.Review{ID: SampleRunning, CompanyID: co.ID, Name: "Przegląd półroczny I/2027", StandardVersion: "v2", Seed: 43,
		PreviousReviewID: SampleCurrent, Status: audit.ReviewRunning, CreatedAt: opens, CreatedBy: "s-001",
		Window: audit.Window{Opens: opens, Closes: opens.Add(42 * 24 * time.Hour)}}
	auditors := co.Auditors()
	var as []audit.Assignment
	k := 0
	for _, ref := range co.Touchpoints() {
		if ref.JourneyID != co.Journeys[0].ID {
			continue
		}
		for walk := 1; walk <= 2; walk++ {
			st := runningStatuses[k%len(runningStatuses)]
			a := audit.Assignment{ID: fmt.Sprintf("%s.%s.w%d", rv.ID, ref.ID, walk), CompanyID: co.ID, ReviewID: rv.ID, TouchpointID: ref.ID,
				Status: st, Due: opens.Add(time.Duration(2*(k%12)+1) * 24 * time.Hour), Walk: walk, StandardVersion: rv.StandardVersion, UpdatedAt: opens}
			if st != audit.StatusPlanned {
				a.AuditorID = auditors[(k*7)%len(auditors)].ID
			}
			if st.Open() && a.Due.Before(now) && k%3 == 0 {
				a.Reminders = 1
			}
			as = append(as, a)
			rv.Assignments++
			if st != audit.StatusPlanned && st != audit.StatusExpired {
				rv.Staffed++
			}
			if st.Final() || st == audit.StatusScored {
				rv.Done++
			}
			k++
		}
	}
	if err := store.PutAssignments(ctx, as); err != nil {
		return err
	}
	if err := store.CreateReview(ctx, &rv); err != nil {
		return err
	}
	return seedQueue(ctx, store, eng, as, dir, now)
}

// sampleFlags are GPS evidence flags of the running sample's branch visits
// (audit.CheckInFlags' wording), so the QA queue shows why they wait.
var sampleFlags = map[string][]string{
	"acc.branch-waw-marszalkowska": {audit.FlagFarFromBranch + ": 850 m"},
	"acc.branch-gdn-grunwaldzka":   {audit.FlagPoorAccuracy + ": 180 m"},
}

// seedQueue stores a result for each scored walk of the running review:
// the first recorded walk of its touchpoint, scored and judged by the
// standard's QA rule as the gate does. Those the rule does not approve
// wait on the QA queue, from one to a few days before now; the last one
// approved is appealed by the lead who started the review.
func seedQueue(ctx context.Context, store audit.Store, eng *scoring.Engine, as []audit.Assignment, dir string, now time.Time) error {
	recs, err := scoring.ReadWalkthroughs(dir)
	if err != nil {
		return err
	}
	first := map[string]scoring.Recorded{}
	for _, rec := range recs {
		if _, ok := first[rec.Walkthrough.TouchpointID]; !ok {
			first[rec.Walkthrough.TouchpointID] = rec
		}
	}
	var results []audit.Result
	approved := -1
	for i, a := range as {
		rec, ok := first[a.TouchpointID]
		if a.Status != audit.StatusScored || !ok {
			continue
		}
		w := rec.Walkthrough
		w.ID, w.AssignmentID, w.ReviewID, w.AuditorID = "wt-"+a.ID, a.ID, a.ReviewID, a.AuditorID
		rec.Walkthrough = w
		done := a
		done.WalkthroughID, done.SubmissionID = w.ID, "seed-"+a.ID
		if _, err := store.RecordSubmission(ctx, audit.Submission{ID: "seed-" + a.ID, PayloadHash: "seed", Assignment: done, Walkthrough: w, At: w.SubmittedAt}); err != nil {
			return err
		}
		r, err := eng.ScoreRecorded(&rec, time.Time{})
		if err != nil {
			return fmt.Errorf("%s: %w", rec.Path(), err)
		}
		r.ID, r.ReviewID, r.AssignmentID, r.EvidenceFlags = w.ID, a.ReviewID, a.ID, sampleFlags[a.TouchpointID]
		since := now.Add(-time.Duration(len(as)-i) * 3 * time.Hour).Truncate(time.Minute)
		std, _ := eng.Standard(r.StandardVersion)
		if why := std.QA.NotAutoApproved(audit.QAFacts{Valuation: r.Valuation, EvidenceFlags: r.EvidenceFlags}); len(why) > 0 {
			r.QA = &audit.QA{Status: audit.QAPending, Since: since, Why: why}
		} else {
			r.QA = &audit.QA{Status: audit.QAApproved, Since: since, Auto: true, DecidedBy: audit.TrailActorSystem, DecidedAt: since}
			approved = len(results)
		}
		results = append(results, r)
	}
	if approved >= 0 {
		r := &results[approved]
		r.Appeal = &audit.Appeal{By: "s-001", Role: audit.RoleLead, At: r.QA.DecidedAt.Add(2 * time.Hour), Status: audit.AppealOpen, From: r.Valuation,
			Reason: "Nagranie rozmowy pokazuje, że konsultant podał następny krok; audytor tego nie odnotował."}
	}
	return store.PutResults(ctx, results)
}
