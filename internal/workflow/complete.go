package workflow

import (
	"context"

	"touchaudit/internal/audit"
)

// Reviews, completion: count ended audits on the review, wake the review
// execution after the last one, expire what is open when the window closes,
// record failures. Track is the one function that serves them.

// CloseInput names an audit that reached its end.
type CloseInput struct {
	AssignmentID string `json:"assignmentId"`
}

// CloseOutput tells whether the whole review is now complete.
type CloseOutput struct {
	ReviewID       string `json:"reviewId"`
	Done           int    `json:"done"`
	Assignments    int    `json:"assignments"`
	ReviewComplete bool   `json:"reviewComplete"`
}

// CloseAudit moves a scored assignment to closed and counts it done on the
// review with a conditional counter (never a scan). The call that completes
// the review wakes the review execution.
func (s *Reviews) CloseAudit(ctx context.Context, in CloseInput) (CloseOutput, error) {
	a, err := s.updateAssignment(ctx, in.AssignmentID, func(a *audit.Assignment) (bool, error) {
		if a.Status != audit.StatusScored {
			return false, nil
		}
		return true, a.MoveTo(audit.StatusClosed, s.clock.Now())
	})
	if err != nil {
		return CloseOutput{}, err
	}
	if !a.Status.Final() {
		return CloseOutput{}, conflict("assignment %s is %s, not ended", a.ID, a.Status)
	}
	return s.markDone(ctx, a.ReviewID, a.ID)
}

// AwaitInput is the waitForTaskToken task in which the review execution
// waits for its last assignment.
type AwaitInput struct {
	ReviewID  string `json:"reviewId"`
	TaskToken string `json:"taskToken"`
}

// AwaitReview stores the review's callback token. If every assignment ended
// already (or there are none), it signals at once. Whichever of AwaitReview
// and the last CloseAudit writes second sees the other's write, so the
// review is always woken.
func (s *Reviews) AwaitReview(ctx context.Context, in AwaitInput) (CloseOutput, error) {
	r, err := s.store.GetReview(ctx, in.ReviewID)
	if err != nil {
		return CloseOutput{}, err
	}
	if r.TaskToken != in.TaskToken {
		r.TaskToken = in.TaskToken
		if err := s.store.UpdateReview(ctx, r); err != nil {
			return CloseOutput{}, err
		}
		if r, err = s.store.GetReview(ctx, in.ReviewID); err != nil {
			return CloseOutput{}, err
		}
	}
	out := CloseOutput{ReviewID: r.ID, Done: r.Done, Assignments: r.Assignments, ReviewComplete: r.Complete()}
	if out.ReviewComplete {
		r.TaskToken = in.TaskToken
		if err := s.wakeReview(ctx, r); err != nil {
			return out, err
		}
	}
	return out, nil
}

// ExpireOpen ends the review's walks still open when its window has closed
// (the review's wait timed out): each expires and counts as done.
func (s *Reviews) ExpireOpen(ctx context.Context, in ReviewRef) (CloseOutput, error) {
	out := CloseOutput{ReviewID: in.ReviewID}
	open, err := s.assignmentsIn(ctx, in.ReviewID, audit.StatusPlanned, audit.StatusAssigned, audit.StatusStarted)
	if err != nil {
		return out, err
	}
	for i := range open {
		a := &open[i]
		a.Failure = "review window closed before the walk was submitted"
		if err := a.MoveTo(audit.StatusExpired, s.clock.Now()); err != nil {
			return out, err
		}
		switch err := s.store.UpdateAssignment(ctx, a); {
		case audit.IsCode(err, audit.Conflict):
			continue // it moved on meanwhile (a late submission): its audit counts it
		case err != nil:
			return out, err
		}
		if out, err = s.markDone(ctx, in.ReviewID, a.ID); err != nil {
			return out, err
		}
	}
	return out, nil
}

// FailureInput is what a Catch hands to the failure recorder.
type FailureInput struct {
	AssignmentID string `json:"assignmentId,omitempty"`
	ReviewID     string `json:"reviewId,omitempty"`
	Error        string `json:"error"`
	Cause        string `json:"cause"`
}

