package webform

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"

	"touchaudit/internal/compress"
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

// TestPage_HasTheFormsCodeInline: the page carries style.css and app.js with
// every module it imports, each once and after what it imports, so a first
// visit needs no request for code; the files are still served one by one.
func TestPage_HasTheFormsCodeInline(t *testing.T) {
	h := Handler()
	_, page := fetch(t, h, "/")
	_, css := fetch(t, h, "/style.css")
	if !strings.Contains(page, "<style>"+css+"</style>") {
		t.Error("the page does not have style.css inline")
	}
	if strings.Contains(page, `href="style.css"`) || strings.Contains(page, `src="app.js"`) {
		t.Error("the page still links style.css or app.js")
	}
	m := regexp.MustCompile(`(?s)<script type="module">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the page has no inline module script")
	}
	js := m[1]
	order := regexp.MustCompile(`(?m)^// ([a-z0-9-]+\.js)$`).FindAllStringSubmatch(js, -1)
	var got []string
	for _, o := range order {
		got = append(got, o[1])
	}
	// Each module after the modules it imports: db.js before outbox.js,
	// both before evidence.js, app.js last.
	if want := "i18n.js db.js outbox.js evidence.js auth.js app.js"; strings.Join(got, " ") != want {
		t.Errorf("modules in the bundle: %v, want %s", got, want)
	}
	if regexp.MustCompile(`(?m)^(import|export) `).MatchString(js) {
		t.Error("the bundle still has import or export statements")
	}
	for _, want := range []string{
		"const { startAuth } = __auth;",
		"const db = __db;",
		"const { texts, statuses, channels, steps: stepInfo, channelSteps, outcomes, defaultLang, fill, pick } = __i18n;",
		"upload, uuid: newId, backoff, Outbox };",
	} {
		if !strings.Contains(js, want) {
			t.Errorf("the bundle lacks %q", want)
		}
	}
	if strings.Contains(js, "// The outbox: every write the form makes") {
		t.Error("the bundle keeps the modules' comment lines")
	}
}

func TestBundle_ImportsAndExports(t *testing.T) {
	files := func(kv ...string) map[string]file {
		m := map[string]file{}
		for i := 0; i < len(kv); i += 2 {
			m["/"+kv[i]] = file{body: []byte(kv[i+1])}
		}
		return m
	}
	t.Run("every form the modules use", func(t *testing.T) {
		got, err := bundle(files(
			"a.js", "import { x, y as z } from './b.js';\nimport * as c from './c-d.js';\nexport const k = 1;\n// a comment\nconsole.log(x, z, c.w);",
			"b.js", "import * as c from './c-d.js';\nexport async function x() {}\nfunction yy() {}\nexport { yy as y };",
			"c-d.js", "export class w {}\nexport let v = 2;",
		), "a.js")
		if err != nil {
			t.Fatal(err)
		}
		want := "// c-d.js\nconst __c_d = (() => {\nclass w {}\nlet v = 2;\nreturn { w, v };\n})();\n" +
			"// b.js\nconst __b = (() => {\nconst c = __c_d;\nasync function x() {}\nfunction yy() {}\n\nreturn { x, y: yy };\n})();\n" +
			"// a.js\nconst __a = (() => {\nconst { x, y: z } = __b;\nconst c = __c_d;\nconst k = 1;\nconsole.log(x, z, c.w);\nreturn { k };\n})();\n"
		if got != want {
			t.Errorf("bundle:\n%s\nwant:\n%s", got, want)
		}
	})
	t.Run("comments kept beside a multi-line template", func(t *testing.T) {
		got, err := bundle(files("a.js", "const s = `\n// text\n`;"), "a.js")
		if err != nil || !strings.Contains(got, "\n// text\n") {
			t.Errorf("bundle %q, %v: the template's text was dropped", got, err)
		}
	})
	for name, c := range map[string]struct {
		files map[string]file
		err   string
	}{
		"default export":  {files("a.js", "export default 1;"), "a.js:1: an export the page's bundle does not take: export default 1;"},
		"import from far": {files("a.js", "\nimport x from 'https://cdn.example/x.js';"), "a.js:2: an import the page's bundle does not take"},
		"missing module":  {files("a.js", "import * as b from './b.js';"), "a.js imports b.js, which is not in static/"},
		"cycle":           {files("a.js", "import * as b from './b.js';", "b.js", "import * as a from './a.js';"), "a.js imports itself through [a.js b.js]"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := bundle(c.files, "a.js")
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("error %v, want one containing %q", err, c.err)
			}
		})
	}
}

