package webform

import (
	"path"
	"testing"

	"touchaudit/internal/compress/compresstest"
)

// Every compressible file of the form has its brotli variant, made from
// the file as it is now.
func TestBrotli_EveryFileHasItsVariant(t *testing.T) {
	f, err := New()
	if err != nil {
		t.Fatal(err)
	}
	ct := func(name string) string { return contentTypes[path.Ext(name)] }
	if err := compresstest.Check(static, "static", f.Brotli(), ct, "internal/webform"); err != nil {
		t.Fatal(err)
	}
}
