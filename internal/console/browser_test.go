package console_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"touchaudit/internal/audit"
	"touchaudit/internal/browsertest"
	"touchaudit/internal/console"
	"touchaudit/internal/consoleapi"
	"touchaudit/internal/httpapi"
	"touchaudit/internal/memstore"
	"touchaudit/internal/scoring"
	"touchaudit/internal/webform"
	"touchaudit/internal/workflow"
)

// noExecutions is the Step Functions port of the browser test's server:
// the console starts nothing there.
type noExecutions struct{}

func (noExecutions) StartExecution(context.Context, string, string, []byte) error { return nil }
func (noExecutions) SendTaskSuccess(context.Context, string, []byte) error        { return nil }

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

// server serves the API, the form and the console over the sample store,
// as `touchaudit local` does; the token "lead" is a lead of the bank.
func server(t *testing.T) (*httptest.Server, *memstore.Store) {
	t.Helper()
	store, _ := seeded(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	wf := workflow.New(store, noExecutions{}, workflow.LogNotifier{Log: log}, fixedClock{now}, workflow.Config{}, log)
	h := httpapi.New(wf, store, consoleapi.MustWith(httpapi.Options{Form: webform.Handler(), Log: log, Now: func() time.Time { return now }}, store))
	srv := httptest.NewServer(h.HTTP(func(r *http.Request) (map[string]string, error) {
		if r.Header.Get("Authorization") != "Bearer lead" {
			return nil, nil
		}
		return map[string]string{"sub": "u-1", "custom:staffId": "s-001", "custom:companyId": bank, "cognito:groups": "[lead]"}, nil
	}))
	t.Cleanup(srv.Close)
	return srv, store
}

// browser opens headless Chromium at a viewport.
func browser(t *testing.T, width, height int64) context.Context {
	t.Helper()
	return browsertest.Start(t, chromedp.EmulateViewport(width, height), chromedp.Flag("lang", "en-GB"))
}

func do(t *testing.T, ctx context.Context, step string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// waitFor polls until the script is true.
func waitFor(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		c, cancel := context.WithTimeout(ctx, 2*time.Second)
		ok, err := chromedp.Run(c, chromedp.Evaluate[bool]("!!("+expr+")"))
		cancel()
		if err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	state, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.hash + ' | ' + (document.querySelector('output') || {}).textContent`))
	t.Fatalf("waiting for %s: %s is still false (%s)", what, expr, state)
}

// visible waits for an element to be shown.
func visible(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	do(t, ctx, "wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
}

func click(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	do(t, ctx, "click "+sel, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// clickAndRender clicks and waits until the shell has shown the next fragment.
func clickAndRender(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	n := eval[string](t, ctx, "document.body.dataset.renders || '0'")
	click(t, ctx, sel)
	waitFor(t, ctx, "the next fragment after clicking "+sel, "document.body.dataset.renders !== '"+n+"'")
}

func TestBrowser_LeadReadsAReview(t *testing.T) {
	viewports := []struct {
		name          string
		width, height int64
	}{
		{"desktop", 1280, 800},
		{"tablet", 768, 1024},
	}
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			srv, store := server(t)
			rep := sampleReport(t, store)
			ctx := browser(t, vp.width, vp.height)
			shoot := screenshots(t, ctx, vp.name)

			// Sign in with the link `touchaudit local` prints; the review list is the first page.
			started := time.Now()
			do(t, ctx, "open the console", chromedp.Navigate(srv.URL+"/console/#token=lead"))
			visible(t, ctx, "#review-list")
			t.Logf("%s: first page interactive %s ms after navigation began (its fragment %s ms; %v wall time with the test's overhead)",
				vp.name, eval[string](t, ctx, "document.body.dataset.ready"), eval[string](t, ctx, "document.body.dataset.fragment"),
				time.Since(started).Round(time.Millisecond))
			clickAndRender(t, ctx, `button[data-lang="en"]`)
			waitFor(t, ctx, "English", `document.querySelector('#reviews-h') && document.querySelector('#reviews-h').textContent.startsWith('Reviews')`)

			reviews := eval[[]string](t, ctx, `[...document.querySelectorAll('#review-list tbody tr')].map(r => r.dataset.review)`)
			if strings.Join(reviews, ",") != "rv-2027-h1,rv-2026-h2,rv-2025-h2" {
				t.Fatalf("reviews listed %v", reviews)
			}
			shoot("reviews")

			click(t, ctx, `tr[data-review="rv-2027-h1"] a`)
			visible(t, ctx, "#progress-chart")
			if late := eval[int](t, ctx, `document.querySelectorAll('#late tbody tr').length`); late != 3 {
				t.Errorf("late walks shown: %d, want 3", late)
			}
			shoot("progress")

			eval[string](t, ctx, `location.hash = '#/reviews'`)
			click(t, ctx, `tr[data-review="rv-2026-h2"] a`)
			visible(t, ctx, "#progress")
			click(t, ctx, `a[data-tab="map"]`)
			visible(t, ctx, "#journey-map")
			shown := eval[map[string]string](t, ctx, `Object.fromEntries([...document.querySelectorAll('a.tp')].map(a => [a.dataset.touchpoint, a.dataset.valuation]))`)
			for _, tp := range rep.Touchpoints {
				if got := html.UnescapeString(shown[tp.TouchpointID]); got != console.Signed(tp.Median) {
					t.Errorf("map: %s shows %q, want %q", tp.TouchpointID, got, console.Signed(tp.Median))
				}
			}
			if len(shown) != 47 {
				t.Errorf("map shows %d touchpoints, want 47", len(shown))
			}
			shoot("map")

			click(t, ctx, `a.tp[data-touchpoint="acc.ivr-info"]`)
			visible(t, ctx, "#tp-trend")
			history := eval[int](t, ctx, `document.querySelectorAll('#tp-history tbody tr').length`)
			walks := eval[int](t, ctx, `document.querySelectorAll('section.walk').length`)
			if history != 2 || walks != 2 {
				t.Errorf("touchpoint shows %d reviews in its trend and %d walks, want 2 and 2", history, walks)
			}
			shoot("touchpoint")

			click(t, ctx, `a[data-tab="report"]`)
			visible(t, ctx, "#matrix")
			if points, want := eval[int](t, ctx, `document.querySelectorAll('#matrix g.pt').length`),
				len(rep.Recommendations.Fixes)+len(rep.Recommendations.Differentiators); points != want || want == 0 {
				t.Errorf("matrix has %d points, want %d", points, want)
			}
			quadrants := `[...document.querySelectorAll('#matrix .qlabel')].map(e => e.textContent).join(',')`
			if got := eval[string](t, ctx, quadrants); got != "Quick wins,Major projects,Fill-ins,Thankless tasks" {
				t.Errorf("quadrants %v", got)
			}
			shoot("report")
			shoot("drift")
			shoot("trends")
			shoot("matrix")

			clickAndRender(t, ctx, `button[data-lang="pl"]`)
			waitFor(t, ctx, "Polish", `document.querySelector('#report-h') && document.querySelector('#report-h').textContent.startsWith('Raport z przeglądu')`)
			if got := eval[string](t, ctx, quadrants); got != "Szybkie zwycięstwa,Duże projekty,Wypełniacze,Niewdzięczne zadania" {
				t.Errorf("Polish quadrants %v", got)
			}

			c, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			pdf, err := chromedp.Run(c, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize(), func(p *page.PrintToPDFParams) { yes := true; p.PrintBackground = &yes }))
			if err != nil {
				t.Fatalf("print to PDF: %v", err)
			}
			checkPDF(t, pdf, rep)

			// Schedule a review from the list: it opens tomorrow by default
			// (POST /api/reviews; an ad-hoc review is named by its opening), and the
			// console shows its progress.
			eval[string](t, ctx, `location.hash = '#/reviews'`)
			visible(t, ctx, "#start-review")
			// Typed by script: chromedp's key events drop some Polish letters (ą).
			eval[string](t, ctx, `document.querySelector('#start-review input[name="name"]').value = 'Przegląd kontrolny – oddziały'`)
			click(t, ctx, `#start-review input[value="account-opening"]`)
			click(t, ctx, `#start-review button[type="submit"]`)
			waitFor(t, ctx, "the new review", `location.hash === '#/reviews/bank-pl.adhoc-20270121-0000' && document.querySelector('#progress')`)
			if got := eval[string](t, ctx, `document.querySelector('.review-head h1').textContent`); !strings.Contains(got, "Przegląd kontrolny – oddziały") || !strings.Contains(got, "zaplanowany") {
				t.Errorf("the new review's heading is %q", got)
			}
		})
	}
}

