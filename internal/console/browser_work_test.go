package console_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"touchaudit/internal/audit"
	"touchaudit/internal/consoleapi"
	"touchaudit/internal/filestore"
	"touchaudit/internal/httpapi"
	"touchaudit/internal/memstore"
	"touchaudit/internal/webform"
	"touchaudit/internal/workflow"
)

// photoWalk is the running review's walk of acc.ivr-info that the browser
// test gives a photo.
const (
	photoWalk       = "wt-photo"
	photoAssignment = "rv-2027-h1.acc.ivr-info.w2"
)

// serverWithFiles is server() with a local file store behind presigned
// URLs at /files/, as `touchaudit local` has.
func serverWithFiles(t *testing.T) (*httptest.Server, *memstore.Store, *filestore.Store) {
	t.Helper()
	store, _ := seeded(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	files, err := filestore.New(t.TempDir(), srv.URL+"/files", key)
	if err != nil {
		t.Fatal(err)
	}
	wf := workflow.New(store, noExecutions{}, workflow.LogNotifier{Log: log}, fixedClock{now}, workflow.Config{}, log)
	h := httpapi.New(wf, store, consoleapi.MustWith(httpapi.Options{Form: webform.Handler(), Log: log, Now: func() time.Time { return now }, Files: files}, store))
	mux.Handle("/files/", files.Handler())
	mux.Handle("/", h.HTTP(func(r *http.Request) (map[string]string, error) {
		if r.Header.Get("Authorization") != "Bearer lead" {
			return nil, nil
		}
		return map[string]string{"sub": "u-1", "custom:staffId": "s-001", "custom:companyId": bank, "cognito:groups": "[lead]"}, nil
	}))
	return srv, store, files
}

// withPhoto submits a walk of photoAssignment that refers to one uploaded
// photo, as the form does: the file goes to the store through its
// presigned PUT, the assignment keeps its record, the walk its id, and the
// walk is scored (a copy of the recorded walk's result).
func withPhoto(t *testing.T, store *memstore.Store, files *filestore.Store) {
	t.Helper()
	ctx := context.Background()
	img := image.NewRGBA(image.Rect(0, 0, 48, 36))
	for x := range 48 {
		for y := range 36 {
			img.Set(x, y, color.RGBA{uint8(x * 5), 90, uint8(y * 7), 255})
		}
	}
	var pic bytes.Buffer
	if err := png.Encode(&pic, img); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(pic.Bytes())
	spec := audit.FileSpec{ContentType: "image/png", Size: int64(pic.Len()), SHA256: base64.StdEncoding.EncodeToString(sum[:])}
	a, err := store.GetAssignment(ctx, photoAssignment)
	if err != nil {
		t.Fatal(err)
	}
	ev := audit.Evidence{ID: audit.NewEvidenceID(a.ID), FileName: "kolejka-ivr.png", ContentType: spec.ContentType, Size: spec.Size,
		SHA256: spec.SHA256, UploadedBy: a.AuditorID, CreatedAt: now, Uploaded: true}
	put, err := files.PresignPut(ctx, audit.EvidenceKey(bank, a.ID, ev.ID), spec, audit.EvidenceUploadTTL)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(put.Method, put.URL, bytes.NewReader(pic.Bytes()))
	for k, v := range put.Headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("upload: %s", resp.Status)
	}
	recorded, err := store.GetWalkthrough(ctx, "wt-2026h2-02-acc-ivr-info")
	if err != nil {
		t.Fatal(err)
	}
	w := *recorded
	w.ID, w.AssignmentID, w.ReviewID, w.AuditorID, w.Evidence = photoWalk, a.ID, a.ReviewID, a.AuditorID, []string{ev.ID}
	done := *a
	done.Evidence = append(done.Evidence, ev)
	done.Status, done.WalkthroughID, done.SubmissionID = audit.StatusScored, w.ID, "sub-photo"
	if _, err := store.RecordSubmission(ctx, audit.Submission{ID: "sub-photo", PayloadHash: "photo", Assignment: done, Walkthrough: w, At: now}); err != nil {
		t.Fatal(err)
	}
	r, err := store.GetResult(ctx, "wt-2026h2-02-acc-ivr-info")
	if err != nil {
		t.Fatal(err)
	}
	r.ID, r.WalkthroughID, r.AssignmentID, r.ReviewID, r.AuditorID = w.ID, w.ID, a.ID, a.ReviewID, a.AuditorID
	r.QA = &audit.QA{Status: audit.QAApproved, Since: now, Auto: true, DecidedBy: audit.TrailActorSystem, DecidedAt: now}
	if err := store.PutResults(ctx, []audit.Result{*r}); err != nil {
		t.Fatal(err)
	}
}

// present waits until the page has an element: a long list is taller
// than the tablet's screen, which visible() does not accept.
func present(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	waitFor(t, ctx, sel, "document.querySelector('"+strings.ReplaceAll(sel, "'", "\\'")+"')")
}

