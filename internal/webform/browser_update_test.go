package webform

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowser_FormFromCacheOffersReloadAfterDeploy: an installed form is
// served from the service worker's cache at once (stale-while-revalidate);
// when the page fetched behind it is another version, the form says so in
// the auditor's language and a tap on Reload shows the new one.
func TestBrowser_FormFromCacheOffersReloadAfterDeploy(t *testing.T) {
	ctx := phone(t, 390)
	api := newFakeAPI(t, "acc.branch-waw-marszalkowska")
	s := newSite(t, api)
	card := `#assignments a[data-assignment-id="` + api.assignments[0].ID + `"]`
	run(t, ctx, chromedp.Navigate(s.URL+"/#token=tok-s-064"), chromedp.WaitVisible(chromedp.CSS(card)))
	waitFor(t, ctx, `!!navigator.serviceWorker.controller`)

	s.deployed.Store(true)
	run(t, ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(card)))
	waitText(t, ctx, "#new-version", "A new version of the form is ready.")
	run(t, ctx, chromedp.Tap(chromedp.ID("lang-toggle")))
	waitText(t, ctx, "#new-version", "Jest nowa wersja formularza.")
	waitText(t, ctx, "#reload", "Odśwież")
	run(t, ctx, chromedp.Tap(chromedp.ID("reload")), chromedp.WaitVisible(chromedp.CSS(card)))
	// The reloaded page is the deployed one, which the cache now holds.
	if etag := eval[string](t, ctx, `caches.open('touchaudit-shell-v2').then((c) => c.match('./')).then((r) => r.headers.get('ETag'))`); etag != `"deployed"` {
		t.Errorf("the cached page's ETag is %s, want \"deployed\"", etag)
	}
}
