package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"touchaudit/internal/assign"
	"touchaudit/internal/audit"
)

// Reviews, from the start: start a review, plan its walks, assign
// auditors and start one audit execution per walk.

// ReviewRequest starts a review: from the half-yearly schedule (companyId
// and scheduledTime only) or ad hoc from a CX lead (any field).
type ReviewRequest struct {
	CompanyID string `json:"companyId"`
	// ReviewID is <company>.<name> (audit.ReviewID). It defaults to
	// <company>.h-<year>-<1|2> of the opening time for the schedule, so a
	// retried schedule names the same review, and to
	// <company>.adhoc-<yyyymmdd-hhmm> of the opening time otherwise. An
	// ad-hoc name may not begin with audit.ScheduledPrefix.
	ReviewID string `json:"reviewId,omitempty"`
	Name     string `json:"name,omitempty"`
	// ScheduledTime is EventBridge Scheduler's <aws.scheduler.scheduled-time>.
	ScheduledTime   *time.Time        `json:"scheduledTime,omitempty"`
	Opens           *time.Time        `json:"opens,omitempty"`
	Closes          *time.Time        `json:"closes,omitempty"`
	StandardVersion string            `json:"standardVersion,omitempty"`
	Scope           audit.ReviewScope `json:"scope,omitzero"`
	// PreviousReviewID is compared with for drift and auditor rotation;
	// scheduled reviews default to the previous half-year's review.
	PreviousReviewID string `json:"previousReviewId,omitempty"`
	Seed             int64  `json:"seed,omitempty"`
	RequestedBy      string `json:"requestedBy,omitempty"`
	// FixCosts are the CX lead's fix estimates in person-days by touchpoint.
	FixCosts map[string]float64 `json:"fixCosts,omitempty"`
}

// DefaultWindow is how long a review stays open for walks: six weeks.
const DefaultWindow = 42 * audit.Day

// StartReview is the ad-hoc start a CX lead uses (function start-review,
// POST /api/reviews and the CLI): it stores the review and starts the review
// execution, named by the review id. Starting the same review again starts
// nothing new; reusing a review id for a different review is a conflict.
func (s *Reviews) StartReview(ctx context.Context, req ReviewRequest) (ReviewOutput, error) {
	c, err := s.store.GetCompany(ctx, req.CompanyID)
	if err != nil {
		return ReviewOutput{}, err
	}
	r, err := s.newReview(ctx, c, req)
	if err != nil {
		return ReviewOutput{}, err
	}
	if r, err = s.createReview(ctx, r); err != nil {
		return ReviewOutput{}, err
	}
	req.ReviewID = r.ID
	in, _ := json.Marshal(req)
	if err := s.exec.StartExecution(ctx, s.cfg.ReviewStateMachineArn, r.ID, in); err != nil {
		return ReviewOutput{}, err
	}
	return reviewOutput(r), nil
}

