package audit

import (
	"context"
	"time"
)

// Store is touchaudit's persistence port, organised by access pattern rather
// than generic CRUD. internal/dynamo implements it on a single DynamoDB table
// and internal/memstore in memory; internal/storetest holds the contract
// suite both must pass.
//
// Errors: a missing item is NotFound; a failed condition (an existing id, a
// stale version, an illegal state) is Conflict; bad input is Invalid.
type Store interface {
	CompanyStore
	ReviewStore
	AssignmentStore
	ResultStore
	TrailStore
	ActionStore
}

// CompanyStore saves and reads a company's configuration whole.
type CompanyStore interface {
	SaveCompany(ctx context.Context, c *Company) error
	GetCompany(ctx context.Context, id string) (*Company, error)
}

// ReviewStore keeps review campaigns and their completion counter.
type ReviewStore interface {
	// CreateReview stores a new review; an existing id is a Conflict.
	CreateReview(ctx context.Context, r *Review) error
	GetReview(ctx context.Context, id string) (*Review, error)
	// UpdateReview stores r if the stored version equals r.Version, then
	// bumps r.Version. A stale version is a Conflict.
	UpdateReview(ctx context.Context, r *Review) error
	// MarkAssignmentDone counts one assignment of the review as ended. It is
	// idempotent per assignment id (a retried call counts once) and never
	// scans: a conditional counter update. It returns the review after the update.
	MarkAssignmentDone(ctx context.Context, reviewID, assignmentID string) (*Review, error)
	// ListReviews lists a company's reviews, newest first: by opening time,
	// then by id, so a scheduled review comes before the running one.
	ListReviews(ctx context.Context, companyID string, page Page) ([]Review, string, error)
}

// AssignmentStore keeps assignments, their walkthroughs and submissions.
type AssignmentStore interface {
	// PutAssignments writes assignments in batches (DynamoDB's 25 per
	// BatchWriteItem), retrying unprocessed items. It overwrites by id, so a
	// retried planning step is idempotent.
	PutAssignments(ctx context.Context, as []Assignment) error
	GetAssignment(ctx context.Context, id string) (*Assignment, error)
	// UpdateAssignment stores a if the stored version equals a.Version, then
	// bumps a.Version. A stale version is a Conflict.
	UpdateAssignment(ctx context.Context, a *Assignment) error
	// ListAssignmentsByAuditor lists an auditor's assignments in one
	// company (staff ids repeat across companies), open ones
	// first, each group by due time.
	ListAssignmentsByAuditor(ctx context.Context, companyID, auditorID string, page Page) ([]Assignment, string, error)
	// ListAssignmentsByReview lists a review's assignments in one status.
	ListAssignmentsByReview(ctx context.Context, reviewID string, status AssignmentStatus, page Page) ([]Assignment, string, error)
	// RecordSubmission atomically stores the assignment's new state (checked
	// against s.Assignment.Version), the walkthrough and an idempotency record
	// for s.ID. A repeated s.ID with the same payload hash returns the first
	// receipt with Replayed set; with another hash it is a Conflict.
	RecordSubmission(ctx context.Context, s Submission) (Receipt, error)
	// GetReceipt reads the receipt of a recorded submission (NotFound if
	// none), so a retry is answered with one read and no write.
	GetReceipt(ctx context.Context, submissionID string) (Receipt, error)
	GetWalkthrough(ctx context.Context, id string) (*Walkthrough, error)
	// GetWalkthroughs reads several walkthroughs by id (missing ids are left out).
	GetWalkthroughs(ctx context.Context, ids []string) ([]Walkthrough, error)
}

// ResultStore keeps scored results and the re-verification schedule.
type ResultStore interface {
	// PutResults stores results (overwriting by id). It never moves the
	// schedule: the workflow decides due dates by the one rule
	// (scoring.Engine.DueTouchpoints) and stores them with PutSchedule.
	PutResults(ctx context.Context, rs []Result) error
	// GetResult reads one result.
	GetResult(ctx context.Context, id string) (*Result, error)
	// ListResultHistory lists a touchpoint's results, newest first.
	ListResultHistory(ctx context.Context, companyID, touchpointID string, page Page) ([]Result, string, error)
	// ListResultsByReview lists every result of a review.
	ListResultsByReview(ctx context.Context, reviewID string, page Page) ([]Result, string, error)
	// ListResultsQueued lists a company's results on a lead's queue
	// (Result.Queued), longest waiting first.
	ListResultsQueued(ctx context.Context, companyID string, q Queue, page Page) ([]Result, string, error)
	// PutSchedule stores touchpoints' places in the re-verification
	// schedule, overwriting each touchpoint's item whole. Every item is
	// checked first (DueTouchpoint.Validate); an invalid one stores nothing.
	PutSchedule(ctx context.Context, ds []DueTouchpoint) error
	// ListDueTouchpoints lists touchpoints whose next verification is due
	// before the given time, soonest first.
	ListDueTouchpoints(ctx context.Context, companyID string, before time.Time) ([]DueTouchpoint, error)
	// SaveReport stores a review's compiled report (JSON); GetReport reads it.
	SaveReport(ctx context.Context, reviewID string, report []byte) error
	GetReport(ctx context.Context, reviewID string) ([]byte, error)
}

