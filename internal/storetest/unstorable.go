package storetest

import (
	"strings"
	"testing"
	"time"

	"touchaudit/internal/audit"
)

// year10026 cannot be written as an RFC 3339 time (4-digit years), so a
// store that kept it would fail every later read, listing or scan of the item.
var year10026 = time.Date(10026, 3, 2, 9, 0, 0, 0, time.UTC)

// wantRefused checks that err is Invalid and names the field.
func wantRefused(t *testing.T, err error, field, what string) {
	t.Helper()
	wantCode(t, err, audit.Invalid, what)
	for _, p := range audit.ProblemsOf(err) {
		if p.Path == field && strings.Contains(p.Reason, "10026") {
			return
		}
	}
	t.Fatalf("%s: error %q does not name %s and year 10026", what, err, field)
}

// wantReadable checks that the assignment, its auditor's list and its
// review's listing all still read, and that the assignment is as before.
func wantReadable(t *testing.T, s audit.Store, before audit.Assignment) {
	t.Helper()
	got, err := s.GetAssignment(ctxOf(t), before.ID)
	must(t, err, "GetAssignment after a refused write")
	sameJSON(t, got, before, "assignment after a refused write")
	mine, _, err := s.ListAssignmentsByAuditor(ctxOf(t), before.CompanyID, before.AuditorID, audit.Page{})
	must(t, err, "ListAssignmentsByAuditor after a refused write")
	sameJSON(t, mine, []audit.Assignment{before}, "auditor's list after a refused write")
	listed, _, err := s.ListAssignmentsByReview(ctxOf(t), before.ReviewID, before.Status, audit.Page{})
	must(t, err, "ListAssignmentsByReview after a refused write")
	sameJSON(t, listed, []audit.Assignment{before}, "review's listing after a refused write")
	for _, st := range []audit.AssignmentStatus{audit.StatusSubmitted, audit.StatusStarted} {
		other, _, err := s.ListAssignmentsByReview(ctxOf(t), before.ReviewID, st, audit.Page{})
		must(t, err, "ListAssignmentsByReview("+string(st)+")")
		if len(other) != 0 {
			t.Fatalf("review lists %d %s assignments after a refused write, want 0", len(other), st)
		}
	}
}

// unstorableSubmissions are submissions with one year-10026 time each, and
// the field the refusal must name.
var unstorableSubmissions = []struct {
	name, field string
	mutate      func(*audit.Submission)
}{
	{"in the walkthrough", "walkthrough.timeline[0].end.server", func(s *audit.Submission) { s.Walkthrough.Timeline[0].End.Server = year10026 }},
	{"in the assignment", "assignment.updatedAt", func(s *audit.Submission) { s.Assignment.UpdatedAt = year10026 }},
	{"in the submission time", "at", func(s *audit.Submission) { s.At = year10026 }},
	{"in a promise", "walkthrough.promises[0].dueAt", func(s *audit.Submission) { s.Walkthrough.Promises[0].DueAt = year10026 }},
}

