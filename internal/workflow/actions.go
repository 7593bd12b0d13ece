package workflow

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/scoring"
)

// Actions is what a CX lead does about what a review found: corrective
// actions created from a −1 or −2 result or from a recommendation of a
// review's report, moved through their life (open → in progress → done →
// verified or reopened) and listed, overdue ones apart. Every change is
// recorded in the audit trail. Marking an action done moves its −2
// touchpoint's next verification to one month later (schedule.go); the
// next scored walk of the touchpoint verifies or reopens it (VerifyByWalk,
// called by Score).
type Actions struct{ *deps }

// NewAction is a lead's request to create an action. Name the source by
// ResultID, or by ReviewID and TouchpointID (a recommendation).
type NewAction struct {
	CompanyID string `json:"companyId"`
	// ID may be given by the client so that a retried create is refused
	// as a Conflict rather than recorded twice; empty: one is made.
	ID           string            `json:"id,omitempty"`
	ResultID     string            `json:"resultId,omitempty"`
	ReviewID     string            `json:"reviewId,omitempty"`
	TouchpointID string            `json:"touchpointId,omitempty"`
	What         string            `json:"what"`
	Owner        audit.ActionOwner `json:"owner"`
	Due          audit.Date        `json:"due"`
	Cost         audit.Money       `json:"cost"`
	Reason       string            `json:"reason,omitempty"`
	// Actor is the lead's staff id.
	Actor string `json:"actor"`
}

// MoveAction is a lead's status change of an action.
type MoveAction struct {
	CompanyID string             `json:"companyId"`
	ID        string             `json:"id"`
	Status    audit.ActionStatus `json:"status"`
	Reason    string             `json:"reason,omitempty"`
	Actor     string             `json:"actor"`
}

// Create validates the request against its source and the company (the
// owner unit and person must be the company's), stores the action open and
// records it in the trail.
func (s *Actions) Create(ctx context.Context, in NewAction) (*audit.Action, error) {
	c, err := s.store.GetCompany(ctx, in.CompanyID)
	if err != nil {
		return nil, err
	}
	a := &audit.Action{ID: in.ID, CompanyID: c.ID, TouchpointID: in.TouchpointID, What: in.What, Owner: in.Owner, Due: in.Due,
		Cost: in.Cost, Status: audit.ActionOpen, CreatedBy: in.Actor, CreatedAt: s.clock.Now(), UpdatedAt: s.clock.Now()}
	if a.ID == "" {
		a.ID = newActionID()
	}
	if err := s.source(ctx, a, in); err != nil {
		return nil, err
	}
	var probs []audit.Problem
	probs = append(probs, audit.ProblemsOf(a.Validate())...)
	probs = append(probs, audit.ProblemsOf(a.CheckAgainst(c))...)
	if len(probs) > 0 {
		return nil, &audit.Error{Code: audit.Invalid, Message: "invalid action", Problems: probs}
	}
	if err := s.store.PutAction(ctx, a); err != nil {
		return nil, err
	}
	return a, s.recordAction(ctx, a, nil, "created", in.Actor, in.Reason)
}

// source fills the action's source, touchpoint and valuation from the
// result or the recommendation the request names, which must be of the
// action's company.
func (s *Actions) source(ctx context.Context, a *audit.Action, in NewAction) error {
	switch {
	case in.ResultID != "" && in.ReviewID != "":
		return invalidField("resultId", "name either a result or a review's recommendation, not both")
	case in.ResultID != "":
		r, err := s.store.GetResult(ctx, in.ResultID)
		if audit.IsCode(err, audit.NotFound) || err == nil && r.CompanyID != a.CompanyID {
			return invalidField("resultId", fmt.Sprintf("company %s has no result %q", a.CompanyID, in.ResultID))
		} else if err != nil {
			return err
		}
		if r.Valuation > -1 {
			return invalidField("resultId", fmt.Sprintf("result %s is valued %+d: an action answers a -1 or -2 result (or a recommendation)", r.ID, r.Valuation))
		}
		if in.TouchpointID != "" && in.TouchpointID != r.TouchpointID {
			return invalidField("touchpointId", fmt.Sprintf("result %s is of touchpoint %s, not %s", r.ID, r.TouchpointID, in.TouchpointID))
		}
		a.Source, a.TouchpointID, a.Valuation = audit.ActionSource{ResultID: r.ID}, r.TouchpointID, r.Valuation
		return nil
	case in.ReviewID != "":
		rv, err := s.store.GetReview(ctx, in.ReviewID)
		if audit.IsCode(err, audit.NotFound) || err == nil && rv.CompanyID != a.CompanyID {
			return invalidField("reviewId", fmt.Sprintf("company %s has no review %q", a.CompanyID, in.ReviewID))
		} else if err != nil {
			return err
		}
		rec, err := s.recommendation(ctx, rv, in.TouchpointID)
		if err != nil {
			return err
		}
		a.Source, a.Valuation = audit.ActionSource{ReviewID: rv.ID}, rec.Valuation
		return nil
	}
	return invalidField("resultId", "name a -1 or -2 result (resultId), or a review's recommendation (reviewId and touchpointId)")
}

