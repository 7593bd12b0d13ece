package compress

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

type files map[string]string

func (f files) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, ok := f[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	etag := `"` + Key([]byte(body))[:16] + `"`
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = w.Write([]byte(body))
}

type precompressed struct {
	files
	brs Brotli
}

func (p precompressed) Brotli() Brotli { return p.brs }

// A file with an embedded brotli variant goes out as that variant; a file
// without one (changed since go generate) as gzip, or as it is to a client
// that takes only brotli.
func TestHandler_EmbeddedBrotliElseGzip(t *testing.T) {
	withVariant, without := strings.Repeat("let a = 1;\n", 200), strings.Repeat("let b = 2;\n", 200)
	h := Handler(precompressed{files{"/a.js": withVariant, "/b.js": without}, Brotli{Key([]byte(withVariant)): []byte("BR")}})
	get := func(p, enc string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", p, nil)
		r.Header.Set("Accept-Encoding", enc)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	for _, c := range []struct {
		path, accept, encoding string
		body                   string // "" checks only the encoding
		etagSuffix             string
	}{
		{"/a.js", "gzip, deflate, br", "br", "BR", `-br"`},
		{"/a.js", "gzip", "gzip", "", `-gz"`},
		{"/b.js", "gzip, deflate, br", "gzip", "", `-gz"`},
		{"/b.js", "br", "", without, `"`},
		{"/a.js", "identity", "", withVariant, `"`},
	} {
		w := get(c.path, c.accept)
		if w.Code != http.StatusOK || w.Header().Get("Content-Encoding") != c.encoding {
			t.Errorf("%s with %q: %d, Content-Encoding %q, want %q", c.path, c.accept, w.Code, w.Header().Get("Content-Encoding"), c.encoding)
		}
		if c.body != "" && w.Body.String() != c.body {
			t.Errorf("%s with %q: body of %d bytes, want %d", c.path, c.accept, w.Body.Len(), len(c.body))
		}
		if etag := w.Header().Get("ETag"); !strings.HasSuffix(etag, c.etagSuffix) || (c.etagSuffix == `"` && strings.Contains(etag, "-")) {
			t.Errorf("%s with %q: ETag %s, want the suffix %s", c.path, c.accept, etag, c.etagSuffix)
		}
	}
}

func TestServe_EmbeddedBrotliElseGzip(t *testing.T) {
	body := strings.Repeat("body { color: red }\n", 100)
	for _, c := range []struct {
		name     string
		brs      Brotli
		encoding string
	}{{"with a variant", Brotli{Key([]byte(body)): []byte("BR")}, "br"}, {"without", nil, "gzip"}} {
		t.Run(c.name, func(t *testing.T) {
			a := NewAsset("text/css; charset=utf-8", []byte(body), c.brs)
			r := httptest.NewRequest("GET", "/console/console.css", nil)
			r.Header.Set("Accept-Encoding", "br, gzip")
			w := httptest.NewRecorder()
			Serve(w, r, a)
			if got := w.Header().Get("Content-Encoding"); got != c.encoding {
				t.Fatalf("Content-Encoding %q, want %q", got, c.encoding)
			}
		})
	}
}
