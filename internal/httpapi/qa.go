package httpapi

import (
	"context"

	"touchaudit/internal/audit"
	"touchaudit/internal/workflow"
)

// The QA gate and appeals (docs/API.md, "QA and appeals"). A lead sees and
// decides only their own company's results: another company's is not
// found. A unit manager appeals only results of touchpoints their unit
// owns; any other result is not found to them.

// queueList is GET /api/qa and GET /api/appeals.
type queueList struct {
	Items      []workflow.QueueItem `json:"items"`
	NextCursor string               `json:"nextCursor"`
}

func (h *Handler) qaQueue(ctx context.Context, r *request) (reply, error) {
	return h.listQueue(ctx, r, h.wf.QA.Queue)
}

func (h *Handler) appealsQueue(ctx context.Context, r *request) (reply, error) {
	return h.listQueue(ctx, r, h.wf.Appeals.Queue)
}

func (h *Handler) listQueue(ctx context.Context, r *request, list func(context.Context, string, audit.Page) ([]workflow.QueueItem, string, error)) (reply, error) {
	cursor := r.ev.QueryStringParameters["cursor"]
	if len(cursor) > maxCursor {
		return reply{}, invalidField("cursor", "is not a cursor this API returned")
	}
	items, next, err := list(ctx, r.who.CompanyID, audit.Page{Cursor: cursor})
	if audit.IsCode(err, audit.Invalid) {
		return reply{}, invalidField("cursor", "is not a cursor this API returned")
	} else if err != nil {
		return reply{}, err
	}
	return ok(queueList{Items: items, NextCursor: next})
}

// noteRequest is the body of a QA decision or an appeal.
type noteRequest struct {
	Reason string `json:"reason"`
}

// decideQA serves one of the lead's QA decisions; a rejection needs a reason.
func decideQA(d audit.QADecision) func(*Handler, context.Context, *request) (reply, error) {
	return func(h *Handler, ctx context.Context, r *request) (reply, error) {
		var in noteRequest
		if err := decode(r.body, &in, d != audit.DecideReject); err != nil {
			return reply{}, err
		}
		item, err := h.wf.QA.Decide(ctx, workflow.DecideInput{CompanyID: r.who.CompanyID, ResultID: r.params["id"], By: r.who.StaffID, Decision: d, Reason: in.Reason})
		if err != nil {
			return reply{}, err
		}
		return ok(item)
	}
}

func (h *Handler) appeal(ctx context.Context, r *request) (reply, error) {
	role := audit.RoleLead
	if !r.who.has(audit.RoleLead) {
		if !r.who.has(audit.RoleManager) {
			return reply{}, errorf(audit.Forbidden, "this needs the manager or lead role")
		}
		role = audit.RoleManager
	}
	var in noteRequest
	if err := decode(r.body, &in, false); err != nil {
		return reply{}, err
	}
	item, err := h.wf.Appeals.File(ctx, workflow.AppealInput{CompanyID: r.who.CompanyID, ResultID: r.params["id"], By: r.who.StaffID, Role: role, Reason: in.Reason})
	if err != nil {
		return reply{}, err
	}
	return ok(item)
}

// appealDecision is POST /api/appeals/{id}/decide.
type appealDecision struct {
	Decision  string           `json:"decision"`
	Valuation *audit.Valuation `json:"valuation"`
	Reason    string           `json:"reason"`
}

func (h *Handler) decideAppeal(ctx context.Context, r *request) (reply, error) {
	var in appealDecision
	if err := decode(r.body, &in, false); err != nil {
		return reply{}, err
	}
	item, err := h.wf.Appeals.Decide(ctx, workflow.AppealDecision{CompanyID: r.who.CompanyID, ResultID: r.params["id"], By: r.who.StaffID,
		Decision: in.Decision, Valuation: in.Valuation, Reason: in.Reason})
	if err != nil {
		return reply{}, err
	}
	return ok(item)
}
