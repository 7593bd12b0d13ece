package httpapi

import (
	"context"
	"net/http"

	"touchaudit/internal/audit"
	"touchaudit/internal/workflow"
)

// The auditor endpoints. An assignment belongs to one auditor of one
// company; anyone else gets 404, never 403, so ids leak nothing. The owner
// is checked before the body is read, so a bad body on someone else's
// assignment is a 404 too, not a 400 that answers for the assignment.

// meView is GET /api/me.
type meView struct {
	ID        string       `json:"id"`
	Name      string       `json:"name"`
	CompanyID string       `json:"companyId"`
	Roles     []audit.Role `json:"roles"`
	Languages []audit.Lang `json:"languages"`
}

func (h *Handler) me(ctx context.Context, r *request) (reply, error) {
	c, err := h.store.GetCompany(ctx, r.who.CompanyID)
	if audit.IsCode(err, audit.NotFound) {
		return reply{}, errorf(audit.NotFound, "company %s is not configured", r.who.CompanyID)
	} else if err != nil {
		return reply{}, err
	}
	m, found := c.Member(r.who.StaffID)
	if !found {
		return reply{}, errorf(audit.NotFound, "staff member %s is not in company %s", r.who.StaffID, c.ID)
	}
	roles := r.who.Roles
	if roles == nil {
		roles = []audit.Role{}
	}
	langs := m.Languages
	if langs == nil {
		langs = []audit.Lang{}
	}
	return ok(meView{ID: m.ID, Name: m.Name, CompanyID: c.ID, Roles: roles, Languages: langs})
}

type assignmentList struct {
	Assignments []workflow.AssignmentView `json:"assignments"`
	NextCursor  string                    `json:"nextCursor"`
}

// maxCursor bounds the opaque cursor a client sends back.
const maxCursor = 2048

func (h *Handler) myAssignments(ctx context.Context, r *request) (reply, error) {
	cursor := r.ev.QueryStringParameters["cursor"]
	if len(cursor) > maxCursor {
		return reply{}, invalidField("cursor", "is not a cursor this API returned")
	}
	views, next, err := h.wf.Auditors.List(ctx, r.who.CompanyID, r.who.StaffID, audit.Page{Cursor: cursor})
	if audit.IsCode(err, audit.Invalid) {
		return reply{}, invalidField("cursor", "is not a cursor this API returned")
	} else if err != nil {
		return reply{}, err
	}
	return ok(assignmentList{Assignments: views, NextCursor: next})
}

// own is the caller's own assignment named in the path; another auditor's
// or company's is not found.
func (h *Handler) own(ctx context.Context, r *request) (workflow.Owned, error) {
	return h.wf.Auditors.Own(ctx, r.who.CompanyID, r.who.StaffID, r.params["id"])
}

func (h *Handler) myAssignment(ctx context.Context, r *request) (reply, error) {
	o, err := h.own(ctx, r)
	if err != nil {
		return reply{}, err
	}
	v, err := h.wf.Auditors.View(ctx, o)
	if err != nil {
		return reply{}, err
	}
	return ok(v)
}

func (h *Handler) start(ctx context.Context, r *request) (reply, error) {
	o, err := h.own(ctx, r)
	if err != nil {
		return reply{}, err
	}
	var in startRequest
	if err := decode(r.body, &in, true); err != nil {
		return reply{}, err
	}
	p := &problems{}
	started := p.time("startedAt", in.StartedAt, false)
	p.near("startedAt", started, h.now())
	if len(p.list) > 0 {
		return reply{}, invalidFields(p.list)
	}
	v, err := h.wf.Auditors.StartWalk(ctx, o, started)
	if err != nil {
		return reply{}, err
	}
	return ok(v)
}

