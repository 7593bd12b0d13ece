package workflow

import (
	"context"
	"maps"
	"slices"
	"time"

	"touchaudit/internal/audit"
)

// The auditor's side of an assignment (the Auditors use case), used by the
// HTTP API and the form: what they see, starting a walk, saving a draft,
// submitting, answering promise checks. An assignment of another auditor is
// reported as not found, never as forbidden, so ids leak nothing.

// AssignmentView is one assignment as its auditor sees it.
type AssignmentView struct {
	Assignment audit.Assignment `json:"assignment"`
	Touchpoint audit.Touchpoint `json:"touchpoint"`
	JourneyID  string           `json:"journeyId"`
	StageID    string           `json:"stageId"`
	Journey    audit.Label      `json:"journey"`
	// Criteria are the review's standard for this touchpoint.
	Criteria []audit.Criterion `json:"criteria"`
	// PromiseChecks are the promises made during the walk that now wait for
	// the auditor's answer: was it kept?
	PromiseChecks []PromiseCheckView `json:"promiseChecks"`
	// Problem says, in words for the auditor, why the walk ended without a
	// result (the workflow's own failure text stays on the server).
	Problem *audit.Label `json:"problem,omitempty"`
}

// PromiseCheckView is one promise waiting for the auditor's verdict.
type PromiseCheckView struct {
	PromiseID string    `json:"promiseId"`
	Text      string    `json:"text"`
	DueAt     time.Time `json:"dueAt"`
}

// Owned is an assignment checked by Own to belong to its caller. Only Own
// makes one, so the auditor's calls cannot be handed another auditor's
// assignment; the zero Owned is no assignment and every call reports it as
// not found.
type Owned struct{ a *audit.Assignment }

// ID is the owned assignment's id ("" for the zero Owned).
func (o Owned) ID() string {
	if o.a == nil {
		return ""
	}
	return o.a.ID
}

// assignment is a copy of the owned assignment for one call to change, or
// not found for the zero Owned.
func (o Owned) assignment() (*audit.Assignment, error) {
	if o.a == nil {
		return nil, audit.Errorf(audit.NotFound, "assignment not found")
	}
	a := *o.a
	a.PromiseTokens = maps.Clone(o.a.PromiseTokens)
	a.Evidence, a.EvidenceWrites = slices.Clone(o.a.Evidence), slices.Clone(o.a.EvidenceWrites)
	return &a, nil
}

// Own reads assignment id and checks that it belongs to the auditor staffID
// of company companyID (the HTTP API knows its caller by both). Anything
// else, an empty id included, is reported as not found, as for an
// assignment that does not exist. The calls that take the Owned answer
// from this read, so the check costs no round trip: a submission stays at
// two (this read and the store's transaction).
func (s *Auditors) Own(ctx context.Context, companyID, staffID, id string) (Owned, error) {
	if companyID == "" || staffID == "" {
		return Owned{}, audit.Errorf(audit.NotFound, "assignment %s not found", id)
	}
	a, err := s.store.GetAssignment(ctx, id)
	if err != nil {
		return Owned{}, err
	}
	if a.CompanyID != companyID || a.AuditorID != staffID {
		return Owned{}, audit.Errorf(audit.NotFound, "assignment %s not found", id)
	}
	return Owned{a: a}, nil
}

// List lists an auditor's assignments in their company, open ones first.
func (s *Auditors) List(ctx context.Context, companyID, auditorID string, page audit.Page) ([]AssignmentView, string, error) {
	as, next, err := s.store.ListAssignmentsByAuditor(ctx, companyID, auditorID, page)
	if err != nil {
		return nil, "", err
	}
	out := make([]AssignmentView, 0, len(as))
	for i := range as {
		v, err := s.view(ctx, &as[i], false)
		if err != nil {
			return nil, "", err
		}
		out = append(out, v)
	}
	return out, next, nil
}

// View is one of the auditor's assignments with its criteria and the
// promise checks waiting for an answer.
func (s *Auditors) View(ctx context.Context, o Owned) (AssignmentView, error) {
	a, err := o.assignment()
	if err != nil {
		return AssignmentView{}, err
	}
	return s.view(ctx, a, true)
}

func (s *Auditors) view(ctx context.Context, a *audit.Assignment, withCriteria bool) (AssignmentView, error) {
	eng, err := s.scorer(ctx, a.CompanyID)
	if err != nil {
		return AssignmentView{}, err
	}
	c := eng.Company()
	ref, ok := c.Touchpoint(a.TouchpointID)
	if !ok {
		return AssignmentView{}, audit.Errorf(audit.NotFound, "touchpoint %s not found", a.TouchpointID)
	}
	v := AssignmentView{Assignment: *a, Touchpoint: ref.Touchpoint, JourneyID: ref.JourneyID, StageID: ref.StageID, Criteria: []audit.Criterion{}}
	v.Assignment.TaskToken, v.Assignment.QAToken, v.Assignment.PromiseTokens = "", "", nil // callback tokens never leave the server
	v.Assignment.EvidenceWrites = nil                                                      // bookkeeping of the version check, nothing for the form
	if a.Failure != "" {
		// The cause may hold a Lambda error envelope: never shown to a client.
		p := audit.FailureLabel(a.Failure)
		v.Assignment.Failure, v.Problem = "", &p
	}
	for _, j := range c.Journeys {
		if j.ID == ref.JourneyID {
			v.Journey = j.Name
		}
	}
	v.PromiseChecks = []PromiseCheckView{}
	if withCriteria {
		if std, ok := c.Standard(a.StandardVersion); ok {
			v.Criteria = std.CriteriaFor(&ref.Touchpoint)
		}
		if len(a.PromiseTokens) > 0 && a.WalkthroughID != "" {
			w, err := s.store.GetWalkthrough(ctx, a.WalkthroughID)
			if err != nil {
				return AssignmentView{}, err
			}
			for _, p := range w.Promises {
				if _, waiting := a.PromiseTokens[p.ID]; waiting {
					v.PromiseChecks = append(v.PromiseChecks, PromiseCheckView{PromiseID: p.ID, Text: p.Text, DueAt: p.DueAt})
				}
			}
		}
	}
	return v, nil
}

