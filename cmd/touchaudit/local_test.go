package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/devtoken"
	"touchaudit/internal/workflow"
)

// startTestLocal starts `touchaudit local` in process on a free port.
func startTestLocal(t *testing.T, review bool) *localServer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := startLocal(ctx, localOptions{Addr: "127.0.0.1:0", Dir: "../..", Review: review})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func call(t *testing.T, method, url, token string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

func TestLocal_DevTokensOnPortZero(t *testing.T) {
	s := startTestLocal(t, false)
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") || strings.HasSuffix(s.URL, ":0") {
		t.Fatalf("URL = %q", s.URL)
	}
	t.Run("a dev token signs in", func(t *testing.T) {
		status, b := call(t, "GET", s.URL+"/api/me", s.Tokens["s-017"], nil)
		if status != http.StatusOK {
			t.Fatalf("GET /api/me: %d %s", status, b)
		}
		var me meJSON
		if err := json.Unmarshal(b, &me); err != nil {
			t.Fatal(err)
		}
		if me.ID != "s-017" || me.CompanyID != "bank-pl" || fmt.Sprint(me.Roles) != "[auditor]" || me.Name == "" {
			t.Errorf("GET /api/me = %s", b)
		}
	})
	t.Run("no token is 401", func(t *testing.T) {
		status, b := call(t, "GET", s.URL+"/api/me", "", nil)
		wantError(t, status, b, http.StatusUnauthorized, "unauthorized")
	})
	t.Run("a forged token is 401", func(t *testing.T) {
		other, err := devtoken.New() // the same claims, signed with another key
		if err != nil {
			t.Fatal(err)
		}
		forged, err := other.Sign(devtoken.Identity{StaffID: "s-017", CompanyID: "bank-pl", Groups: []string{"auditor", "lead"}})
		if err != nil {
			t.Fatal(err)
		}
		status, b := call(t, "GET", s.URL+"/api/me", forged, nil)
		wantError(t, status, b, http.StatusUnauthorized, "unauthorized")
	})
	t.Run("an unsigned token is 401", func(t *testing.T) {
		parts := strings.Split(s.Tokens["s-017"], ".")
		none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
		status, b := call(t, "GET", s.URL+"/api/me", none, nil)
		wantError(t, status, b, http.StatusUnauthorized, "unauthorized")
	})
	t.Run("an auditor on a lead route is 403", func(t *testing.T) {
		status, b := call(t, "GET", s.URL+"/api/company", s.Tokens["s-017"], nil)
		wantError(t, status, b, http.StatusForbidden, "forbidden")
	})
	t.Run("a lead reads the company", func(t *testing.T) {
		status, b := call(t, "GET", s.URL+"/api/company", s.Tokens["s-001"], nil)
		if status != http.StatusOK || !bytes.Contains(b, []byte(`"id":"bank-pl"`)) {
			t.Fatalf("GET /api/company: %d %.200s", status, b)
		}
	})
}

type meJSON struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	CompanyID string   `json:"companyId"`
	Roles     []string `json:"roles"`
}

func wantError(t *testing.T, status int, body []byte, wantStatus int, wantCode string) {
	t.Helper()
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil || status != wantStatus || e.Error.Code != wantCode || e.Error.Message == "" {
		t.Errorf("got %d %s, want %d with code %q", status, body, wantStatus, wantCode)
	}
}

