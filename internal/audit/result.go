package audit

import "time"

// Valuation is a touchpoint's value on the CX scale: −2 the customer does the
// company's work, −1 worse than expected, 0 as expected, +1 proactive help,
// +2 an anticipated need.
type Valuation int

const (
	MinValuation Valuation = -2
	MaxValuation Valuation = 2
)

// Result is the scored outcome of one walkthrough of one touchpoint.
type Result struct {
	ID              string    `json:"id"`
	CompanyID       string    `json:"companyId"`
	ReviewID        string    `json:"reviewId"`
	TouchpointID    string    `json:"touchpointId"`
	JourneyID       string    `json:"journeyId"`
	Channel         Channel   `json:"channel"`
	WalkthroughID   string    `json:"walkthroughId"`
	AssignmentID    string    `json:"assignmentId,omitempty"`
	AuditorID       string    `json:"auditorId"`
	StandardVersion string    `json:"standardVersion"`
	Valuation       Valuation `json:"valuation"`
	// Reasons are the criteria that decided the valuation.
	Reasons []Reason `json:"reasons"`
	// Gaps are missed criteria with their people/process/technology category.
	Gaps []Gap `json:"gaps,omitempty"`
	// Durations are measured timings, by criterion id.
	Durations map[string]Duration `json:"durations,omitempty"`
	// Steps are the timeline's steps with their active time (pauses
	// excluded), and EndToEnd the whole task across channels and days.
	Steps    []StepDuration `json:"steps,omitempty"`
	EndToEnd Duration       `json:"endToEnd,omitempty"`
	// Unanswered lists applicable criteria the walkthrough gave no answer
	// for; they are not counted. NotApplicable lists those answered N/A.
	Unanswered    []string `json:"unanswered,omitempty"`
	NotApplicable []string `json:"notApplicable,omitempty"`
	// RevaluedFrom is the valuation before a promise verification changed it.
	RevaluedFrom *Valuation `json:"revaluedFrom,omitempty"`
	StageID      string     `json:"stageId,omitempty"`
	// WalkedAt is when the walk ended (the last step's end, device clock).
	WalkedAt time.Time    `json:"walkedAt,omitempty"`
	Facts    []FactRecord `json:"facts,omitempty"`
	// PendingPromises are promises still to verify; a broken one re-values.
	PendingPromises int       `json:"pendingPromises,omitempty"`
	ScoredAt        time.Time `json:"scoredAt"`
	// NextDue is when the touchpoint should be verified again, and DueReason
	// the cadence rule that set it ("minusOne", "awaitingFix", "afterFix"…;
	// see package scoring).
	NextDue   time.Time `json:"nextDue"`
	DueReason string    `json:"dueReason,omitempty"`
	// EvidenceFlags are what QA must look at before trusting the walk: for
	// a branch visit, a missing or declined position, a poor reading or a
	// walk far from its branch (audit.CheckInFlags). Empty when nothing
	// needs a look; QA's auto-approve rule reads it.
	EvidenceFlags []string `json:"evidenceFlags,omitempty"`
	// QA is the result's review by a lead (qa.go); Appeal its appeal, if any.
	QA     *QA     `json:"qa,omitempty"`
	Appeal *Appeal `json:"appeal,omitempty"`
}

// Reason is one criterion that moved the valuation, and how.
type Reason struct {
	CriterionID string        `json:"criterionId"`
	Kind        CriterionKind `json:"kind"`
	// Effect is the valuation this reason alone implies (−2..+2).
	Effect Valuation `json:"effect"`
	Detail string    `json:"detail"`
	// Label is the criterion's bilingual label, for reports.
	Label Label `json:"label"`
}

// StepDuration is one timeline step's measured time.
type StepDuration struct {
	Key     string   `json:"key"`
	Channel Channel  `json:"channel"`
	Active  Duration `json:"active"`
	Paused  Duration `json:"paused,omitempty"`
}

// Gap is a missed criterion attributed to people, process or technology.
type Gap struct {
	CriterionID string      `json:"criterionId"`
	Category    GapCategory `json:"category"`
	Weight      float64     `json:"weight"`
}

// Validate checks the result.
func (r *Result) Validate() error {
	v := &validator{}
	v.nonEmpty(r.ID, "id")
	v.nonEmpty(r.CompanyID, "companyId")
	v.nonEmpty(r.ReviewID, "reviewId")
	v.nonEmpty(r.TouchpointID, "touchpointId")
	v.nonEmpty(r.WalkthroughID, "walkthroughId")
	v.nonEmpty(r.StandardVersion, "standardVersion")
	v.require(r.Valuation >= MinValuation && r.Valuation <= MaxValuation, "valuation", "must be between -2 and +2, not %d", r.Valuation)
	v.require(!r.ScoredAt.IsZero(), "scoredAt", "is required")
	return v.err("result " + r.ID)
}
