package httpapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"touchaudit/internal/audit"
	"touchaudit/internal/awsclient"
	"touchaudit/internal/consoleapi"
	"touchaudit/internal/filestore"
	"touchaudit/internal/httpapi"
	"touchaudit/internal/motoserver"
	"touchaudit/internal/s3"
	"touchaudit/internal/workflow"
)

// withFiles is the fixture's handler again, with a file store.
func withFiles(t *testing.T, f *fixture, files audit.Files) {
	t.Helper()
	log := slog.New(slog.NewJSONHandler(&syncWriter{w: f.logs}, nil))
	wf := workflow.New(f.store, f.exec, workflow.LogNotifier{Log: log}, fixedClock{testNow}, workflow.Config{}, log)
	f.h = httpapi.New(wf, f.store, consoleapi.MustWith(httpapi.Options{Form: form, Log: log, Now: func() time.Time { return testNow }, Files: files}, f.store))
}

// motoBucket is the S3 adapter on a new bucket of the shared moto_server.
func motoBucket(t *testing.T) *s3.Bucket {
	t.Helper()
	moto := motoserver.Shared(t)
	client := s3.NewClient(awsclient.Lambda, awsclient.Lambda.Local(), moto.Endpoint)
	name := fmt.Sprintf("httpapi-evidence-%d", time.Now().UnixNano())
	if _, err := client.CreateBucket(context.Background(), &awss3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	return s3.New(client, name)
}

var (
	auditor      = claims("s-017", "bank-pl", "[auditor]")
	otherAuditor = claims("s-018", "bank-pl", "[auditor]")
	lead         = claims("s-001", "bank-pl", "[auditor lead]")
)

// callAs is one API request by who.
func callAs(t *testing.T, f *fixture, who map[string]string, method, path, body string) response {
	t.Helper()
	ev := withClaims(withBody(readEvent(t, "api-submit"), body), who)
	ev.RawPath, ev.RequestContext.HTTP.Method, ev.RequestContext.HTTP.Path = path, method, path
	return f.invoke(t, ev)
}

var branchPhoto = bytes.Repeat([]byte("\xff\xd8 a downsized photo of the queue ticket \xff\xd9"), 1000)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return base64.StdEncoding.EncodeToString(s[:])
}

func evidenceBody(contentType string, b []byte) string {
	return fmt.Sprintf(`{"fileName":"IMG_0042.jpg","contentType":%q,"size":%d,"sha256":%q,"attachTo":{"step":"queue"}}`, contentType, len(b), sha(b))
}

type uploadJSON struct {
	Evidence audit.Evidence         `json:"evidence"`
	Upload   audit.PresignedRequest `json:"upload"`
}

