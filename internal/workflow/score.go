package workflow

import (
	"context"
	"encoding/json"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/scoring"
)

// Audits, after the submission: score the walk, ask about its promises
// when they fall due and value it again with the answers.

// ScoreInput names a submitted walk.
type ScoreInput struct {
	AssignmentID  string `json:"assignmentId"`
	WalkthroughID string `json:"walkthroughId,omitempty"`
	// Verdicts, when present, are the outcomes of the walk's promise checks:
	// the walk is valued again with them (see Rescore).
	Verdicts []PromiseVerdict `json:"verdicts,omitempty"`
}

// PromiseCheck is one promise to verify when it falls due.
type PromiseCheck struct {
	AssignmentID string    `json:"assignmentId"`
	PromiseID    string    `json:"promiseId"`
	DueAt        time.Time `json:"dueAt"`
	// VerifyAt is DueAt plus the grace period: the Wait state's TimestampPath.
	VerifyAt time.Time `json:"verifyAt"`
	// TimeoutSeconds bounds the wait for the auditor's answer.
	TimeoutSeconds int64 `json:"timeoutSeconds"`
}

// ScoreOutput is the valuation and the promises still to verify.
type ScoreOutput struct {
	AssignmentID string          `json:"assignmentId"`
	ResultID     string          `json:"resultId"`
	Valuation    audit.Valuation `json:"valuation"`
	Promises     []PromiseCheck  `json:"promises"`
}

// Score values the walkthrough against the review's standard, stores the
// result (its id is the walkthrough's, so a retry overwrites it) and moves
// the assignment to scored.
func (s *Audits) Score(ctx context.Context, in ScoreInput) (ScoreOutput, error) {
	if len(in.Verdicts) > 0 {
		return s.Rescore(ctx, RescoreInput{AssignmentID: in.AssignmentID, Verdicts: in.Verdicts})
	}
	a, err := s.store.GetAssignment(ctx, in.AssignmentID)
	if err != nil {
		return ScoreOutput{}, err
	}
	wid := in.WalkthroughID
	if wid == "" {
		wid = a.WalkthroughID
	}
	w, err := s.store.GetWalkthrough(ctx, wid)
	if err != nil {
		return ScoreOutput{}, err
	}
	res, err := s.scoreWalk(ctx, a, w)
	if err != nil {
		return ScoreOutput{}, err
	}
	if _, err := s.VerifyByWalk(ctx, res); err != nil {
		return ScoreOutput{}, err
	}
	if a.Status == audit.StatusSubmitted {
		if a, err = s.updateAssignment(ctx, a.ID, func(a *audit.Assignment) (bool, error) {
			if a.Status != audit.StatusSubmitted {
				return false, nil
			}
			return true, a.MoveTo(audit.StatusScored, s.clock.Now())
		}); err != nil {
			return ScoreOutput{}, err
		}
	}
	out := ScoreOutput{AssignmentID: a.ID, ResultID: res.ID, Valuation: res.Valuation, Promises: []PromiseCheck{}}
	for _, p := range w.Promises {
		if p.Outcome != audit.PromisePending {
			continue
		}
		verifyAt := p.DueAt.Add(s.cfg.PromiseGrace).UTC()
		out.Promises = append(out.Promises, PromiseCheck{AssignmentID: a.ID, PromiseID: p.ID, DueAt: p.DueAt.UTC(), VerifyAt: verifyAt,
			TimeoutSeconds: int64(s.cfg.PromiseAnswerTimeout / time.Second)})
	}
	return out, nil
}

func (s *Audits) scoreWalk(ctx context.Context, a *audit.Assignment, w *audit.Walkthrough) (audit.Result, error) {
	eng, err := s.scorer(ctx, a.CompanyID)
	if err != nil {
		return audit.Result{}, err
	}
	res, err := eng.Score(w, s.clock.Now())
	if err != nil {
		return audit.Result{}, err
	}
	res.ID, res.ReviewID, res.AssignmentID = w.ID, a.ReviewID, a.ID
	// Nothing counts before the QA gate (qa.go) approves it.
	res.QA = &audit.QA{Status: audit.QAUnreviewed, Since: s.clock.Now()}
	if err := s.store.PutResults(ctx, []audit.Result{res}); err != nil {
		return audit.Result{}, err
	}
	return res, nil
}

// AskPromiseInput is the waitForTaskToken task that asks the auditor
// whether a promise was kept.
type AskPromiseInput struct {
	AssignmentID string `json:"assignmentId"`
	PromiseID    string `json:"promiseId"`
	TaskToken    string `json:"taskToken"`
}

// AskPromise stores the promise's callback token and asks the auditor.
func (s *Audits) AskPromise(ctx context.Context, in AskPromiseInput) (DispatchOutput, error) {
	a, err := s.updateAssignment(ctx, in.AssignmentID, func(a *audit.Assignment) (bool, error) {
		if a.PromiseTokens[in.PromiseID] == in.TaskToken {
			return false, nil
		}
		if a.PromiseTokens == nil {
			a.PromiseTokens = map[string]string{}
		}
		a.PromiseTokens[in.PromiseID] = in.TaskToken
		return true, nil
	})
	if err != nil {
		return DispatchOutput{}, err
	}
	s.tell(ctx, Notification{Kind: NotifyPromiseDue, To: a.AuditorID, CompanyID: a.CompanyID, ReviewID: a.ReviewID, AssignmentID: a.ID,
		TouchpointID: a.TouchpointID, PromiseID: in.PromiseID, Subject: audit.Label{PL: "Czy obietnica została dotrzymana?", EN: "Was the promise kept?"}})
	return DispatchOutput{AssignmentID: a.ID, Notified: a.AuditorID}, nil
}

