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
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/serviceworker"
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
	return Start(t, chromedp.EmulateViewport(width, PhoneHeight, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch), extra...)
}

// Start starts a headless Chromium with a fresh profile, off every network
// but loopback, and runs first (a viewport) in its tab. The browser stops
// with the test.
//
// A browser that exits before it listens (seen on a loaded 2-core CI
// machine: its output ends with nothing but warnings) is started again with
// a new profile, twice at most, and every failure is logged. A browser that
// started is never started again: what the test does in it counts.
func Start(t testing.TB, first chromedp.Action[chromedp.Void], extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Chromium(t)), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
	}
	var err error
	for attempt := 1; attempt <= startAttempts; attempt++ {
		o := append(append(append([]chromedp.ExecAllocatorOption{}, opts...), chromedp.UserDataDir(t.TempDir())), extra...)
		actx, cancelA := chromedp.NewExecAllocator(context.Background(), o...)
		ctx, cancel := chromedp.NewContext(actx)
		// The first action starts the browser, so it runs without a timeout: a
		// timeout on it would end the browser with it.
		err = chromedp.Do(ctx, first)
		if err == nil {
			t.Cleanup(func() { cancel(); cancelA() })
			return ctx
		}
		cancel()
		cancelA()
		if !notStarted(err) {
			break
		}
		t.Logf("chromium did not start (attempt %d of %d): %v", attempt, startAttempts, err)
	}
	t.Fatal(err)
	return nil
}

// startAttempts is how many times Phone starts a browser that exits before
// it listens.
const startAttempts = 3

// notStarted tells a browser that never listened (chromedp's "chrome failed
// to start" or its timeout waiting for the DevTools address) from a failure
// of the first action in a browser that did.
func notStarted(err error) bool {
	s := err.Error()
	return strings.Contains(s, "chrome failed to start") || strings.Contains(s, "websocket url timeout")
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

// Profile is a network and CPU to emulate: DevTools' throttling, which
// delays each request by Latency and shares the throughput between all of
// the page's requests.
type Profile struct {
	Name string
	// Latency is added to every request, from sending it to its headers.
	LatencyMS float64
	// DownloadBytesPerS and UploadBytesPerS bound the page's throughput.
	DownloadBytesPerS, UploadBytesPerS float64
	// CPUSlowdown slows the page's main thread (1 is the host's speed).
	CPUSlowdown float64
}

// Slow4G is Lighthouse's mobile profile ("slow 4G", a mid-range phone):
// 150 ms RTT, 1.6 Mbps down and 750 kbps up on the wire, which DevTools
// emulates at request level as 150 × 3.75 = 562.5 ms of latency and 90 %
// of the throughput (180 KB/s down, 84.375 KB/s up), with a CPU 4× slower
// than the host's.
var Slow4G = Profile{Name: "Slow4G", LatencyMS: 562.5, DownloadBytesPerS: 1.6e6 * 0.9 / 8, UploadBytesPerS: 750e3 * 0.9 / 8, CPUSlowdown: 4}

// Throttle emulates p in ctx's tab: every request of the page, and the
// page's main thread. A service worker's own fetches are not the page's:
// ThrottleServiceWorkers slows them too.
func Throttle(ctx context.Context, p Profile) error {
	if err := throttleNetwork(ctx, p); err != nil {
		return err
	}
	if _, err := chromedp.Call(ctx, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: p.CPUSlowdown}); err != nil {
		return fmt.Errorf("cpu throttling %s: %w", p.Name, err)
	}
	return nil
}

// ThrottleServiceWorkers emulates p's network for the fetches of every
// service worker running in ctx's browser (a network-first worker fetches
// the page's files itself). It returns how many workers it slowed. The
// workers stay attached, and so running, until the browser stops.
func ThrottleServiceWorkers(ctx context.Context, p Profile) (int, error) {
	targets, err := chromedp.Targets(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, t := range targets {
		if t.Type != "service_worker" {
			continue
		}
		wctx, _ := chromedp.NewContext(ctx, chromedp.WithTargetID(t.TargetID)) // ends with ctx's browser
		if err := throttleNetwork(wctx, p); err != nil {
			return n, fmt.Errorf("service worker %s: %w", t.URL, err)
		}
		n++
	}
	// A worker reads the conditions when it starts: stop it, and the next
	// request starts it again, slowed.
	if n > 0 {
		if _, err := chromedp.Call(ctx, serviceworker.Enable, cdp.Empty{}); err != nil {
			return n, fmt.Errorf("service workers: %w", err)
		}
		if _, err := chromedp.Call(ctx, serviceworker.StopAllWorkers, cdp.Empty{}); err != nil {
			return n, fmt.Errorf("stop service workers: %w", err)
		}
	}
	return n, nil
}

// throttleNetwork tries the browser's shape of
// Network.emulateNetworkConditionsByRule first, then the newer one (as
// SetOffline does).
func throttleNetwork(ctx context.Context, p Profile) error {
	rule := map[string]any{"urlPattern": "", "latency": p.LatencyMS, "downloadThroughput": p.DownloadBytesPerS, "uploadThroughput": p.UploadBytesPerS}
	byRule := cdp.Command[map[string]any, json.RawMessage]{Method: network.CommandEmulateNetworkConditionsByRule}
	if _, err := chromedp.Call(ctx, byRule, map[string]any{"offline": false, "matchedNetworkConditions": []any{rule}}); err != nil {
		conds := []*network.Conditions{{Latency: p.LatencyMS, DownloadThroughput: p.DownloadBytesPerS, UploadThroughput: p.UploadBytesPerS}}
		if _, err2 := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: conds}); err2 != nil {
			return fmt.Errorf("emulate network conditions %s: %v; %v", p.Name, err, err2)
		}
	}
	return nil
}
