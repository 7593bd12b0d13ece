// Package browsertest opens headless Chromium at a phone's viewport for the
// browser tests of the audit form (internal/webform and the end-to-end test
// in cmd/touchaudit). CI installs Debian's Chromium (.ci/run) and fails
// without it; elsewhere the tests are skipped with a message.
package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// PhoneHeight is the viewport height of the phones the tests emulate.
const PhoneHeight = 844

// Chromium finds the browser: $CHROMIUM, then Debian's package.
func Chromium(t testing.TB) string {
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

// Phone starts a headless Chromium with a fresh profile and opens a tab
// emulating a phone (width × PhoneHeight, touch, 2× scale). The flags keep it
// off every network but loopback. The browser stops with the test.
func Phone(t testing.TB, width int64, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	opts := append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Chromium(t)), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()),
	}, extra...)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelA() })
	// The first action starts the browser, so it runs without a timeout: a
	// timeout on it would end the browser with it.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, PhoneHeight, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// SetOffline cuts the page's network (requests fail, navigator.onLine is
// false and the 'offline' event fires), or restores it.
//
// Network.emulateNetworkConditionsByRule changed shape between protocol
// versions: Debian's Chromium 148 takes "offline" beside the rules, newer
// protocols (the cdproto this module pins) put it on each rule. The
// browser's own shape is tried first, then the other, so the tests run on
// the Chromium that .ci/run installs.
func SetOffline(ctx context.Context, offline bool) error {
	rule := map[string]any{"urlPattern": "", "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
	byRule := cdp.Command[map[string]any, json.RawMessage]{Method: network.CommandEmulateNetworkConditionsByRule}
	_, err := chromedp.Call(ctx, byRule, map[string]any{"offline": offline, "matchedNetworkConditions": []any{rule}})
	if err != nil {
		conds := []*network.Conditions{}
		if offline {
			conds = append(conds, &network.Conditions{Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
		}
		if _, err2 := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			EmulateOfflineServiceWorker: &offline, MatchedNetworkConditions: conds}); err2 != nil {
			return fmt.Errorf("emulate network conditions: %v; %v", err, err2)
		}
	}
	_, err = chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1})
	return err
}
