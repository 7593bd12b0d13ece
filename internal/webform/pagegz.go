package webform

import (
	"embed"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The page's gzip variant is made at go generate, not when the form starts:
// compressing the 150 kB page at gzip's best level took about 10 ms of the
// api function's cold start. pagegz/<hex SHA-256 of the page>.gz is the
// variant of the page as it is now; when the page changes and go generate
// has not run, the form compresses it when it starts, as before, and
// TestPageGzip_IsCurrent fails until go generate runs.
//
//go:generate go run touchaudit/internal/webform/pagegzgen
//go:embed pagegz
var pageGzips embed.FS

// pageGzipName is the embedded variant's name for a page whose SHA-256 is
// sum.
func pageGzipName(sum [32]byte) string { return "pagegz/" + hex.EncodeToString(sum[:]) + ".gz" }

// embeddedPageGzip is the embedded variant of the page whose SHA-256 is
// sum, nil if there is none.
func embeddedPageGzip(sum [32]byte) []byte {
	b, err := pageGzips.ReadFile(pageGzipName(sum))
	if err != nil {
		return nil
	}
	return b
}

// WritePageGzip writes the page's gzip variant into dir (the package's
// pagegz directory) and removes the variants of earlier pages: go generate
// runs it through pagegzgen.
func WritePageGzip(dir string) error {
	f, err := New()
	if err != nil {
		return err
	}
	page := f.files["/index.html"]
	early := strings.Index(string(page.body), "</script>")
	if early < 0 {
		return fmt.Errorf("webform: index.html has no early script")
	}
	gz, err := gzipFlushed(page.body, early+len("</script>"))
	if err != nil {
		return err
	}
	old, err := filepath.Glob(filepath.Join(dir, "*.gz"))
	if err != nil {
		return err
	}
	name := filepath.Join(dir, filepath.Base(pageGzipName(page.sum)))
	for _, o := range old {
		if o != name {
			if err := os.Remove(o); err != nil {
				return err
			}
		}
	}
	return os.WriteFile(name, gz, 0o644)
}