func (h *Handler) draft(ctx context.Context, r *request) (reply, error) {
	o, err := h.own(ctx, r)
	if err != nil {
		return reply{}, err
	}
	var in draftRequest
	if err := decode(r.body, &in, false); err != nil {
		return reply{}, err
	}
	now := h.now()
	p := &problems{}
	if in.Version == nil {
		p.add("version", "is required: the assignment version you last read")
	} else if *in.Version < 0 {
		p.add("version", "must not be negative")
	}
	skew, stamped := p.sentAt("clientSentAt", in.ClientSentAt, false, now)
	dp := &problems{prefix: "draft"}
	w := in.Draft.walkthrough(dp, skew, stamped)
	if len(dp.list) == 0 {
		// A draft may be incomplete, but it is stored on the assignment:
		// what it holds must satisfy every bound a submission does.
		checkWalk(dp, w, r.who, audit.WalkRules{Now: now, Draft: true})
	}
	if list := append(p.list, dp.list...); len(list) > 0 {
		return reply{}, invalidFields(list)
	}
	v, err := h.wf.Auditors.SaveDraft(ctx, o, workflow.DraftInput{Draft: w, Version: *in.Version})
	if err != nil {
		return reply{}, err
	}
	return ok(v)
}

// submitView is the answer to a submission. Receipt is the stored receipt,
// the same on every retry; Replayed says this call was one.
type submitView struct {
	Receipt   audit.Receipt `json:"receipt"`
	Signalled bool          `json:"signalled"`
	Replayed  bool          `json:"replayed"`
}

// doorClockSkew is the clock-skew bound applied at submission: the default
// of the valuation rules (10m), which neither sample standard overrides. A
// standard that sets another maxClockSkew is applied again by the scorer.
var doorClockSkew = audit.DefaultValuationRules().MaxClockSkew.D()

func (h *Handler) submit(ctx context.Context, r *request) (reply, error) {
	o, err := h.own(ctx, r)
	if err != nil {
		return reply{}, err
	}
	var in submitRequest
	if err := decode(r.body, &in, false); err != nil {
		return reply{}, err
	}
	now := h.now()
	p := &problems{}
	if !validSubmissionID(in.SubmissionID) {
		if in.SubmissionID == "" {
			p.add("submissionId", "is required: a client-generated id such as a UUID")
		} else {
			p.add("submissionId", "must be 1 to 64 letters, digits, dots, dashes or underscores")
		}
	}
	skew, stamped := p.sentAt("clientSentAt", in.ClientSentAt, true, now)
	wp := &problems{prefix: "walkthrough"}
	w := in.Walkthrough.walkthrough(wp, skew, stamped)
	if len(wp.list) == 0 {
		// Every rule the scorer applies, before anything is stored: a walk
		// accepted here is never closed later as invalid input.
		checkWalk(wp, w, r.who, audit.WalkRules{Now: now, MaxClockSkew: doorClockSkew})
	}
	if list := append(p.list, wp.list...); len(list) > 0 {
		return reply{}, invalidFields(list)
	}
	res, err := h.wf.Auditors.Submit(ctx, o, in.SubmissionID, w)
	if err != nil {
		return reply{}, err
	}
	out := submitView{Receipt: res.Receipt, Signalled: res.Signalled, Replayed: res.Receipt.Replayed}
	out.Receipt.Replayed = false
	out.Receipt.RecordedAt = out.Receipt.RecordedAt.UTC()
	return ok(out)
}

func (h *Handler) confirmPromise(ctx context.Context, r *request) (reply, error) {
	o, err := h.own(ctx, r)
	if err != nil {
		return reply{}, err
	}
	var in promiseRequest
	if err := decode(r.body, &in, false); err != nil {
		return reply{}, err
	}
	if in.Outcome != audit.PromiseKept && in.Outcome != audit.PromiseBroken {
		return reply{}, invalidField("outcome", "must be kept or broken, not %q", in.Outcome)
	}
	v, err := h.wf.Auditors.ConfirmPromise(ctx, o, r.params["promiseId"], in.Outcome)
	if err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusOK, body: v}, nil
}
