package workflow

import (
	"context"
	"fmt"
	"slices"

	"touchaudit/internal/audit"
)

// Evidence is the walk's photos and files (issue 13, item 3): the auditor
// asks for an upload URL, the phone PUTs the bytes straight to the file
// store, the auditor confirms the upload, the walk refers to the file by id;
// a CX lead of the company, or the auditor who uploaded it, opens it
// through a short-lived URL. Records live on the assignment (at most
// audit.MaxEvidence), so the limit is kept under the assignment's
// optimistic lock and no store needs a new kind of item.
type Evidence struct {
	*deps
	files audit.Files
}

// NewEvidence is the evidence use case over wf's dependencies and the file
// store files.
func NewEvidence(wf *Workflow, files audit.Files) *Evidence {
	return &Evidence{deps: wf.Auditors.deps, files: files}
}

// EvidenceRequest is an auditor's request to upload one file.
type EvidenceRequest struct {
	FileName string
	File     audit.FileSpec
	AttachTo audit.EvidenceTarget
}

// EvidenceUpload is the recorded (pending) file and the request that
// uploads it.
type EvidenceUpload struct {
	Evidence audit.Evidence         `json:"evidence"`
	Upload   audit.PresignedRequest `json:"upload"`
}

// Request records a pending file on the owned assignment and presigns its
// upload. The file must be of an accepted type and size
// (audit.CheckFileSpec), attached to a criterion of the walk's standard if
// to any, and the walk must still be open with fewer than
// audit.MaxEvidence files.
func (s *Evidence) Request(ctx context.Context, o Owned, in EvidenceRequest) (EvidenceUpload, error) {
	a, err := o.assignment()
	if err != nil {
		return EvidenceUpload{}, err
	}
	probs := audit.CheckFileSpec(in.FileName, in.File, in.AttachTo)
	if id := in.AttachTo.CriterionID; id != "" && len(probs) == 0 {
		known, err := s.criterionOf(ctx, a, id)
		if err != nil {
			return EvidenceUpload{}, err
		}
		if !known {
			probs = append(probs, audit.Problem{Path: "attachTo.criterionId", Reason: fmt.Sprintf("%q is no criterion of this walk", id)})
		}
	}
	if len(probs) > 0 {
		return EvidenceUpload{}, &audit.Error{Code: audit.Invalid, Message: "invalid evidence request", Problems: probs}
	}
	if !a.Status.Open() {
		return EvidenceUpload{}, conflict("assignment %s is %s: its walk takes no more files", a.ID, a.Status)
	}
	now := s.clock.Now()
	ev := audit.Evidence{ID: audit.NewEvidenceID(a.ID), FileName: in.FileName, ContentType: in.File.ContentType,
		Size: in.File.Size, SHA256: in.File.SHA256, AttachTo: in.AttachTo, UploadedBy: a.AuditorID, CreatedAt: now}
	// Presigning makes no call: sign first, so that a record is never kept
	// for a file that cannot be uploaded.
	up, err := s.files.PresignPut(ctx, audit.EvidenceKey(a.CompanyID, a.ID, ev.ID), in.File, audit.EvidenceUploadTTL)
	if err != nil {
		return EvidenceUpload{}, err
	}
	_, err = s.updateAssignment(ctx, a.ID, func(a *audit.Assignment) (bool, error) {
		if !a.Status.Open() {
			return false, conflict("assignment %s is %s: its walk takes no more files", a.ID, a.Status)
		}
		if len(a.Evidence) >= audit.MaxEvidence {
			return false, conflict("the walk already has %d files, the most it may have", audit.MaxEvidence)
		}
		a.Evidence = append(a.Evidence, ev)
		a.EvidenceWrites = append(a.EvidenceWrites, a.Version)
		return true, nil
	})
	if err != nil {
		return EvidenceUpload{}, err
	}
	return EvidenceUpload{Evidence: ev, Upload: up}, nil
}

// criterionOf reports whether id is a criterion of the assignment's
// standard for its touchpoint.
func (s *Evidence) criterionOf(ctx context.Context, a *audit.Assignment, id string) (bool, error) {
	eng, err := s.scorer(ctx, a.CompanyID)
	if err != nil {
		return false, err
	}
	std, ok := eng.Standard(a.StandardVersion)
	ref, okTp := eng.Company().Touchpoint(a.TouchpointID)
	if !ok || !okTp {
		return false, nil
	}
	return slices.ContainsFunc(std.CriteriaFor(&ref.Touchpoint), func(c audit.Criterion) bool { return c.ID == id }), nil
}

