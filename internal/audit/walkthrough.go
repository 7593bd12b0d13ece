package audit

import (
	"fmt"
	"time"
)

// Walkthrough is what an auditor recorded while walking a touchpoint as a
// customer: a timeline across channels, answers to the standard's criteria,
// facts they were told, promises made to them, notes and evidence.
type Walkthrough struct {
	ID              string `json:"id"`
	AssignmentID    string `json:"assignmentId,omitempty"`
	ReviewID        string `json:"reviewId,omitempty"`
	CompanyID       string `json:"companyId"`
	TouchpointID    string `json:"touchpointId"`
	AuditorID       string `json:"auditorId"`
	StandardVersion string `json:"standardVersion"`
	// Resolved says whether the customer's matter was settled.
	Resolved bool           `json:"resolved"`
	Timeline []TimelineStep `json:"timeline"`
	Answers  []Answer       `json:"answers"`
	Facts    []FactRecord   `json:"facts,omitempty"`
	Promises []Promise      `json:"promises,omitempty"`
	Notes    string         `json:"notes,omitempty"`
	Evidence []string       `json:"evidence,omitempty"`
	// SubmittedAt is the server's receipt time of the submission.
	SubmittedAt time.Time `json:"submittedAt"`
}

// Stamp is one moment as the auditor's device saw it and as the server
// received it; the pair exposes clock skew on phones.
type Stamp struct {
	Client time.Time `json:"client"`
	Server time.Time `json:"server"`
}

// TimelineStep is one timed step of the task, in one channel. A task may run
// over several channels and days (apply online, visit a branch, wait for the card).
type TimelineStep struct {
	// Key names the step for timing criteria ("reach_consultant", "card_delivery").
	Key     string  `json:"key"`
	Channel Channel `json:"channel"`
	Start   Stamp   `json:"start"`
	End     Stamp   `json:"end"`
	Pauses  []Pause `json:"pauses,omitempty"`
	Note    string  `json:"note,omitempty"`
}

// Pause is an interruption the auditor took that does not count as the
// customer's time (the auditor's lunch, not the company's queue).
type Pause struct {
	Start Stamp `json:"start"`
	End   Stamp `json:"end"`
}

// AnswerValue is the auditor's yes/no/not-applicable for a criterion.
type AnswerValue string

const (
	AnswerYes AnswerValue = "yes"
	AnswerNo  AnswerValue = "no"
	AnswerNA  AnswerValue = "na"
)

// Answer records a step, exceed or effort criterion. Effort criteria carry
// Count; step and exceed criteria carry Value.
type Answer struct {
	CriterionID string      `json:"criterionId"`
	Value       AnswerValue `json:"value,omitempty"`
	Count       *int        `json:"count,omitempty"`
	Note        string      `json:"note,omitempty"`
}

// FactRecord is a fact as stated to the auditor, in the channel they used.
type FactRecord struct {
	Key     string  `json:"key"`
	Value   string  `json:"value"`
	Channel Channel `json:"channel"`
}

// PromiseOutcome is what verification found when the promise fell due.
type PromiseOutcome string

const (
	PromisePending PromiseOutcome = "pending"
	PromiseKept    PromiseOutcome = "kept"
	PromiseBroken  PromiseOutcome = "broken"
)

// Promise is a commitment made to the auditor ("we'll call you back within
// 24 h"), checked when it falls due.
type Promise struct {
	ID          string         `json:"id"`
	CriterionID string         `json:"criterionId,omitempty"`
	Text        string         `json:"text"`
	MadeAt      time.Time      `json:"madeAt"`
	DueAt       time.Time      `json:"dueAt"`
	Outcome     PromiseOutcome `json:"outcome"`
	VerifiedAt  *time.Time     `json:"verifiedAt,omitempty"`
}

// maxNotes bounds free text so a submission stays well inside DynamoDB's
// 400 KB item limit.
const maxNotes = 8000

// Validate checks the walkthrough's shape. Timing rules (order, skew, the
// 90-day bound) are the scoring engine's, where they are explained.
func (w *Walkthrough) Validate() error {
	v := &validator{}
	v.nonEmpty(w.ID, "id")
	v.nonEmpty(w.CompanyID, "companyId")
	v.nonEmpty(w.TouchpointID, "touchpointId")
	v.nonEmpty(w.AuditorID, "auditorId")
	v.nonEmpty(w.StandardVersion, "standardVersion")
	v.require(len(w.Timeline) > 0, "timeline", "at least one timed step is required")
	for i, s := range w.Timeline {
		p := idx("timeline", i)
		v.nonEmpty(s.Key, p+".key")
		v.require(s.Channel.Valid(), p+".channel", "unknown channel %q", s.Channel)
		v.require(!s.Start.Client.IsZero(), p+".start.client", "is required")
		v.require(!s.End.Client.IsZero(), p+".end.client", "is required")
		for k, ps := range s.Pauses {
			pp := idx(p+".pauses", k)
			v.require(!ps.Start.Client.IsZero(), pp+".start.client", "is required")
			v.require(!ps.End.Client.IsZero(), pp+".end.client", "is required")
		}
	}
	seen := map[string]bool{}
	for i, a := range w.Answers {
		p := idx("answers", i)
		v.nonEmpty(a.CriterionID, p+".criterionId")
		v.require(!seen[a.CriterionID], p+".criterionId", "criterion %q answered twice", a.CriterionID)
		seen[a.CriterionID] = true
		switch {
		case a.Count != nil:
			v.require(*a.Count >= 0, p+".count", "must not be negative")
			v.require(a.Value == "" || a.Value == AnswerNA, p+".value", "give a count or a value, not both")
		default:
			v.require(a.Value == AnswerYes || a.Value == AnswerNo || a.Value == AnswerNA, p+".value", "must be yes, no or na, not %q", a.Value)
		}
	}
	for i, f := range w.Facts {
		p := idx("facts", i)
		v.nonEmpty(f.Key, p+".key")
		v.nonEmpty(f.Value, p+".value")
		v.require(f.Channel.Valid(), p+".channel", "unknown channel %q", f.Channel)
	}
	for i, pr := range w.Promises {
		p := idx("promises", i)
		v.nonEmpty(pr.ID, p+".id")
		v.nonEmpty(pr.Text, p+".text")
		v.require(!pr.MadeAt.IsZero(), p+".madeAt", "is required")
		v.require(pr.DueAt.After(pr.MadeAt), p+".dueAt", "must be after madeAt")
		switch pr.Outcome {
		case PromisePending, PromiseKept, PromiseBroken:
		default:
			v.add(p+".outcome", "must be pending, kept or broken, not %q", pr.Outcome)
		}
	}
	v.require(len(w.Notes) <= maxNotes, "notes", "at most %d characters", maxNotes)
	v.require(len(w.Evidence) <= 20, "evidence", "at most 20 references")
	return v.err(fmt.Sprintf("walkthrough %s", w.ID))
}