// StartWalk moves an assigned walk to started at startedAt (the phone's
// time; zero is now). Starting again is a no-op.
func (s *Auditors) StartWalk(ctx context.Context, o Owned, startedAt time.Time) (AssignmentView, error) {
	a, err := o.assignment()
	if err != nil {
		return AssignmentView{}, err
	}
	a, err = s.updateAssignment(ctx, a.ID, func(a *audit.Assignment) (bool, error) {
		switch a.Status {
		case audit.StatusStarted:
			return false, nil
		case audit.StatusAssigned, audit.StatusReturned:
			started := startedAt
			if started.IsZero() {
				started = s.clock.Now()
			}
			a.StartedAt = &started
			return true, a.MoveTo(audit.StatusStarted, s.clock.Now())
		}
		return false, conflict("assignment %s is %s and cannot be started", a.ID, a.Status)
	})
	if err != nil {
		return AssignmentView{}, err
	}
	return s.view(ctx, a, true)
}

// DraftInput is the auditor's walk in progress.
type DraftInput struct {
	Draft audit.Walkthrough `json:"draft"`
	// Version is the assignment version the client last saw; a stale
	// version is a conflict, so two phones cannot overwrite each other.
	Version int `json:"version"`
}

// SaveDraft stores the walk in progress on the assignment.
func (s *Auditors) SaveDraft(ctx context.Context, o Owned, in DraftInput) (AssignmentView, error) {
	a, err := o.assignment()
	if err != nil {
		return AssignmentView{}, err
	}
	if a.Status != audit.StatusStarted && a.Status != audit.StatusAssigned && a.Status != audit.StatusReturned {
		return AssignmentView{}, conflict("assignment %s is %s: its walk can no longer change", a.ID, a.Status)
	}
	// A draft is stored on its assignment: whatever it holds must satisfy
	// every bound a submission does, so it can never poison the assignment.
	if err := audit.CheckWalk(&in.Draft, audit.WalkRules{Now: s.clock.Now(), Draft: true}); err != nil {
		return AssignmentView{}, audit.Nest("draft", err)
	}
	if in.Version != a.Version && !a.EvidenceOnlySince(in.Version) {
		// Another phone (or the workflow) changed the assignment since this
		// client read it: it must read again rather than overwrite. Files
		// added or confirmed since are no such change: the draft refers to
		// them by id and overwrites none of them.
		return AssignmentView{}, conflict("assignment %s changed (version %d, not %d): read it again", a.ID, a.Version, in.Version)
	}
	d := in.Draft
	d.ID, d.AssignmentID, d.ReviewID, d.CompanyID = "", a.ID, a.ReviewID, a.CompanyID
	d.TouchpointID, d.AuditorID, d.StandardVersion = a.TouchpointID, a.AuditorID, a.StandardVersion
	a.Draft = &d
	a.UpdatedAt = s.clock.Now()
	if err := s.store.UpdateAssignment(ctx, a); err != nil {
		return AssignmentView{}, err
	}
	return s.view(ctx, a, false)
}

// Submit records the auditor's walk under the client's submission id and
// tells the waiting audit, as Audits.Submit does (see there: retries are
// replays, never a second signal).
func (s *Auditors) Submit(ctx context.Context, o Owned, submissionID string, w audit.Walkthrough) (SubmitResult, error) {
	if submissionID == "" {
		return SubmitResult{}, invalidField("submissionId", "is required")
	}
	a, err := o.assignment()
	if err != nil {
		return SubmitResult{}, err
	}
	// Every file the walk refers to is one of this assignment's, uploaded
	// and confirmed: a lead opening the walk finds each of them.
	if probs := checkEvidence(a, w.Evidence); len(probs) > 0 {
		return SubmitResult{}, audit.Nest("walkthrough", &audit.Error{Code: audit.Invalid, Message: "invalid walkthrough", Problems: probs})
	}
	return s.audits.submit(ctx, a, SubmitRequest{SubmissionID: submissionID, AssignmentID: a.ID, AuditorID: a.AuditorID, Walkthrough: w})
}

// ConfirmPromise takes the auditor's answer to one of the assignment's
// promise checks and completes the waiting check, as Audits.ConfirmPromise
// does.
func (s *Auditors) ConfirmPromise(ctx context.Context, o Owned, promiseID string, outcome audit.PromiseOutcome) (PromiseVerdict, error) {
	if err := validOutcome(outcome); err != nil {
		return PromiseVerdict{}, err
	}
	a, err := o.assignment()
	if err != nil {
		return PromiseVerdict{}, err
	}
	return s.audits.confirmPromise(ctx, a, promiseID, outcome)
}
