package audit

import (
	"fmt"
	"time"
)

// AssignmentStatus is where one auditor's walk of one touchpoint stands.
type AssignmentStatus string

const (
	StatusPlanned    AssignmentStatus = "planned"
	StatusAssigned   AssignmentStatus = "assigned"
	StatusStarted    AssignmentStatus = "started"
	StatusSubmitted  AssignmentStatus = "submitted"
	StatusScored     AssignmentStatus = "scored"
	StatusClosed     AssignmentStatus = "closed"
	StatusExpired    AssignmentStatus = "expired"
	StatusReassigned AssignmentStatus = "reassigned"
	// StatusReturned is a scored walk a lead rejected in QA: it is back with
	// its auditor, with the lead's note, until they submit it again.
	StatusReturned AssignmentStatus = "returned"
)

// transitions is the assignment life cycle: the only legal moves.
//
//	planned → assigned → started → submitted → scored → closed
//	planned|assigned|started → expired     (no eligible auditor, or the window closed)
//	assigned|started → reassigned          (second deadline missed; a new assignment replaces it)
//	submitted → closed                     (the workflow failed after the walk was stored; the cause is kept)
//	scored → returned                      (a lead rejected the result in QA: the walk goes back to its auditor)
//	returned → started|submitted           (the auditor walks it again and submits)
//	returned → closed                      (not submitted again in time, or the workflow failed; the rejected result does not count)
var transitions = map[AssignmentStatus][]AssignmentStatus{
	StatusPlanned:    {StatusAssigned, StatusExpired},
	StatusAssigned:   {StatusStarted, StatusSubmitted, StatusExpired, StatusReassigned},
	StatusStarted:    {StatusSubmitted, StatusExpired, StatusReassigned},
	StatusSubmitted:  {StatusScored, StatusClosed},
	StatusScored:     {StatusClosed, StatusReturned},
	StatusReturned:   {StatusStarted, StatusSubmitted, StatusClosed},
	StatusClosed:     nil,
	StatusExpired:    nil,
	StatusReassigned: nil,
}

// Transition checks the move from one status to another. It is the one place
// the assignment life cycle is decided.
func Transition(from, to AssignmentStatus) error {
	next, known := transitions[from]
	if !known {
		return &Error{Code: Invalid, Message: fmt.Sprintf("unknown assignment status %q", from)}
	}
	if _, ok := transitions[to]; !ok {
		return &Error{Code: Invalid, Message: fmt.Sprintf("unknown assignment status %q", to)}
	}
	for _, s := range next {
		if s == to {
			return nil
		}
	}
	return &Error{Code: Conflict, Message: fmt.Sprintf("assignment cannot go from %s to %s", from, to)}
}

// Open reports whether the assignment still waits for the auditor (a
// returned walk waits for them again).
func (s AssignmentStatus) Open() bool {
	return s == StatusPlanned || s == StatusAssigned || s == StatusStarted || s == StatusReturned
}

// Final reports whether nothing more happens to the assignment.
func (s AssignmentStatus) Final() bool {
	_, known := transitions[s]
	return known && len(transitions[s]) == 0
}

// Assignment is one auditor's walk of one touchpoint in one review.
type Assignment struct {
	ID           string           `json:"id"`
	CompanyID    string           `json:"companyId"`
	ReviewID     string           `json:"reviewId"`
	TouchpointID string           `json:"touchpointId"`
	AuditorID    string           `json:"auditorId,omitempty"`
	Status       AssignmentStatus `json:"status"`
	Due          time.Time        `json:"due"`
	// StandardVersion is the review's standard, copied so a submission needs
	// no second read.
	StandardVersion string `json:"standardVersion,omitempty"`
	// Draft is the auditor's walkthrough in progress, saved from the form so
	// a walk survives a lost phone; the submission replaces it.
	Draft *Walkthrough `json:"draft,omitempty"`
	// AssignedAt is when the walk was given to its auditor (server time): a
	// walk's stamps cannot be older (CheckWalkPeriod).
	AssignedAt time.Time `json:"assignedAt,omitzero"`
	// StartedAt is when the auditor started the walk (client time).
	StartedAt *time.Time `json:"startedAt,omitempty"`
	// Walk numbers the independent walks of one touchpoint (1..n).
	Walk int `json:"walk"`
	// Reminders counts deadline extensions after a missed deadline.
	Reminders int `json:"reminders,omitempty"`
	// ReplacesID names the assignment this one took over after a reassignment.
	ReplacesID string `json:"replacesId,omitempty"`
	// TaskToken is the Step Functions callback token the audit waits on.
	TaskToken string `json:"taskToken,omitempty"`
	// PromiseTokens are the callback tokens of promise verifications, by promise id.
	PromiseTokens map[string]string `json:"promiseTokens,omitempty"`
	// Evidence are the walk's files, at most MaxEvidence (evidence.go).
	Evidence []Evidence `json:"evidence,omitempty"`
	// EvidenceWrites are the versions at which an evidence record was added
	// or confirmed (the version read before each such write): see
	// EvidenceOnlySince.
	EvidenceWrites []int `json:"evidenceWrites,omitempty"`
	// QAToken is the callback token of the audit's wait for a lead's QA
	// decision on the walk's result.
	QAToken string `json:"qaToken,omitempty"`
	// Return is the lead's note when the walk was sent back in QA; Returns
	// counts how often it was.
	Return  *ReturnNote `json:"return,omitempty"`
	Returns int         `json:"returns,omitempty"`
	// Failure records why the audit's workflow failed, when it did.
	Failure       string    `json:"failure,omitempty"`
	WalkthroughID string    `json:"walkthroughId,omitempty"`
	SubmissionID  string    `json:"submissionId,omitempty"`
	UpdatedAt     time.Time `json:"updatedAt"`
	// Version is the optimistic-locking counter: every stored update must
	// name the version it read, and bumps it by one.
	Version int `json:"version"`
}

// ReturnNote is why a lead sent a walk back to its auditor, shown in the
// auditor's view of the assignment.
type ReturnNote struct {
	ResultID string    `json:"resultId"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
	Reason   string    `json:"reason"`
}

// MoveTo applies a legal status transition at time at.
func (a *Assignment) MoveTo(to AssignmentStatus, at time.Time) error {
	if err := Transition(a.Status, to); err != nil {
		return fmt.Errorf("assignment %s: %w", a.ID, err)
	}
	a.Status, a.UpdatedAt = to, at
	return nil
}

// Validate checks the assignment.
func (a *Assignment) Validate() error {
	v := &validator{}
	v.nonEmpty(a.ID, "id")
	v.nonEmpty(a.CompanyID, "companyId")
	v.nonEmpty(a.ReviewID, "reviewId")
	v.nonEmpty(a.TouchpointID, "touchpointId")
	if _, ok := transitions[a.Status]; !ok {
		v.add("status", "unknown assignment status %q", a.Status)
	}
	if a.Status != StatusPlanned && a.Status != StatusExpired {
		v.require(a.AuditorID != "", "auditorId", "an assignment in status %s needs an auditor", a.Status)
	}
	v.require(!a.Due.IsZero(), "due", "is required")
	v.require(a.Walk >= 1, "walk", "must be 1 or more")
	v.require(a.Version >= 0, "version", "must not be negative")
	return v.err("assignment " + a.ID)
}
