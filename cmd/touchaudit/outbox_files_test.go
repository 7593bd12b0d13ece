package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
)

// `touchaudit local` keeps the messages the workflow sends in its outbox,
// listed to a lead, and takes an auditor's evidence files through its own
// folder as S3 takes them in AWS: upload URL, PUT, confirm, a lead's
// download URL.
func TestLocal_OutboxAndEvidenceFiles(t *testing.T) {
	s := startTestLocal(t, true)
	staff, id, err := s.OpenAssignment(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	status, b := call(t, "GET", s.URL+"/api/outbox", s.Tokens["s-001"], nil)
	if status != http.StatusOK {
		t.Fatalf("GET /api/outbox: %d %s", status, b)
	}
	var box struct {
		Messages []struct {
			Kind, StaffID, Subject, Text string
		} `json:"messages"`
	}
	if err := json.Unmarshal(b, &box); err != nil {
		t.Fatal(err)
	}
	assigned := 0
	for _, m := range box.Messages {
		if m.Kind == "assigned" && m.StaffID == staff && m.Subject != "" && m.Text != "" {
			assigned++
		}
	}
	if assigned == 0 {
		t.Fatalf("the outbox has no assignment message for %s: %s", staff, b)
	}
	if status, _ := call(t, "GET", s.URL+"/api/outbox", s.Tokens[staff], nil); status != http.StatusForbidden {
		t.Errorf("an auditor reading the outbox: %d, want 403", status)
	}

	photo := bytes.Repeat([]byte("\xff\xd8 the fee table at the counter \xff\xd9"), 500)
	sum := sha256.Sum256(photo)
	body := map[string]any{"fileName": "IMG_0001.jpg", "contentType": "image/jpeg", "size": len(photo),
		"sha256": base64.StdEncoding.EncodeToString(sum[:]), "attachTo": map[string]any{}}
	base := s.URL + "/api/assignments/" + id + "/evidence"
	status, b = call(t, "POST", base, s.Tokens[staff], body)
	if status != http.StatusCreated {
		t.Fatalf("POST evidence: %d %s", status, b)
	}
	var up struct {
		Evidence struct{ ID string } `json:"evidence"`
		Upload   struct {
			Method, URL string
			Headers     map[string]string
		} `json:"upload"`
	}
	if err := json.Unmarshal(b, &up); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(up.Upload.Method, up.Upload.URL, bytes.NewReader(photo))
	for k, v := range up.Upload.Headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("PUT the file: %d", resp.StatusCode)
	}
	if status, b := call(t, "POST", base+"/"+up.Evidence.ID+"/uploaded", s.Tokens[staff], nil); status != http.StatusOK {
		t.Fatalf("confirm: %d %s", status, b)
	}
	for _, who := range []string{"s-001", staff} {
		status, b = call(t, "GET", s.URL+"/api/evidence/"+up.Evidence.ID, s.Tokens[who], nil)
		if status != http.StatusOK {
			t.Fatalf("GET evidence as %s: %d %s", who, status, b)
		}
		var view struct{ URL string }
		if err := json.Unmarshal(b, &view); err != nil {
			t.Fatal(err)
		}
		got, err := http.Get(view.URL)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(got.Body)
		got.Body.Close()
		if got.StatusCode != http.StatusOK || !bytes.Equal(data, photo) {
			t.Fatalf("download as %s: %d, %d bytes, want the %d uploaded", who, got.StatusCode, len(data), len(photo))
		}
	}
	other := ""
	for _, m := range s.Company.Staff {
		if m.ID != staff && m.ID != "s-001" && fmt.Sprint(m.Roles) == "[auditor]" {
			other = m.ID
			break
		}
	}
	if status, _ := call(t, "GET", s.URL+"/api/evidence/"+up.Evidence.ID, s.Tokens[other], nil); status != http.StatusNotFound {
		t.Errorf("another auditor reading the file: %d, want 404", status)
	}
}