// Confirm checks that the file of evidence id was stored with the size,
// checksum and content type it was presigned for, and marks it uploaded.
// The store's own checks at upload (a presigned PUT's signed headers) are
// checked again here, so a store that does not enforce one of them (a
// local test server) cannot let a wrong file through. Confirming again is a
// no-op; a missing or different file is a conflict, and the record stays
// pending.
func (s *Evidence) Confirm(ctx context.Context, o Owned, id string) (audit.Evidence, error) {
	a, err := o.assignment()
	if err != nil {
		return audit.Evidence{}, err
	}
	ev, ok := a.FindEvidence(id)
	if !ok {
		return audit.Evidence{}, audit.Errorf(audit.NotFound, "evidence %s not found", id)
	}
	if ev.Uploaded {
		return *ev, nil
	}
	got, err := s.files.Stat(ctx, audit.EvidenceKey(a.CompanyID, a.ID, id))
	if audit.IsCode(err, audit.NotFound) {
		return audit.Evidence{}, conflict("the file of evidence %s has not been uploaded: PUT it to its upload URL first", id)
	} else if err != nil {
		return audit.Evidence{}, err
	}
	switch {
	case got.Size != ev.Size:
		return audit.Evidence{}, conflict("the file of evidence %s has %d bytes, not the %d announced", id, got.Size, ev.Size)
	case got.SHA256 != ev.SHA256:
		return audit.Evidence{}, conflict("the file of evidence %s has another SHA-256 than the one announced", id)
	case got.ContentType != ev.ContentType:
		return audit.Evidence{}, conflict("the file of evidence %s is stored as %q, not %q", id, got.ContentType, ev.ContentType)
	}
	now := s.clock.Now()
	var out audit.Evidence
	_, err = s.updateAssignment(ctx, a.ID, func(a *audit.Assignment) (bool, error) {
		e, ok := a.FindEvidence(id)
		if !ok {
			return false, audit.Errorf(audit.NotFound, "evidence %s not found", id)
		}
		out = *e
		if e.Uploaded {
			return false, nil
		}
		e.Uploaded, e.UploadedAt = true, &now
		out = *e
		a.EvidenceWrites = append(a.EvidenceWrites, a.Version)
		return true, nil
	})
	return out, err
}

// Viewer is who asks to see a file: a member of staff of a company, a CX
// lead or not.
type Viewer struct {
	CompanyID string
	StaffID   string
	Lead      bool
}

// EvidenceView is an uploaded file with a short-lived URL to download it.
type EvidenceView struct {
	audit.Evidence
	AssignmentID string                 `json:"assignmentId"`
	Download     audit.PresignedRequest `json:"download"`
}

// View presigns a download of evidence id for a lead of the assignment's
// company or for the auditor who uploaded it. Anyone else, and a file not
// uploaded yet, is not found: ids leak nothing.
func (s *Evidence) View(ctx context.Context, who Viewer, id string) (EvidenceView, error) {
	notFound := audit.Errorf(audit.NotFound, "evidence %s not found", id)
	aid, ok := audit.EvidenceAssignment(id)
	if !ok || who.CompanyID == "" || who.StaffID == "" {
		return EvidenceView{}, notFound
	}
	a, err := s.store.GetAssignment(ctx, aid)
	if audit.IsCode(err, audit.NotFound) {
		return EvidenceView{}, notFound
	} else if err != nil {
		return EvidenceView{}, err
	}
	ev, ok := a.FindEvidence(id)
	if !ok || a.CompanyID != who.CompanyID || !(who.Lead || ev.UploadedBy == who.StaffID) || !ev.Uploaded {
		return EvidenceView{}, notFound
	}
	dl, err := s.files.PresignGet(ctx, audit.EvidenceKey(a.CompanyID, a.ID, id), audit.EvidenceViewTTL)
	if err != nil {
		return EvidenceView{}, err
	}
	return EvidenceView{Evidence: *ev, AssignmentID: a.ID, Download: dl}, nil
}

// checkEvidence names every evidence reference of a submitted walk that is
// not an uploaded file of the assignment (paths relative to the walk).
func checkEvidence(a *audit.Assignment, refs []string) []audit.Problem {
	var probs []audit.Problem
	for i, id := range refs {
		ev, ok := a.FindEvidence(id)
		switch {
		case !ok:
			probs = append(probs, audit.Problem{Path: fmt.Sprintf("evidence[%d]", i), Reason: fmt.Sprintf("%q is no file of this walk", id)})
		case !ev.Uploaded:
			probs = append(probs, audit.Problem{Path: fmt.Sprintf("evidence[%d]", i),
				Reason: fmt.Sprintf("the file of %s is not confirmed: upload it and confirm the upload first", id)})
		}
	}
	return probs
}
