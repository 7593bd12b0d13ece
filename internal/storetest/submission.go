package storetest

import (
	"sync"
	"testing"
	"time"

	"touchaudit/internal/audit"
)

// concurrentSubmitters is how many goroutines send the same submission at
// once: offline phones resync, API Gateway retries and Step Functions redrive
// can all repeat one submission.
const concurrentSubmitters = 50

// putAssigned stores one assigned assignment and returns it as read.
func putAssigned(t *testing.T, s audit.Store, id string) audit.Assignment {
	t.Helper()
	a := newAssignment(id, "r1", "staff-001", audit.StatusAssigned, t0.Add(24*time.Hour))
	must(t, s.PutAssignments(ctxOf(t), []audit.Assignment{a}), "PutAssignments")
	got, err := s.GetAssignment(ctxOf(t), id)
	must(t, err, "GetAssignment")
	return *got
}

// wantUnchanged checks that the assignment is stored as before and that
// neither the walkthrough nor the submission id were recorded.
func wantUnchanged(t *testing.T, s audit.Store, before audit.Assignment, walkthroughID string) {
	t.Helper()
	got, err := s.GetAssignment(ctxOf(t), before.ID)
	must(t, err, "GetAssignment")
	sameJSON(t, got, before, "stored assignment after a refused submission")
	_, err = s.GetWalkthrough(ctxOf(t), walkthroughID)
	wantCode(t, err, audit.NotFound, "walkthrough of a refused submission")
}

