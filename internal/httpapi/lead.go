package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/message"
	"touchaudit/internal/workflow"
)

// The CX lead endpoints. A lead sees only their own company: another
// company's review is not found.

func (h *Handler) company(ctx context.Context, r *request) (reply, error) {
	c, err := h.store.GetCompany(ctx, r.who.CompanyID)
	if err != nil {
		return reply{}, err
	}
	return ok(c)
}

// maxReason bounds a change's reason, as the trail does.
const maxReason = 2000

func (h *Handler) importCompany(ctx context.Context, r *request) (reply, error) {
	// The configuration's own schema is the allow-list: strict decoding
	// refuses any field it does not define.
	var c audit.Company
	if err := decode(r.body, &c, false); err != nil {
		return reply{}, err
	}
	if c.ID != r.who.CompanyID {
		return reply{}, invalidField("id", "must be your company %q, not %q", r.who.CompanyID, c.ID)
	}
	// Why is an optional query parameter: the body is the configuration
	// itself, whose schema has no room for it.
	reason := r.ev.QueryStringParameters["reason"]
	if len(reason) > maxReason {
		return reply{}, invalidField("reason", "at most %d characters", maxReason)
	}
	sum, err := h.companies.ImportBy(ctx, c, r.who.StaffID, reason)
	if err != nil {
		return reply{}, err
	}
	return ok(sum)
}

// reviewRequest is POST /api/reviews; the company and the requester come
// from the caller.
type reviewRequest struct {
	ReviewID         string             `json:"reviewId"`
	Name             string             `json:"name"`
	Opens            string             `json:"opens"`
	Closes           string             `json:"closes"`
	StandardVersion  string             `json:"standardVersion"`
	Scope            *scopeRequest      `json:"scope"`
	PreviousReviewID string             `json:"previousReviewId"`
	Seed             int64              `json:"seed"`
	FixCosts         map[string]float64 `json:"fixCosts"`
}

type scopeRequest struct {
	Journeys           []string `json:"journeys"`
	Touchpoints        []string `json:"touchpoints"`
	WalksPerTouchpoint int      `json:"walksPerTouchpoint"`
	MaxPerAuditor      int      `json:"maxPerAuditor"`
}

// reviewStarted is the 202 answer of POST /api/reviews.
type reviewStarted struct {
	ReviewID string             `json:"reviewId"`
	Status   audit.ReviewStatus `json:"status"`
}

func (h *Handler) startReview(ctx context.Context, r *request) (reply, error) {
	var in reviewRequest
	if err := decode(r.body, &in, false); err != nil {
		return reply{}, err
	}
	c, err := h.store.GetCompany(ctx, r.who.CompanyID)
	if err != nil {
		return reply{}, err
	}
	p := &problems{}
	req := workflow.ReviewRequest{CompanyID: c.ID, ReviewID: in.ReviewID, Name: in.Name, StandardVersion: in.StandardVersion,
		PreviousReviewID: in.PreviousReviewID, Seed: in.Seed, RequestedBy: r.who.StaffID, FixCosts: in.FixCosts}
	// A time that parses is kept even when zero (year 1), so that the
	// bounds refuse it rather than the default replace it.
	req.Opens = p.givenTime("opens", in.Opens)
	req.Closes = p.givenTime("closes", in.Closes)
	p.list = append(p.list, audit.CheckNewReview(in.Name, req.Opens, req.Closes, h.now())...)
	if in.ReviewID != "" {
		// A review id carries its company (<company>.<name>) and stays out of
		// the schedule's names, so no lead can take, block or probe
		// another company's review.
		p.list = append(p.list, audit.CheckNewReviewID(c.ID, in.ReviewID)...)
	}
	tps := map[string]bool{}
	journeys := map[string]bool{}
	for _, ref := range c.Touchpoints() {
		tps[ref.ID], journeys[ref.JourneyID] = true, true
	}
	if in.Scope != nil {
		req.Scope = audit.ReviewScope{Journeys: in.Scope.Journeys, Touchpoints: in.Scope.Touchpoints,
			WalksPerTouchpoint: in.Scope.WalksPerTouchpoint, MaxPerAuditor: in.Scope.MaxPerAuditor}
		for i, j := range in.Scope.Journeys {
			if !journeys[j] {
				p.add(fmt.Sprintf("scope.journeys[%d]", i), "company %s has no journey %q", c.ID, j)
			}
		}
		for i, t := range in.Scope.Touchpoints {
			if !tps[t] {
				p.add(fmt.Sprintf("scope.touchpoints[%d]", i), "company %s has no touchpoint %q", c.ID, t)
			}
		}
	}
	for _, tp := range sortedKeys(in.FixCosts) {
		if !tps[tp] {
			p.add("fixCosts."+tp, "company %s has no touchpoint %q", c.ID, tp)
		}
	}
	if in.PreviousReviewID != "" {
		if prev, err := h.store.GetReview(ctx, in.PreviousReviewID); audit.IsCode(err, audit.NotFound) || err == nil && prev.CompanyID != c.ID {
			p.add("previousReviewId", "company %s has no review %q", c.ID, in.PreviousReviewID)
		} else if err != nil {
			return reply{}, err
		}
	}
	if len(p.list) > 0 {
		return reply{}, invalidFields(p.list)
	}
	out, err := h.wf.Reviews.StartReview(ctx, req)
	if err != nil {
		return reply{}, reviewFields(err)
	}
	return reply{status: http.StatusAccepted, body: reviewStarted{ReviewID: out.ReviewID, Status: out.Status}}, nil
}