// Page asks for one page of a listing. Cursor is the opaque value returned
// with the previous page ("" for the first page); Limit 0 means a default.
type Page struct {
	Limit  int
	Cursor string
}

// DefaultPageLimit is the page size when none is asked for, and
// MaxPageLimit the largest page a store returns, so one call's work stays small.
const (
	DefaultPageLimit = 100
	MaxPageLimit     = 1000
)

// Size is the number of items to return: DefaultPageLimit for 0, at most
// MaxPageLimit. A negative limit is invalid.
func (p Page) Size() (int, error) {
	switch {
	case p.Limit < 0:
		return 0, Errorf(Invalid, "page limit must not be negative, not %d", p.Limit)
	case p.Limit == 0:
		return DefaultPageLimit, nil
	case p.Limit > MaxPageLimit:
		return MaxPageLimit, nil
	}
	return p.Limit, nil
}

// Submission is an auditor's submitted walkthrough with the assignment's new
// state. ID is generated by the client, so a retry carries the same ID.
type Submission struct {
	ID          string      `json:"id"`
	PayloadHash string      `json:"payloadHash"`
	Assignment  Assignment  `json:"assignment"`
	Walkthrough Walkthrough `json:"walkthrough"`
	At          time.Time   `json:"at"`
}

// Validate checks what a store needs to record a submission.
func (s Submission) Validate() error {
	switch {
	case s.ID == "":
		return Errorf(Invalid, "submission id is required")
	case s.PayloadHash == "":
		return Errorf(Invalid, "submission payload hash is required")
	case s.Walkthrough.ID == "":
		return Errorf(Invalid, "walkthrough id is required")
	}
	return s.Assignment.Validate()
}

// Receipt is what a submission stored; retries get the same receipt.
type Receipt struct {
	SubmissionID      string    `json:"submissionId"`
	AssignmentID      string    `json:"assignmentId"`
	WalkthroughID     string    `json:"walkthroughId"`
	AssignmentVersion int       `json:"assignmentVersion"`
	PayloadHash       string    `json:"payloadHash"`
	RecordedAt        time.Time `json:"recordedAt"`
	Replayed          bool      `json:"replayed,omitempty"`
}

// DueTouchpoint is a touchpoint's place in the re-verification schedule,
// as scoring.Engine.DueTouchpoints decides it: LastValuation is the median
// of the touchpoint's latest approved walks, and DueReason the rule that set
// NextDue (minusOne, afterFix, newStandard…).
type DueTouchpoint struct {
	CompanyID     string    `json:"companyId"`
	TouchpointID  string    `json:"touchpointId"`
	NextDue       time.Time `json:"nextDue"`
	DueReason     string    `json:"dueReason,omitempty"`
	LastValuation Valuation `json:"lastValuation"`
	LastReviewID  string    `json:"lastReviewId"`
	LastScoredAt  time.Time `json:"lastScoredAt"`
}

// Validate checks what a store needs to keep a schedule item.
func (d *DueTouchpoint) Validate() error {
	switch {
	case d.CompanyID == "" || d.TouchpointID == "":
		return Errorf(Invalid, "schedule item needs a company id and a touchpoint id")
	case d.NextDue.IsZero():
		return Errorf(Invalid, "schedule item %s/%s has no next due date", d.CompanyID, d.TouchpointID)
	case d.LastValuation < MinValuation || d.LastValuation > MaxValuation:
		return Errorf(Invalid, "schedule item %s/%s: valuation %d is outside -2..+2", d.CompanyID, d.TouchpointID, d.LastValuation)
	}
	return nil
}

// SubmissionTTL is how long idempotency records are kept: longer than any
// client retry (offline phones sync within days) and any Step Functions retry.
const SubmissionTTL = 30 * 24 * time.Hour