// createReview stores a new review, or returns the stored one when it is
// the same review asked for again (a retry). A stored review of another
// company, or with other parameters, is a conflict.
func (s *Reviews) createReview(ctx context.Context, r *audit.Review) (*audit.Review, error) {
	err := s.store.CreateReview(ctx, r)
	if !audit.IsCode(err, audit.Conflict) {
		return r, err
	}
	stored, err := s.store.GetReview(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	if !sameReview(stored, r) {
		return nil, conflict("review %s already exists with other parameters", r.ID)
	}
	return stored, nil
}

// sameReview compares what a review request decides.
func sameReview(a, b *audit.Review) bool {
	type decided struct {
		Company, Standard, Previous string
		Opens, Closes               time.Time
		Scope                       audit.ReviewScope
	}
	da := decided{a.CompanyID, a.StandardVersion, a.PreviousReviewID, a.Window.Opens.UTC(), a.Window.Closes.UTC(), a.Scope}
	db := decided{b.CompanyID, b.StandardVersion, b.PreviousReviewID, b.Window.Opens.UTC(), b.Window.Closes.UTC(), b.Scope}
	return reflect.DeepEqual(da, db)
}

// newReview resolves a request's defaults into a valid Review.
func (s *Reviews) newReview(ctx context.Context, c *audit.Company, req ReviewRequest) (*audit.Review, error) {
	now := s.clock.Now()
	opens := now
	switch {
	case req.Opens != nil:
		opens = req.Opens.UTC()
	case req.ScheduledTime != nil:
		opens = req.ScheduledTime.UTC()
	}
	closes := opens.Add(DefaultWindow)
	if req.Closes != nil {
		closes = req.Closes.UTC()
	}
	r := &audit.Review{
		ID: req.ReviewID, CompanyID: c.ID, Name: req.Name, Scope: req.Scope,
		Window: audit.Window{Opens: opens, Closes: closes}, StandardVersion: req.StandardVersion,
		Status: audit.ReviewPlanned, PreviousReviewID: req.PreviousReviewID, Seed: req.Seed,
		CreatedAt: now, CreatedBy: req.RequestedBy, FixCosts: req.FixCosts,
	}
	switch {
	case r.ID != "":
		if err := s.checkReviewID(ctx, c, r, req); err != nil {
			return nil, err
		}
	case req.ScheduledTime == nil:
		// Ad hoc: an id of its own, never the half-year's scheduled review.
		r.ID = audit.ReviewID(c.ID, "adhoc-"+opens.Format("20060102-1504"))
	default:
		r.ID = audit.ScheduledReviewID(c.ID, opens)
		if r.PreviousReviewID == "" {
			prev, err := s.previousHalfYear(ctx, c.ID, opens.AddDate(0, -6, 0))
			if err != nil {
				return nil, err
			}
			r.PreviousReviewID = prev
		}
	}
	if r.Name == "" {
		r.Name = fmt.Sprintf("%s review %s", c.ID, r.ID)
	}
	if r.StandardVersion == "" {
		for i := range c.Standards {
			if c.Standards[i].EffectiveOn(opens) {
				r.StandardVersion = c.Standards[i].Version
			}
		}
		if r.StandardVersion == "" {
			return nil, invalidField("standardVersion", fmt.Sprintf("no standard set of %s is in force on %s", c.ID, opens.Format(time.DateOnly)))
		}
	} else if _, ok := c.Standard(r.StandardVersion); !ok {
		return nil, invalidField("standardVersion", fmt.Sprintf("company %s has no standard %q", c.ID, r.StandardVersion))
	}
	if r.Seed == 0 {
		r.Seed = opens.Unix()
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return r, nil
}

// checkReviewID checks a review id the request names. Review ids are
// global and carry their company (audit.ReviewID): a lead's ad-hoc id must
// be <company>.<name> outside the schedule's names, and the scheduled
// review's own id is only the schedule's to name. An id of the old shape
// is accepted only for the company's review already stored under it (an
// execution started before ids carried the company, planned now).
func (s *Reviews) checkReviewID(ctx context.Context, c *audit.Company, r *audit.Review, req ReviewRequest) error {
	if req.ScheduledTime != nil && r.ID == audit.ScheduledReviewID(c.ID, r.Window.Opens) {
		return nil
	}
	probs := audit.CheckNewReviewID(c.ID, r.ID)
	if len(probs) == 0 {
		return nil
	}
	if !strings.HasPrefix(r.ID, c.ID+audit.ReviewIDSeparator) {
		old, err := s.store.GetReview(ctx, r.ID)
		if err == nil && old.CompanyID == c.ID {
			return nil
		} else if err != nil && !audit.IsCode(err, audit.NotFound) {
			return err
		}
	}
	return &audit.Error{Code: audit.Invalid, Message: "invalid review id", Problems: probs}
}

// previousHalfYear is the id of the company's scheduled review of the
// half-year containing t, or "" if there is none: under today's id, or
// under the id the schedule gave before ids carried the company, if that
// review is the company's.
func (s *Reviews) previousHalfYear(ctx context.Context, companyID string, t time.Time) (string, error) {
	for _, id := range []string{audit.ScheduledReviewID(companyID, t), audit.LegacyScheduledReviewID(companyID, t)} {
		r, err := s.store.GetReview(ctx, id)
		switch {
		case err == nil && r.CompanyID == companyID:
			return id, nil
		case err != nil && !audit.IsCode(err, audit.NotFound):
			return "", err
		}
	}
	return "", nil
}

// PlanOutput is what planning decided.
type PlanOutput struct {
	ReviewID    string `json:"reviewId"`
	Touchpoints int    `json:"touchpoints"`
	Assignments int    `json:"assignments"`
	// AwaitSeconds bounds the review's wait for its last audit: until the
	// window closes plus ReviewGrace for late promise checks.
	AwaitSeconds int64 `json:"awaitSeconds"`
}

// ReviewGrace is how long after its window a review waits for promise
// checks before expiring what is still open.
const ReviewGrace = 30 * audit.Day

// PlanReview creates the review (if the request is new) and writes one
// planned assignment per walk of every touchpoint due. Due is the stored
// schedule's answer and no other rule (schedule.go keeps it by scoring's
// one cadence: −1 three months, a −2 one month after its fix, moments of
// truth at most six months, a newer standard at once…): due before the
// window closes, or never audited. A touchpoint the scope names
// (scope.touchpoints: an interim review, a lead's choice) is walked
// whether due or not. Assignment ids are derived from the review,
// touchpoint and walk, so a retry writes the same items.
func (s *Reviews) PlanReview(ctx context.Context, req ReviewRequest) (PlanOutput, error) {
	c, err := s.store.GetCompany(ctx, req.CompanyID)
	if err != nil {
		return PlanOutput{}, err
	}
	r, err := s.newReview(ctx, c, req)
	if err != nil {
		return PlanOutput{}, err
	}
	if err := s.store.CreateReview(ctx, r); audit.IsCode(err, audit.Conflict) {
		// Started ad hoc (the review is stored already), or a retry: the
		// stored review decides, if it is this company's.
		if r, err = s.store.GetReview(ctx, r.ID); err != nil {
			return PlanOutput{}, err
		}
		if r.CompanyID != c.ID {
			return PlanOutput{}, conflict("review %s belongs to another company", r.ID)
		}
		if r.Status != audit.ReviewPlanned {
			return PlanOutput{ReviewID: r.ID, Assignments: r.Assignments, AwaitSeconds: s.awaitSeconds(r)}, nil
		}
	} else if err != nil {
		return PlanOutput{}, err
	}
	// Every touchpoint's place in the schedule (one query): a touchpoint
	// with none was never audited.
	sched, err := s.store.ListDueTouchpoints(ctx, c.ID, endOfSchedule)
	if err != nil {
		return PlanOutput{}, err
	}
	scheduled := map[string]audit.DueTouchpoint{}
	for _, d := range sched {
		scheduled[d.TouchpointID] = d
	}
	var as []audit.Assignment
	tps := 0
	for _, ref := range c.Touchpoints() {
		if !inScope(r.Scope, ref) {
			continue
		}
		d, known := scheduled[ref.ID]
		named := slices.Contains(r.Scope.Touchpoints, ref.ID)
		if known && !named && !d.NextDue.Before(r.Window.Closes) {
			continue
		}
		tps++
		walks := WalksFor(r.Scope, ref.Touchpoint, d, known)
		for w := 1; w <= walks; w++ {
			as = append(as, audit.Assignment{
				ID: AssignmentID(r.ID, ref.ID, w), CompanyID: c.ID, ReviewID: r.ID, TouchpointID: ref.ID,
				Status: audit.StatusPlanned, Due: r.Window.Closes, Walk: w, UpdatedAt: s.clock.Now(), StandardVersion: r.StandardVersion,
			})
		}
	}
	if err := s.store.PutAssignments(ctx, as); err != nil {
		return PlanOutput{}, err
	}
	r.Assignments, r.Status = len(as), audit.ReviewRunning
	if err := s.store.UpdateReview(ctx, r); err != nil {
		return PlanOutput{}, err
	}
	return PlanOutput{ReviewID: r.ID, Touchpoints: tps, Assignments: len(as), AwaitSeconds: s.awaitSeconds(r)}, nil
}

// endOfSchedule lists every schedule item: no touchpoint is due later.
var endOfSchedule = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

func inScope(sc audit.ReviewScope, ref audit.TouchpointRef) bool {
	if len(sc.Touchpoints) > 0 && !slices.Contains(sc.Touchpoints, ref.ID) {
		return false
	}
	return len(sc.Journeys) == 0 || slices.Contains(sc.Journeys, ref.JourneyID)
}

// WalksFor decides how many independent auditors walk a touchpoint: the
// scope's number (default 2), one more for a moment of truth or a touchpoint
// last valued −1 or −2 (to confirm a fix holds), at most 5.
func WalksFor(sc audit.ReviewScope, tp audit.Touchpoint, last audit.DueTouchpoint, scheduled bool) int {
	n := sc.WalksPerTouchpoint
	if n == 0 {
		n = assign.DefaultWalksPerTouchpoint
	}
	if tp.MomentOfTruth || scheduled && !last.LastScoredAt.IsZero() && last.LastValuation < 0 {
		n++
	}
	return min(n, 5)
}

// AssignmentID names the walk'th walk of a touchpoint in a review.
func AssignmentID(reviewID, touchpointID string, walk int) string {
	return fmt.Sprintf("%s.%s.w%d", reviewID, touchpointID, walk)
}

// ReviewRef names a review.
type ReviewRef struct {
	ReviewID string `json:"reviewId"`
}

// AssignOutput reports what the assignment engine did.
type AssignOutput struct {
	ReviewID  string              `json:"reviewId"`
	Assigned  int                 `json:"assigned"`
	Unstaffed []assign.Infeasible `json:"unstaffed,omitempty"`
	Repeats   int                 `json:"repeats"`
}

// AssignAuditors staffs the review's planned walks with the assignment
// engine (seeded by the review, so a retry decides the same), moves them to
// assigned and expires the walks nobody can take, with the reasons.
func (s *Reviews) AssignAuditors(ctx context.Context, in ReviewRef) (AssignOutput, error) {
	r, err := s.store.GetReview(ctx, in.ReviewID)
	if err != nil {
		return AssignOutput{}, err
	}
	c, err := s.store.GetCompany(ctx, r.CompanyID)
	if err != nil {
		return AssignOutput{}, err
	}
	byStatus, err := s.reviewAssignments(ctx, r.ID, audit.StatusPlanned, audit.StatusAssigned, audit.StatusExpired)
	if err != nil {
		return AssignOutput{}, err
	}
	planned, staffed, expired := byStatus[audit.StatusPlanned], byStatus[audit.StatusAssigned], byStatus[audit.StatusExpired]
	if n := len(planned) + len(staffed) + len(expired); n < r.Assignments {
		// The listings come from an index DynamoDB updates a moment after the
		// write: not every planned walk is visible yet. Conflict is retried.
		return AssignOutput{}, conflict("review %s: %d of %d assignments visible yet", r.ID, n, r.Assignments)
	}
	// A retry after a crash: walks expired by the first attempt but not yet
	// counted are counted now (counting is idempotent per assignment).
	for _, a := range expired {
		if _, err := s.markDone(ctx, r.ID, a.ID); err != nil {
			return AssignOutput{}, err
		}
	}
	req := assign.Request{Auditors: c.Auditors(), Units: c.Units, MaxPerAuditor: r.Scope.MaxPerAuditor, Seed: r.Seed}
	if req.Previous, err = s.previousAuditors(ctx, r.PreviousReviewID); err != nil {
		return AssignOutput{}, err
	}
	byTask := map[string]*audit.Assignment{}
	for i := range planned {
		a := &planned[i]
		ref, ok := c.Touchpoint(a.TouchpointID)
		if !ok {
			return AssignOutput{}, conflict("touchpoint %s of assignment %s is no longer in the company's journeys", a.TouchpointID, a.ID)
		}
		req.Tasks = append(req.Tasks, assign.Task{TouchpointID: a.TouchpointID, Walk: a.Walk, OwnerUnit: ref.OwnerUnit, Channel: ref.Channel, Language: ref.VisitLanguage()})
		byTask[taskKey(a.TouchpointID, a.Walk)] = a
	}
	plan, err := assign.Assign(req)
	if err != nil {
		return AssignOutput{}, err
	}
	now := s.clock.Now()
	due := now.Add(s.cfg.AssignmentPeriod)
	if due.After(r.Window.Closes) || due.Before(r.Window.Opens) {
		due = r.Window.Closes
	}
	var changed []audit.Assignment
	for _, p := range plan.Assigned {
		a := byTask[taskKey(p.TouchpointID, p.Walk)]
		a.AuditorID, a.Due, a.AssignedAt = p.AuditorID, due, now
		if err := a.MoveTo(audit.StatusAssigned, now); err != nil {
			return AssignOutput{}, err
		}
		a.Version++
		changed = append(changed, *a)
	}
	var newlyExpired []string
	for _, u := range plan.Unstaffed {
		a := byTask[taskKey(u.Task.TouchpointID, u.Task.Walk)]
		a.Failure = "unstaffed: " + joinReasons(u.Reasons)
		if err := a.MoveTo(audit.StatusExpired, now); err != nil {
			return AssignOutput{}, err
		}
		a.Version++
		changed = append(changed, *a)
		newlyExpired = append(newlyExpired, a.ID)
	}
	if err := s.store.PutAssignments(ctx, changed); err != nil {
		return AssignOutput{}, err
	}
	for _, id := range newlyExpired {
		if _, err := s.markDone(ctx, r.ID, id); err != nil {
			return AssignOutput{}, err
		}
	}
	if staffed := len(staffed) + len(plan.Assigned); r.Staffed != staffed {
		r.Staffed = staffed
		if err := s.store.UpdateReview(ctx, r); err != nil {
			return AssignOutput{}, err
		}
	}
	return AssignOutput{ReviewID: r.ID, Assigned: len(plan.Assigned), Unstaffed: plan.Unstaffed, Repeats: len(plan.Repeats())}, nil
}

// reviewAssignments lists a review's assignments in the given statuses,
// grouped by status.
func (s *Reviews) reviewAssignments(ctx context.Context, reviewID string, statuses ...audit.AssignmentStatus) (map[audit.AssignmentStatus][]audit.Assignment, error) {
	as, err := s.assignmentsIn(ctx, reviewID, statuses...)
	if err != nil {
		return nil, err
	}
	out := map[audit.AssignmentStatus][]audit.Assignment{}
	for _, a := range as {
		out[a.Status] = append(out[a.Status], a)
	}
	return out, nil
}

func taskKey(tp string, walk int) string { return fmt.Sprintf("%s#%d", tp, walk) }

func joinReasons(rs []string) string {
	b, _ := json.Marshal(rs)
	return string(b)
}

// StartAuditsInput pages through the review's assigned walks.
type StartAuditsInput struct {
	ReviewID string `json:"reviewId"`
	Cursor   string `json:"cursor,omitempty"`
}

// StartAuditsOutput carries the cursor for the next call; More is false at the end.
type StartAuditsOutput struct {
	ReviewID string `json:"reviewId"`
	Started  int    `json:"started"`
	Cursor   string `json:"cursor"`
	More     bool   `json:"more"`
}

// StartAudits starts one audit execution per assigned walk, named by the
// assignment id (a retry starts nothing twice). It pages through the walks
// until done or until the Lambda's time is nearly up, so the review
// execution makes one call for a review of any ordinary size and its
// history does not grow with the number of assignments.
func (s *Reviews) StartAudits(ctx context.Context, in StartAuditsInput) (StartAuditsOutput, error) {
	r, err := s.store.GetReview(ctx, in.ReviewID)
	if err != nil {
		return StartAuditsOutput{}, err
	}
	out := StartAuditsOutput{ReviewID: r.ID, Cursor: in.Cursor}
	now := s.clock.Now()
	seen := 0
	for {
		as, next, err := s.store.ListAssignmentsByReview(ctx, r.ID, audit.StatusAssigned, audit.Page{Limit: s.cfg.StartBatch, Cursor: out.Cursor})
		if err != nil {
			return out, err
		}
		seen += len(as)
		for _, a := range as {
			if a.TaskToken != "" {
				continue // already dispatched: its execution runs
			}
			in, _ := json.Marshal(AuditInput{AssignmentID: a.ID, ReviewID: r.ID, TimeoutSeconds: secondsUntil(now, a.Due)})
			if err := s.exec.StartExecution(ctx, s.cfg.AuditStateMachineArn, a.ID, in); err != nil {
				return out, err
			}
			out.Started++
		}
		out.Cursor = next
		if next == "" {
			if in.Cursor == "" && seen < r.Staffed && out.Started == seen {
				// The index has not caught up with the assignment engine's
				// writes (and nothing moved on yet): retry, so no assigned
				// walk is left without its audit. Starting again is harmless.
				return out, conflict("review %s: %d of %d assigned walks visible yet", r.ID, seen, r.Staffed)
			}
			out.More = false
			return out, nil
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < startAuditsReserve {
			out.More = true
			return out, nil
		}
	}
}

// startAuditsReserve is the Lambda time kept back to return the cursor.
const startAuditsReserve = 30 * time.Second