// put sends the presigned upload as the phone does.
func put(t *testing.T, up audit.PresignedRequest, body []byte) int {
	t.Helper()
	r, err := http.NewRequest(up.Method, up.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range up.Headers {
		r.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func fetch(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// submitWith is the fixture submission with the walk's evidence set.
func submitWith(t *testing.T, evidence ...string) string {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal([]byte(readEvent(t, "api-submit").Body), &body); err != nil {
		t.Fatal(err)
	}
	body["walkthrough"].(map[string]any)["evidence"] = evidence
	b, _ := json.Marshal(body)
	return string(b)
}

func TestEvidence_UploadSubmitAndViewOnMotoS3(t *testing.T) {
	f := newFixture(t, nil)
	withFiles(t, f, motoBucket(t))
	base := "/api/assignments/" + a1

	// Another auditor cannot even ask for an upload URL.
	callAs(t, f, otherAuditor, "POST", base+"/evidence", evidenceBody("image/jpeg", branchPhoto)).wantError(t, 404, "not_found")

	var up uploadJSON
	resp := callAs(t, f, auditor, "POST", base+"/evidence", evidenceBody("image/jpeg", branchPhoto))
	if resp.StatusCode != 201 {
		t.Fatalf("status %d: %s", resp.StatusCode, resp.Body)
	}
	resp.decode(t, &up)
	id := up.Evidence.ID
	if !strings.HasPrefix(id, "ev-") || up.Evidence.Uploaded || up.Evidence.Size != 43000 || up.Evidence.SHA256 != sha(branchPhoto) ||
		up.Evidence.AttachTo != (audit.EvidenceTarget{Step: "queue"}) || up.Evidence.UploadedBy != "s-017" {
		t.Errorf("evidence %+v", up.Evidence)
	}
	if up.Upload.Method != "PUT" || up.Upload.Headers["Content-Type"] != "image/jpeg" || up.Upload.Headers["X-Amz-Checksum-Sha256"] != sha(branchPhoto) ||
		!strings.Contains(up.Upload.URL, "/evidence/bank-pl/"+a1+"/"+id+"?") {
		t.Errorf("upload %+v", up.Upload)
	}

	// Not uploaded yet: neither confirmed nor accepted in a submission.
	callAs(t, f, auditor, "POST", base+"/evidence/"+id+"/uploaded", "").wantError(t, 409, "conflict")
	callAs(t, f, auditor, "POST", base+"/submit", submitWith(t, id)).wantError(t, 400, "invalid", "walkthrough.evidence[0]")

	if status := put(t, up.Upload, branchPhoto); status != 200 {
		t.Fatalf("PUT to the presigned URL: %d", status)
	}
	callAs(t, f, otherAuditor, "POST", base+"/evidence/"+id+"/uploaded", "").wantError(t, 404, "not_found")
	var confirmed struct{ Evidence audit.Evidence }
	callAs(t, f, auditor, "POST", base+"/evidence/"+id+"/uploaded", "").decode(t, &confirmed)
	if !confirmed.Evidence.Uploaded || confirmed.Evidence.UploadedAt == nil || !confirmed.Evidence.UploadedAt.Equal(testNow) {
		t.Errorf("confirmed %+v", confirmed.Evidence)
	}

	// The form saves its draft with the version it read before the upload:
	// files added and confirmed since do not make it stale.
	draft := readEvent(t, "api-draft")
	if !strings.Contains(draft.Body, `"version": 1`) {
		t.Fatalf("the draft fixture no longer saves version 1: %s", draft.Body[:40])
	}
	callAs(t, f, auditor, "PUT", base+"/draft", draft.Body).decode(t, &map[string]any{})

	// A file the walk does not own is named; its own file is accepted.
	callAs(t, f, auditor, "POST", base+"/submit", submitWith(t, id, "ev-"+strings.Repeat("a", 26)+"."+a3)).wantError(t, 400, "invalid", "walkthrough.evidence[1]")
	var sub submitJSON
	callAs(t, f, auditor, "POST", base+"/submit", submitWith(t, id)).decode(t, &sub)
	w, err := f.store.GetWalkthrough(context.Background(), sub.Receipt.WalkthroughID)
	if err != nil || len(w.Evidence) != 1 || w.Evidence[0] != id {
		t.Errorf("stored walk's evidence %v (%v), want [%s]", w.Evidence, err, id)
	}

	// A lead of the company and the uploader get a 5-minute URL; another
	// auditor and a lead of another company get 404.
	var view struct {
		URL          string    `json:"url"`
		ExpiresAt    time.Time `json:"expiresAt"`
		ContentType  string    `json:"contentType"`
		Size         int64     `json:"size"`
		AssignmentID string    `json:"assignmentId"`
	}
	callAs(t, f, lead, "GET", "/api/evidence/"+id, "").decode(t, &view)
	if view.ContentType != "image/jpeg" || view.Size != 43000 || view.AssignmentID != a1 || !strings.Contains(view.URL, "X-Amz-Expires=300") {
		t.Errorf("view %+v", view)
	}
	if status, b := fetch(t, view.URL); status != 200 || !bytes.Equal(b, branchPhoto) {
		t.Errorf("GET the presigned URL: %d, %d bytes", status, len(b))
	}
	callAs(t, f, auditor, "GET", "/api/evidence/"+id, "").decode(t, &view)
	callAs(t, f, otherAuditor, "GET", "/api/evidence/"+id, "").wantError(t, 404, "not_found")
	callAs(t, f, claims("s-001", "siec-przykladowa", "[lead]"), "GET", "/api/evidence/"+id, "").wantError(t, 404, "not_found")
	callAs(t, f, lead, "GET", "/api/evidence/photo.jpg", "").wantError(t, 404, "not_found")

	// The walk is submitted: it takes no more files.
	callAs(t, f, auditor, "POST", base+"/evidence", evidenceBody("image/jpeg", branchPhoto)).wantError(t, 409, "conflict")
}

// moto stores whatever a presigned PUT sends (it checks no signature and no
// checksum; S3 refuses these PUTs itself), so the confirm step compares
// what was stored with what was announced and refuses the difference.
func TestEvidence_ConfirmRefusesAnotherFileOnMotoS3(t *testing.T) {
	f := newFixture(t, nil)
	withFiles(t, f, motoBucket(t))
	base := "/api/assignments/" + a1
	tampered := bytes.Clone(branchPhoto)
	tampered[100] ^= 1
	for _, c := range []struct {
		name    string
		body    []byte
		header  map[string]string
		message string
	}{
		{"another body of the same size", tampered, nil, "another SHA-256"},
		{"a shorter body", branchPhoto[:100], nil, "has 100 bytes, not the 43000 announced"},
		{"another content type", branchPhoto, map[string]string{"Content-Type": "image/png"}, `stored as "image/png", not "image/jpeg"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			var up uploadJSON
			callAs(t, f, auditor, "POST", base+"/evidence", evidenceBody("image/jpeg", branchPhoto)).decode(t, &up)
			for k, v := range c.header {
				up.Upload.Headers[k] = v
			}
			if status := put(t, up.Upload, c.body); status != 200 {
				t.Fatalf("moto answered %d: it used to store any body", status)
			}
			e := callAs(t, f, auditor, "POST", base+"/evidence/"+up.Evidence.ID+"/uploaded", "").wantError(t, 409, "conflict")
			if !strings.Contains(e.Error.Message, c.message) {
				t.Errorf("message %q, want …%s…", e.Error.Message, c.message)
			}
			callAs(t, f, auditor, "POST", base+"/submit", submitWith(t, up.Evidence.ID)).wantError(t, 400, "invalid", "walkthrough.evidence[0]")
			callAs(t, f, lead, "GET", "/api/evidence/"+up.Evidence.ID, "").wantError(t, 404, "not_found")
		})
	}
}

func TestEvidence_RequestRefusals(t *testing.T) {
	f := newFixture(t, nil)
	store, err := filestore.New(t.TempDir(), "http://127.0.0.1:1/files", bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	withFiles(t, f, store)
	base := "/api/assignments/" + a1
	for _, c := range []struct {
		name, body string
		paths      []string
	}{
		{"GIF and 11 MiB", `{"fileName":"a.gif","contentType":"image/gif","size":11534336,"sha256":"` + sha(nil) + `"}`, []string{"contentType", "size"}},
		{"no size", `{"fileName":"a.jpg","contentType":"image/jpeg","sha256":"` + sha(nil) + `"}`, []string{"size"}},
		{"hex checksum", `{"fileName":"a.jpg","contentType":"image/jpeg","size":10,"sha256":"abcd"}`, []string{"sha256"}},
		{"unknown criterion", `{"fileName":"a.jpg","contentType":"image/jpeg","size":10,"sha256":"` + sha(nil) + `","attachTo":{"criterionId":"no-such"}}`, []string{"attachTo.criterionId"}},
		{"unknown field", `{"fileName":"a.jpg","contentType":"image/jpeg","size":10,"sha256":"` + sha(nil) + `","bucket":"x"}`, []string{"bucket"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			callAs(t, f, auditor, "POST", base+"/evidence", c.body).wantError(t, 400, "invalid", c.paths...)
		})
	}
	// At most 20 files a walk.
	for i := range 20 {
		if resp := callAs(t, f, auditor, "POST", base+"/evidence", evidenceBody("audio/webm", branchPhoto)); resp.StatusCode != 201 {
			t.Fatalf("file %d: %d %s", i+1, resp.StatusCode, resp.Body)
		}
	}
	e := callAs(t, f, auditor, "POST", base+"/evidence", evidenceBody("application/pdf", branchPhoto)).wantError(t, 409, "conflict")
	if !strings.Contains(e.Error.Message, "already has 20 files") {
		t.Errorf("message %q", e.Error.Message)
	}
}

func TestEvidence_LocalFolderEndToEnd(t *testing.T) {
	f := newFixture(t, nil)
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	store, err := filestore.New(t.TempDir(), srv.URL+"/files", bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/files/", store.Handler())
	withFiles(t, f, store)
	base := "/api/assignments/" + a1
	var up uploadJSON
	callAs(t, f, auditor, "POST", base+"/evidence", evidenceBody("image/jpeg", branchPhoto)).decode(t, &up)
	tampered := bytes.Clone(branchPhoto)
	tampered[0] ^= 1
	if status := put(t, up.Upload, tampered); status != 400 {
		t.Errorf("PUT of another body: %d, want 400 (BadDigest)", status)
	}
	if status := put(t, up.Upload, branchPhoto); status != 200 {
		t.Fatalf("PUT: %d", status)
	}
	callAs(t, f, auditor, "POST", base+"/evidence/"+up.Evidence.ID+"/uploaded", "").decode(t, &map[string]any{})
	var view struct{ URL string }
	callAs(t, f, lead, "GET", "/api/evidence/"+up.Evidence.ID, "").decode(t, &view)
	if status, b := fetch(t, view.URL); status != 200 || !bytes.Equal(b, branchPhoto) {
		t.Errorf("GET: %d, %d bytes", status, len(b))
	}
}

func TestEvidence_WithoutFileStoreIsNotFound(t *testing.T) {
	f := newFixture(t, nil)
	e := callAs(t, f, auditor, "POST", "/api/assignments/"+a1+"/evidence", evidenceBody("image/jpeg", branchPhoto)).wantError(t, 404, "not_found")
	if !strings.Contains(e.Error.Message, "not configured") {
		t.Errorf("message %q", e.Error.Message)
	}
}