// RecordAuditFailure records why an audit execution failed: the assignment
// expires with the cause kept, and counts as done so the review can finish.
func (s *Reviews) RecordAuditFailure(ctx context.Context, in FailureInput) (CloseOutput, error) {
	a, err := s.updateAssignment(ctx, in.AssignmentID, func(a *audit.Assignment) (bool, error) {
		if a.Status.Final() {
			return false, nil
		}
		a.Failure = failureText(in)
		if a.Status == audit.StatusSubmitted || a.Status == audit.StatusScored || a.Status == audit.StatusReturned {
			// A walk was recorded; keep it and close the assignment with the cause.
			return true, a.MoveTo(audit.StatusClosed, s.clock.Now())
		}
		return true, a.MoveTo(audit.StatusExpired, s.clock.Now())
	})
	if err != nil {
		return CloseOutput{}, err
	}
	if a.Status == audit.StatusReassigned {
		// Its replacement counts for it.
		return CloseOutput{ReviewID: a.ReviewID}, nil
	}
	return s.markDone(ctx, a.ReviewID, a.ID)
}

// RecordReviewFailure marks the review failed with the cause.
func (s *Reviews) RecordReviewFailure(ctx context.Context, in FailureInput) (ReviewOutput, error) {
	r, err := s.store.GetReview(ctx, in.ReviewID)
	if err != nil {
		return ReviewOutput{}, err
	}
	if r.Status != audit.ReviewFailed {
		r.Status, r.Failure = audit.ReviewFailed, failureText(in)
		if err := s.store.UpdateReview(ctx, r); err != nil {
			return ReviewOutput{}, err
		}
	}
	return reviewOutput(r), nil
}

func failureText(in FailureInput) string {
	t := in.Error
	if in.Cause != "" {
		t += ": " + in.Cause
	}
	if len(t) > 1000 {
		t = t[:1000]
	}
	return t
}

// ReviewOutput is what the review-level tasks return.
type ReviewOutput struct {
	ReviewID    string             `json:"reviewId"`
	Status      audit.ReviewStatus `json:"status"`
	Assignments int                `json:"assignments"`
	Done        int                `json:"done"`
}

func reviewOutput(r *audit.Review) ReviewOutput {
	return ReviewOutput{ReviewID: r.ID, Status: r.Status, Assignments: r.Assignments, Done: r.Done}
}

// TrackInput is the completion tracker's input: one function serves the
// review's counter in its few forms, named by Op.
type TrackInput struct {
	Op           string `json:"op"`
	ReviewID     string `json:"reviewId,omitempty"`
	AssignmentID string `json:"assignmentId,omitempty"`
	TaskToken    string `json:"taskToken,omitempty"`
	Error        string `json:"error,omitempty"`
	Cause        string `json:"cause,omitempty"`
}

// Track ops.
const (
	TrackClose        = "close"        // an audit ended: count it
	TrackAwait        = "await"        // the review waits for its last audit
	TrackExpireOpen   = "expire-open"  // the review window closed
	TrackAuditFailed  = "audit-failed" // an audit execution failed: record it and count it
	TrackReviewFailed = "review-failed"
	TrackReconcile    = "reconcile" // a sweep: signal stored walks whose signal was lost
)

// TrackOutput is Track's answer: the review's counter, and for a sweep what
// it did and how long the review waits next.
type TrackOutput struct {
	CloseOutput
	*SweepOutput
}

// Track is the completion-tracking task.
func (s *Reviews) Track(ctx context.Context, in TrackInput) (TrackOutput, error) {
	if in.Op == TrackReconcile {
		sw, err := s.Reconcile(ctx, ReviewRef{ReviewID: in.ReviewID})
		return TrackOutput{CloseOutput: CloseOutput{ReviewID: sw.ReviewID}, SweepOutput: &sw}, err
	}
	out, err := s.track(ctx, in)
	return TrackOutput{CloseOutput: out}, err
}

func (s *Reviews) track(ctx context.Context, in TrackInput) (CloseOutput, error) {
	switch in.Op {
	case TrackClose:
		return s.CloseAudit(ctx, CloseInput{AssignmentID: in.AssignmentID})
	case TrackAwait:
		return s.AwaitReview(ctx, AwaitInput{ReviewID: in.ReviewID, TaskToken: in.TaskToken})
	case TrackExpireOpen:
		return s.ExpireOpen(ctx, ReviewRef{ReviewID: in.ReviewID})
	case TrackAuditFailed:
		return s.RecordAuditFailure(ctx, FailureInput{AssignmentID: in.AssignmentID, Error: in.Error, Cause: in.Cause})
	case TrackReviewFailed:
		r, err := s.RecordReviewFailure(ctx, FailureInput{ReviewID: in.ReviewID, Error: in.Error, Cause: in.Cause})
		return CloseOutput{ReviewID: r.ReviewID, Done: r.Done, Assignments: r.Assignments}, err
	}
	return CloseOutput{}, invalidField("op", "must be one of close, await, expire-open, audit-failed, review-failed, reconcile")
}