// recommendation finds the touchpoint's recommendation in the review's
// stored report: a fix or a chosen differentiator.
func (s *Actions) recommendation(ctx context.Context, rv *audit.Review, touchpointID string) (*scoring.Recommendation, error) {
	if touchpointID == "" {
		return nil, invalidField("touchpointId", "is required with reviewId: the recommended touchpoint")
	}
	b, err := s.store.GetReport(ctx, rv.ID)
	if audit.IsCode(err, audit.NotFound) {
		return nil, invalidField("reviewId", fmt.Sprintf("review %s has no report yet (status %s)", rv.ID, rv.Status))
	} else if err != nil {
		return nil, err
	}
	var rep struct {
		Recommendations scoring.Recommendations `json:"recommendations"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("decode report of review %s: %w", rv.ID, err)
	}
	for _, list := range [][]scoring.Recommendation{rep.Recommendations.Fixes, rep.Recommendations.Differentiators} {
		for i := range list {
			if list[i].TouchpointID == touchpointID {
				return &list[i], nil
			}
		}
	}
	return nil, invalidField("touchpointId", fmt.Sprintf("the report of review %s recommends nothing for touchpoint %q", rv.ID, touchpointID))
}

// Move changes an action's status by the table of audit.ActionTransition
// and records the change. Reopening or verifying by hand needs a reason.
// Moving an action to the status it has already is a retry: it answers the
// action and makes sure the change is recorded. Marking a −2 touchpoint's
// action done moves the touchpoint's next verification to one month later.
func (s *Actions) Move(ctx context.Context, in MoveAction) (*audit.Action, error) {
	if err := audit.ActionTransition(audit.ActionOpen, in.Status); audit.IsCode(err, audit.Invalid) {
		return nil, err
	}
	if (in.Status == audit.ActionReopened || in.Status == audit.ActionVerified) && in.Reason == "" {
		return nil, invalidField("reason", fmt.Sprintf("is required to mark an action %s", in.Status))
	}
	if len(in.Reason) > 2000 {
		return nil, invalidField("reason", "at most 2000 characters")
	}
	for attempt := 1; ; attempt++ {
		a, err := s.store.GetAction(ctx, in.CompanyID, in.ID)
		if err != nil {
			return nil, err
		}
		if a.Status == in.Status {
			return a, s.afterMove(ctx, a, nil, in.Actor, in.Reason)
		}
		before := *a
		if err := a.MoveTo(in.Status, s.clock.Now()); err != nil {
			return nil, err
		}
		err = s.store.PutAction(ctx, a)
		if audit.IsCode(err, audit.Conflict) && attempt < maxUpdateAttempts {
			continue
		}
		if err != nil {
			return nil, err
		}
		return a, s.afterMove(ctx, a, &before, in.Actor, in.Reason)
	}
}

// afterMove records the move and, for done, reschedules the touchpoint.
func (s *Actions) afterMove(ctx context.Context, a *audit.Action, before *audit.Action, actor, reason string) error {
	if err := s.recordAction(ctx, a, before, string(a.Status), actor, reason); err != nil {
		return err
	}
	if a.Status == audit.ActionDone {
		if err := s.fixDone(ctx, a, actor); err != nil {
			return err
		}
		// A −2 due one month after its fix may not wait for the next
		// half-yearly review.
		return s.autoInterim(ctx, a.CompanyID)
	}
	return nil
}

// fixDone feeds the cadence: the touchpoint's schedule is computed again
// with the fix marked done (a −2 walked before the action was done falls
// due one month after it), and when its newest result is such a −2 the
// result's own date moves the same way (scoring's MarkFixDone), recorded
// in the trail.
func (s *deps) fixDone(ctx context.Context, a *audit.Action, actor string) error {
	if a.DoneAt == nil {
		return nil
	}
	eng, err := s.scorer(ctx, a.CompanyID)
	if err != nil {
		return err
	}
	if err := s.reschedule(ctx, eng, []string{a.TouchpointID}); err != nil {
		return err
	}
	rs, _, err := s.store.ListResultHistory(ctx, a.CompanyID, a.TouchpointID, audit.Page{Limit: 1})
	if err != nil || len(rs) == 0 {
		return err
	}
	r := rs[0]
	was := dueOf(r)
	eng.MarkFixDone(&r, *a.DoneAt)
	if now := dueOf(r); now == was {
		return nil
	}
	if err := s.store.PutResults(ctx, []audit.Result{r}); err != nil {
		return err
	}
	return s.record(ctx, audit.TrailEntry{
		ID: fmt.Sprintf("%s-v%d-due", a.ID, a.Version), CompanyID: r.CompanyID,
		Object: audit.TrailObject{Kind: audit.TrailResult, ID: r.ID}, Action: "rescheduled", Actor: actor,
		Before: mustJSON(was), After: mustJSON(dueOf(r)),
		Reason: fmt.Sprintf("action %s was marked done on %s", a.ID, a.DoneAt.UTC().Format(time.DateOnly)),
	})
}

// resultDue is the part of a result that a fix marked done changes.
type resultDue struct {
	NextDue   time.Time `json:"nextDue"`
	DueReason string    `json:"dueReason,omitempty"`
}

func dueOf(r audit.Result) resultDue { return resultDue{NextDue: r.NextDue, DueReason: r.DueReason} }

// VerifyByWalk is the next scored walk's verdict on the touchpoint's
// actions that are done: valued 0 or better verifies them, still negative
// reopens them. Only actions done before the walk count. The Score step
// calls it after storing the result; a retried call finds nothing left to
// move. It returns the actions it moved.
func (s *deps) VerifyByWalk(ctx context.Context, r audit.Result) ([]audit.Action, error) {
	walked := r.WalkedAt
	if walked.IsZero() {
		walked = r.ScoredAt
	}
	done, err := listAll(ctx, func(p audit.Page) ([]audit.Action, string, error) {
		return s.store.ListActions(ctx, r.CompanyID, audit.ActionDone, p)
	})
	if err != nil {
		return nil, err
	}
	to, verdict := audit.ActionVerified, "verified"
	if r.Valuation < 0 {
		to, verdict = audit.ActionReopened, "still negative"
	}
	var moved []audit.Action
	for _, a := range done {
		if a.TouchpointID != r.TouchpointID || a.DoneAt == nil || a.DoneAt.After(walked) {
			continue
		}
		before := a
		if err := a.MoveTo(to, s.clock.Now()); err != nil {
			return moved, err
		}
		a.CheckedBy = r.ID
		if err := s.store.PutAction(ctx, &a); err != nil {
			// A lead moved it meanwhile: theirs stands, and a retry sees it.
			return moved, err
		}
		reason := fmt.Sprintf("walk %s of %s valued %+d on %s: %s", r.WalkthroughID, r.TouchpointID, r.Valuation, walked.UTC().Format(time.DateOnly), verdict)
		if err := s.recordAction(ctx, &a, &before, string(to), audit.TrailActorSystem, reason); err != nil {
			return moved, err
		}
		moved = append(moved, a)
	}
	return moved, nil
}

// recordAction appends the action's change to the trail; its id is the
// action's id and stored version, so a retry records once.
func (s *deps) recordAction(ctx context.Context, a *audit.Action, before *audit.Action, verb, actor, reason string) error {
	e := audit.TrailEntry{ID: fmt.Sprintf("%s-v%d", a.ID, a.Version), CompanyID: a.CompanyID,
		Object: audit.TrailObject{Kind: audit.TrailAction, ID: a.ID}, Action: verb, Actor: actor,
		After: mustJSON(a), Reason: reason}
	if before != nil {
		e.Before = mustJSON(before)
	}
	return s.record(ctx, e)
}

// record appends an entry to the audit trail, stamped now unless it says
// when. Entry ids derive from what caused them, so a retry records once.
func (s *deps) record(ctx context.Context, e audit.TrailEntry) error {
	if e.At.IsZero() {
		e.At = s.clock.Now()
	}
	return s.store.AppendTrail(ctx, e)
}

// fixesDone is, per touchpoint, when its latest action still counting as
// a fix (done or verified) was marked done: the report's FixesDone.
func (s *deps) fixesDone(ctx context.Context, companyID string) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	for _, st := range []audit.ActionStatus{audit.ActionDone, audit.ActionVerified} {
		as, err := listAll(ctx, func(p audit.Page) ([]audit.Action, string, error) {
			return s.store.ListActions(ctx, companyID, st, p)
		})
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			if a.DoneAt != nil && a.DoneAt.After(out[a.TouchpointID]) {
				out[a.TouchpointID] = *a.DoneAt
			}
		}
	}
	return out, nil
}

// List lists a company's actions in one status ("" for all), by due day.
func (s *Actions) List(ctx context.Context, companyID string, status audit.ActionStatus, p audit.Page) ([]audit.Action, string, error) {
	if status != "" {
		if err := audit.ActionTransition(audit.ActionOpen, status); audit.IsCode(err, audit.Invalid) {
			return nil, "", err
		}
	}
	return s.store.ListActions(ctx, companyID, status, p)
}

// Overdue lists a company's unfinished actions whose due day has passed,
// soonest first.
func (s *Actions) Overdue(ctx context.Context, companyID string, p audit.Page) ([]audit.Action, string, error) {
	return s.store.ListOverdueActions(ctx, companyID, s.clock.Now(), p)
}

// Get reads one of the company's actions.
func (s *Actions) Get(ctx context.Context, companyID, id string) (*audit.Action, error) {
	return s.store.GetAction(ctx, companyID, id)
}

func newActionID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "act-" + hex.EncodeToString(b)
}

// mustJSON encodes a value the store has already accepted.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("workflow: encode %T: %v", v, err))
	}
	return b
}
