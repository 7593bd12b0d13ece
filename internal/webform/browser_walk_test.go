package webform

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"touchaudit/internal/audit"
)

// site serves the form, the fake API and its upload URLs, and can go dark
// as a whole (a phone in a basement reaches nothing, not even the form).
type site struct {
	*httptest.Server
	api  *fakeAPI
	down atomic.Bool
	// deployed makes the form's page another version (another ETag), as a
	// deploy would.
	deployed atomic.Bool
}

func newSite(t *testing.T, api *fakeAPI) *site {
	t.Helper()
	s := &site{api: api}
	mux := http.NewServeMux()
	mux.Handle("/api/", api)
	mux.Handle("/upload/", api)
	form := Handler()
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.deployed.Load() && r.URL.Path == "/" {
			r.Header.Del("If-None-Match")
			w = deployedPage{w}
		}
		form.ServeHTTP(w, r)
	}))
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.down.Load() {
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// deployedPage gives the page the ETag of a newer version.
type deployedPage struct{ http.ResponseWriter }

func (d deployedPage) WriteHeader(code int) {
	d.Header().Set("ETag", `"deployed"`)
	d.ResponseWriter.WriteHeader(code)
}

func (d deployedPage) Write(b []byte) (int, error) {
	if d.Header().Get("ETag") != `"deployed"` {
		d.WriteHeader(http.StatusOK)
	}
	return d.ResponseWriter.Write(b)
}

// offline cuts the phone off (navigator.onLine false, nothing answers) or
// brings it back.
func (s *site) offline(t *testing.T, ctx context.Context, off bool) {
	t.Helper()
	s.down.Store(off)
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: off, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		t.Fatal(err)
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// waitFor polls the page until js is true.
func waitFor(t *testing.T, ctx context.Context, js string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		c, cancel := context.WithTimeout(ctx, 2*time.Second)
		ok, err := chromedp.Run(c, chromedp.Evaluate[bool](js))
		cancel()
		if err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	dump, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#view').innerText.slice(0, 1500) + ' | focus: ' + document.activeElement.id`))
	t.Fatalf("never true: %s\npage: %s", js, dump)
}

// answerRest answers every criterion still open, as an auditor would:
// yes, promises not made, facts not stated, counters at 1, resolved.
const answerRest = `(() => {
  for (const g of document.querySelectorAll('fieldset.choice[data-criterion]')) {
    if (!g.querySelector('input:checked')) g.querySelector(g.classList.contains('promise') ? 'label[for$="-no"]' : 'label[for$="-yes"]').click();
  }
  for (const e of document.querySelectorAll('.criterion.effort')) {
    if (e.querySelector('output').textContent === '–') e.querySelector('button[id$="-plus"]').click();
  }
  for (const f of document.querySelectorAll('.criterion.fact')) {
    if (!f.querySelector('input[id^="fact-"]').value && !f.querySelector('input[type=checkbox]:checked')) f.querySelector('input[id$="-no"]').click();
  }
  if (!document.querySelector('#resolved-yes').checked) document.querySelector('label[for="resolved-yes"]').click();
  return 0;
})()`

func writePNG(t *testing.T, name string, w, h int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 120, 255})
		}
	}
	p := filepath.Join(t.TempDir(), name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return p
}

func signInAndOpen(t *testing.T, ctx context.Context, s *site, id string) {
	t.Helper()
	card := `#assignments a[data-assignment-id="` + id + `"]`
	run(t, ctx, chromedp.Navigate(s.URL+"/#token=tok-s-064"), chromedp.WaitVisible(chromedp.CSS(card)),
		chromedp.Tap(chromedp.CSS(card)), chromedp.WaitVisible(chromedp.ID("start-walk")))
}