// PromiseAnswer is the auditor's answer to a promise check.
type PromiseAnswer struct {
	AssignmentID string               `json:"assignmentId"`
	AuditorID    string               `json:"auditorId"`
	PromiseID    string               `json:"promiseId"`
	Outcome      audit.PromiseOutcome `json:"outcome"`
}

// PromiseVerdict is what the promise check hands back to the workflow.
type PromiseVerdict struct {
	PromiseID string               `json:"promiseId"`
	Outcome   audit.PromiseOutcome `json:"outcome"`
}

// ConfirmPromise takes the auditor's answer by assignment and auditor id
// (the confirm-promise function, the simulator) and completes the waiting
// promise check. The HTTP API answers through Auditors.ConfirmPromise.
func (s *Audits) ConfirmPromise(ctx context.Context, in PromiseAnswer) (PromiseVerdict, error) {
	if err := validOutcome(in.Outcome); err != nil {
		return PromiseVerdict{}, err
	}
	a, err := s.store.GetAssignment(ctx, in.AssignmentID)
	if err != nil {
		return PromiseVerdict{}, err
	}
	if a.AuditorID != in.AuditorID {
		return PromiseVerdict{}, audit.Errorf(audit.NotFound, "assignment %s not found", in.AssignmentID)
	}
	return s.confirmPromise(ctx, a, in.PromiseID, in.Outcome)
}

// confirmPromise completes the promise check of an assignment the caller
// has read and owns.
func (s *Audits) confirmPromise(ctx context.Context, a *audit.Assignment, promiseID string, outcome audit.PromiseOutcome) (PromiseVerdict, error) {
	token, ok := a.PromiseTokens[promiseID]
	if !ok {
		return PromiseVerdict{}, conflict("promise %s of assignment %s is not waiting for an answer", promiseID, a.ID)
	}
	v := PromiseVerdict{PromiseID: promiseID, Outcome: outcome}
	out, _ := json.Marshal(v)
	if err := s.exec.SendTaskSuccess(ctx, token, out); err != nil {
		if !isGoneTask(err) {
			return PromiseVerdict{}, err
		}
		s.forgetPromiseCheck(ctx, a, promiseID)
		return PromiseVerdict{}, conflict("promise %s was already answered or its check expired", promiseID)
	}
	s.forgetPromiseCheck(ctx, a, promiseID)
	return v, nil
}

// validOutcome refuses an answer that is neither kept nor broken.
func validOutcome(o audit.PromiseOutcome) error {
	if o != audit.PromiseKept && o != audit.PromiseBroken {
		return invalidField("outcome", "must be kept or broken")
	}
	return nil
}

// forgetPromiseCheck drops an answered check from the assignment so the form
// stops asking. It is best effort: the answer has reached the workflow, and
// a repeated answer is refused as already given.
func (s *Audits) forgetPromiseCheck(ctx context.Context, a *audit.Assignment, promiseID string) {
	_, err := s.updateAssignment(ctx, a.ID, func(a *audit.Assignment) (bool, error) {
		_, listed := a.PromiseTokens[promiseID]
		delete(a.PromiseTokens, promiseID)
		return listed, nil
	})
	if err != nil {
		s.logger().WarnContext(ctx, "promise check answered but still listed", "assignment", a.ID, "promise", promiseID, "err", err)
	}
}

// RescoreInput carries the verdicts of a walk's promise checks.
type RescoreInput struct {
	AssignmentID string           `json:"assignmentId"`
	Verdicts     []PromiseVerdict `json:"verdicts"`
}

// Rescore values the walk again with the promises' outcomes (scoring's
// Revalue: a broken promise lowers the valuation, to −2 at a moment of
// truth). The result keeps its id, so the stored result is replaced, not
// duplicated, and a retry computes the same. The walkthrough stays as the
// auditor submitted it: the verdicts live in the result's reasons.
func (s *Audits) Rescore(ctx context.Context, in RescoreInput) (ScoreOutput, error) {
	a, err := s.store.GetAssignment(ctx, in.AssignmentID)
	if err != nil {
		return ScoreOutput{}, err
	}
	w, err := s.store.GetWalkthrough(ctx, a.WalkthroughID)
	if err != nil {
		return ScoreOutput{}, err
	}
	eng, err := s.scorer(ctx, a.CompanyID)
	if err != nil {
		return ScoreOutput{}, err
	}
	stored, err := s.store.GetResult(ctx, w.ID)
	if err != nil {
		return ScoreOutput{}, err
	}
	res := *stored
	now := s.clock.Now()
	for _, v := range in.Verdicts {
		if v.Outcome == "" || v.Outcome == audit.PromisePending {
			continue // unverified: the valuation stands
		}
		var updated audit.Walkthrough
		res, updated, err = eng.Revalue(&res, w, scoring.PromiseCheck{PromiseID: v.PromiseID, Outcome: v.Outcome, VerifiedAt: now})
		if err != nil {
			return ScoreOutput{}, err
		}
		w = &updated
	}
	res.ID, res.ReviewID, res.AssignmentID = w.ID, a.ReviewID, a.ID
	if err := s.store.PutResults(ctx, []audit.Result{res}); err != nil {
		return ScoreOutput{}, err
	}
	return ScoreOutput{AssignmentID: a.ID, ResultID: res.ID, Valuation: res.Valuation, Promises: []PromiseCheck{}}, nil
}
