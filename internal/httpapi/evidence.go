package httpapi

import (
	"context"
	"net/http"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/workflow"
)

// The evidence endpoints (docs/API.md, Evidence): an auditor asks for an
// upload URL for one file of their walk and confirms the upload; a CX lead
// of the company, or the auditor who uploaded it, opens a file through a
// short-lived URL. Without a file store (Options.Files) they answer 404.

type evidenceRequest struct {
	FileName    string           `json:"fileName"`
	ContentType string           `json:"contentType"`
	Size        *int64           `json:"size"`
	SHA256      string           `json:"sha256"`
	AttachTo    *attachToRequest `json:"attachTo"`
}

type attachToRequest struct {
	Step        string `json:"step"`
	CriterionID string `json:"criterionId"`
}

// evidenceView is GET /api/evidence/{evId}: the file's record with a
// presigned GET.
type evidenceView struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expiresAt"`
	audit.Evidence
	AssignmentID string `json:"assignmentId"`
}

func (h *Handler) evidenceFiles() (*workflow.Evidence, error) {
	if h.evidence == nil {
		return nil, errorf(audit.NotFound, "evidence files are not configured on this server")
	}
	return h.evidence, nil
}

func (h *Handler) requestEvidence(ctx context.Context, r *request) (reply, error) {
	ev, err := h.evidenceFiles()
	if err != nil {
		return reply{}, err
	}
	o, err := h.own(ctx, r)
	if err != nil {
		return reply{}, err
	}
	var in evidenceRequest
	if err := decode(r.body, &in, false); err != nil {
		return reply{}, err
	}
	if in.Size == nil {
		return reply{}, invalidField("size", "is required: the file's size in bytes")
	}
	req := workflow.EvidenceRequest{FileName: in.FileName,
		File: audit.FileSpec{ContentType: in.ContentType, Size: *in.Size, SHA256: in.SHA256}}
	if in.AttachTo != nil {
		req.AttachTo = audit.EvidenceTarget{Step: in.AttachTo.Step, CriterionID: in.AttachTo.CriterionID}
	}
	up, err := ev.Request(ctx, o, req)
	if err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusCreated, body: up}, nil
}

func (h *Handler) confirmEvidence(ctx context.Context, r *request) (reply, error) {
	ev, err := h.evidenceFiles()
	if err != nil {
		return reply{}, err
	}
	o, err := h.own(ctx, r)
	if err != nil {
		return reply{}, err
	}
	rec, err := ev.Confirm(ctx, o, r.params["evId"])
	if err != nil {
		return reply{}, err
	}
	return ok(map[string]audit.Evidence{"evidence": rec})
}

func (h *Handler) evidenceFile(ctx context.Context, r *request) (reply, error) {
	ev, err := h.evidenceFiles()
	if err != nil {
		return reply{}, err
	}
	v, err := ev.View(ctx, workflow.Viewer{CompanyID: r.who.CompanyID, StaffID: r.who.StaffID, Lead: r.who.has(audit.RoleLead)}, r.params["evId"])
	if err != nil {
		return reply{}, err
	}
	return ok(evidenceView{URL: v.Download.URL, ExpiresAt: v.Download.ExpiresAt, Evidence: v.Evidence, AssignmentID: v.AssignmentID})
}