// TestBrowser_BranchWalkWithPhotosOfflineSyncsOnce is issue 13's check: a
// branch walk with two photos and a GPS position, taken offline, survives
// a reload, syncs once, and both photos reach the lead's side.
func TestBrowser_BranchWalkWithPhotosOfflineSyncsOnce(t *testing.T) {
	ctx := phone(t, 390)
	api := newFakeAPI(t, "acc.branch-waw-marszalkowska")
	s := newSite(t, api)
	id := api.assignments[0].ID
	lat, lon, acc := 52.2297, 21.0122, 15.0
	if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "geolocation"}, Setting: browser.PermissionSettingGranted, Origin: s.URL}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{Latitude: &lat, Longitude: &lon, Accuracy: &acc}); err != nil {
		t.Fatal(err)
	}
	signInAndOpen(t, ctx, s, id)
	eval[bool](t, ctx, `navigator.serviceWorker.ready.then(() => true)`)
	big := writePNG(t, "leaflet.png", 2400, 1800)
	small := writePNG(t, "desk.png", 640, 480)

	s.offline(t, ctx, true)
	waitText(t, ctx, "#network", "Offline")
	run(t, ctx, chromedp.Tap(chromedp.ID("start-walk")), chromedp.WaitVisible(chromedp.ID("checkin-allow")), chromedp.Tap(chromedp.ID("checkin-allow")))
	waitText(t, ctx, "#checkin-state", "±15 m")
	run(t, ctx, chromedp.Tap(chromedp.ID("timer-branch_wait-start")), chromedp.Sleep(1100*time.Millisecond), chromedp.Tap(chromedp.ID("timer-branch_wait-stop")),
		chromedp.SetUploadFiles(chromedp.ID("evidence-walk-input"), []string{big}),
		chromedp.Tap(chromedp.CSS("#timer-branch_service-extra summary")),
		chromedp.SetUploadFiles(chromedp.ID("evidence-step-branch_service-input"), []string{small}))
	waitFor(t, ctx, `document.querySelectorAll('.evidence-item[data-state="local"] img').length === 2`)
	eval[int](t, ctx, answerRest)
	run(t, ctx, chromedp.Tap(chromedp.ID("submit")))
	waitText(t, ctx, "#sync-status", "waits to be sent")
	waitText(t, ctx, "#pending", "4 pending") // start, two photos, the submission

	// A reload with no network: the shell from the service worker, the walk,
	// the queue and the photos from the phone.
	run(t, ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("sync-status")))
	waitText(t, ctx, "#pending", "4 pending")
	waitText(t, ctx, "#network", "Offline")
	waitFor(t, ctx, `[...document.querySelectorAll('.evidence-item img')].filter((i) => i.complete && i.naturalWidth > 0).length === 2`)
	if n := api.count("POST /api/assignments/" + id + "/submit"); n != 0 {
		t.Fatalf("%d submissions reached the server offline", n)
	}

	s.offline(t, ctx, false)
	waitText(t, ctx, "#pending", "0 pending")
	waitText(t, ctx, "#submit-synced", "Sent")
	waitText(t, ctx, "#network", "Online")
	screenshot(t, ctx, "branch-synced", "")

	for call, want := range map[string]int{
		"POST /api/assignments/" + id + "/start":                  1,
		"POST /api/assignments/" + id + "/evidence":               2,
		"PUT /upload/ev-1":                                        1,
		"PUT /upload/ev-2":                                        1,
		"POST /api/assignments/" + id + "/evidence/ev-1/uploaded": 1,
		"POST /api/assignments/" + id + "/evidence/ev-2/uploaded": 1,
		"POST /api/assignments/" + id + "/submit":                 1,
	} {
		if got := api.count(call); got != want {
			t.Errorf("%s: %d calls, want %d", call, got, want)
		}
	}
	api.mu.Lock()
	defer api.mu.Unlock()
	w := api.walks[id]
	if w == nil {
		t.Fatal("no walk recorded")
	}
	if len(w.Evidence) != 2 {
		t.Fatalf("the walk lists evidence %v, want two files", w.Evidence)
	}
	attached := map[string]bool{}
	for _, evID := range w.Evidence {
		ev := api.evidence[evID]
		if ev == nil || !ev.Confirmed {
			t.Fatalf("evidence %s is not an uploaded, confirmed file", evID)
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(ev.Bytes))
		if err != nil || format != "jpeg" || ev.ContentType != "image/jpeg" {
			t.Fatalf("evidence %s: %s %v, want a JPEG the lead can open", evID, format, err)
		}
		if _, err := jpeg.Decode(bytes.NewReader(ev.Bytes)); err != nil {
			t.Fatalf("evidence %s does not decode: %v", evID, err)
		}
		t.Logf("%s: %s %d×%d, %d bytes, attached to %v", evID, ev.FileName, cfg.Width, cfg.Height, len(ev.Bytes), ev.AttachTo)
		switch {
		case ev.AttachTo["step"] == "branch_service":
			attached["step"] = cfg.Width == 640 && cfg.Height == 480
		case len(ev.AttachTo) == 0:
			attached["walk"] = cfg.Width == 1600 && cfg.Height == 1200 // downsized from 2400×1800
		}
	}
	if !attached["step"] || !attached["walk"] {
		t.Errorf("photos: %v; want the 2400×1800 leaflet on the walk at 1600×1200 and the 640×480 desk on branch_service", attached)
	}
	ci := w.CheckIn
	if ci == nil || !ci.Consent || ci.Start == nil || ci.End == nil || ci.Start.Lat != lat || ci.Start.Lon != lon || ci.Start.AccuracyM != acc || ci.End.At.IsZero() {
		t.Errorf("checkIn %+v, want consent with a start and an end at %v,%v ±%v m", ci, lat, lon, acc)
	}
}

