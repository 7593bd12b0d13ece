package httpapi

import (
	"context"
	"net/http"
	"slices"

	"touchaudit/internal/audit"
	"touchaudit/internal/workflow"
)

// The CX lead's corrective actions and the audit trail. A lead sees only
// their own company's: another company's action is not found. Nothing
// here edits or deletes a trail entry; there is no such route.

// actionRequest is POST /api/actions; the company and the creator come
// from the caller.
type actionRequest struct {
	ID           string            `json:"id"`
	ResultID     string            `json:"resultId"`
	ReviewID     string            `json:"reviewId"`
	TouchpointID string            `json:"touchpointId"`
	What         string            `json:"what"`
	Owner        audit.ActionOwner `json:"owner"`
	Due          audit.Date        `json:"due"`
	Cost         audit.Money       `json:"cost"`
	Reason       string            `json:"reason"`
}

func (h *Handler) createAction(ctx context.Context, r *request) (reply, error) {
	var in actionRequest
	if err := decode(r.body, &in, false); err != nil {
		return reply{}, err
	}
	a, err := h.wf.Actions.Create(ctx, workflow.NewAction{CompanyID: r.who.CompanyID, ID: in.ID, ResultID: in.ResultID,
		ReviewID: in.ReviewID, TouchpointID: in.TouchpointID, What: in.What, Owner: in.Owner, Due: in.Due, Cost: in.Cost,
		Reason: in.Reason, Actor: r.who.StaffID})
	if err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusCreated, body: a}, nil
}

type actionList struct {
	Actions    []audit.Action `json:"actions"`
	NextCursor string         `json:"nextCursor"`
}

func (h *Handler) listActions(ctx context.Context, r *request) (reply, error) {
	status := audit.ActionStatus(r.ev.QueryStringParameters["status"])
	if status != "" && !slices.Contains(audit.ActionStatuses, status) {
		return reply{}, invalidField("status", "must be one of open, in_progress, done, verified, reopened, not %q", status)
	}
	return listed(r, func(p audit.Page) ([]audit.Action, string, error) {
		return h.wf.Actions.List(ctx, r.who.CompanyID, status, p)
	}, func(as []audit.Action, next string) any { return actionList{Actions: as, NextCursor: next} })
}

func (h *Handler) overdueActions(ctx context.Context, r *request) (reply, error) {
	return listed(r, func(p audit.Page) ([]audit.Action, string, error) {
		return h.wf.Actions.Overdue(ctx, r.who.CompanyID, p)
	}, func(as []audit.Action, next string) any { return actionList{Actions: as, NextCursor: next} })
}

func (h *Handler) action(ctx context.Context, r *request) (reply, error) {
	a, err := h.wf.Actions.Get(ctx, r.who.CompanyID, r.params["id"])
	if err != nil {
		return reply{}, err
	}
	return ok(a)
}

// statusRequest is POST /api/actions/{id}/status.
type statusRequest struct {
	Status audit.ActionStatus `json:"status"`
	Reason string             `json:"reason"`
}

func (h *Handler) moveAction(ctx context.Context, r *request) (reply, error) {
	var in statusRequest
	if err := decode(r.body, &in, false); err != nil {
		return reply{}, err
	}
	if in.Status == "" {
		return reply{}, invalidField("status", "is required")
	}
	a, err := h.wf.Actions.Move(ctx, workflow.MoveAction{CompanyID: r.who.CompanyID, ID: r.params["id"], Status: in.Status,
		Reason: in.Reason, Actor: r.who.StaffID})
	if err != nil {
		return reply{}, err
	}
	return ok(a)
}

type trailList struct {
	Entries    []audit.TrailEntry `json:"entries"`
	NextCursor string             `json:"nextCursor"`
}

// trailKinds are the objects the trail records.
var trailKinds = []string{audit.TrailCompany, audit.TrailStandard, audit.TrailResult, audit.TrailQA, audit.TrailAppeal, audit.TrailAction, audit.TrailReview}

// trail is GET /api/trail: one object's history oldest first (kind and
// id), or the whole company's newest first.
func (h *Handler) trail(ctx context.Context, r *request) (reply, error) {
	q := r.ev.QueryStringParameters
	kind, id := q["kind"], q["id"]
	shape := func(es []audit.TrailEntry, next string) any { return trailList{Entries: es, NextCursor: next} }
	switch {
	case kind == "" && id == "":
		return listed(r, func(p audit.Page) ([]audit.TrailEntry, string, error) {
			return h.store.ListCompanyTrail(ctx, r.who.CompanyID, p)
		}, shape)
	case !slices.Contains(trailKinds, kind):
		return reply{}, invalidField("kind", "must be one of company, standard, result, qa, appeal, action, review with id, not %q", kind)
	case id == "":
		return reply{}, invalidField("id", "is required with kind")
	}
	return listed(r, func(p audit.Page) ([]audit.TrailEntry, string, error) {
		return h.store.ListTrail(ctx, r.who.CompanyID, audit.TrailObject{Kind: kind, ID: id}, p)
	}, shape)
}

// listed serves one page of a listing with the query's cursor; a cursor
// the store refuses is a 400 on "cursor".
func listed[T any](r *request, list func(audit.Page) ([]T, string, error), shape func([]T, string) any) (reply, error) {
	cursor := r.ev.QueryStringParameters["cursor"]
	if len(cursor) > maxCursor {
		return reply{}, invalidField("cursor", "is not a cursor this API returned")
	}
	items, next, err := list(audit.Page{Cursor: cursor})
	if audit.IsCode(err, audit.Invalid) && cursor != "" {
		return reply{}, invalidField("cursor", "is not a cursor this API returned")
	} else if err != nil {
		return reply{}, err
	}
	if items == nil {
		items = []T{}
	}
	return ok(shape(items, next))
}