var unstorableCases = append(submissionRefusals(), []contractCase{
	{"an assignment update or put with a year-10026 time is refused", func(t *testing.T, s audit.Store) {
		a := putAssigned(t, s, "a1")
		upd := a
		upd.Due = year10026
		wantRefused(t, s.UpdateAssignment(ctxOf(t), &upd), "due", "UpdateAssignment")
		if upd.Version != a.Version {
			t.Fatalf("refused update moved the caller's version to %d, want %d", upd.Version, a.Version)
		}
		started := year10026
		other := newAssignment("a2", "r1", "staff-001", audit.StatusAssigned, t0)
		other.StartedAt = &started
		wantRefused(t, s.PutAssignments(ctxOf(t), []audit.Assignment{newAssignment("a0", "r1", "staff-001", audit.StatusAssigned, t0), other}), "startedAt", "PutAssignments")
		reopen(t, s)
		wantReadable(t, s, a)
		for _, id := range []string{"a0", "a2"} {
			_, err := s.GetAssignment(ctxOf(t), id)
			wantCode(t, err, audit.NotFound, "assignment "+id+" of a refused batch")
		}
	}},
	{"a result with a year-10026 time is refused and the listings still read", func(t *testing.T, s audit.Store) {
		good := newResult("r1", "rev1", "tp-1", t0, t0.Add(90*audit.Day))
		must(t, s.PutResults(ctxOf(t), []audit.Result{good}), "PutResults(good)")
		goodDue := dueItem("tp-1", t0.Add(90*audit.Day))
		must(t, s.PutSchedule(ctxOf(t), []audit.DueTouchpoint{goodDue}), "PutSchedule(good)")
		badDue := dueItem("tp-2", year10026)
		wantRefused(t, s.PutSchedule(ctxOf(t), []audit.DueTouchpoint{dueItem("tp-3", t0), badDue}), "nextDue", "PutSchedule(nextDue)")
		for _, c := range []struct {
			field  string
			mutate func(*audit.Result)
		}{
			{"nextDue", func(r *audit.Result) { r.NextDue = year10026 }},
			{"scoredAt", func(r *audit.Result) { r.ScoredAt = year10026 }},
		} {
			bad := newResult("r2", "rev1", "tp-1", t0.Add(audit.Day), t0.Add(10*audit.Day))
			c.mutate(&bad)
			other := newResult("r3", "rev1", "tp-2", t0, t0.Add(5*audit.Day))
			wantRefused(t, s.PutResults(ctxOf(t), []audit.Result{other, bad}), c.field, "PutResults("+c.field+")")
		}
		reopen(t, s)
		got, _, err := s.ListResultsByReview(ctxOf(t), "rev1", audit.Page{})
		must(t, err, "ListResultsByReview")
		sameJSON(t, got, []audit.Result{good}, "review's results after refused puts")
		hist, _, err := s.ListResultHistory(ctxOf(t), "bank", "tp-1", audit.Page{})
		must(t, err, "ListResultHistory")
		sameJSON(t, hist, []audit.Result{good}, "history after refused puts")
		dueNow, err := s.ListDueTouchpoints(ctxOf(t), "bank", t0.Add(1000*audit.Day))
		must(t, err, "ListDueTouchpoints")
		sameJSON(t, dueNow, []audit.DueTouchpoint{goodDue}, "schedule after refused puts")
	}},
	{"a review with a year-10026 window is refused", func(t *testing.T, s audit.Store) {
		r := newReview("spring-2026")
		must(t, s.CreateReview(ctxOf(t), r), "CreateReview")
		upd := *r
		upd.Window.Closes = year10026
		wantRefused(t, s.UpdateReview(ctxOf(t), &upd), "window.closes", "UpdateReview")
		bad := newReview("autumn-2026")
		bad.Window.Closes = year10026
		wantRefused(t, s.CreateReview(ctxOf(t), bad), "window.closes", "CreateReview")
		reopen(t, s)
		got, err := s.GetReview(ctxOf(t), r.ID)
		must(t, err, "GetReview")
		sameJSON(t, got, r, "review after a refused update")
		_, err = s.GetReview(ctxOf(t), bad.ID)
		wantCode(t, err, audit.NotFound, "GetReview of a refused review")
	}},
}...)

// submissionRefusals is one case per unstorable submission: refused whole,
// everything still reads, and the corrected submission then records.
func submissionRefusals() []contractCase {
	var cases []contractCase
	for _, c := range unstorableSubmissions {
		cases = append(cases, contractCase{"a submission with a year-10026 time " + c.name + " is refused whole", func(t *testing.T, s audit.Store) {
			a := putAssigned(t, s, "a1")
			sub := newSubmission("sub-1", "hash-1", a, "w1")
			c.mutate(&sub)
			_, err := s.RecordSubmission(ctxOf(t), sub)
			wantRefused(t, err, c.field, "RecordSubmission")
			reopen(t, s)
			wantReadable(t, s, a)
			_, err = s.GetWalkthrough(ctxOf(t), "w1")
			wantCode(t, err, audit.NotFound, "walkthrough of a refused submission")
			_, err = s.GetReceipt(ctxOf(t), "sub-1")
			wantCode(t, err, audit.NotFound, "receipt of a refused submission")
			// Nothing was kept: the corrected submission records at once.
			rc, err := s.RecordSubmission(ctxOf(t), newSubmission("sub-1", "hash-1", a, "w1"))
			must(t, err, "RecordSubmission(corrected)")
			if rc.Replayed || rc.AssignmentVersion != a.Version+1 {
				t.Fatalf("corrected submission: %+v, want a first recording at version %d", rc, a.Version+1)
			}
		}})
	}
	return cases
}