var submissionCases = []contractCase{
	{"records assignment, walkthrough and receipt together", func(t *testing.T, s audit.Store) {
		a := putAssigned(t, s, "a1")
		sub := newSubmission("sub-1", "hash-1", a, "w1")
		rc, err := s.RecordSubmission(ctxOf(t), sub)
		must(t, err, "RecordSubmission")
		want := audit.Receipt{SubmissionID: "sub-1", AssignmentID: "a1", WalkthroughID: "w1", AssignmentVersion: a.Version + 1, PayloadHash: "hash-1", RecordedAt: sub.At}
		sameJSON(t, rc, want, "receipt")
		reopen(t, s)
		stored, err := s.GetAssignment(ctxOf(t), "a1")
		must(t, err, "GetAssignment")
		wantA := sub.Assignment
		wantA.Version = a.Version + 1
		sameJSON(t, stored, wantA, "stored assignment")
		w, err := s.GetWalkthrough(ctxOf(t), "w1")
		must(t, err, "GetWalkthrough")
		sameJSON(t, w, sub.Walkthrough, "walkthrough")
		listed, _, err := s.ListAssignmentsByReview(ctxOf(t), "r1", audit.StatusSubmitted, audit.Page{})
		must(t, err, "ListAssignmentsByReview(submitted)")
		sameJSON(t, listed, []audit.Assignment{wantA}, "submitted assignments")
	}},
	{"a retry with the same payload replays the stored receipt", func(t *testing.T, s audit.Store) {
		a := putAssigned(t, s, "a1")
		sub := newSubmission("sub-1", "hash-1", a, "w1")
		first, err := s.RecordSubmission(ctxOf(t), sub)
		must(t, err, "RecordSubmission")
		reopen(t, s)
		retry := sub
		retry.At = sub.At.Add(5 * time.Minute) // the retry arrives later
		again, err := s.RecordSubmission(ctxOf(t), retry)
		must(t, err, "RecordSubmission(retry)")
		if !again.Replayed || first.Replayed {
			t.Fatalf("Replayed: first %v, retry %v; want false, true", first.Replayed, again.Replayed)
		}
		again.Replayed = false
		sameJSON(t, again, first, "replayed receipt")
		read, err := s.GetReceipt(ctxOf(t), "sub-1")
		must(t, err, "GetReceipt")
		sameJSON(t, read, first, "receipt read back")
		_, err = s.GetReceipt(ctxOf(t), "sub-unknown")
		wantCode(t, err, audit.NotFound, "receipt of an unknown submission")
		stored, err := s.GetAssignment(ctxOf(t), "a1")
		must(t, err, "GetAssignment")
		if stored.Version != a.Version+1 {
			t.Fatalf("assignment version = %d after a replay, want %d", stored.Version, a.Version+1)
		}
	}},
	{"the same id with another payload is a conflict", func(t *testing.T, s audit.Store) {
		a := putAssigned(t, s, "a1")
		sub := newSubmission("sub-1", "hash-1", a, "w1")
		_, err := s.RecordSubmission(ctxOf(t), sub)
		must(t, err, "RecordSubmission")
		after, err := s.GetAssignment(ctxOf(t), "a1")
		must(t, err, "GetAssignment")
		other := newSubmission("sub-1", "hash-2", *after, "w2")
		_, err = s.RecordSubmission(ctxOf(t), other)
		wantCode(t, err, audit.Conflict, "RecordSubmission(same id, other hash)")
		wantUnchanged(t, s, *after, "w2")
	}},
	{"a submission against a changed assignment is a conflict and stores nothing", func(t *testing.T, s audit.Store) {
		a := putAssigned(t, s, "a1")
		read := a
		a.Reminders = 1
		must(t, s.UpdateAssignment(ctxOf(t), &a), "UpdateAssignment")
		sub := newSubmission("sub-1", "hash-1", read, "w1")
		_, err := s.RecordSubmission(ctxOf(t), sub)
		wantCode(t, err, audit.Conflict, "RecordSubmission(stale)")
		wantUnchanged(t, s, a, "w1")
		// Nothing of the refused submission was kept: the same id now succeeds.
		sub = newSubmission("sub-1", "hash-1", a, "w1")
		rc, err := s.RecordSubmission(ctxOf(t), sub)
		must(t, err, "RecordSubmission(fresh version)")
		if rc.Replayed || rc.AssignmentVersion != a.Version+1 {
			t.Fatalf("receipt %+v: want a first recording at version %d", rc, a.Version+1)
		}
	}},
	{"a second submission for the same assignment version is a conflict", func(t *testing.T, s audit.Store) {
		a := putAssigned(t, s, "a1")
		_, err := s.RecordSubmission(ctxOf(t), newSubmission("sub-1", "hash-1", a, "w1"))
		must(t, err, "RecordSubmission")
		after, err := s.GetAssignment(ctxOf(t), "a1")
		must(t, err, "GetAssignment")
		_, err = s.RecordSubmission(ctxOf(t), newSubmission("sub-2", "hash-2", a, "w2"))
		wantCode(t, err, audit.Conflict, "RecordSubmission(other id, old version)")
		wantUnchanged(t, s, *after, "w2")
	}},
	{"reusing a walkthrough id is a conflict", func(t *testing.T, s audit.Store) {
		a1 := putAssigned(t, s, "a1")
		a2 := putAssigned(t, s, "a2")
		_, err := s.RecordSubmission(ctxOf(t), newSubmission("sub-1", "hash-1", a1, "w1"))
		must(t, err, "RecordSubmission")
		_, err = s.RecordSubmission(ctxOf(t), newSubmission("sub-2", "hash-2", a2, "w1"))
		wantCode(t, err, audit.Conflict, "RecordSubmission(reused walkthrough id)")
		got, err := s.GetAssignment(ctxOf(t), "a2")
		must(t, err, "GetAssignment")
		sameJSON(t, got, a2, "assignment of the refused submission")
		w, err := s.GetWalkthrough(ctxOf(t), "w1")
		must(t, err, "GetWalkthrough")
		if w.AssignmentID != "a1" {
			t.Fatalf("walkthrough w1 now belongs to %s, want a1", w.AssignmentID)
		}
	}},
	{"a submission for a missing assignment is not found", func(t *testing.T, s audit.Store) {
		a := newAssignment("ghost", "r1", "staff-001", audit.StatusAssigned, t0)
		_, err := s.RecordSubmission(ctxOf(t), newSubmission("sub-1", "hash-1", a, "w1"))
		wantCode(t, err, audit.NotFound, "RecordSubmission(missing assignment)")
		_, err = s.GetWalkthrough(ctxOf(t), "w1")
		wantCode(t, err, audit.NotFound, "walkthrough of a refused submission")
	}},
	{"an invalid submission is refused", func(t *testing.T, s audit.Store) {
		a := putAssigned(t, s, "a1")
		for name, mutate := range map[string]func(*audit.Submission){
			"no id":             func(s *audit.Submission) { s.ID = "" },
			"no payload hash":   func(s *audit.Submission) { s.PayloadHash = "" },
			"no walkthrough id": func(s *audit.Submission) { s.Walkthrough.ID = "" },
			"invalid assignment": func(s *audit.Submission) {
				s.Assignment.Status = "lost"
			},
		} {
			sub := newSubmission("sub-1", "hash-1", a, "w1")
			mutate(&sub)
			_, err := s.RecordSubmission(ctxOf(t), sub)
			wantCode(t, err, audit.Invalid, name)
		}
		wantUnchanged(t, s, a, "w1")
	}},
	{"50 concurrent duplicates make one state change and share one receipt", func(t *testing.T, s audit.Store) {
		a := putAssigned(t, s, "a1")
		sub := newSubmission("sub-1", "hash-1", a, "w1")
		receipts := make([]audit.Receipt, concurrentSubmitters)
		errs := make([]error, concurrentSubmitters)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range concurrentSubmitters {
			wg.Add(1)
			go func() {
				defer wg.Done()
				mine := sub
				// Each copy arrives at its own time: only the first one's
				// time may be recorded.
				mine.At = sub.At.Add(time.Duration(i) * time.Second)
				<-start
				receipts[i], errs[i] = s.RecordSubmission(ctxOf(t), mine)
			}()
		}
		close(start)
		wg.Wait()
		var first *audit.Receipt
		for i, err := range errs {
			must(t, err, "RecordSubmission")
			if !receipts[i].Replayed {
				if first != nil {
					t.Fatalf("two submissions were recorded, not replayed: %+v and %+v", *first, receipts[i])
				}
				first = &receipts[i]
			}
		}
		if first == nil {
			t.Fatal("every submission says it was replayed; none recorded")
		}
		for i := range receipts {
			r := receipts[i]
			r.Replayed = false
			sameJSON(t, r, *first, "receipt of submitter")
		}
		if first.AssignmentVersion != a.Version+1 {
			t.Fatalf("receipt version %d, want %d", first.AssignmentVersion, a.Version+1)
		}
		stored, err := s.GetAssignment(ctxOf(t), "a1")
		must(t, err, "GetAssignment")
		if stored.Version != a.Version+1 || stored.Status != audit.StatusSubmitted {
			t.Fatalf("stored assignment version %d status %s, want version %d submitted (one state change)", stored.Version, stored.Status, a.Version+1)
		}
		w, err := s.GetWalkthrough(ctxOf(t), "w1")
		must(t, err, "GetWalkthrough")
		sameJSON(t, w, sub.Walkthrough, "the one walkthrough")
		other := sub
		other.PayloadHash = "hash-2"
		_, err = s.RecordSubmission(ctxOf(t), other)
		wantCode(t, err, audit.Conflict, "same id with another payload after the race")
		t.Logf("%d concurrent submitters: one recorded at %s, %d replayed", concurrentSubmitters, first.RecordedAt.Format(time.RFC3339), concurrentSubmitters-1)
	}},
}