// TestBrowser_RefusedSubmissionStaysEditable: a 400 keeps the walk on the
// phone, editable, with the server's reasons by the fields they name.
func TestBrowser_RefusedSubmissionStaysEditable(t *testing.T) {
	ctx := phone(t, 390)
	api := newFakeAPI(t, "acc.ivr-info")
	s := newSite(t, api)
	id := api.assignments[0].ID
	signInAndOpen(t, ctx, s, id)
	run(t, ctx, chromedp.Tap(chromedp.ID("start-walk")), chromedp.WaitVisible(chromedp.ID("timer-ivr_menu-start")),
		chromedp.Tap(chromedp.ID("timer-ivr_menu-start")), chromedp.Sleep(1100*time.Millisecond), chromedp.Tap(chromedp.ID("timer-ivr_menu-stop")))
	eval[int](t, ctx, answerRest)
	api.mu.Lock()
	api.refuse = []audit.Problem{
		{Path: "answers", Reason: "criterion next-step-named is not answered: answer yes, no or na"},
		{Path: "timeline[0].end.client", Reason: "the device clock is 14 min off the server's"},
		{Path: "notes", Reason: "at most 8000 characters, not 9000"},
		{Path: "clientSentAt", Reason: "more than 365 days from the server's clock"},
	}
	api.mu.Unlock()
	run(t, ctx, chromedp.Tap(chromedp.ID("submit")))
	waitText(t, ctx, "#submit-rejected", "did not accept")
	waitText(t, ctx, `[data-criterion="next-step-named"] .field-error`, "criterion next-step-named is not answered")
	waitText(t, ctx, "#timer-ivr_menu .field-error", "14 min off")
	waitText(t, ctx, "#notes-field .field-error", "8000 characters")
	waitText(t, ctx, "#refusal-other", "clientSentAt: more than 365 days")
	screenshot(t, ctx, "refused", "")
	if !eval[bool](t, ctx, `!!document.querySelector('#submit') && !!document.querySelector('#export-walk') && !document.querySelector('#notes').disabled
		&& !document.querySelector('#answer-next-step-named-no').disabled && !JSON.parse(localStorage.getItem('ta.walk.`+id+`')).submission`) {
		t.Fatal("after a refusal the walk is not editable, or has no export")
	}
	// The auditor goes to the first reason, edits, and sends again.
	run(t, ctx, chromedp.Tap(chromedp.ID("refusal-first")))
	if got := eval[string](t, ctx, `document.activeElement.closest('[data-criterion]')?.dataset.criterion || ''`); got != "next-step-named" {
		t.Errorf("the first reason took the focus to %q, want next-step-named", got)
	}
	run(t, ctx, chromedp.SendKeys(chromedp.ID("notes"), "Krótko."))
	api.mu.Lock()
	api.refuse = nil
	api.mu.Unlock()
	run(t, ctx, chromedp.Tap(chromedp.ID("submit")))
	waitText(t, ctx, "#submit-synced", "Sent")
	if n := api.count("POST /api/assignments/" + id + "/submit"); n != 2 {
		t.Errorf("%d submit calls, want 2 (refused, then accepted)", n)
	}
	api.mu.Lock()
	notes := api.walks[id].Notes
	api.mu.Unlock()
	if notes != "Krótko." {
		t.Errorf("the accepted walk's notes %q, want the edit", notes)
	}
}

