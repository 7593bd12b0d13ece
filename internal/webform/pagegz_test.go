package webform

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// The embedded gzip variant is the page as it is now: a page changed
// without go generate would be compressed at every cold start.
func TestPageGzip_IsCurrent(t *testing.T) {
	f, err := New()
	if err != nil {
		t.Fatal(err)
	}
	page := f.files["/index.html"]
	gz := embeddedPageGzip(page.sum)
	if gz == nil {
		t.Fatalf("no %s: run go generate ./internal/webform", pageGzipName(page.sum))
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain, page.body) {
		t.Fatal("the embedded variant is not the page")
	}
	if !bytes.Equal(page.gzip, gz) {
		t.Fatal("the form compressed the page although its variant is embedded")
	}
	names, err := pageGzips.ReadDir("pagegz")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 {
		t.Fatalf("%d files in pagegz, want only the page's variant: run go generate ./internal/webform", len(names))
	}
}

func TestContainsFold(t *testing.T) {
	for _, c := range []struct {
		s    string
		want bool
	}{
		{"a </script> b", true}, {"a </SCRIPT b", true}, {"</sCrIpT", true}, {"a </scrip", false},
		{"<</script", true}, {"no tag", false}, {"", false}, {"x < /script", false},
	} {
		if got := containsFold(c.s, "</script"); got != c.want {
			t.Errorf("containsFold(%q) = %v, want %v", c.s, got, c.want)
		}
	}
}

// BenchmarkNew is the form's start, which the api function pays at every
// cold start (README "Lambda bundles and cold starts").
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(); err != nil {
			b.Fatal(err)
		}
	}
}

// The form HandlerWith makes serves the page New makes, made once when it
// is first asked for, also by requests that come together (`touchaudit
// local` serves them concurrently; go test -race).
func TestHandlerWith_MakesThePageWhenFirstAskedFor(t *testing.T) {
	f := Handler().(*Form)
	want, err := New()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	bodies := make([][]byte, 8)
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := "/"
			if i%2 == 1 {
				p = "/app.js"
			}
			rec := httptest.NewRecorder()
			f.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
			bodies[i] = rec.Body.Bytes()
		}()
	}
	wg.Wait()
	for i, b := range bodies {
		w := want.files["/index.html"].body
		if i%2 == 1 {
			w = want.files["/app.js"].body
		}
		if !bytes.Equal(b, w) {
			t.Errorf("request %d: %d bytes, want %d", i, len(b), len(w))
		}
	}
	if !bytes.Contains(bodies[0], []byte(`<script type="module">`)) {
		t.Error("the page served is not the page with its code inline")
	}
}
