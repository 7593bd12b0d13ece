package console

import (
	"net/http/httptest"
	"path"
	"strings"
	"testing"

	"touchaudit/internal/compress/compresstest"
)

// Every compressible file of the shell has its brotli variant, made from
// the file as it is now.
func TestBrotli_EveryShellFileHasItsVariant(t *testing.T) {
	brs, err := shellBrotli()
	if err != nil {
		t.Fatal(err)
	}
	ct := func(name string) string { return contentTypes[path.Ext(name)] }
	if err := compresstest.Check(shellFiles, "static", brs, ct, "internal/console"); err != nil {
		t.Fatal(err)
	}
}

// The shell's files are made at its first request; every embedded file is
// there, under Prefix.
func TestShell_FilesMadeAtFirstRequest(t *testing.T) {
	s, err := NewShell("")
	if err != nil {
		t.Fatal(err)
	}
	if s.files != nil {
		t.Fatal("NewShell made the files; want them made at the first request")
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/console/", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `src="/console/console.js"`) {
		t.Fatalf("GET /console/: %d %.200s", rec.Code, rec.Body.String())
	}
	for _, p := range []string{"index.html", "console.js", "console.css", "i18n/pl.json", "i18n/en.json"} {
		if s.files[Prefix+p] == nil {
			t.Errorf("%s not served", Prefix+p)
		}
	}
}
