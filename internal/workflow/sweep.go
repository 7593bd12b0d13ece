package workflow

import (
	"context"
	"encoding/json"
	"time"

	"touchaudit/internal/audit"
)

// Reviews, the sweep: a submission whose signal was lost (the Step Functions
// call failed after its retries, or the phone never saw the answer and gave
// up) must not wait for its audit's deadline. The review execution's wait
// for its last audit is cut into sweeps; each timeout runs Reconcile, which
// signals every stored walk whose audit still waits, and then waits again
// until the window and its grace are over (statemachines/review.asl.json:
// AwaitAudits → Reconcile → WindowOver → NextSweep).

// maxSweeps bounds how many sweeps one review makes. Each adds about 20
// history events (the wait, the Reconcile task, the choice, the pass), so
// 400 sweeps stay under a third of the 25,000-event quota of a Standard
// execution however long the window (AWS Step Functions quotas).
const maxSweeps = 400

// Bounds of the interval between sweeps: at most an hour's wait for a lost
// signal in a short review, at most a day in a long one.
const (
	minSweepInterval = time.Hour
	maxSweepInterval = 24 * time.Hour
)

// sweepInterval is how long the review waits between sweeps: its window
// and grace cut into maxSweeps, within the bounds above.
func sweepInterval(r *audit.Review) time.Duration {
	d := r.Window.Closes.Add(ReviewGrace).Sub(r.Window.Opens) / maxSweeps
	return min(max(d, minSweepInterval), maxSweepInterval)
}

// awaitSeconds is how long the review's next wait for its last audit lasts:
// until the next sweep, or until the window and its grace are over.
func (s *Reviews) awaitSeconds(r *audit.Review) int64 {
	now := s.clock.Now()
	end := r.Window.Closes.Add(ReviewGrace)
	return secondsUntil(now, minTime(end, now.Add(sweepInterval(r))))
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// SweepOutput is what a sweep did and how long the review waits next.
type SweepOutput struct {
	ReviewID string `json:"reviewId"`
	// Signalled counts the waiting audits told of their stored walk.
	Signalled int `json:"signalled"`
	// AwaitSeconds is the next wait; WindowOver ends the waiting.
	AwaitSeconds int64 `json:"awaitSeconds"`
	WindowOver   bool  `json:"windowOver"`
}

// Reconcile signals every submitted walk of the review whose audit still
// waits on its dispatch token. Sending success for a task that already
// ended is answered TaskTimedOut or InvalidToken and changes nothing, so a
// sweep never wakes an audit twice, and a retried sweep is harmless.
func (s *Reviews) Reconcile(ctx context.Context, in ReviewRef) (SweepOutput, error) {
	r, err := s.store.GetReview(ctx, in.ReviewID)
	if err != nil {
		return SweepOutput{}, err
	}
	out := SweepOutput{ReviewID: r.ID}
	submitted, err := s.assignmentsIn(ctx, r.ID, audit.StatusSubmitted)
	if err != nil {
		return out, err
	}
	for _, a := range submitted {
		if a.TaskToken == "" || a.WalkthroughID == "" {
			continue // not dispatched yet: Dispatch signals a submitted walk itself
		}
		msg, _ := json.Marshal(AuditSignal{WalkthroughID: a.WalkthroughID})
		switch err := s.exec.SendTaskSuccess(ctx, a.TaskToken, msg); {
		case err == nil:
			out.Signalled++
			s.logger().InfoContext(ctx, "sweep signalled a stored walk", "assignment", a.ID, "walkthrough", a.WalkthroughID)
		case isGoneTask(err):
			// The audit moved on already (scored, reminded, reassigned).
		default:
			return out, err
		}
	}
	s.remindDue(ctx, r)
	s.tellOverdueActions(ctx, r.CompanyID)
	now := s.clock.Now()
	if !now.Before(r.Window.Closes.Add(ReviewGrace)) {
		out.WindowOver = true
		return out, nil
	}
	out.AwaitSeconds = s.awaitSeconds(r)
	return out, nil
}

// Reminders before the deadline: the audit execution waits on one task
// token until the deadline, so it cannot wake early; the review's sweep,
// which runs at least every maxSweepInterval, reminds instead.
const (
	// ReminderAhead is how long before its deadline a walk is first
	// reminded of (issue 13: "2 days before").
	ReminderAhead = 2 * audit.Day
	// ReminderOnTheDay is the last day before the deadline ("on the day").
	ReminderOnTheDay = audit.Day
)

// reminderStage says which reminder is due for a deadline, or "" for none:
// a deadline within a day gets ReminderToday, within two days
// ReminderTwoDays; a sweep that comes late sends only the nearer one.
func reminderStage(now, due time.Time) string {
	left := due.Sub(now)
	switch {
	case due.IsZero() || left <= 0:
		return ""
	case left <= ReminderOnTheDay:
		return ReminderToday
	case left <= ReminderAhead:
		return ReminderTwoDays
	}
	return ""
}

// remindDue reminds the auditors of open walks whose deadline is near.
// Every sweep makes the reminders again; the Notifier sends each (stage,
// deadline) once (Notification.Key). Failures are logged: a reminder never
// stops a sweep.
func (s *Reviews) remindDue(ctx context.Context, r *audit.Review) {
	open, err := s.assignmentsIn(ctx, r.ID, audit.StatusAssigned, audit.StatusStarted)
	if err != nil {
		s.logger().WarnContext(ctx, "reminders not sent: assignments unreadable", "review", r.ID, "reason", err)
		return
	}
	now := s.clock.Now()
	for _, a := range open {
		stage := reminderStage(now, a.Due)
		if stage == "" || a.AuditorID == "" || a.WalkthroughID != "" {
			continue
		}
		s.tell(ctx, Notification{Kind: NotifyReminder, To: a.AuditorID, CompanyID: a.CompanyID, ReviewID: a.ReviewID,
			AssignmentID: a.ID, TouchpointID: a.TouchpointID, Due: a.Due, Stage: stage,
			Subject: audit.Label{PL: "Przypomnienie: zbliża się termin audytu", EN: "Reminder: your audit is due soon"}})
	}
}

// tellOverdueActions tells the company's leads of each corrective action
// past its due day. The message's key names the action and its due day, so
// a lead is told once per due day however often the sweep runs (the SES
// notifier and the outbox send a key once); moving the due day tells again.
// A failure to list is logged: it never stops the sweep.
func (s *Reviews) tellOverdueActions(ctx context.Context, companyID string) {
	overdue, err := listAll(ctx, func(p audit.Page) ([]audit.Action, string, error) {
		return s.store.ListOverdueActions(ctx, companyID, s.clock.Now(), p)
	})
	if err != nil {
		s.logger().WarnContext(ctx, "overdue actions not listed", "company", companyID, "reason", err)
		return
	}
	for _, a := range overdue {
		s.tellLeads(ctx, Notification{Kind: NotifyActionOverdue, CompanyID: companyID, ActionID: a.ID, TouchpointID: a.TouchpointID,
			Due: a.Due.Time(), Subject: audit.Label{PL: "Działanie naprawcze po terminie", EN: "A corrective action is overdue"}})
	}
}
