// Command brotligen writes the brotli variants of a directory's static
// files for internal/compress: each compressible file of compress.MinSize
// or more becomes <out>/<hex SHA-256 of the file>.br, at brotli's best
// quality, and variants of files no longer there are removed. It runs at
// go generate (internal/webform, internal/console), so that the Lambda
// functions embed the variants and link no brotli encoder.
//
//	go run touchaudit/internal/compress/brotligen -in static -out static.br
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"mime"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/andybalholm/brotli"

	"touchaudit/internal/compress"
)

func main() {
	in := flag.String("in", "static", "the directory of static files")
	out := flag.String("out", "static.br", "the directory of their brotli variants")
	flag.Parse()
	if err := generate(*in, *out); err != nil {
		fmt.Fprintf(os.Stderr, "brotligen: %v\n", err)
		os.Exit(1)
	}
}

func generate(in, out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	want := map[string]bool{}
	err := fs.WalkDir(os.DirFS(in), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(filepath.Join(in, p))
		if err != nil {
			return err
		}
		if !compress.Compressible(ContentType(p), len(b)) {
			return nil
		}
		name := compress.Key(b) + compress.Ext
		want[name] = true
		var buf bytes.Buffer
		w := brotli.NewWriterLevel(&buf, brotli.BestCompression)
		if _, err := w.Write(b); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(out, name), buf.Bytes(), 0o644)
	})
	if err != nil {
		return err
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), compress.Ext) && !want[e.Name()] {
			if err := os.Remove(filepath.Join(out, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// ContentType is the type a static file is served with (as the form and
// the console set them; the rest by extension).
func ContentType(p string) string {
	switch path.Ext(p) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json":
		return "application/json; charset=utf-8"
	case ".webmanifest":
		return "application/manifest+json"
	case ".svg":
		return "image/svg+xml"
	}
	return mime.TypeByExtension(path.Ext(p))
}
