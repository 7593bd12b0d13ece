package webform

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func fetch(t *testing.T, h http.Handler, path string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", path, res.StatusCode)
	}
	return res, string(b)
}

// TestPage_VersionedURLs: the page names each module and the stylesheet by
// its version, those URLs are cached for a year, and the import map sends
// every import to the same versions.
func TestPage_VersionedURLs(t *testing.T) {
	h := Handler()
	_, page := fetch(t, h, "/")
	refs := regexp.MustCompile(`(?:href|src)="([a-z0-9-]+\.(?:js|css))\?v=([0-9a-f]{16})"`).FindAllStringSubmatch(page, -1)
	named := map[string]bool{}
	for _, r := range refs {
		named[r[1]] = true
		res, body := fetch(t, h, "/"+r[1]+"?v="+r[2])
		if got := res.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("%s?v=%s: Cache-Control %q, want a year, immutable", r[1], r[2], got)
		}
		if res.Header.Get("ETag") != `"`+r[2]+`"` {
			t.Errorf("%s?v=%s: ETag %s, want the version", r[1], r[2], res.Header.Get("ETag"))
		}
		if _, plain := fetch(t, h, "/"+r[1]); plain != body {
			t.Errorf("%s: the versioned body differs from the plain one", r[1])
		}
	}
	// style.css, and app.js as the page's script and a preload, and each
	// module it imports preloaded.
	for _, f := range []string{"style.css", "app.js", "i18n.js", "outbox.js", "evidence.js", "auth.js", "db.js"} {
		if !named[f] {
			t.Errorf("the page does not name %s by version:\n%s", f, page)
		}
	}
	if len(refs) != 8 {
		t.Errorf("the page names %d versioned files, want 8 (style.css, app.js twice, 5 modules)", len(refs))
	}
	// A version that is not the file's (an old page) is revalidated.
	res, _ := fetch(t, h, "/app.js?v=0000000000000000")
	if got := res.Header.Get("Cache-Control"); got != "no-cache" {
		t.Errorf("app.js with another version: Cache-Control %q, want no-cache", got)
	}

	m := regexp.MustCompile(`<script type="importmap">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the page has no import map")
	}
	var im struct{ Imports map[string]string }
	if err := json.Unmarshal([]byte(m[1]), &im); err != nil {
		t.Fatal(err)
	}
	if len(im.Imports) != 6 {
		t.Errorf("the import map has %d entries, want the 6 modules: %v", len(im.Imports), im.Imports)
	}
	for from, to := range im.Imports {
		name, v, _ := strings.Cut(strings.TrimPrefix(to, "/"), "?v=")
		if from != "/"+name || !named[name] {
			t.Errorf("import map %s -> %s: want the same module", from, to)
		}
		if res, _ := fetch(t, h, to); res.Header.Get("ETag") != `"`+v+`"` {
			t.Errorf("import map %s -> %s: the module's ETag is %s", from, to, res.Header.Get("ETag"))
		}
	}
	if _, ok := im.Imports["/sw.js"]; ok {
		t.Error("the import map names the service worker")
	}
}

// TestPage_PolicyAllowsItsInlineScriptsByHash: the early script and the
// import map run because the policy names their hashes, with and without a
// managed login; nothing else inline may run.
func TestPage_PolicyAllowsItsInlineScriptsByHash(t *testing.T) {
	for name, h := range map[string]http.Handler{
		"dev":     Handler(),
		"cognito": HandlerWith(&SignIn{Domain: "https://ta.auth.eu-central-1.amazoncognito.com", ClientID: "c", RedirectURI: "https://form.example/"}),
	} {
		t.Run(name, func(t *testing.T) {
			res, page := fetch(t, h, "/")
			csp := res.Header.Get("Content-Security-Policy")
			scripts := regexp.MustCompile(`(?s)<script(?: type="importmap")?>(.*?)</script>`).FindAllStringSubmatch(page, -1)
			if len(scripts) != 2 {
				t.Fatalf("%d inline scripts, want 2 (the import map and the early requests)", len(scripts))
			}
			var want []string
			for _, s := range scripts {
				sum := sha256.Sum256([]byte(s[1]))
				want = append(want, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
			}
			if wantSrc := "script-src 'self' " + strings.Join(want, " ") + ";"; !strings.Contains(csp, wantSrc) {
				t.Errorf("Content-Security-Policy %q lacks %q", csp, wantSrc)
			}
			if strings.Contains(csp, "unsafe-inline") {
				t.Errorf("Content-Security-Policy %q allows any inline script", csp)
			}
			if name == "cognito" && !strings.Contains(csp, "connect-src 'self' https://ta.auth.eu-central-1.amazoncognito.com") {
				t.Errorf("Content-Security-Policy %q: the managed login's origin is missing", csp)
			}
		})
	}
}
