// Package webform serves touchaudit's mobile audit form: the static files an
// auditor's phone loads (HTML, ES modules, CSS, the service worker, the web
// app manifest and its icons), embedded in the binary so the API function
// and `touchaudit local` serve the same form with no file system.
//
// The form talks to the HTTP API under /api/ (docs/API.md) on the same
// origin; the handler serves only the form's own files.
package webform

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed static
var static embed.FS

// contentTypes are set explicitly: Lambda's minimal images have no
// /etc/mime.types, and a module script or a manifest served with the wrong
// type is refused by the browser.
var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".webmanifest": "application/manifest+json",
	".svg":         "image/svg+xml",
	".png":         "image/png",
}

// contentSecurityPolicy allows only the form's own files and its own API:
// no inline script, nothing from other origins.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; " +
	"frame-ancestors 'none'; form-action 'none'"

type file struct {
	body        []byte
	contentType string
	etag        string
	// revalidate marks files that must be checked on every load: the page,
	// the service worker and the unversioned modules, so a deploy is seen at
	// once. Icons may be cached for a day.
	revalidate bool
}

// Form serves the embedded form.
type Form struct {
	files map[string]file
}

// Handler returns the form's handler, to be mounted at "/".
func Handler() http.Handler {
	f, err := New()
	if err != nil {
		panic(err) // the embedded files are fixed at build time
	}
	return f
}

// New reads the embedded files once and computes their ETags.
func New() (*Form, error) {
	root, err := fs.Sub(static, "static")
	if err != nil {
		return nil, err
	}
	f := &Form{files: map[string]file{}}
	err = fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(root, p)
		if err != nil {
			return err
		}
		ext := path.Ext(p)
		ct, ok := contentTypes[ext]
		if !ok {
			ct = mime.TypeByExtension(ext)
		}
		sum := sha256.Sum256(b)
		f.files["/"+p] = file{body: b, contentType: ct, etag: `"` + hex.EncodeToString(sum[:8]) + `"`,
			revalidate: ext != ".png" && ext != ".svg"}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// ServeHTTP serves GET and HEAD for the form's files; "/" is index.html.
func (f *Form) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if p == "/" || p == "" {
		p = "/index.html"
	}
	file, ok := f.files[p]
	if !ok || strings.HasPrefix(p, "/api/") {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	h := w.Header()
	h.Set("Content-Type", file.contentType)
	h.Set("ETag", file.etag)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if file.revalidate {
		h.Set("Cache-Control", "no-cache")
	} else {
		h.Set("Cache-Control", "public, max-age=86400")
	}
	switch p {
	case "/index.html":
		h.Set("Content-Security-Policy", contentSecurityPolicy)
	case "/sw.js":
		// The worker lives at the root and controls the whole form.
		h.Set("Service-Worker-Allowed", "/")
	}
	// ServeContent answers If-None-Match with 304 and handles HEAD.
	http.ServeContent(w, r, p, time.Time{}, bytes.NewReader(file.body))
}
