package audit

import (
	"fmt"
	"strings"
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
	// Evidence are the ids of the walk's uploaded files ("ev-…", see
	// evidence.go); walks stored before issue 13 may hold free text.
	Evidence []string `json:"evidence,omitempty"`
	// CheckIn is the phone's position at the start and end of a branch
	// visit (checkin.go); absent for other channels.
	CheckIn *CheckIn `json:"checkIn,omitempty"`
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

// Validate checks a complete walkthrough's shape: the required fields, known
// channels and answer values, and the bounds on counts and lengths
// (walkcheck.go). The timeline rules and the bounds relative to the
// server's clock are CheckWalk's.
func (w *Walkthrough) Validate() error {
	c := walkCheck{}
	c.shape(w, false)
	c.bounds(w)
	if len(c.problems) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: "invalid walkthrough " + w.ID, Problems: c.problems}
}

// shape checks required fields and known values. A draft may lack any
// field, but what it holds must be a known channel, answer value or outcome.
func (c *walkCheck) shape(w *Walkthrough, draft bool) {
	required := func(s string, path func() string) {
		if !draft && strings.TrimSpace(s) == "" {
			c.add(path(), "is required")
		}
	}
	stampRequired := func(t time.Time, path func() string) {
		if !draft && t.IsZero() {
			c.add(path(), "is required")
		}
	}
	channel := func(ch Channel, path func() string) {
		if !ch.Valid() && !(draft && ch == "") {
			c.add(path(), "unknown channel %q", ch)
		}
	}
	required(w.ID, func() string { return "id" })
	required(w.CompanyID, func() string { return "companyId" })
	required(w.TouchpointID, func() string { return "touchpointId" })
	required(w.AuditorID, func() string { return "auditorId" })
	required(w.StandardVersion, func() string { return "standardVersion" })
	if !draft && len(w.Timeline) == 0 {
		c.add("timeline", "at least one timed step is required")
	}
	if len(w.Timeline) > MaxSteps || len(w.Answers) > MaxAnswers || len(w.Facts) > MaxFacts || len(w.Promises) > MaxPromises {
		return // bounds names the count; naming every element would flood the answer
	}
	for i := range w.Timeline {
		s := &w.Timeline[i]
		p := func(field string) func() string {
			return func() string { return fmt.Sprintf("timeline[%d].%s", i, field) }
		}
		required(s.Key, p("key"))
		channel(s.Channel, p("channel"))
		stampRequired(s.Start.Client, p("start.client"))
		stampRequired(s.End.Client, p("end.client"))
		if len(s.Pauses) > MaxPauses {
			continue
		}
		for k := range s.Pauses {
			pp := func(field string) func() string {
				return func() string { return fmt.Sprintf("timeline[%d].pauses[%d].%s", i, k, field) }
			}
			stampRequired(s.Pauses[k].Start.Client, pp("start.client"))
			stampRequired(s.Pauses[k].End.Client, pp("end.client"))
		}
	}
	for i := range w.Answers {
		a := &w.Answers[i]
		p := func(field string) func() string {
			return func() string { return fmt.Sprintf("answers[%d].%s", i, field) }
		}
		required(a.CriterionID, p("criterionId"))
		for k := 0; k < i; k++ {
			if a.CriterionID != "" && w.Answers[k].CriterionID == a.CriterionID {
				c.add(p("criterionId")(), "criterion %q answered twice", a.CriterionID)
				break
			}
		}
		switch {
		case a.Count != nil:
			if *a.Count < 0 {
				c.add(p("count")(), "must not be negative")
			}
			if a.Value != "" && a.Value != AnswerNA {
				c.add(p("value")(), "give a count or a value, not both")
			}
		case a.Value == AnswerYes || a.Value == AnswerNo || a.Value == AnswerNA || draft && a.Value == "":
		default:
			c.add(p("value")(), "must be yes, no or na, not %q", a.Value)
		}
	}
	for i := range w.Facts {
		f := &w.Facts[i]
		p := func(field string) func() string {
			return func() string { return fmt.Sprintf("facts[%d].%s", i, field) }
		}
		required(f.Key, p("key"))
		required(f.Value, p("value"))
		channel(f.Channel, p("channel"))
	}
	for i := range w.Promises {
		pr := &w.Promises[i]
		p := func(field string) func() string {
			return func() string { return fmt.Sprintf("promises[%d].%s", i, field) }
		}
		required(pr.ID, p("id"))
		required(pr.Text, p("text"))
		stampRequired(pr.MadeAt, p("madeAt"))
		if !pr.MadeAt.IsZero() && !pr.DueAt.IsZero() || !draft {
			if !pr.DueAt.After(pr.MadeAt) {
				c.add(p("dueAt")(), "must be after madeAt")
			}
		}
		switch pr.Outcome {
		case PromisePending, PromiseKept, PromiseBroken:
		default:
			c.add(p("outcome")(), "must be pending, kept or broken, not %q", pr.Outcome)
		}
	}
}
