package console

import (
	"embed"

	"touchaudit/internal/compress"
)

// The shell's files' brotli variants (internal/compress), made when the
// files change: go generate ./internal/console.
//
//go:generate go run touchaudit/internal/compress/brotligen -in static -out static.br
//go:embed static.br
var brotliFiles embed.FS

func shellBrotli() (compress.Brotli, error) { return compress.LoadBrotli(brotliFiles, "static.br") }
