package console

import (
	"path"
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
