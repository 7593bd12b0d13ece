package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"touchaudit/internal/browsertest"
)

// listBudgetMS is issue 10's target for the form's assignment list on the
// slow 4G profile: 1.5 s from the start of navigation. The test logs the
// figures (timings vary with the machine); it asserts only that the list
// shows.
const listBudgetMS = 1500

// listShownScript runs in every document before the page's own scripts
// (DevTools injects it, so the page's Content-Security-Policy does not
// apply): it records when the assignment list is first in the page, in
// milliseconds since the navigation started.
const listShownScript = `(() => {
  const seen = () => {
    if (window.__taListShown || !document.querySelector('#assignments li, #assignments-empty')) return;
    window.__taListShown = performance.now();
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true });
})();`

// resourcesScript sums up what the page loaded: each request's start,
// first byte and end, in milliseconds since navigation, its protocol and
// bytes, and whether a service worker answered it, then the form's
// performance marks (app.js: ta-boot when its code runs, ta-auth when the
// sign-in settings are in, ta-answers when the list has arrived, ta-list
// when it is drawn). The early script runs when /config.json starts.
const resourcesScript = `JSON.stringify([performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')].map(e => [
  e.name.replace(location.origin, '').replace(/#.*/, ''), Math.round(e.startTime), Math.round(e.responseStart), Math.round(e.responseEnd),
  e.nextHopProtocol, e.transferSize, e.workerStart > 0 ? 'sw' : '']).concat(
  performance.getEntriesByType('mark').map(m => [m.name, Math.round(m.startTime)])))`

// TestBrowser_FormListOnSlow4G opens the form on a phone with the slow 4G
// profile (browsertest.Slow4G: 562.5 ms per request, 180 KB/s, a 4× slower
// CPU) against `touchaudit local`, over HTTP/1.1 and, through a TLS proxy,
// HTTP/2 (as API Gateway serves it). It logs how long the assignment list
// takes to show on a first visit (a #token= link, nothing cached) and when
// the form is installed (the service worker has the shell, and its own
// fetches are slowed too), with each request's timing, so a change to the
// form's loading can be measured here.
func TestBrowser_FormListOnSlow4G(t *testing.T) {
	browsertest.Chromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	s, err := startLocal(ctx, localOptions{Addr: "127.0.0.1:0", Dir: "../..", Review: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	staff, id, err := s.OpenAssignment(ctx)
	if err != nil {
		t.Fatal(err)
	}
	target, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	h2 := httptest.NewUnstartedServer(httputil.NewSingleHostReverseProxy(target))
	h2.EnableHTTP2 = true
	h2.StartTLS()
	t.Cleanup(h2.Close)
	key := sha256.Sum256(h2.Certificate().RawSubjectPublicKeyInfo)
	spki := base64.StdEncoding.EncodeToString(key[:])

	const rounds = 3
	for _, tr := range []struct{ name, url, proto string }{{"HTTP2", h2.URL, "h2"}, {"HTTP1.1", s.URL, "http/1.1"}} {
		t.Run(tr.name, func(t *testing.T) {
			var first, installed []float64
			for round := range rounds {
				// A new browser profile: nothing cached, no service worker.
				// The proxy's certificate is trusted by its key (a page with a
				// certificate error would not be cached).
				p := browsertest.Phone(t, phoneWidth, chromedp.Flag("ignore-certificate-errors-spki-list", spki))
				if _, err := chromedp.Call(p, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: listShownScript}); err != nil {
					t.Fatal(err)
				}
				if err := browsertest.Throttle(p, browsertest.Slow4G); err != nil {
					t.Fatal(err)
				}
				ms, res := listShown(t, p, tr.url+"/#token="+url.QueryEscape(s.Tokens[staff]), id)
				first = append(first, ms)
				if round == 0 {
					t.Logf("first visit: %s", res)
					if !strings.Contains(res, tr.proto) {
						t.Errorf("the requests went over %s, want %s", res, tr.proto)
					}
				}
				// The page's early requests were used, not made again.
				for _, api := range []string{`"/api/assignments"`, `"/api/me"`, `"/config.json"`} {
					if n := strings.Count(res, api); n != 1 {
						t.Errorf("first visit: %s requested %d times, want once: %s", api, n, res)
					}
				}
				// Installed: the service worker controls the page and holds
				// the shell; the token is in localStorage.
				waitControlled(t, p)
				if n, err := browsertest.ThrottleServiceWorkers(p, browsertest.Slow4G); err != nil || n != 1 {
					t.Fatalf("throttling the service worker: %d workers, %v", n, err)
				}
				ms, res = listShown(t, p, tr.url+"/#/", id)
				installed = append(installed, ms)
				if round == 0 {
					t.Logf("installed: %s", res)
				}
			}
			t.Logf("%s on %s, assignment list shown after (ms, %d rounds; budget %d): first visit %s, installed %s",
				tr.name, browsertest.Slow4G.Name, rounds, listBudgetMS, spread(first), spread(installed))
		})
	}
}

// listShown opens u and waits for the assignment list with the card of
// assignment id; it returns the time from navigation start and the page's
// requests.
func listShown(t *testing.T, ctx context.Context, u, id string) (float64, string) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	// about:blank first: from the form, a link that differs only after
	// the # would not load the page again.
	if err := chromedp.Do(c, chromedp.Navigate("about:blank"), chromedp.Navigate(u), chromedp.WaitVisible(chromedp.CSS(`#assignments a[data-assignment-id="`+id+`"]`))); err != nil {
		t.Fatalf("%s: the assignment list did not show: %v", u, err)
	}
	ms, err := chromedp.Run(c, chromedp.Evaluate[float64](`window.__taListShown || -1`))
	if err != nil || ms < 0 {
		t.Fatalf("%s: no time for the list: %v", u, err)
	}
	res, err := chromedp.Run(c, chromedp.Evaluate[string](resourcesScript))
	if err != nil {
		t.Fatal(err)
	}
	return ms, res
}

// waitControlled waits until the service worker controls the page, and so
// holds the form's shell.
func waitControlled(t *testing.T, ctx context.Context) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!navigator.serviceWorker.controller`))
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the service worker did not take control of the page")
}

// spread prints timings as "median (min–max)".
func spread(ms []float64) string {
	s := slices.Clone(ms)
	slices.Sort(s)
	return fmt.Sprintf("%.0f (%.0f–%.0f)", s[len(s)/2], s[0], s[len(s)-1])
}
