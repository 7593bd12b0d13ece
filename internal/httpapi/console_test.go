package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/xuri/excelize/v2"

	"touchaudit/internal/console"
	"touchaudit/internal/consoleapi"
	"touchaudit/internal/httpapi"
	"touchaudit/internal/memstore"
	"touchaudit/internal/webform"
	"touchaudit/internal/workflow"
)

// Tokens of the console tests' HTTP server: its verify stands in for the
// JWT authorizer.
const (
	tokenLead        = "lead-bank"
	tokenAuditor     = "auditor-bank"
	tokenOtherLead   = "lead-network"
	consoleTestNow   = "2027-01-20T09:00:00Z"
	consoleTestPrior = 24 * time.Hour
)

var consoleClaims = map[string]map[string]string{
	tokenLead:      claims("s-001", "bank-pl", "[lead]"),
	tokenAuditor:   claims("s-017", "bank-pl", "[auditor]"),
	tokenOtherLead: claims("s-001", "siec-przykladowa", "[lead]"),
}

// consoleServer serves the API, the real audit form and the console over
// the sample store (console.SeedSample), as `touchaudit local` does.
func consoleServer(t testing.TB) *httptest.Server {
	t.Helper()
	now, _ := time.Parse(time.RFC3339, consoleTestNow)
	store := memstore.New()
	if _, err := console.SeedSample(context.Background(), store, "../../testdata", now.Add(-consoleTestPrior)); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	wf := workflow.New(store, &countingExec{}, workflow.LogNotifier{Log: log}, fixedClock{now}, workflow.Config{}, log)
	h := httpapi.New(wf, store, consoleapi.MustWith(httpapi.Options{Form: webform.Handler(), Log: log, Now: func() time.Time { return now }}, store))
	srv := httptest.NewServer(h.HTTP(func(r *http.Request) (map[string]string, error) {
		return consoleClaims[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")], nil
	}))
	t.Cleanup(srv.Close)
	return srv
}

func get(t testing.TB, srv *httptest.Server, path, token string, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := srv.Client().Transport.RoundTrip(req) // no transparent gunzip
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func readAll(t testing.TB, r io.Reader) []byte {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// consoleRoutes are every console API route, for the sample's current review.
var consoleRoutes = []string{
	"/api/reviews",
	"/api/reviews/rv-2026-h2/export.csv",
	"/api/reviews/rv-2026-h2/export.csv?table=walks",
	"/api/reviews/rv-2026-h2/export.xlsx",
	"/api/console/reviews",
	"/api/console/reviews/rv-2026-h2/progress",
	"/api/console/reviews/rv-2026-h2/map",
	"/api/console/reviews/rv-2026-h2/report",
	"/api/console/reviews/rv-2026-h2/touchpoints/acc.ivr-info",
	"/api/console/qa",
	"/api/console/actions",
	"/api/console/actions?status=overdue",
	"/api/console/actions/new?resultId=wt-rv-2027-h1.acc.branch-gdn-grunwaldzka.w2",
	"/api/console/actions/new?reviewId=rv-2026-h2&touchpointId=acc.ivr-info",
	"/api/console/history",
}

func errorCode(t testing.TB, resp *http.Response) string {
	t.Helper()
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	if err := json.Unmarshal(readAll(t, resp.Body), &e); err != nil {
		t.Fatalf("error body: %v", err)
	}
	return e.Error.Code
}

func TestConsoleRoutes_AuditorIsForbidden(t *testing.T) {
	srv := consoleServer(t)
	for _, path := range consoleRoutes {
		t.Run(path, func(t *testing.T) {
			resp := get(t, srv, path, tokenAuditor)
			if resp.StatusCode != http.StatusForbidden || errorCode(t, resp) != "forbidden" {
				t.Fatalf("status %d, want 403 forbidden", resp.StatusCode)
			}
		})
	}
}

func TestConsoleRoutes_WithoutSignInIsUnauthorized(t *testing.T) {
	srv := consoleServer(t)
	for _, path := range consoleRoutes {
		if resp := get(t, srv, path, ""); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", path, resp.StatusCode)
		}
	}
}

func TestConsoleRoutes_AnotherCompanysLeadGetsNotFound(t *testing.T) {
	srv := consoleServer(t)
	for _, path := range consoleRoutes {
		t.Run(path, func(t *testing.T) {
			resp := get(t, srv, path, tokenOtherLead)
			switch path {
			case "/api/reviews":
				var list console.ReviewList
				if err := json.Unmarshal(readAll(t, resp.Body), &list); err != nil || resp.StatusCode != 200 || len(list.Reviews) != 0 {
					t.Fatalf("status %d, %d reviews (%v); want 200 and none of the bank's", resp.StatusCode, len(list.Reviews), err)
				}
			case "/api/console/reviews":
				// The company is not configured: the page has nothing to show.
				if resp.StatusCode != http.StatusNotFound {
					t.Fatalf("status %d, want 404", resp.StatusCode)
				}
			default:
				if resp.StatusCode != http.StatusNotFound || errorCode(t, resp) != "not_found" {
					t.Fatalf("status %d, want 404 not_found", resp.StatusCode)
				}
			}
		})
	}
}

func TestConsoleRoutes_LeadGetsFragmentsAndFiles(t *testing.T) {
	srv := consoleServer(t)
	cases := []struct {
		path, contentType, disposition, contains string
	}{
		{"/api/reviews", "application/json; charset=utf-8", "", `"id":"rv-2027-h1"`},
		{"/api/console/reviews?lang=pl", "text/html; charset=utf-8", "", "Rozpocznij lub zaplanuj przegląd"},
		{"/api/console/reviews/rv-2027-h1/progress?lang=en", "text/html; charset=utf-8", "", "Late walks"},
		{"/api/console/reviews/rv-2026-h2/map?lang=pl", "text/html; charset=utf-8", "", "Mapa ścieżek"},
		{"/api/console/reviews/rv-2026-h2/report?lang=en", "text/html; charset=utf-8", "", `id="matrix"`},
		{"/api/console/reviews/rv-2026-h2/touchpoints/acc.ivr-info?lang=pl", "text/html; charset=utf-8", "", "Infolinia: pytanie o warunki konta"},
		{"/api/console/qa?lang=en", "text/html; charset=utf-8", "", `data-result="wt-rv-2027-h1.acc.branch-gdn-grunwaldzka.w2"`},
		{"/api/console/actions?lang=pl&status=open", "text/html; charset=utf-8", "", "Działania naprawcze"},
		{"/api/console/actions/new?lang=en&resultId=wt-rv-2027-h1.acc.branch-gdn-grunwaldzka.w2", "text/html; charset=utf-8", "", `data-action="create-action"`},
		{"/api/console/history?lang=en", "text/html; charset=utf-8", "", "Company and standards"},
		{"/api/reviews/rv-2026-h2/export.csv?table=recommendations&lang=pl", "text/csv; charset=utf-8", `attachment; filename="rv-2026-h2-recommendations.csv"`, "\ufeffPozycja;Rodzaj"},
		{"/api/reviews/rv-2026-h2/export.xlsx", console.ContentTypeXLSX, `attachment; filename="rv-2026-h2.xlsx"`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			resp := get(t, srv, tc.path, tokenLead)
			body := readAll(t, resp.Body)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			h := resp.Header
			if h.Get("Content-Type") != tc.contentType || h.Get("Cache-Control") != "no-store" || h.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("headers %v", h)
			}
			if tc.disposition != "" && !strings.HasPrefix(h.Get("Content-Disposition"), tc.disposition) {
				t.Errorf("Content-Disposition %q, want %q…", h.Get("Content-Disposition"), tc.disposition)
			}
			if !bytes.Contains(body, []byte(tc.contains)) {
				t.Errorf("answer lacks %q", tc.contains)
			}
			if strings.HasSuffix(tc.path, ".xlsx") {
				f, err := excelize.OpenReader(bytes.NewReader(body))
				if err != nil {
					t.Fatalf("the XLSX does not open: %v", err)
				}
				f.Close()
			}
		})
	}
	if resp := get(t, srv, "/api/reviews/rv-2026-h2/export.csv?table=nope", tokenLead); resp.StatusCode != 400 {
		t.Errorf("unknown table: status %d, want 400", resp.StatusCode)
	}
	for path, want := range map[string]int{
		"/api/console/actions?status=nope": 400,
		"/api/console/actions/act-nope":    404,
		"/api/console/actions/new":         400,
		// Without an outbox (AWS) the page is not found and the shell hides its entry.
		"/api/console/outbox": 404,
	} {
		if resp := get(t, srv, path, tokenLead); resp.StatusCode != want {
			t.Errorf("%s: status %d, want %d", path, resp.StatusCode, want)
		}
	}
}

