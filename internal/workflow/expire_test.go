package workflow

import (
	"testing"

	"touchaudit/internal/audit"
)

// TestExpireOpen_EndsEveryWalkStillOpenAtTheWindow: when the review window
// closes, a planned, an assigned and a started-but-never-submitted walk all
// expire and count as done; a submitted walk is left to its audit.
func TestExpireOpen_EndsEveryWalkStillOpenAtTheWindow(t *testing.T) {
	f := newFixture(t)
	assigned := f.assigned(t, "tok-1") // r1.acc.ivr-info.w1, by s-010
	more := []audit.Assignment{
		{ID: "r1.acc.ivr-info.w2", CompanyID: "bank-pl", ReviewID: "r1", TouchpointID: "acc.ivr-info", AuditorID: "s-010",
			Status: audit.StatusAssigned, Due: t0.Add(14 * audit.Day), Walk: 2, StandardVersion: "v2", UpdatedAt: t0},
		{ID: "r1.acc.ivr-info.w3", CompanyID: "bank-pl", ReviewID: "r1", TouchpointID: "acc.ivr-info", AuditorID: "s-010",
			Status: audit.StatusAssigned, Due: t0.Add(14 * audit.Day), Walk: 3, StandardVersion: "v2", UpdatedAt: t0},
		{ID: "r1.acc.ivr-info.w4", CompanyID: "bank-pl", ReviewID: "r1", TouchpointID: "acc.ivr-info",
			Status: audit.StatusPlanned, Due: t0.Add(14 * audit.Day), Walk: 4, StandardVersion: "v2", UpdatedAt: t0},
	}
	if err := f.store.PutAssignments(f.ctx, more); err != nil {
		t.Fatal(err)
	}
	r, err := f.store.GetReview(f.ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	r.Assignments = 4
	if err := f.store.UpdateReview(f.ctx, r); err != nil {
		t.Fatal(err)
	}
	// w2 is started and never submitted; w3 is submitted.
	if _, err := f.wf.Auditors.StartWalk(f.ctx, f.own(t, "s-010", "r1.acc.ivr-info.w2"), t0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.wf.Audits.Submit(f.ctx, SubmitRequest{SubmissionID: "s3", AssignmentID: "r1.acc.ivr-info.w3", AuditorID: "s-010", Walkthrough: walk()}); err != nil {
		t.Fatal(err)
	}

	f.clock.t = t0.Add(42 * audit.Day) // the window closes
	out, err := f.wf.Reviews.Track(f.ctx, TrackInput{Op: TrackExpireOpen, ReviewID: "r1"})
	if err != nil {
		t.Fatal(err)
	}
	if out.Done != 3 || out.Assignments != 4 || out.ReviewComplete {
		t.Errorf("expire-open: %+v, want 3 of 4 done and the review not complete", out)
	}
	want := map[string]audit.AssignmentStatus{
		assigned.ID:          audit.StatusExpired,
		"r1.acc.ivr-info.w2": audit.StatusExpired, // started, never submitted
		"r1.acc.ivr-info.w3": audit.StatusSubmitted,
		"r1.acc.ivr-info.w4": audit.StatusExpired,
	}
	for id, status := range want {
		a, err := f.store.GetAssignment(f.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != status {
			t.Errorf("%s is %s, want %s", id, a.Status, status)
		}
		if status == audit.StatusExpired && a.Failure != "review window closed before the walk was submitted" {
			t.Errorf("%s failure %q", id, a.Failure)
		}
	}
}
