package workflow

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/scoring"
	"touchaudit/internal/zone"
)

// The schedule: one answer to "when is this touchpoint due". The store
// keeps it (PutSchedule, ListDueTouchpoints) and only this file writes
// it, always by scoring's rule (Engine.DueTouchpoints) over the approved
// results of each touchpoint's latest review and the fixes marked done
// (the same inputs as the report's schedule). It is recomputed when what
// it depends on changes: results approved (the QA gate, a lead's
// approval, an appeal's change), an action marked done, a standard
// version published, and for every touchpoint of a review when its report
// is compiled (which also repairs a write lost to a race).

// reschedule recomputes and stores the schedule of the given touchpoints
// of eng's company. fresh are results just written: they stand in for
// their stored copies, which a listing may not show yet.
func (s *deps) reschedule(ctx context.Context, eng *scoring.Engine, touchpointIDs []string, fresh ...audit.Result) error {
	companyID := eng.Company().ID
	fixes, err := s.fixesDone(ctx, companyID)
	if err != nil {
		return err
	}
	byID := map[string]audit.Result{}
	for _, r := range fresh {
		byID[r.ID] = r
	}
	var approved []audit.Result
	seen := map[string]bool{}
	for _, tp := range touchpointIDs {
		if seen[tp] {
			continue
		}
		seen[tp] = true
		hist, err := listAll(ctx, func(p audit.Page) ([]audit.Result, string, error) {
			return s.store.ListResultHistory(ctx, companyID, tp, p)
		})
		if err != nil {
			return err
		}
		for _, r := range hist {
			if f, ok := byID[r.ID]; ok {
				r = f
				delete(byID, r.ID)
			}
			if r.Counts() {
				approved = append(approved, r)
			}
		}
	}
	for _, r := range fresh {
		if _, left := byID[r.ID]; left && seen[r.TouchpointID] && r.Counts() {
			approved = append(approved, r)
		}
	}
	items := eng.DueTouchpoints(approved, fixes)
	if len(items) == 0 {
		return nil
	}
	return s.store.PutSchedule(ctx, items)
}

// rescheduleResults recomputes the schedule of the touchpoints of results
// just written.
func (s *deps) rescheduleResults(ctx context.Context, rs ...audit.Result) error {
	if len(rs) == 0 {
		return nil
	}
	eng, err := s.scorer(ctx, rs[0].CompanyID)
	if err != nil {
		return err
	}
	tps := make([]string, 0, len(rs))
	for _, r := range rs {
		tps = append(tps, r.TouchpointID)
	}
	return s.reschedule(ctx, eng, tps, rs...)
}

// StandardsPublished implements audit.Rescheduler: a company import that
// publishes a standard version reschedules every touchpoint of the
// company under the new configuration (a newer version makes what was
// scored under an older one due at once, the day it takes effect).
func (s *Reviews) StandardsPublished(ctx context.Context, c *audit.Company, _ []string) error {
	eng, err := scoring.New(c)
	if err != nil {
		return err
	}
	s.scorers.mu.Lock()
	s.scorers.byID[c.ID] = cachedScorer{engine: eng, loadedAt: s.clock.Now()}
	s.scorers.mu.Unlock()
	var tps []string
	for _, ref := range c.Touchpoints() {
		tps = append(tps, ref.ID)
	}
	return s.reschedule(ctx, eng, tps)
}

var _ audit.Rescheduler = (*Reviews)(nil)

// halfYearlyZone is where the half-yearly schedule runs (template.yaml:
// ScheduleExpressionTimezone Europe/Warsaw).
var halfYearlyZone = zone.Warsaw

// HalfYearlyOpens is when the next half-yearly review opens after t: the
// schedule in template.yaml, cron(0 7 1 1,7 ? *) in Europe/Warsaw, i.e.
// 07:00 on 1 January and 1 July.
func HalfYearlyOpens(t time.Time) time.Time {
	l := t.In(halfYearlyZone)
	for y := l.Year(); ; y++ {
		for _, m := range []time.Month{time.January, time.July} {
			if o := time.Date(y, m, 1, 7, 0, 0, 0, halfYearlyZone); o.After(t) {
				return o.UTC()
			}
		}
	}
}

// Interim is the planner's proposal of an interim review: nil when every
// touchpoint can wait for the next half-yearly review.
type Interim struct {
	CompanyID string `json:"companyId"`
	// NextReviewOpens is the next half-yearly opening (HalfYearlyOpens).
	NextReviewOpens time.Time `json:"nextReviewOpens"`
	// Proposal is scoring.ProposeInterim's answer: the touchpoints, the
	// date to open by and the reason; nil when nothing is proposed.
	Proposal *scoring.InterimReview `json:"proposal"`
	// ReviewID is the id the interim review gets, derived from the
	// proposal, so starting it twice starts one review.
	ReviewID string `json:"reviewId,omitempty"`
}