// TestBrowser_HungRequestDoesNotBlockAnother: one assignment's request that
// never answers leaves another assignment's writes free to go.
func TestBrowser_HungRequestDoesNotBlockAnother(t *testing.T) {
	ctx := phone(t, 390)
	api := newFakeAPI(t, "acc.ivr-info", "acc.chat-fees")
	s := newSite(t, api)
	a, b := api.assignments[0].ID, api.assignments[1].ID
	release := make(chan struct{})
	api.hang["POST /api/assignments/"+a+"/start"] = release
	defer close(release)
	signInAndOpen(t, ctx, s, a)
	run(t, ctx, chromedp.Tap(chromedp.ID("start-walk")), chromedp.WaitVisible(chromedp.ID("timers")))
	waitText(t, ctx, "#pending", "1 pending")
	run(t, ctx, chromedp.Tap(chromedp.ID("back")), chromedp.Tap(chromedp.CSS(`#assignments a[data-assignment-id="`+b+`"]`)),
		chromedp.WaitVisible(chromedp.ID("start-walk")), chromedp.Tap(chromedp.ID("start-walk")))
	start := time.Now()
	waitFor(t, ctx, `document.querySelector('#assignment-status').dataset.status === 'started'`)
	for api.count("POST /api/assignments/"+b+"/start") == 0 {
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("the second assignment started %v after its tap, while the first one's start hangs", time.Since(start))
	waitText(t, ctx, "#pending", "1 pending") // the hung one, still kept
	if n := api.count("POST /api/assignments/" + a + "/start"); n != 0 {
		t.Errorf("the hung start answered %d times", n)
	}
}

// TestBrowser_HeaderAndListAgreeOnTheConnection: a server that does not
// answer turns the header to Offline together with the list's note, and
// an assignment never opened on the phone has a way back and a retry.
func TestBrowser_HeaderAndListAgreeOnTheConnection(t *testing.T) {
	ctx := phone(t, 390)
	api := newFakeAPI(t, "acc.ivr-info", "acc.chat-fees")
	s := newSite(t, api)
	run(t, ctx, chromedp.Navigate(s.URL+"/#token=tok-s-064"), chromedp.WaitVisible(chromedp.ID("assignments")))
	agree := func(want string) {
		t.Helper()
		waitText(t, ctx, "#network", want)
		if note := eval[bool](t, ctx, `!document.querySelector('#offline-note').hidden`); note != (want == "Offline") {
			t.Errorf("header %s, the list's offline note shown: %v", want, note)
		}
	}
	agree("Online")
	// The list keeps every open assignment's checklist in the background
	// (prefetchDetails). Wait until both are kept: an answer still on its
	// way when the server goes away would be cached after the clearing
	// below, or turn the header back to Online after the refresh failed.
	waitFor(t, ctx, `['as-acc.ivr-info', 'as-acc.chat-fees'].every((id) => ((JSON.parse(localStorage.getItem('ta.view.' + id) || 'null') || {}).criteria || []).length > 0)`)
	api.mu.Lock()
	api.offline = true
	api.mu.Unlock()
	eval[int](t, ctx, `Object.keys(localStorage).filter((k) => k.startsWith('ta.view.')).forEach((k) => localStorage.removeItem(k)) || 0`)
	run(t, ctx, chromedp.Tap(chromedp.ID("refresh")))
	agree("Offline")
	run(t, ctx, chromedp.Tap(chromedp.CSS(`#assignments a[data-assignment-id="as-acc.chat-fees"]`)), chromedp.WaitVisible(chromedp.ID("not-on-phone")))
	if !eval[bool](t, ctx, `!!document.querySelector('#back') && !!document.querySelector('#retry') && !document.querySelector('#loading')`) {
		t.Error("an assignment never opened online shows no way back or no retry")
	}
	api.mu.Lock()
	api.offline = false
	api.mu.Unlock()
	run(t, ctx, chromedp.Tap(chromedp.ID("retry")))
	waitFor(t, ctx, `!!document.querySelector('#start-walk')`)
	waitText(t, ctx, "#network", "Online")
	run(t, ctx, chromedp.Tap(chromedp.ID("back")), chromedp.WaitVisible(chromedp.ID("assignments")))
	agree("Online")
}

// TestBrowser_KeystrokesSurviveASync: a sync that lands while the auditor
// types does not take the field away.
func TestBrowser_KeystrokesSurviveASync(t *testing.T) {
	ctx := phone(t, 390)
	api := newFakeAPI(t, "acc.ivr-info")
	s := newSite(t, api)
	id := api.assignments[0].ID
	signInAndOpen(t, ctx, s, id)
	s.offline(t, ctx, true)
	run(t, ctx, chromedp.Tap(chromedp.ID("start-walk")), chromedp.WaitVisible(chromedp.ID("notes")))
	run(t, ctx, chromedp.Click(chromedp.ID("notes")), chromedp.SendKeys(chromedp.ID("notes"), "Konsultant "))
	s.offline(t, ctx, false)
	waitText(t, ctx, "#pending", "0 pending")
	waitFor(t, ctx, `document.querySelector('#assignment-status').dataset.status === 'started'`)
	// Typed straight into whatever has the focus, as a keyboard does.
	run(t, ctx, chromedp.KeyEvent("uprzejmy"))
	got := eval[string](t, ctx, `document.activeElement.id + ':' + document.querySelector('#notes').value`)
	if got != "notes:Konsultant uprzejmy" {
		t.Errorf("after the sync: %q, want the notes focused with every keystroke", got)
	}
	if n := api.count("POST /api/assignments/" + id + "/start"); n != 1 {
		t.Errorf("%d start calls, want 1", n)
	}
}

// TestBrowser_ProgressAndTheFirstMissingAnswer: "N of M answered", a jump
// to the first missing answer, and SUBMIT taking the auditor to it.
func TestBrowser_ProgressAndTheFirstMissingAnswer(t *testing.T) {
	ctx := phone(t, 390)
	api := newFakeAPI(t, "acc.ivr-info")
	s := newSite(t, api)
	id := api.assignments[0].ID
	signInAndOpen(t, ctx, s, id)
	run(t, ctx, chromedp.Tap(chromedp.ID("start-walk")), chromedp.WaitVisible(chromedp.ID("progress")))
	total := eval[int](t, ctx, `document.querySelectorAll('fieldset.choice[data-criterion], .criterion.effort, .criterion.fact').length`)
	waitText(t, ctx, "#progress-text", "0 of ")
	first := eval[string](t, ctx, `document.querySelector('fieldset.choice[data-criterion]:not(.promise)').dataset.criterion`)
	run(t, ctx, chromedp.Tap(chromedp.CSS(`label[for="answer-`+first+`-yes"]`)))
	waitText(t, ctx, "#progress-text", "1 of ")
	second := eval[string](t, ctx, `[...document.querySelectorAll('[data-criterion]')].map((e) => e.dataset.criterion).find((c) => c !== '`+first+`')`)
	waitFor(t, ctx, `!!document.querySelector('#progress-first-missing')`)
	run(t, ctx, chromedp.Tap(chromedp.ID("progress-first-missing")))
	if got := eval[string](t, ctx, `document.activeElement.closest('[data-criterion]')?.dataset.criterion || ''`); got != second {
		t.Errorf("the jump took the focus to %q, want %q", got, second)
	}
	run(t, ctx, chromedp.Tap(chromedp.ID("submit")))
	if got := eval[string](t, ctx, `document.activeElement.closest('.has-error')?.querySelector('.field-error')?.textContent || ''`); got == "" {
		t.Error("SUBMIT with missing answers did not take the focus to a field showing its problem")
	}
	waitText(t, ctx, "#submit-message", "to complete")
	eval[int](t, ctx, answerRest)
	waitText(t, ctx, "#progress-text", strconv.Itoa(total)+" of "+strconv.Itoa(total))
	if n := api.count("POST /api/assignments/" + id + "/submit"); n != 0 {
		t.Errorf("an incomplete walk was sent %d times", n)
	}
}

// TestBrowser_CallBackTimersPolishStepsAndAConfirmedClear: the phone
// call-back has its timers at once, a step named in Polish is accepted,
// and Clear sits away from Pause and asks first.
func TestBrowser_CallBackTimersPolishStepsAndAConfirmedClear(t *testing.T) {
	ctx := phone(t, 390)
	api := newFakeAPI(t, "loan.callback")
	s := newSite(t, api)
	id := api.assignments[0].ID
	signInAndOpen(t, ctx, s, id)
	run(t, ctx, chromedp.Tap(chromedp.ID("start-walk")), chromedp.WaitVisible(chromedp.ID("timer-callback_wait-start")))
	steps := eval[[]string](t, ctx, `[...document.querySelectorAll('#timer-list .timer')].map((e) => e.dataset.step)`)
	if strings.Join(steps, ",") != "callback_wait,queue,consultant" {
		t.Errorf("call-back timers %v, want callback_wait, queue, consultant", steps)
	}
	run(t, ctx, chromedp.Tap(chromedp.CSS("#add-step-panel summary")), chromedp.SendKeys(chromedp.ID("new-step-key"), "Rozmowa z konsultantem"), chromedp.Tap(chromedp.ID("add-step")))
	waitText(t, ctx, "#add-step-message", "already")
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('#new-step-key').value = 'Oczekiwanie na SMS z ofertą'`), chromedp.Tap(chromedp.ID("add-step")))
	waitFor(t, ctx, `!!document.querySelector('.timer[data-step="Oczekiwanie na SMS z ofertą"] .timer-start')`)

	run(t, ctx, chromedp.Tap(chromedp.ID("timer-callback_wait-start")), chromedp.WaitVisible(chromedp.ID("timer-callback_wait-pause")))
	if eval[bool](t, ctx, `!!document.querySelector('#timer-callback_wait .timer-buttons .timer-reset')`) {
		t.Error("Clear sits among Start, Pause and Stop")
	}
	gap := eval[float64](t, ctx, `(document.querySelector('#timer-callback_wait-extra').open = true,
		document.querySelector('#timer-callback_wait-reset').getBoundingClientRect().top - document.querySelector('#timer-callback_wait-pause').getBoundingClientRect().bottom)`)
	t.Logf("Clear is %.0f px below Pause", gap)
	if gap < 100 {
		t.Errorf("Clear is %.0f px below Pause, want it well apart (at least 100 px)", gap)
	}
	run(t, ctx, chromedp.Tap(chromedp.ID("timer-callback_wait-reset")), chromedp.WaitVisible(chromedp.ID("timer-callback_wait-reset-no")),
		chromedp.Tap(chromedp.ID("timer-callback_wait-reset-no")))
	waitText(t, ctx, "#timer-callback_wait-state", "running")
	run(t, ctx, chromedp.Tap(chromedp.ID("timer-callback_wait-stop")))
	waitText(t, ctx, "#timer-callback_wait-state", "done")
	custom := eval[string](t, ctx, `document.querySelector('.timer[data-step="Oczekiwanie na SMS z ofertą"]').id`)
	run(t, ctx, chromedp.Tap(chromedp.ID(custom+"-start")), chromedp.Sleep(1100*time.Millisecond), chromedp.Tap(chromedp.ID(custom+"-stop")))
	eval[int](t, ctx, answerRest)
	run(t, ctx, chromedp.Tap(chromedp.ID("submit")))
	waitText(t, ctx, "#submit-synced", "Sent")
	api.mu.Lock()
	defer api.mu.Unlock()
	var keys []string
	for _, st := range api.walks[id].Timeline {
		keys = append(keys, st.Key)
	}
	if strings.Join(keys, ",") != "callback_wait,Oczekiwanie na SMS z ofertą" {
		t.Errorf("timeline keys %q, want callback_wait then the Polish step", keys)
	}
}
