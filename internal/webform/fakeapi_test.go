package webform

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"touchaudit/internal/audit"
)

// fakeAPI is a small in-memory stand-in for the auditor endpoints of
// docs/API.md, enough to drive the form in a browser without the backend:
// one auditor (token "tok-s-064"), the sample company's touchpoints, and a
// submit that scores at once. The real API is exercised by the end-to-end
// test in cmd/touchaudit.
type fakeAPI struct {
	mu          sync.Mutex
	company     *audit.Company
	assignments []*audit.Assignment
	submissions map[string]string // submission id → assignment id
	offline     bool              // answer every call with a network-level failure
	calls       []string
	// checks are the promise checks waiting per assignment id; answers
	// records the outcomes the form sent, by promise id.
	checks  map[string][]fakeCheck
	answers map[string]string
	// evidence holds the files of the evidence contract (docs/API.md), by
	// evidence id; walks the submitted walks, by assignment id.
	evidence map[string]*fakeEvidence
	walks    map[string]*fakeWalk
	// hang holds requests ("POST /api/assignments/as-x/start") until the
	// channel is closed or the browser gives up on them.
	hang map[string]chan struct{}
	// refuse, when set, answers a submission with 400 and these fields.
	refuse []audit.Problem
}

// fakeEvidence is one file: announced, uploaded, confirmed.
type fakeEvidence struct {
	ID, AssignmentID, FileName, ContentType, SHA256 string
	Size                                            int64
	AttachTo                                        map[string]string
	Bytes                                           []byte
	Confirmed                                       bool
}

// fakeWalk is the submitted walk with the fields the evidence work adds
// to the API's Walk (checkIn), decoded as strictly as the API decodes.
type fakeWalk struct {
	audit.Walkthrough
	CheckIn *fakeCheckIn `json:"checkIn,omitempty"`
}

type fakeCheckIn struct {
	Consent bool     `json:"consent"`
	Start   *fakeFix `json:"start,omitempty"`
	End     *fakeFix `json:"end,omitempty"`
}

type fakeFix struct {
	Lat       float64   `json:"lat"`
	Lon       float64   `json:"lon"`
	AccuracyM float64   `json:"accuracyM"`
	At        time.Time `json:"at"`
}

// fakeMaxEvidenceBytes is the contract's bound on one file (10 MiB).
const fakeMaxEvidenceBytes = 10 << 20

// count says how many calls were "METHOD path".
func (f *fakeAPI) count(call string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c == call {
			n++
		}
	}
	return n
}

type fakeCheck struct {
	PromiseID string    `json:"promiseId"`
	Text      string    `json:"text"`
	DueAt     time.Time `json:"dueAt"`
}

func newFakeAPI(t *testing.T, touchpoints ...string) *fakeAPI {
	t.Helper()
	c, err := audit.LoadCompanyDir("../../testdata/company")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeAPI{company: c, submissions: map[string]string{}, checks: map[string][]fakeCheck{}, answers: map[string]string{},
		evidence: map[string]*fakeEvidence{}, walks: map[string]*fakeWalk{}, hang: map[string]chan struct{}{}}
	due := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	for i, tp := range touchpoints {
		f.assignments = append(f.assignments, &audit.Assignment{ID: "as-" + tp, CompanyID: c.ID, ReviewID: "rv-test", TouchpointID: tp,
			AuditorID: "s-064", Status: audit.StatusAssigned, Due: due.AddDate(0, 0, i), StandardVersion: "v2", Walk: 1, Version: 1})
	}
	return f
}

type fakeView struct {
	Assignment audit.Assignment  `json:"assignment"`
	Touchpoint audit.Touchpoint  `json:"touchpoint"`
	JourneyID  string            `json:"journeyId"`
	StageID    string            `json:"stageId"`
	Journey    audit.Label       `json:"journey"`
	Criteria   []audit.Criterion `json:"criteria"`
	Checks     []fakeCheck       `json:"promiseChecks"`
}