// ProposeInterim is what the planner proposes now, from the stored
// schedule and the next half-yearly opening.
func (s *Reviews) ProposeInterim(ctx context.Context, companyID string) (Interim, error) {
	eng, err := s.scorer(ctx, companyID)
	if err != nil {
		return Interim{}, err
	}
	items, err := s.store.ListDueTouchpoints(ctx, companyID, endOfSchedule)
	if err != nil {
		return Interim{}, err
	}
	out := Interim{CompanyID: companyID, NextReviewOpens: HalfYearlyOpens(s.clock.Now())}
	out.Proposal = scoring.ProposeInterim(eng.Company(), eng.ScheduleDue(items), out.NextReviewOpens)
	if out.Proposal != nil {
		out.ReviewID = InterimReviewID(companyID, out.Proposal)
	}
	return out, nil
}

// InterimReviewID names the interim review of a proposal: the company,
// the date to open by and a digest of the touchpoints, so the same
// proposal started twice (a double click, a retry, the workflow and a
// lead) is one review.
func InterimReviewID(companyID string, p *scoring.InterimReview) string {
	sum := sha256.Sum256([]byte(strings.Join(p.Scope.Touchpoints, "\x00")))
	return fmt.Sprintf("%s.interim-%s-%s", companyID, p.OpenBy.UTC().Format("20060102"), hex.EncodeToString(sum[:4]))
}

// InterimStarted is the interim review started, or found already started.
type InterimStarted struct {
	ReviewOutput
	// Started is false when the review existed already.
	Started  bool                   `json:"started"`
	Proposal *scoring.InterimReview `json:"proposal"`
}

// StartInterim starts the proposed interim review: a review of exactly
// the proposed touchpoints, opening now, named by InterimReviewID. When
// that review exists already it is answered as it is. Nothing proposed
// is a conflict.
func (s *Reviews) StartInterim(ctx context.Context, companyID, requestedBy string) (InterimStarted, error) {
	in, err := s.ProposeInterim(ctx, companyID)
	if err != nil {
		return InterimStarted{}, err
	}
	if in.Proposal == nil {
		return InterimStarted{}, conflict("no interim review is needed: every touchpoint can wait for the next half-yearly review, opening %s",
			in.NextReviewOpens.Format(time.DateOnly))
	}
	out := InterimStarted{Proposal: in.Proposal}
	existing := func() (InterimStarted, error) {
		r, err := s.store.GetReview(ctx, in.ReviewID)
		if err != nil {
			return InterimStarted{}, err
		}
		if r.CompanyID != companyID {
			return InterimStarted{}, conflict("review %s belongs to another company", r.ID)
		}
		out.ReviewOutput = reviewOutput(r)
		return out, nil
	}
	if _, err := s.store.GetReview(ctx, in.ReviewID); err == nil {
		return existing()
	} else if !audit.IsCode(err, audit.NotFound) {
		return InterimStarted{}, err
	}
	p := in.Proposal
	req := ReviewRequest{CompanyID: companyID, ReviewID: in.ReviewID, RequestedBy: requestedBy,
		Name:  fmt.Sprintf("Interim review: %d touchpoint(s) due by %s", len(p.Scope.Touchpoints), p.OpenBy.UTC().Format(time.DateOnly)),
		Scope: audit.ReviewScope{Touchpoints: p.Scope.Touchpoints}}
	started, err := s.StartReview(ctx, req)
	if audit.IsCode(err, audit.Conflict) {
		// Started at the same moment by another click (with another
		// opening time): theirs stands.
		return existing()
	}
	if err != nil {
		return InterimStarted{}, err
	}
	out.ReviewOutput, out.Started = started, true
	return out, nil
}

// autoInterim starts the proposed interim review when the company's
// settings say so (settings.autoInterim); otherwise it only waits for a
// lead. The workflow calls it where the schedule settles: after a
// review's report is compiled and after an action is marked done.
func (s *deps) autoInterim(ctx context.Context, companyID string) error {
	eng, err := s.scorer(ctx, companyID)
	if err != nil || !eng.Company().AutoInterim() {
		return err
	}
	out, err := (&Reviews{deps: s}).StartInterim(ctx, companyID, audit.TrailActorSystem)
	if audit.IsCode(err, audit.Conflict) && out.Proposal == nil {
		return nil // nothing to start
	}
	if err == nil && out.Started {
		s.logger().InfoContext(ctx, "interim review started", "company", companyID, "review", out.ReviewID, "reason", out.Proposal.Reason)
	}
	return err
}