func TestStatic_CompressedCachedAndRevalidated(t *testing.T) {
	srv := consoleServer(t)
	// The audit form's page is put together by the form (its modules
	// inline, internal/webform/page.go), so it has no brotli
	// variant made at go generate: asked for brotli alone, it is sent plain.
	cases := []struct {
		path, contentType string
		brotli            bool
	}{
		{"/console/", "text/html; charset=utf-8", true},
		{"/console/console.js", "text/javascript; charset=utf-8", true},
		{"/console/console.css", "text/css; charset=utf-8", true},
		{"/console/i18n/pl.json", "application/json; charset=utf-8", true},
		{"/", "text/html; charset=utf-8", false}, // the audit form
		{"/app.js", "text/javascript; charset=utf-8", true},
	}
	for _, tc := range cases {
		for _, enc := range []string{"gzip", "br", ""} {
			t.Run(tc.path+" "+enc, func(t *testing.T) {
				resp := get(t, srv, tc.path, "", "Accept-Encoding", enc)
				body := readAll(t, resp.Body)
				h := resp.Header
				if resp.StatusCode != 200 || h.Get("Content-Type") != tc.contentType {
					t.Fatalf("status %d, type %q", resp.StatusCode, h.Get("Content-Type"))
				}
				sent := enc
				if enc == "br" && !tc.brotli {
					sent = ""
				}
				if h.Get("Content-Encoding") != sent {
					t.Fatalf("Content-Encoding %q, want %q", h.Get("Content-Encoding"), sent)
				}
				if h.Get("Cache-Control") == "" || h.Get("ETag") == "" {
					t.Fatalf("Cache-Control %q, ETag %q", h.Get("Cache-Control"), h.Get("ETag"))
				}
				plain := body
				switch sent {
				case "gzip":
					zr, err := gzip.NewReader(bytes.NewReader(body))
					if err != nil {
						t.Fatal(err)
					}
					plain = readAll(t, zr)
				case "br":
					plain = readAll(t, brotli.NewReader(bytes.NewReader(body)))
				}
				t.Logf("%s %s: %d bytes sent, %d plain", tc.path, enc, len(body), len(plain))
				if sent != "" && len(body) >= len(plain) {
					t.Errorf("compressed %d bytes into %d", len(plain), len(body))
				}
				again := get(t, srv, tc.path, "", "Accept-Encoding", enc, "If-None-Match", h.Get("ETag"))
				if again.StatusCode != http.StatusNotModified || len(readAll(t, again.Body)) != 0 {
					t.Fatalf("If-None-Match %s: status %d, want 304 and no body", h.Get("ETag"), again.StatusCode)
				}
			})
		}
	}
}

