package webform

import (
	"embed"

	"touchaudit/internal/compress"
)

// The form's files' brotli variants (internal/compress), made when the
// files change: go generate ./internal/webform.
//
//go:generate go run touchaudit/internal/compress/brotligen -in static -out static.br
//go:embed static.br
var brotliFiles embed.FS

// Brotli is the brotli variants of the form's files: compress.Handler
// sends them to browsers that accept brotli.
func (f *Form) Brotli() compress.Brotli {
	brs, err := compress.LoadBrotli(brotliFiles, "static.br")
	if err != nil {
		panic(err) // embedded, fixed at build time
	}
	return brs
}