// checkPDF reads the printed report: A4 pages (595×842 pt) with the report's text.
func checkPDF(t *testing.T, pdf []byte, rep *scoring.Report) {
	t.Helper()
	if !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("not a PDF: %q", pdf[:min(16, len(pdf))])
	}
	info := readPDF(pdf)
	t.Logf("PDF: %d bytes, %d pages, MediaBox %v", len(pdf), info.Pages, info.MediaBoxes[:min(1, len(info.MediaBoxes))])
	if info.Pages == 0 {
		t.Fatal("the PDF has no pages")
	}
	for _, mb := range info.MediaBoxes {
		var x0, y0, w, h float64
		if _, err := fmt.Sscanf(mb, "%g %g %g %g", &x0, &y0, &w, &h); err != nil || x0 != 0 || y0 != 0 || w < 594 || w > 596 || h < 841 || h > 843 {
			t.Errorf("MediaBox [%s] is not A4 (595×842 pt)", mb)
		}
	}
	text := strings.Join(strings.Fields(info.Text), "")
	for _, want := range []string{"Raport z przeglądu", "Wpływ a koszt", "Szybkie zwycięstwa", "Kalendarz ponownej weryfikacji", rep.Touchpoints[0].Name.In(audit.Polish)} {
		if !strings.Contains(text, strings.Join(strings.Fields(want), "")) {
			t.Errorf("the PDF lacks the text %q", want)
		}
	}
	if os.Getenv("UPDATE_SCREENSHOTS") != "" {
		_ = os.WriteFile(filepath.Join(t.TempDir(), "report.pdf"), pdf, 0o644)
	}
}

// screenshots returns a function that, with UPDATE_SCREENSHOTS=1, saves the
// page to docs/screenshots/console-<viewport>-<name>.png.
func screenshots(t *testing.T, ctx context.Context, viewport string) func(name string) {
	// The pictures README.md shows; the others are taken but not kept.
	keep := map[string]bool{"desktop-reviews": true, "desktop-progress": true, "desktop-map": true, "desktop-drift": true,
		"desktop-matrix": true, "tablet-touchpoint": true}
	return func(name string) {
		if os.Getenv("UPDATE_SCREENSHOTS") == "" || !keep[viewport+"-"+name] {
			return
		}
		if sel, ok := map[string]string{"matrix": "#recommendations h4:nth-of-type(3)", "drift": "#drift", "trends": "#trends"}[name]; ok {
			eval[bool](t, ctx, `document.querySelector('`+sel+`').scrollIntoView({block: 'start'}), true`)
		}
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("..", "..", "docs", "screenshots", "console-"+viewport+"-"+name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