// TestLocal_SubmitMovesTheWorkflowOn walks the path the form's browser test
// takes, over HTTP: an auditor whose audit waits on the dispatch token
// starts, saves a draft and submits; the audit execution scores the walk.
func TestLocal_SubmitMovesTheWorkflowOn(t *testing.T) {
	s := startTestLocal(t, true)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	staff, id, err := s.OpenAssignment(ctx)
	if err != nil {
		t.Fatal(err)
	}
	token := s.Tokens[staff]
	base := s.URL + "/api/assignments/" + id

	status, b := call(t, "GET", s.URL+"/api/assignments", token, nil)
	if status != http.StatusOK || !bytes.Contains(b, []byte(id)) {
		t.Fatalf("GET /api/assignments: %d %.300s", status, b)
	}
	status, b = call(t, "GET", base, token, nil)
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", base, status, b)
	}
	var view workflow.AssignmentView
	if err := json.Unmarshal(b, &view); err != nil {
		t.Fatal(err)
	}
	if view.Assignment.TaskToken != "" {
		t.Error("the task token left the server")
	}
	now := time.Now().UTC()
	if status, b = call(t, "POST", base+"/start", token, map[string]any{"startedAt": now.Add(-20 * time.Minute)}); status != http.StatusOK {
		t.Fatalf("start: %d %s", status, b)
	}
	if err := json.Unmarshal(b, &view); err != nil {
		t.Fatal(err)
	}
	walk := sampleWalk(view, now)
	if status, b = call(t, "PUT", base+"/draft", token, map[string]any{"version": view.Assignment.Version, "draft": walk}); status != http.StatusOK {
		t.Fatalf("draft: %d %s", status, b)
	}
	// Another auditor sees nothing of it.
	var other string
	for _, m := range s.Company.Staff {
		if m.ID != staff && m.Has(audit.RoleAuditor) {
			other = m.ID
			break
		}
	}
	status, b = call(t, "GET", base, s.Tokens[other], nil)
	wantError(t, status, b, http.StatusNotFound, "not_found")

	sub := map[string]any{"submissionId": "3f0c2a4e-local-test", "clientSentAt": now, "walkthrough": walk}
	status, b = call(t, "POST", base+"/submit", token, sub)
	if status != http.StatusOK {
		t.Fatalf("submit: %d %s", status, b)
	}
	var res submitJSON
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if !res.Signalled || res.Replayed {
		t.Errorf("submit = %s: want signalled, not replayed", b)
	}
	if _, err := s.WaitScored(ctx, id); err != nil {
		t.Fatal(err)
	}
	results, _, err := s.Store.ListResultsByReview(ctx, s.ReviewID, audit.Page{})
	if err != nil || len(results) != 1 || results[0].AssignmentID != id {
		t.Errorf("results of the review = %+v, %v; want the walk's one result", results, err)
	}
	status, b = call(t, "POST", base+"/submit", token, sub)
	var again submitJSON
	if err := json.Unmarshal(b, &again); err != nil || status != http.StatusOK || again.Receipt != res.Receipt || !again.Replayed || again.Signalled {
		t.Errorf("retry: %d %s, want the first receipt replayed", status, b)
	}
}

type submitJSON struct {
	Receipt   audit.Receipt `json:"receipt"`
	Signalled bool          `json:"signalled"`
	Replayed  bool          `json:"replayed"`
}

// sampleWalk is a plain walk of the assignment's touchpoint: one step in its
// channel, every yes/no criterion met (promises made, facts stated) and no
// effort counted: a complete submission.
func sampleWalk(v workflow.AssignmentView, now time.Time) map[string]any {
	var answers []map[string]any
	for _, c := range v.Criteria {
		switch c.Kind {
		case audit.KindStep, audit.KindExceed, audit.KindPromise, audit.KindFact:
			answers = append(answers, map[string]any{"criterionId": c.ID, "value": "yes"})
		case audit.KindEffort:
			answers = append(answers, map[string]any{"criterionId": c.ID, "count": 0})
		}
	}
	return map[string]any{
		"resolved": true,
		"timeline": []map[string]any{{
			"key": "visit", "channel": v.Touchpoint.Channel,
			// Walked in the minutes since the demo review assigned it (a
			// walk older than its assignment is refused).
			"start": map[string]any{"client": now.Add(-5 * time.Minute)},
			"end":   map[string]any{"client": now.Add(-1 * time.Minute)},
		}},
		"answers": answers,
		"notes":   "walked in the local test",
	}
}