// interim is GET /api/reviews/interim: the interim review the planner
// proposes from the stored schedule, with the next half-yearly opening.
func (h *Handler) interim(ctx context.Context, r *request) (reply, error) {
	in, err := h.wf.Reviews.ProposeInterim(ctx, r.who.CompanyID)
	if err != nil {
		return reply{}, err
	}
	return ok(in)
}

// startInterim is POST /api/reviews/interim, the lead's one click: it
// starts the proposed review (202), or answers the one already started
// from the same proposal (200). The body is empty or {}.
func (h *Handler) startInterim(ctx context.Context, r *request) (reply, error) {
	var none struct{}
	if err := decode(r.body, &none, true); err != nil {
		return reply{}, err
	}
	out, err := h.wf.Reviews.StartInterim(ctx, r.who.CompanyID, r.who.StaffID)
	if err != nil {
		return reply{}, err
	}
	if out.Started {
		return reply{status: http.StatusAccepted, body: out}, nil
	}
	return ok(out)
}

// givenTime parses an optional time: nil when absent or malformed (then
// reported), and kept when it parses, even as the zero time (year 1), so
// that the bounds refuse it rather than a default replace it.
func (p *problems) givenTime(path, s string) *time.Time {
	if s == "" {
		return nil
	}
	n := len(p.list)
	t := p.time(path, s, false)
	if len(p.list) > n {
		return nil
	}
	return &t
}

// reviewFields renames a review's validation paths to the request's.
func reviewFields(err error) error {
	probs := audit.ProblemsOf(err)
	if len(probs) == 0 {
		return err
	}
	renamed := make([]audit.Problem, len(probs))
	for i, pr := range probs {
		switch {
		case pr.Path == "id":
			pr.Path = "reviewId"
		case strings.HasPrefix(pr.Path, "window."):
			pr.Path = strings.TrimPrefix(pr.Path, "window.")
		}
		renamed[i] = pr
	}
	return invalidFields(renamed)
}

// ownReview reads a review of the caller's company.
func (h *Handler) ownReview(ctx context.Context, r *request) (*audit.Review, error) {
	id := r.params["id"]
	rv, err := h.store.GetReview(ctx, id)
	if err != nil {
		return nil, err
	}
	if rv.CompanyID != r.who.CompanyID {
		return nil, errorf(audit.NotFound, "review %s not found", id)
	}
	return rv, nil
}

func (h *Handler) review(ctx context.Context, r *request) (reply, error) {
	rv, err := h.ownReview(ctx, r)
	if err != nil {
		return reply{}, err
	}
	rv.TaskToken = "" // callback tokens never leave the server
	return ok(rv)
}

func (h *Handler) report(ctx context.Context, r *request) (reply, error) {
	rv, err := h.ownReview(ctx, r)
	if err != nil {
		return reply{}, err
	}
	b, err := h.store.GetReport(ctx, rv.ID)
	if audit.IsCode(err, audit.NotFound) {
		return reply{}, errorf(audit.NotFound, "the report of review %s is not compiled yet (review status: %s)", rv.ID, rv.Status)
	} else if err != nil {
		return reply{}, err
	}
	if !json.Valid(b) {
		return reply{}, fmt.Errorf("stored report of review %s is not JSON", rv.ID)
	}
	return ok(json.RawMessage(b))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// outboxView is GET /api/outbox: the messages a local run sent to the
// lead's company, oldest first.
type outboxView struct {
	Messages []message.Message `json:"messages"`
}

func (h *Handler) sentMessages(_ context.Context, r *request) (reply, error) {
	if h.outbox == nil {
		return reply{}, errorf(audit.NotFound, "no such resource")
	}
	msgs := h.outbox.Sent(r.who.CompanyID)
	if msgs == nil {
		msgs = []message.Message{}
	}
	return ok(outboxView{Messages: msgs})
}
