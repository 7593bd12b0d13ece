package webform

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"touchaudit/internal/audit"
	"touchaudit/internal/browsertest"
)

// phone opens a headless Chromium tab at a phone's viewport with touch.
func phone(t *testing.T, width int64) context.Context {
	t.Helper()
	return browsertest.Phone(t, width, chromedp.Flag("lang", "en-GB"))
}

func run(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		t.Fatal(err)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(c, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// waitText polls until the element's text contains want.
func waitText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	last := ""
	for time.Now().Before(deadline) {
		c, cancel := context.WithTimeout(ctx, 2*time.Second)
		s, err := chromedp.Run(c, chromedp.Evaluate[string](`(document.querySelector(`+jsString(sel)+`)||{}).textContent||""`))
		cancel()
		if err == nil && strings.Contains(s, want) {
			return
		}
		last = s
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: text %q, want it to contain %q", sel, last, want)
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// screenshot saves what the phone shows, scrolled to sel ("" for the top),
// when WEBFORM_SHOTS names a directory.
func screenshot(t *testing.T, ctx context.Context, name, sel string) {
	t.Helper()
	dir := os.Getenv("WEBFORM_SHOTS")
	if dir == "" {
		return
	}
	scroll := `window.scrollTo(0, 0)`
	if sel != "" {
		scroll = `document.querySelector(` + jsString(sel) + `).scrollIntoView({block: 'start'})`
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](scroll+`; document.activeElement && document.activeElement.blur(); 0`)); err != nil {
		t.Fatal(err)
	}
	b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/"+name+".png", b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBrowser_FormOfflineSubmitAgainstFakeAPI walks one IVR assignment in a phone
// browser against fakeAPI: sign in, start, time two steps, answer, go
// offline, submit (1 pending), come back (synced, scored).
func TestBrowser_FormOfflineSubmitAgainstFakeAPI(t *testing.T) {
	ctx := phone(t, 390)
	api := newFakeAPI(t, "acc.ivr-info", "acc.branch-waw-marszalkowska")
	srv := newSite(t, api)

	run(t, ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.ID("token")))
	screenshot(t, ctx, "sign-in", "")
	run(t, ctx, chromedp.SendKeys(chromedp.ID("token"), "tok-s-064"), chromedp.Tap(chromedp.ID("sign-in")),
		chromedp.WaitVisible(chromedp.CSS(`#assignments a[data-assignment-id="as-acc.ivr-info"]`)))
	screenshot(t, ctx, "list", "")
	run(t, ctx, chromedp.Tap(chromedp.CSS(`#assignments a[data-assignment-id="as-acc.ivr-info"]`)), chromedp.WaitVisible(chromedp.ID("start-walk")))
	run(t, ctx, chromedp.Tap(chromedp.ID("start-walk")), chromedp.WaitVisible(chromedp.ID("timer-ivr_menu-start")))
	run(t, ctx, chromedp.Tap(chromedp.ID("timer-ivr_menu-start")), chromedp.Sleep(1100*time.Millisecond), chromedp.Tap(chromedp.ID("timer-ivr_menu-stop")),
		chromedp.Tap(chromedp.ID("timer-queue-start")))
	waitText(t, ctx, "#timer-queue-state", "running")
	screenshot(t, ctx, "timers", "#timers")
	run(t, ctx, chromedp.Tap(chromedp.ID("timer-queue-stop")),
		chromedp.Tap(chromedp.CSS(`label[for="answer-next-step-named-yes"]`)),
		chromedp.Tap(chromedp.CSS(`label[for="answer-ivr-consultant-first-menu-no"]`)),
		chromedp.Tap(chromedp.CSS(`label[for="answer-proactive-next-need-na"]`)),
		chromedp.Tap(chromedp.ID("count-ivr-menu-levels-plus")), chromedp.Tap(chromedp.ID("count-ivr-menu-levels-plus")),
		chromedp.SendKeys(chromedp.ID("fact-fact-fee-account-monthly"), "9 zł"),
		chromedp.Tap(chromedp.CSS(`label[for="resolved-yes"]`)))
	eval[int](t, ctx, answerRest) // the criteria this walk does not single out
	if got := text(t, ctx, "#count-ivr-menu-levels"); got != "2" {
		t.Errorf("counter %q, want 2", got)
	}
	waitText(t, ctx, "#draft-state", "Draft saved")
	screenshot(t, ctx, "checklist", "#checklist")

	srv.offline(t, ctx, true)
	waitText(t, ctx, "#network", "Offline")
	run(t, ctx, chromedp.Tap(chromedp.ID("submit")))
	waitText(t, ctx, "#pending", "1 pending")
	waitText(t, ctx, "#sync-status", "waits to be sent")
	screenshot(t, ctx, "offline", "")
	srv.offline(t, ctx, false)
	waitText(t, ctx, "#pending", "0 pending")
	waitText(t, ctx, "#sync-status", "Sent")
	waitText(t, ctx, "#assignment-status", "scored")
	screenshot(t, ctx, "synced", "")
}

// TestBrowser_FormPromiseCheckOnAPhoneWithoutTheWalk answers a promise check on a
// phone that never held the walk (it was sent from another phone, or the
// browser's data was cleared). Only the answer is kept: the assignment must
// not turn into a walk "waiting to sync" with empty timers and checklist.
func TestBrowser_FormPromiseCheckOnAPhoneWithoutTheWalk(t *testing.T) {
	ctx := phone(t, 360)
	api := newFakeAPI(t, "acc.chat-fees")
	a := api.assignments[0]
	a.Status, a.SubmissionID, a.WalkthroughID = audit.StatusScored, "sub-1", "w-sub-1"
	api.checks[a.ID] = []fakeCheck{{PromiseID: "p-1", Text: "Oddzwonimy jutro do 12:00", DueAt: time.Now().Add(-time.Hour).UTC()}}
	mux := http.NewServeMux()
	mux.Handle("/api/", api)
	mux.Handle("/", Handler())
	srv := httptest.NewServer(mux)
	defer srv.Close()

	card := `#assignments a[data-assignment-id="` + a.ID + `"]`
	run(t, ctx, chromedp.Navigate(srv.URL+"/#token=tok-s-064"), chromedp.WaitVisible(chromedp.CSS(card)),
		chromedp.Tap(chromedp.CSS(card)), chromedp.WaitVisible(chromedp.ID("promise-p-1-kept")))
	run(t, ctx, chromedp.Tap(chromedp.ID("promise-p-1-kept")))
	waitText(t, ctx, "#promise-p-1-answer", "kept")
	waitText(t, ctx, "#pending", "0 pending")
	check := func(when string) {
		t.Helper()
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		got, err := chromedp.Run(c, chromedp.Evaluate[struct {
			Status, Sync  string
			Timers, Walks bool
		}](`({Status: document.querySelector('#assignment-status').dataset.status,
			Sync: document.querySelector('#sync-status').textContent,
			Timers: !!document.querySelector('#timers'),
			Walks: Object.keys(localStorage).some((k) => k.startsWith('ta.walk.'))})`))
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != "scored" || got.Sync != "" || got.Timers || got.Walks {
			t.Errorf("%s: status %q, sync box %q, timers shown %v, a walk stored %v; want scored, no sync box, no timers, no walk",
				when, got.Status, got.Sync, got.Timers, got.Walks)
		}
	}
	check("after the answer")
	api.mu.Lock()
	outcome := api.answers["p-1"]
	api.mu.Unlock()
	if outcome != "kept" {
		t.Errorf("the API got outcome %q, want kept", outcome)
	}
	run(t, ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("read-only")))
	// The server dropped the answered check, so the box is gone too.
	check("after a reload")
}

// TestBrowser_FormTopBarButtonReadableAfterTap: a phone keeps :hover on what was
// tapped last, so the language button must stay readable while hovered.
func TestBrowser_FormTopBarButtonReadableAfterTap(t *testing.T) {
	ctx := phone(t, 360)
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	run(t, ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.ID("token")), chromedp.Tap(chromedp.ID("lang-toggle")))
	waitText(t, ctx, "#lang-toggle", "EN")
	c, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	// Hover it with a mouse too, whatever the touch emulation keeps.
	box, err := chromedp.Run(c, chromedp.Evaluate[[]float64](`(() => { const b = document.getElementById('lang-toggle').getBoundingClientRect(); return [b.x + b.width / 2, b.y + b.height / 2]; })()`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(c, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseMoved, X: box[0], Y: box[1]}); err != nil {
		t.Fatal(err)
	}
	// The contrast of the text against its background blended on the bar.
	ratio, err := chromedp.Run(c, chromedp.Evaluate[float64](`(() => {
		const el = document.getElementById('lang-toggle');
		const rgba = (s) => (s.match(/[\d.]+/g) || []).map(Number);
		const [r, g, b, a = 1] = rgba(getComputedStyle(el).backgroundColor);
		const [br, bg, bb] = rgba(getComputedStyle(document.querySelector('.bar')).backgroundColor);
		const bgc = [r * a + br * (1 - a), g * a + bg * (1 - a), b * a + bb * (1 - a)];
		const lum = (c) => { const [x, y, z] = c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * x + 0.7152 * y + 0.0722 * z; };
		const l1 = lum(rgba(getComputedStyle(el).color).slice(0, 3)), l2 = lum(bgc);
		return (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if ratio < 4.5 {
		t.Errorf("the hovered language button has contrast %.2f:1, want at least 4.5:1", ratio)
	}
}
