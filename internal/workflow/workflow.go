// Package workflow is the review workflow's use cases, one service each
// over shared dependencies (deps.go): Reviews plans a review, assigns
// auditors, starts audits, tracks completion and compiles the report;
// Audits dispatches an audit, takes its submission, scores it, verifies
// promises, reminds and reassigns on timeouts; Auditors is the auditor's
// view of their own assignments. New builds them all. The methods of shape
// func(ctx, In) (Out, error) are Step Functions tasks (one Lambda function
// in AWS, an in-process handler on the local engine; internal/functions
// names which), and every one is idempotent because Step Functions and
// Lambda retry.
package workflow

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"touchaudit/internal/audit"
)

// Executions is the part of Step Functions the workflow drives.
type Executions interface {
	// StartExecution starts a named execution. Starting the same name again
	// must not fail (names are assignment or review ids, so retries are safe).
	StartExecution(ctx context.Context, stateMachineArn, name string, input []byte) error
	// SendTaskSuccess completes a waiting task. It returns ErrTaskTimedOut or
	// ErrInvalidToken as AWS does when the task is gone.
	SendTaskSuccess(ctx context.Context, token string, output []byte) error
}

// ErrTaskTimedOut and ErrInvalidToken are Step Functions' answers for a
// callback that came too late or names no task. Adapters wrap them.
var (
	ErrTaskTimedOut = errors.New("TaskTimedOut")
	ErrInvalidToken = errors.New("InvalidToken")
)

// Notifier tells people about their work: auditors about assignments,
// deadlines and promise checks, leads about walks that expired or moved,
// the QA queue, reports and overdue actions. The workflow never fails a
// step because a message could not be sent (see deps.tell): an adapter
// keeps what it could not send and says so in its logs.
type Notifier interface {
	Notify(ctx context.Context, n Notification) error
}

// NotificationKind says why someone is told something.
type NotificationKind string

// To auditors.
const (
	// NotifyAssigned: a walk is the auditor's, due at Due.
	NotifyAssigned NotificationKind = "assigned"
	// NotifyReminder: the deadline Due is near (Stage says how near:
	// ReminderTwoDays or ReminderToday); sent by the review's sweep.
	NotifyReminder NotificationKind = "reminder"
	// NotifyOverdue: the deadline was missed; it was extended to Due, and a
	// second miss hands the walk to someone else.
	NotifyOverdue NotificationKind = "overdue"
	// NotifyReassigned: another auditor's missed walk is now this auditor's.
	NotifyReassigned NotificationKind = "reassigned"
	// NotifyPromiseDue: a promise made during the walk fell due; was it kept?
	NotifyPromiseDue NotificationKind = "promise_due"
	// NotifyReturned: a lead sent the walk back in QA with a note.
	NotifyReturned NotificationKind = "returned"
)

// To leads (one notification per lead of the company; see deps.tellLeads).
const (
	// NotifyWalkExpired: nobody else could take a walk after two missed
	// deadlines (AssignmentID, TouchpointID).
	NotifyWalkExpired NotificationKind = "walk_expired"
	// NotifyWalkReassigned: a walk moved to another auditor (AssignmentID is
	// the new assignment, AuditorID its auditor).
	NotifyWalkReassigned NotificationKind = "walk_reassigned"
	// NotifyQAWaiting: a result waits for a lead's QA decision (ResultID).
	NotifyQAWaiting NotificationKind = "qa_waiting"
	// NotifyQAEscalated: a result waited too long for a QA decision.
	NotifyQAEscalated NotificationKind = "qa_escalated"
	// NotifyAppealed: a valuation was appealed (ResultID).
	NotifyAppealed NotificationKind = "appealed"
	// NotifyReviewReady: the review's report is ready (ReviewID).
	NotifyReviewReady NotificationKind = "review_ready"
	// NotifyActionOverdue: an improvement action passed its due date
	// (ActionID, Due).
	NotifyActionOverdue NotificationKind = "action_overdue"
)

// Reminder stages (Notification.Stage of NotifyReminder).
const (
	ReminderTwoDays = "2d"
	ReminderToday   = "today"
)

// ForLeads reports whether the kind goes to the company's leads.
func (k NotificationKind) ForLeads() bool {
	switch k {
	case NotifyWalkExpired, NotifyWalkReassigned, NotifyQAWaiting, NotifyQAEscalated, NotifyAppealed, NotifyReviewReady, NotifyActionOverdue:
		return true
	}
	return false
}

// Notification is one message to one person (To is a staff id of
// CompanyID; adapters read the address and language from the company).
type Notification struct {
	Kind         NotificationKind `json:"kind"`
	To           string           `json:"to"`
	CompanyID    string           `json:"companyId,omitempty"`
	ReviewID     string           `json:"reviewId,omitempty"`
	AssignmentID string           `json:"assignmentId,omitempty"`
	TouchpointID string           `json:"touchpointId,omitempty"`
	PromiseID    string           `json:"promiseId,omitempty"`
	ActionID     string           `json:"actionId,omitempty"`
	ResultID     string           `json:"resultId,omitempty"`
	// AuditorID is the auditor a lead's message is about.
	AuditorID string    `json:"auditorId,omitempty"`
	Due       time.Time `json:"due,omitzero"`
	// Stage tells one message of a series from the next (reminders).
	Stage string `json:"stage,omitempty"`
	// Count is how many things wait (the QA queue).
	Count   int         `json:"count,omitempty"`
	Subject audit.Label `json:"subject"`
}

