package webform

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// chromium finds the browser; CI must have it (.ci/run installs it).
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed: apt-get install -y chromium (.ci/run does)")
	}
	t.Skip("chromium is not installed; apt-get install -y chromium to run the browser tests")
	return ""
}

// phone opens a headless Chromium tab at a phone's viewport with touch.
func phone(t *testing.T, width int64) context.Context {
	t.Helper()
	exe := chromium(t)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("lang", "en-GB"))
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelA() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
		t.Fatal(err)
	}
	return ctx
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

// setOffline cuts the page's network (requests fail, navigator.onLine is
// false and the 'offline' event fires), or restores it.
func setOffline(t *testing.T, ctx context.Context, offline bool) {
	t.Helper()
	conds := []*network.Conditions{}
	if offline {
		conds = append(conds, &network.Conditions{Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
	}
	_, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		EmulateOfflineServiceWorker: &offline, MatchedNetworkConditions: conds})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		t.Fatal(err)
	}
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

// TestForm_OfflineSubmitAgainstFakeAPI walks one IVR assignment in a phone
// browser against fakeAPI: sign in, start, time two steps, answer, go
// offline, submit (1 pending), come back (synced, scored).
func TestForm_OfflineSubmitAgainstFakeAPI(t *testing.T) {
	ctx := phone(t, 390)
	api := newFakeAPI(t, "acc.ivr-info", "acc.branch-waw-marszalkowska")
	mux := http.NewServeMux()
	mux.Handle("/api/", api)
	mux.Handle("/", Handler())
	srv := httptest.NewServer(mux)
	defer srv.Close()

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
	if got := text(t, ctx, "#count-ivr-menu-levels"); got != "2" {
		t.Errorf("counter %q, want 2", got)
	}
	waitText(t, ctx, "#draft-state", "Draft saved")
	screenshot(t, ctx, "checklist", "#checklist")

	setOffline(t, ctx, true)
	waitText(t, ctx, "#network", "Offline")
	run(t, ctx, chromedp.Tap(chromedp.ID("submit")))
	waitText(t, ctx, "#pending", "1 pending")
	waitText(t, ctx, "#sync-status", "waits to be sent")
	screenshot(t, ctx, "offline", "")
	setOffline(t, ctx, false)
	waitText(t, ctx, "#pending", "0 pending")
	waitText(t, ctx, "#sync-status", "Sent")
	waitText(t, ctx, "#assignment-status", "scored")
	screenshot(t, ctx, "synced", "")
}
