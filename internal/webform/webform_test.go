package webform

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHandler_ServesTheForm(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	tests := []struct {
		path, contentType, cacheControl, contains string
	}{
		{"/", "text/html; charset=utf-8", "no-cache", `<script type="module">`},
		{"/index.html", "text/html; charset=utf-8", "no-cache", `id="pending"`},
		{"/app.js", "text/javascript; charset=utf-8", "no-cache", "import"},
		{"/outbox.js", "text/javascript; charset=utf-8", "no-cache", "class Outbox"},
		{"/i18n.js", "text/javascript; charset=utf-8", "no-cache", "export const texts"},
		{"/sw.js", "text/javascript; charset=utf-8", "no-cache", "addEventListener('fetch'"},
		{"/style.css", "text/css; charset=utf-8", "no-cache", "--target"},
		{"/manifest.webmanifest", "application/manifest+json", "no-cache", `"start_url"`},
		{"/icons/icon.svg", "image/svg+xml", "public, max-age=86400", "<svg"},
		{"/icons/icon-192.png", "image/png", "public, max-age=86400", "PNG"},
	}
	for _, tt := range tests {
		t.Run(strings.TrimPrefix(tt.path, "/"), func(t *testing.T) {
			res, err := http.Get(srv.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			if got := res.Header.Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type %q, want %q", got, tt.contentType)
			}
			if got := res.Header.Get("Cache-Control"); got != tt.cacheControl {
				t.Errorf("Cache-Control %q, want %q", got, tt.cacheControl)
			}
			if res.Header.Get("ETag") == "" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("headers %v: want an ETag and nosniff", res.Header)
			}
			if !strings.Contains(string(body), tt.contains) {
				t.Errorf("body does not contain %q", tt.contains)
			}
		})
	}
}

func TestHandler_ServiceWorkerScopeAndPolicy(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL + "/sw.js")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := res.Header.Get("Service-Worker-Allowed"); got != "/" {
		t.Errorf("Service-Worker-Allowed %q, want /", got)
	}
	res, err = http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
}

func TestHandler_RevalidatesWithETag(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL + "/app.js")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/app.js", nil)
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	res2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res2.Body.Close()
	if res2.StatusCode != http.StatusNotModified {
		t.Errorf("status %d, want 304", res2.StatusCode)
	}
}

func TestHandler_RefusesOtherPathsAndMethods(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	tests := []struct {
		method, path string
		status       int
	}{
		{"GET", "/nope.js", http.StatusNotFound},
		{"GET", "/api/assignments", http.StatusNotFound},
		{"GET", "/../go.mod", http.StatusNotFound},
		{"GET", "/static/index.html", http.StatusNotFound},
		{"POST", "/", http.StatusMethodNotAllowed},
		{"HEAD", "/", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.method+tt.path, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tt.status {
				t.Errorf("status %d, want %d", res.StatusCode, tt.status)
			}
		})
	}
}

// The manifest must name icons that exist, or the form is not installable.
func TestManifest_IconsExist(t *testing.T) {
	f, err := New()
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Name, ShortName, StartURL, Display string
		Icons                              []struct{ Src, Sizes, Type string }
	}
	if err := json.Unmarshal(f.files["/manifest.webmanifest"].body, &m); err != nil {
		t.Fatal(err)
	}
	if m.Name == "" || m.Display != "standalone" || len(m.Icons) < 2 {
		t.Fatalf("manifest %+v: want a name, standalone display and icons", m)
	}
	for _, ic := range m.Icons {
		file, ok := f.files["/"+ic.Src]
		if !ok {
			t.Errorf("icon %s is not embedded", ic.Src)
			continue
		}
		if file.contentType != ic.Type {
			t.Errorf("icon %s: served as %s, manifest says %s", ic.Src, file.contentType, ic.Type)
		}
	}
}

// The service worker caches every shell file, and only files that exist.
func TestServiceWorker_ShellFilesExist(t *testing.T) {
	f, err := New()
	if err != nil {
		t.Fatal(err)
	}
	sw := string(f.files["/sw.js"].body)
	start := strings.Index(sw, "const SHELL = [")
	end := strings.Index(sw[start:], "];")
	if start < 0 || end < 0 {
		t.Fatal("sw.js has no SHELL list")
	}
	var shell []string
	list := strings.ReplaceAll(sw[start+len("const SHELL = "):start+end+1], "'", `"`)
	if err := json.Unmarshal([]byte(list), &shell); err != nil {
		t.Fatalf("SHELL %s: %v", list, err)
	}
	for _, p := range shell {
		if p == "./" {
			continue
		}
		if _, ok := f.files["/"+p]; !ok {
			t.Errorf("SHELL lists %s, which is not embedded", p)
		}
	}
	for p := range f.files {
		if strings.HasSuffix(p, ".js") && p != "/sw.js" && !strings.Contains(sw, "'"+strings.TrimPrefix(p, "/")+"'") {
			t.Errorf("module %s is not in the service worker's shell: the form would not open offline", p)
		}
	}
}