// TestPage_PolicyAllowsItsInlineCodeByHash: the early script, the bundle and
// the style run because the policy names their hashes, with and without a
// managed login; nothing else inline may run.
func TestPage_PolicyAllowsItsInlineCodeByHash(t *testing.T) {
	sum := func(s string) string {
		h := sha256.Sum256([]byte(s))
		return "'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'"
	}
	for name, h := range map[string]http.Handler{
		"dev":     Handler(),
		"cognito": HandlerWith(&SignIn{Domain: "https://ta.auth.eu-central-1.amazoncognito.com", ClientID: "c", RedirectURI: "https://form.example/"}),
	} {
		t.Run(name, func(t *testing.T) {
			res, page := fetch(t, h, "/")
			csp := res.Header.Get("Content-Security-Policy")
			scripts := regexp.MustCompile(`(?s)<script(?: type="module")?>(.*?)</script>`).FindAllStringSubmatch(page, -1)
			styles := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindAllStringSubmatch(page, -1)
			if len(scripts) != 2 || len(styles) != 1 {
				t.Fatalf("%d inline scripts and %d styles, want 2 (the early requests, the form's code) and 1", len(scripts), len(styles))
			}
			for _, want := range []string{
				"script-src 'self' " + sum(scripts[0][1]) + " " + sum(scripts[1][1]) + ";",
				"style-src 'self' " + sum(styles[0][1]) + ";",
			} {
				if !strings.Contains(csp, want) {
					t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
				}
			}
			if strings.Contains(csp, "unsafe-inline") {
				t.Errorf("Content-Security-Policy %q allows any inline code", csp)
			}
			if name == "cognito" && !strings.Contains(csp, "connect-src 'self' https://ta.auth.eu-central-1.amazoncognito.com") {
				t.Errorf("Content-Security-Policy %q: the managed login's origin is missing", csp)
			}
		})
	}
}

// TestPage_GzipRunsTheEarlyScriptFirst: the page is gzip-compressed with a
// flush after the early script, so a browser can run that script when a
// small part of the page has arrived; the API's compressing wrapper passes
// it through and still answers a revalidation with 304.
func TestPage_GzipRunsTheEarlyScriptFirst(t *testing.T) {
	get := func(h http.Handler, enc, inm string) *http.Response {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("Accept-Encoding", enc)
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Result()
	}
	h := Handler()
	_, plain := fetch(t, h, "/")
	res := get(h, "gzip, deflate, br", "")
	gz, _ := io.ReadAll(res.Body)
	if res.Header.Get("Content-Encoding") != "gzip" || !strings.HasSuffix(res.Header.Get("ETag"), `+gzip"`) || res.Header.Get("Vary") != "Accept-Encoding" {
		t.Fatalf("headers %v: want gzip, its own ETag and Vary", res.Header)
	}
	unzip := func(b []byte) string {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return ""
		}
		out, _ := io.ReadAll(zr) // a prefix ends early: keep what it gave
		return string(out)
	}
	if unzip(gz) != plain {
		t.Fatal("the gzip-compressed page differs from the page")
	}
	// The shortest prefix of the compressed page that gives the whole early script.
	n := sort.Search(len(gz), func(n int) bool { return strings.Contains(unzip(gz[:n]), "window.taEarly = early;\n})();\n</script>") })
	if n == len(gz) || n > len(gz)/10 {
		t.Errorf("the early script needs %d of the %d compressed bytes, want at most a tenth", n, len(gz))
	}
	t.Logf("page: %d bytes, %d gzip-compressed; the early script runs after %d", len(plain), len(gz), n)

	for name, h := range map[string]http.Handler{"form": h, "behind compress.Handler": compress.Handler(h)} {
		t.Run(name, func(t *testing.T) {
			res := get(h, "br, gzip", "")
			etag := res.Header.Get("ETag")
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("status %d, Content-Encoding %q: want 200 gzip", res.StatusCode, res.Header.Get("Content-Encoding"))
			}
			if res := get(h, "br, gzip", etag); res.StatusCode != http.StatusNotModified {
				t.Errorf("If-None-Match %s: status %d, want 304", etag, res.StatusCode)
			}
			if res := get(h, "identity", ""); res.Header.Get("Content-Encoding") != "" {
				t.Errorf("without gzip: Content-Encoding %q", res.Header.Get("Content-Encoding"))
			}
			if res := get(h, "gzip;q=0", ""); res.Header.Get("Content-Encoding") == "gzip" {
				t.Error("gzip;q=0: the page was gzip-compressed")
			}
		})
	}
}
