// Package workflow is the review workflow's use cases: plan a review, assign
// auditors, start and dispatch audits, take submissions, score, verify
// promises, remind and reassign on timeouts, track completion and compile the
// report. Each exported method of Service is one Step Functions task (one
// Lambda function in AWS, an in-process handler on the local engine) with the
// shape func(ctx, In) (Out, error), and every one is idempotent because
// Step Functions and Lambda retry.
package workflow

import (
	"context"
	"errors"
	"log/slog"
	"sync"
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

// Notifier tells auditors about their work (assignments, reminders, promise
// checks). The log adapter writes structured logs; SES or SNS can follow.
type Notifier interface {
	Notify(ctx context.Context, n Notification) error
}

// NotificationKind says why an auditor is told something.
type NotificationKind string

const (
	NotifyAssigned    NotificationKind = "assigned"
	NotifyReminder    NotificationKind = "reminder"
	NotifyReassigned  NotificationKind = "reassigned"
	NotifyPromiseDue  NotificationKind = "promise_due"
	NotifyReviewReady NotificationKind = "review_ready"
)

// Notification is one message to one person.
type Notification struct {
	Kind         NotificationKind `json:"kind"`
	To           string           `json:"to"`
	AssignmentID string           `json:"assignmentId,omitempty"`
	TouchpointID string           `json:"touchpointId,omitempty"`
	PromiseID    string           `json:"promiseId,omitempty"`
	Due          time.Time        `json:"due,omitzero"`
	Subject      audit.Label      `json:"subject"`
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

// Service runs the workflow's tasks.
type Service struct {
	store  audit.Store
	exec   Executions
	notify Notifier
	clock  Clock
	cfg    Config
	log    *slog.Logger

	scorersOnce sync.Once
	scorers     *scorers
}

// New returns a Service.
func New(store audit.Store, exec Executions, notify Notifier, clock Clock, cfg Config, log *slog.Logger) *Service {
	if clock == nil {
		clock = SystemClock{}
	}
	return &Service{store: store, exec: exec, notify: notify, clock: clock, cfg: cfg.withDefaults(), log: log}
}

// logger is the configured logger, or slog's default at the time of the
// call (Lambda installs its request-scoped logger after wiring).
func (s *Service) logger() *slog.Logger {
	if s.log != nil {
		return s.log
	}
	return slog.Default()
}

// LogNotifier is the Notifier that writes each notification as a log record.
type LogNotifier struct{ Log *slog.Logger }

func (n LogNotifier) Notify(ctx context.Context, m Notification) error {
	l := n.Log
	if l == nil {
		l = slog.Default()
	}
	l.InfoContext(ctx, "notify", "kind", m.Kind, "to", m.To, "assignment", m.AssignmentID,
		"touchpoint", m.TouchpointID, "promise", m.PromiseID, "due", m.Due, "subject", m.Subject.EN)
	return nil
}

// Assignment reads one assignment (for tools and the local runner).
func (s *Service) Assignment(ctx context.Context, id string) (*audit.Assignment, error) {
	return s.store.GetAssignment(ctx, id)
}

// maxUpdateAttempts bounds a read-modify-write that keeps losing the
// version race to another writer of the same assignment (the auditor's
// phone, a dispatch, a promise check falling due at the same time).
const maxUpdateAttempts = 5

// updateAssignment reads an assignment, applies change and stores it under
// optimistic locking, reading and applying again when another writer got
// there first. change reports whether there is anything to write.
func (s *Service) updateAssignment(ctx context.Context, id string, change func(a *audit.Assignment) (bool, error)) (*audit.Assignment, error) {
	for attempt := 1; ; attempt++ {
		a, err := s.store.GetAssignment(ctx, id)
		if err != nil {
			return nil, err
		}
		write, err := change(a)
		if err != nil || !write {
			return a, err
		}
		a.UpdatedAt = s.clock.Now()
		err = s.store.UpdateAssignment(ctx, a)
		if err == nil || !audit.IsCode(err, audit.Conflict) || attempt == maxUpdateAttempts {
			return a, err
		}
	}
}