func (f *fakeAPI) view(a *audit.Assignment, withCriteria bool) fakeView {
	ref, _ := f.company.Touchpoint(a.TouchpointID)
	v := fakeView{Assignment: *a, Touchpoint: ref.Touchpoint, JourneyID: ref.JourneyID, StageID: ref.StageID, Criteria: []audit.Criterion{},
		Checks: append([]fakeCheck{}, f.checks[a.ID]...)}
	for _, j := range f.company.Journeys {
		if j.ID == ref.JourneyID {
			v.Journey = j.Name
		}
	}
	if withCriteria {
		std, _ := f.company.Standard(a.StandardVersion)
		v.Criteria = std.CriteriaFor(&ref.Touchpoint)
	}
	return v
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	hang := f.hang[r.Method+" "+r.URL.Path]
	f.mu.Unlock()
	if hang != nil {
		select {
		case <-hang:
		case <-r.Context().Done():
			f.mu.Lock()
			f.calls = append(f.calls, "gave up on "+r.Method+" "+r.URL.Path)
			f.mu.Unlock()
			return
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, r.Method+" "+r.URL.Path)
	if f.offline {
		// Like a dropped connection: the browser's fetch rejects.
		hj, ok := w.(http.Hijacker)
		if ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/upload/") {
		f.upload(w, r, strings.TrimPrefix(r.URL.Path, "/upload/"))
		return
	}
	if r.Header.Get("Authorization") != "Bearer tok-s-064" {
		apiError(w, http.StatusUnauthorized, "unauthorized")
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/api/"), "/")
	switch {
	case r.Method == "GET" && parts[0] == "me":
		writeJSON(w, map[string]any{"id": "s-064", "name": "Grażyna Mróz", "companyId": "bank-pl", "roles": []string{"auditor"}, "languages": []string{"pl"}})
	case r.Method == "GET" && len(parts) == 1 && parts[0] == "assignments":
		out := []fakeView{}
		for _, a := range f.assignments {
			out = append(out, f.view(a, false))
		}
		writeJSON(w, map[string]any{"assignments": out, "nextCursor": ""})
	case parts[0] == "assignments" && len(parts) >= 2:
		var a *audit.Assignment
		for _, x := range f.assignments {
			if x.ID == parts[1] {
				a = x
			}
		}
		if a == nil {
			apiError(w, http.StatusNotFound, "not_found")
			return
		}
		f.assignment(w, r, a, parts[2:])
	default:
		apiError(w, http.StatusNotFound, "not_found")
	}
}

func (f *fakeAPI) assignment(w http.ResponseWriter, r *http.Request, a *audit.Assignment, rest []string) {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	switch {
	case r.Method == "GET" && len(rest) == 0:
		writeJSON(w, f.view(a, true))
	case r.Method == "POST" && len(rest) == 1 && rest[0] == "start":
		var in struct {
			StartedAt time.Time `json:"startedAt"`
		}
		if err := dec.Decode(&in); err != nil {
			apiError(w, http.StatusBadRequest, "invalid")
			return
		}
		if a.Status == audit.StatusAssigned {
			a.Status, a.StartedAt = audit.StatusStarted, &in.StartedAt
			a.Version++
		}
		writeJSON(w, f.view(a, true))
	case r.Method == "PUT" && len(rest) == 1 && rest[0] == "draft":
		var in struct {
			Version int               `json:"version"`
			Draft   audit.Walkthrough `json:"draft"`
		}
		if err := dec.Decode(&in); err != nil {
			apiError(w, http.StatusBadRequest, "invalid")
			return
		}
		if in.Version != a.Version {
			apiError(w, http.StatusConflict, "conflict")
			return
		}
		a.Draft = &in.Draft
		a.Version++
		writeJSON(w, f.view(a, false))
	case r.Method == "POST" && len(rest) == 1 && rest[0] == "submit":
		var in struct {
			SubmissionID string    `json:"submissionId"`
			ClientSentAt time.Time `json:"clientSentAt"`
			Walkthrough  fakeWalk  `json:"walkthrough"`
		}
		if err := dec.Decode(&in); err != nil || in.SubmissionID == "" || in.ClientSentAt.IsZero() {
			apiError(w, http.StatusBadRequest, "invalid")
			return
		}
		if f.refuse != nil {
			problemError(w, f.refuse)
			return
		}
		w0 := in.Walkthrough.Walkthrough
		for i, id := range w0.Evidence {
			if ev := f.evidence[id]; ev == nil || !ev.Confirmed || ev.AssignmentID != a.ID {
				problemError(w, []audit.Problem{{Path: fmt.Sprintf("evidence[%d]", i), Reason: "not an uploaded file of this assignment"}})
				return
			}
		}
		w0.ID, w0.CompanyID, w0.TouchpointID, w0.AuditorID, w0.StandardVersion = "w-"+in.SubmissionID, a.CompanyID, a.TouchpointID, a.AuditorID, "v2"
		for i := range w0.Promises {
			w0.Promises[i].Outcome = audit.PromisePending
		}
		if err := w0.Validate(); err != nil {
			apiError(w, http.StatusBadRequest, err.Error())
			return
		}
		ref, _ := f.company.Touchpoint(a.TouchpointID)
		std, _ := f.company.Standard(a.StandardVersion)
		var incomplete *audit.Error
		if err := std.CheckComplete(&ref.Touchpoint, &w0); errors.As(err, &incomplete) {
			problemError(w, incomplete.Problems)
			return
		}
		if prev, ok := f.submissions[in.SubmissionID]; ok && prev != a.ID || !ok && a.SubmissionID != "" {
			apiError(w, http.StatusConflict, "conflict")
			return
		}
		f.submissions[in.SubmissionID] = a.ID
		stored := in.Walkthrough
		stored.Walkthrough = w0
		f.walks[a.ID] = &stored
		a.SubmissionID, a.WalkthroughID, a.Draft = in.SubmissionID, w0.ID, nil
		a.Status = audit.StatusScored // the fake scores at once
		a.Version++
		writeJSON(w, map[string]any{"receipt": audit.Receipt{SubmissionID: in.SubmissionID, AssignmentID: a.ID, WalkthroughID: w0.ID,
			AssignmentVersion: a.Version, RecordedAt: time.Now().UTC()}, "signalled": true})
	case r.Method == "POST" && len(rest) == 1 && rest[0] == "evidence":
		var in struct {
			FileName    string            `json:"fileName"`
			ContentType string            `json:"contentType"`
			Size        int64             `json:"size"`
			SHA256      string            `json:"sha256"`
			AttachTo    map[string]string `json:"attachTo"`
		}
		types := map[string]bool{"image/jpeg": true, "image/png": true, "image/webp": true, "audio/mp4": true, "audio/mpeg": true, "audio/webm": true, "application/pdf": true}
		if err := dec.Decode(&in); err != nil || in.FileName == "" || !types[in.ContentType] || in.Size <= 0 || in.Size > fakeMaxEvidenceBytes {
			apiError(w, http.StatusBadRequest, "invalid")
			return
		}
		if sum, err := base64.StdEncoding.DecodeString(in.SHA256); err != nil || len(sum) != sha256.Size || in.AttachTo == nil {
			apiError(w, http.StatusBadRequest, "invalid")
			return
		}
		ev := &fakeEvidence{ID: fmt.Sprintf("ev-%d", len(f.evidence)+1), AssignmentID: a.ID, FileName: in.FileName, ContentType: in.ContentType,
			SHA256: in.SHA256, Size: in.Size, AttachTo: in.AttachTo}
		f.evidence[ev.ID] = ev
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]any{"evidence": map[string]any{"id": ev.ID, "fileName": ev.FileName},
			"upload": map[string]any{"method": "PUT", "url": "/upload/" + ev.ID, "expiresAt": time.Now().Add(15 * time.Minute).UTC(),
				"headers": map[string]string{"Content-Type": ev.ContentType, "x-amz-checksum-sha256": ev.SHA256}}})
	case r.Method == "POST" && len(rest) == 3 && rest[0] == "evidence" && rest[2] == "uploaded":
		ev := f.evidence[rest[1]]
		if ev == nil || ev.AssignmentID != a.ID {
			apiError(w, http.StatusNotFound, "not_found")
			return
		}
		if ev.Bytes == nil {
			apiError(w, http.StatusConflict, "conflict")
			return
		}
		ev.Confirmed = true
		writeJSON(w, map[string]any{"evidence": map[string]any{"id": ev.ID, "fileName": ev.FileName}})
	case r.Method == "POST" && len(rest) == 2 && rest[0] == "promises":
		var in struct {
			Outcome string `json:"outcome"`
		}
		if err := dec.Decode(&in); err != nil || (in.Outcome != "kept" && in.Outcome != "broken") {
			apiError(w, http.StatusBadRequest, "invalid")
			return
		}
		checks := f.checks[a.ID]
		for i, c := range checks {
			if c.PromiseID == rest[1] {
				f.answers[c.PromiseID] = in.Outcome
				f.checks[a.ID] = append(checks[:i:i], checks[i+1:]...)
				writeJSON(w, map[string]any{"promiseId": c.PromiseID, "outcome": in.Outcome})
				return
			}
		}
		apiError(w, http.StatusConflict, "conflict")
	default:
		apiError(w, http.StatusNotFound, "not_found")
	}
}

// upload stands in for the presigned PUT: exactly the headers given, the
// bytes that were announced.
func (f *fakeAPI) upload(w http.ResponseWriter, r *http.Request, id string) {
	ev := f.evidence[id]
	if r.Method != "PUT" || ev == nil {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, fakeMaxEvidenceBytes+1))
	sum := sha256.Sum256(b)
	if err != nil || int64(len(b)) != ev.Size || base64.StdEncoding.EncodeToString(sum[:]) != ev.SHA256 ||
		r.Header.Get("Content-Type") != ev.ContentType || r.Header.Get("x-amz-checksum-sha256") != ev.SHA256 {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	ev.Bytes = b
	w.WriteHeader(http.StatusOK)
}

// problemError answers 400 with field paths under "walkthrough.", as the API does.
func problemError(w http.ResponseWriter, probs []audit.Problem) {
	fields := []map[string]string{}
	for _, p := range probs {
		fields = append(fields, map[string]string{"path": "walkthrough." + p.Path, "reason": p.Reason})
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": "invalid", "message": "invalid request", "fields": fields}})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func apiError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": code, "message": code}})
}