// Key identifies the message for idempotency: the same notification made by
// a retried Lambda or state machine has the same key, so it is sent once.
// It hashes what the message is about, never when it was made (the
// subject text is left out too: it is presentation).
func (n Notification) Key() string {
	due := ""
	if !n.Due.IsZero() {
		due = n.Due.UTC().Format(time.RFC3339)
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{string(n.Kind), n.CompanyID, n.To, n.ReviewID, n.AssignmentID,
		n.TouchpointID, n.PromiseID, n.ActionID, n.ResultID, n.AuditorID, due, n.Stage, strconv.Itoa(n.Count)}, "\x1f")))
	return hex.EncodeToString(sum[:16])
}

// Clock tells the time. Locally it is the engine's virtual clock, so that
// stored timestamps agree with the workflow's waits.
type Clock interface{ Now() time.Time }

// SystemClock is the wall clock.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now().UTC() }

// Config holds the workflow's settings; zero fields take the defaults.
type Config struct {
	// AuditStateMachineArn is started once per assignment.
	AuditStateMachineArn string
	// ReviewStateMachineArn is started once per review.
	ReviewStateMachineArn string
	// AssignmentPeriod is how long an auditor has for a walk (default 14 days),
	// never past the review window.
	AssignmentPeriod time.Duration
	// ReminderExtension is added to the deadline after the first miss (default 3 days).
	ReminderExtension time.Duration
	// PromiseGrace is waited after a promise falls due before asking the
	// auditor whether it was kept (default 4 hours).
	PromiseGrace time.Duration
	// PromiseAnswerTimeout bounds the wait for the auditor's answer (default 7 days).
	PromiseAnswerTimeout time.Duration
	// StartBatch is how many audit executions one start-audits call starts
	// at most (default 500).
	StartBatch int
}

func (c Config) withDefaults() Config {
	if c.AssignmentPeriod == 0 {
		c.AssignmentPeriod = 14 * audit.Day
	}
	if c.ReminderExtension == 0 {
		c.ReminderExtension = 3 * audit.Day
	}
	if c.PromiseGrace == 0 {
		c.PromiseGrace = 4 * time.Hour
	}
	if c.PromiseAnswerTimeout == 0 {
		c.PromiseAnswerTimeout = 7 * audit.Day
	}
	if c.StartBatch == 0 {
		c.StartBatch = 500
	}
	return c
}

// Workflow is the review workflow's use cases over one set of
// dependencies. main builds it once and hands each caller the use case it
// serves (a Lambda function one method, the HTTP API Reviews and Auditors).
type Workflow struct {
	// Reviews runs a review from start to report.
	Reviews *Reviews
	// Audits runs one assignment's audit: dispatch, submission, scoring,
	// promise checks, reminder and reassignment.
	Audits *Audits
	// Auditors is the auditor's own view of their assignments.
	Auditors *Auditors
	// Actions are the corrective actions a CX lead creates and moves.
	Actions *Actions
	// QA is the QA gate: auto-approval, the lead's queue and decisions.
	QA *QA
	// Appeals are challenges of approved valuations and their decisions.
	Appeals *Appeals
}

// New builds every use case over the same store, executions, notifier,
// clock, settings and logger (nil logs to slog's default at the time of
// the call); a nil clock is the wall clock.
func New(store audit.Store, exec Executions, notify Notifier, clock Clock, cfg Config, log *slog.Logger) *Workflow {
	d := newDeps(store, exec, notify, clock, cfg, log)
	audits := &Audits{deps: d}
	return &Workflow{
		Reviews:  &Reviews{deps: d},
		Audits:   audits,
		Auditors: &Auditors{deps: d, audits: audits},
		Actions:  &Actions{deps: d},
		QA:       &QA{deps: d},
		Appeals:  &Appeals{deps: d},
	}
}

// Reviews runs a review: start it, plan its walks, assign auditors, start
// one audit per walk, wait for them and track their completion, expire
// what is left when the window closes, compile the report. Files:
// review.go, complete.go, report.go.
type Reviews struct{ *deps }

// Audits runs one assignment's audit execution: dispatch it to its
// auditor, take the submission, score it, check its promises, remind and
// reassign on missed deadlines. Files: audit.go, score.go, reassign.go.
type Audits struct{ *deps }

// Auditors is what an auditor does with their own assignments: list them,
// read one, start the walk, save a draft, submit, answer promise checks.
// Every call but the listing takes an Owned assignment from Own. File:
// auditor.go.
type Auditors struct {
	*deps
	// audits records submissions and promise answers, as for the Lambda
	// functions.
	audits *Audits
}

// LogNotifier is the Notifier that writes each notification as a log record.
type LogNotifier struct{ Log *slog.Logger }

func (n LogNotifier) Notify(ctx context.Context, m Notification) error {
	l := n.Log
	if l == nil {
		l = slog.Default()
	}
	l.InfoContext(ctx, "notify", "kind", m.Kind, "to", m.To, "assignment", m.AssignmentID,
		"touchpoint", m.TouchpointID, "promise", m.PromiseID, "due", m.Due, "stage", m.Stage, "subject", m.Subject.EN, "key", m.Key())
	return nil
}