// TestBrowser_LeadWorksTheQueueAndActions does a lead's daily work at
// both viewports: approve a queued result and see it leave the queue
// (a rejection without a reason is refused on the page), create an action
// from a −1 walk of the touchpoint detail, mark it done and find it in the
// list with its trail, and see a walk's photo as a thumbnail.
func TestBrowser_LeadWorksTheQueueAndActions(t *testing.T) {
	viewports := []struct {
		name          string
		width, height int64
	}{
		{"desktop", 1280, 800},
		{"tablet", 768, 1024},
	}
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			srv, store, files := serverWithFiles(t)
			withPhoto(t, store, files)
			ctx := browser(t, vp.width, vp.height)
			shoot := screenshots(t, ctx, vp.name)

			do(t, ctx, "open the console", chromedp.Navigate(srv.URL+"/console/#token=lead"))
			visible(t, ctx, "#review-list")
			clickAndRender(t, ctx, `button[data-lang="en"]`)
			// The outbox answers only in a local run with one: no entry here.
			if hidden := eval[bool](t, ctx, `document.getElementById('nav-outbox').hidden`); !hidden {
				t.Error("the Outbox entry is shown without an outbox")
			}

			// QA: the two branch visits wait; approve the one far from its branch.
			clickAndRender(t, ctx, `.topbar a[data-nav="qa"]`)
			present(t, ctx, "#qa-queue")
			queued := `[...document.querySelectorAll('#qa-queue li.item')].map(li => li.dataset.result).join(',')`
			if got := eval[string](t, ctx, queued); got != queuedBranch+","+queuedMinus2 {
				t.Fatalf("QA queue %q", got)
			}
			if got := eval[string](t, ctx, `document.querySelector('#appeals-queue li.item').dataset.result`); got != appealed {
				t.Errorf("appeals queue starts with %q", got)
			}
			shoot("qa")
			minus2 := `#qa-queue li[data-result="` + queuedMinus2 + `"]`
			click(t, ctx, minus2+` button[value="reject"]`)
			waitFor(t, ctx, "the reason asked for", `document.querySelector('`+minus2+` output').textContent.startsWith('Give a reason')`)
			clickAndRender(t, ctx, `#qa-queue li[data-result="`+queuedBranch+`"] button[value="approve"]`)
			present(t, ctx, "#qa-queue")
			if got := eval[string](t, ctx, queued); got != queuedMinus2 {
				t.Fatalf("after approving, the QA queue is %q, want only %s", got, queuedMinus2)
			}
			if r, err := store.GetResult(context.Background(), queuedBranch); err != nil || r.QA.Status != audit.QAApproved || r.QA.DecidedBy != "s-001" {
				t.Fatalf("the approved result is stored as %+v (%v)", r.QA, err)
			}

			// An action from the touchpoint detail's −1 walk.
			eval[string](t, ctx, `location.hash = '#/reviews/rv-2026-h2/touchpoints/acc.ivr-info'`)
			visible(t, ctx, "#tp-trend")
			clickAndRender(t, ctx, `#walk-wt-2026h2-01-acc-ivr-info a.new-action`)
			present(t, ctx, "#new-action")
			eval[string](t, ctx, `(() => { const f = document.getElementById('new-action');
				f.what.value = 'Konsultant w pierwszym menu IVR'; f.person.value = 's-158'; f.amount.value = '2500.50'; return ''; })()`)
			click(t, ctx, `#new-action button[type="submit"]`)
			waitFor(t, ctx, "the new action", `location.hash.startsWith('#/actions/act-') && document.querySelector('#action[data-status="open"]')`)
			actionID := eval[string](t, ctx, `document.getElementById('action').dataset.actionId`)
			clickAndRender(t, ctx, `#action button[value="done"]`)
			present(t, ctx, `#action[data-status="done"]`)
			verbs := eval[string](t, ctx, `[...document.querySelectorAll('#action ol.trail strong')].map(s => s.textContent).join(',')`)
			if verbs != "created,done" {
				t.Errorf("the action's trail reads %q, want created,done", verbs)
			}
			shoot("action")
			clickAndRender(t, ctx, `.topbar a[data-nav="actions"]`)
			present(t, ctx, "#action-list")
			if got := eval[string](t, ctx, `(document.querySelector('#action-list tr[data-action-id="`+actionID+`"]') || {dataset: {}}).dataset.status`); got != "done" {
				t.Errorf("the list shows the action as %q, want done", got)
			}
			shoot("actions")
			a, err := store.GetAction(context.Background(), bank, actionID)
			if err != nil || a.Status != audit.ActionDone || a.Owner.Person != "s-158" || a.Cost.Amount != 2500.5 || a.Source.ResultID != "wt-2026h2-01-acc-ivr-info" {
				t.Fatalf("stored action %+v (%v)", a, err)
			}

			// The walk's photo, through its short-lived URL.
			eval[string](t, ctx, `location.hash = '#/reviews/rv-2027-h1/touchpoints/acc.ivr-info/`+photoWalk+`'`)
			waitFor(t, ctx, "the photo thumbnail", `(() => { const i = document.querySelector('#walk-`+photoWalk+` img[data-evidence]'); return i && i.complete && i.naturalWidth === 48; })()`)
			src := eval[string](t, ctx, `document.querySelector('#walk-`+photoWalk+` img[data-evidence]').src`)
			if !strings.HasPrefix(src, srv.URL+"/files/evidence/"+bank+"/"+photoAssignment+"/") {
				t.Errorf("the thumbnail's URL is %s", src)
			}
			shoot("evidence")
		})
	}
}