// TestConsoleShell_MayCallTheFormsManagedLogin: the console signs in
// through the form's managed login, so its page may call that origin's
// token endpoint (connect-src), and with dev sign-in nothing but its own.
func TestConsoleShell_MayCallTheFormsManagedLogin(t *testing.T) {
	store := memstore.New()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	wf := workflow.New(store, &countingExec{}, workflow.LogNotifier{Log: log}, fixedClock{testNow}, workflow.Config{}, log)
	for _, c := range []struct {
		name string
		form http.Handler
		want string
	}{
		{"managed login", webform.HandlerWith(&webform.SignIn{Domain: "https://touchaudit-prod.auth.eu-central-1.amazoncognito.com",
			ClientID: "client-1", RedirectURI: "https://audit.bank.example/"}), "connect-src 'self' https://touchaudit-prod.auth.eu-central-1.amazoncognito.com;"},
		{"dev sign-in", webform.Handler(), "connect-src 'self';"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(httpapi.New(wf, store, consoleapi.MustWith(httpapi.Options{Form: c.form, Log: log}, store)).HTTP(nil))
			defer srv.Close()
			resp, err := http.Get(srv.URL + "/console/")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if csp := resp.Header.Get("Content-Security-Policy"); resp.StatusCode != 200 || !strings.Contains(csp, c.want) {
				t.Fatalf("%d, CSP %q, want %s", resp.StatusCode, csp, c.want)
			}
		})
	}
}