var walkthroughCases = []contractCase{
	{"missing walkthrough is not found", func(t *testing.T, s audit.Store) {
		_, err := s.GetWalkthrough(ctxOf(t), "nope")
		wantCode(t, err, audit.NotFound, "GetWalkthrough(missing)")
	}},
	{"batch read returns the ones found in the order asked", func(t *testing.T, s audit.Store) {
		var want []audit.Walkthrough
		for _, id := range []string{"a1", "a2", "a3"} {
			a := putAssigned(t, s, id)
			sub := newSubmission("sub-"+id, "hash", a, "w-"+id)
			_, err := s.RecordSubmission(ctxOf(t), sub)
			must(t, err, "RecordSubmission")
			want = append(want, sub.Walkthrough)
		}
		got, err := s.GetWalkthroughs(ctxOf(t), []string{"w-a3", "missing", "w-a1", "w-a2", "w-a3"})
		must(t, err, "GetWalkthroughs")
		sameJSON(t, got, []audit.Walkthrough{want[2], want[0], want[1]}, "walkthroughs")
		none, err := s.GetWalkthroughs(ctxOf(t), nil)
		must(t, err, "GetWalkthroughs(none)")
		if len(none) != 0 {
			t.Fatalf("GetWalkthroughs(nil) = %d items", len(none))
		}
	}},
}
