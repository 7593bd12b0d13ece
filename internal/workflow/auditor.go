package workflow

import (
	"context"
	"time"

	"touchaudit/internal/audit"
)

// The auditor's side of an assignment, used by the HTTP API and the form:
// what they see, starting a walk, saving a draft. Submitting and answering
// promise checks are Submit and ConfirmPromise. An assignment of another
// auditor is reported as not found, never as forbidden, so ids leak nothing.

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
}

// PromiseCheckView is one promise waiting for the auditor's verdict.
type PromiseCheckView struct {
	PromiseID string    `json:"promiseId"`
	Text      string    `json:"text"`
	DueAt     time.Time `json:"dueAt"`
}

// MyAssignments lists an auditor's assignments in their company, open ones first.
func (s *Service) MyAssignments(ctx context.Context, companyID, auditorID string, page audit.Page) ([]AssignmentView, string, error) {
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

// MyAssignment is one of the auditor's assignments with its criteria.
func (s *Service) MyAssignment(ctx context.Context, auditorID, id string) (AssignmentView, error) {
	a, err := s.ownAssignment(ctx, auditorID, id)
	if err != nil {
		return AssignmentView{}, err
	}
	return s.view(ctx, a, true)
}

func (s *Service) ownAssignment(ctx context.Context, auditorID, id string) (*audit.Assignment, error) {
	a, err := s.store.GetAssignment(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.AuditorID != auditorID || auditorID == "" {
		return nil, audit.Errorf(audit.NotFound, "assignment %s not found", id)
	}
	return a, nil
}

func (s *Service) view(ctx context.Context, a *audit.Assignment, withCriteria bool) (AssignmentView, error) {
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
	v.Assignment.TaskToken, v.Assignment.PromiseTokens = "", nil // callback tokens never leave the server
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

// StartWalkInput starts a walk.
type StartWalkInput struct {
	AssignmentID string    `json:"assignmentId"`
	AuditorID    string    `json:"auditorId"`
	StartedAt    time.Time `json:"startedAt"`
}

// StartWalk moves an assigned walk to started. Starting again is a no-op.
func (s *Service) StartWalk(ctx context.Context, in StartWalkInput) (AssignmentView, error) {
	a, err := s.ownAssignment(ctx, in.AuditorID, in.AssignmentID)
	if err != nil {
		return AssignmentView{}, err
	}
	a, err = s.updateAssignment(ctx, a.ID, func(a *audit.Assignment) (bool, error) {
		switch a.Status {
		case audit.StatusStarted:
			return false, nil
		case audit.StatusAssigned:
			started := in.StartedAt
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

// DraftInput saves the auditor's walk in progress.
type DraftInput struct {
	AssignmentID string            `json:"assignmentId"`
	AuditorID    string            `json:"auditorId"`
	Draft        audit.Walkthrough `json:"draft"`
	// Version is the assignment version the client last saw; a stale
	// version is a conflict, so two phones cannot overwrite each other.
	Version int `json:"version"`
}

// maxDraftSteps bounds a draft: a walk has tens of steps, not thousands.
const maxDraftSteps = 200

// SaveDraft stores the walk in progress on the assignment.
func (s *Service) SaveDraft(ctx context.Context, in DraftInput) (AssignmentView, error) {
	a, err := s.ownAssignment(ctx, in.AuditorID, in.AssignmentID)
	if err != nil {
		return AssignmentView{}, err
	}
	if a.Status != audit.StatusStarted && a.Status != audit.StatusAssigned {
		return AssignmentView{}, conflict("assignment %s is %s: its walk can no longer change", a.ID, a.Status)
	}
	if len(in.Draft.Timeline) > maxDraftSteps {
		return AssignmentView{}, invalidField("draft.timeline", "at most 200 steps")
	}
	if in.Version != a.Version {
		// Another phone (or the workflow) changed the assignment since this
		// client read it: it must read again rather than overwrite.
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
