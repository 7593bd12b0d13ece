package console

import (
	"embed"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"

	"touchaudit/internal/compress"
)

// Prefix is where the console's shell is served.
const Prefix = "/console/"

// contentTypes are set explicitly: Lambda's minimal images have no
// /etc/mime.types.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".json": "application/json; charset=utf-8",
	".svg":  "image/svg+xml",
}

// contentSecurityPolicy allows only the console's own files and the API on
// the same origin (and, in AWS, the managed login's token endpoint: see
// NewShell): no inline script or style, nothing from elsewhere. The
// charts are inline SVG styled by console.css and presentation attributes.
// Images may also come from any https origin: evidence photos are shown
// through presigned URLs of the evidence bucket, whose host names the
// bucket and region (locally they are on the same origin). An image runs
// no script, and scripts, styles and connections stay same-origin.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"

// shellFiles are the shell's files (the catalogues among them: console.js
// reads them too). Only NewShell reads them, so only a function that serves
// the shell (functions/form) links them.
//
//go:embed static
var shellFiles embed.FS

// Shell serves the console's static files under Prefix: compressed (the
// embedded brotli variants, gzip at the first request; whichever the
// browser accepts), with a strong
// ETag per encoding, Cache-Control no-cache (revalidate, so a deploy is
// seen at once) and 304 on If-None-Match.
type Shell struct {
	csp string
	// files are made at the first request, not at start: a cold start
	// that serves the form makes none of them (the form function's).
	once  sync.Once
	files map[string]*compress.Asset
	err   error
}

// NewShell returns the embedded shell, whose files are read at its first
// request (makeFiles; the shell's tests read them all). signInOrigin is the
// Cognito managed login's origin (https://<prefix>.auth.<region>.amazoncognito.com,
// webform.SignIn.Origin) that the page signs in with through the form's
// /auth.js and /config.json; its page may call that origin's token
// endpoint (connect-src). "" is dev sign-in: connections stay same-origin.
func NewShell(signInOrigin string) (*Shell, error) {
	csp := contentSecurityPolicy
	if signInOrigin != "" {
		u, err := url.Parse(signInOrigin)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "" || u.RawQuery != "" {
			return nil, fmt.Errorf("console: sign-in origin %q: want scheme://host such as https://touchaudit.auth.eu-central-1.amazoncognito.com", signInOrigin)
		}
		csp = strings.Replace(csp, "connect-src 'self'", "connect-src 'self' "+signInOrigin, 1)
	}
	return &Shell{csp: csp}, nil
}

// makeFiles reads the embedded files and their brotli variants.
func makeFiles() (map[string]*compress.Asset, error) {
	root, err := fs.Sub(shellFiles, "static")
	if err != nil {
		return nil, err
	}
	brs, err := shellBrotli()
	if err != nil {
		return nil, err
	}
	files := map[string]*compress.Asset{}
	err = fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(root, p)
		if err != nil {
			return err
		}
		ct, ok := contentTypes[path.Ext(p)]
		if !ok {
			ct = mime.TypeByExtension(path.Ext(p))
		}
		files[Prefix+p] = compress.NewAsset(ct, b, brs)
		return nil
	})
	return files, err
}

// ServeHTTP serves GET and HEAD; Prefix itself is index.html.
func (s *Shell) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if p == strings.TrimSuffix(Prefix, "/") {
		http.Redirect(w, r, Prefix, http.StatusMovedPermanently)
		return
	}
	if p == Prefix {
		p = Prefix + "index.html"
	}
	s.once.Do(func() { s.files, s.err = makeFiles() })
	if s.err != nil {
		http.Error(w, "the console's files are unreadable", http.StatusInternalServerError)
		return
	}
	a, ok := s.files[p]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ContentType())
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if strings.HasSuffix(p, ".html") {
		h.Set("Content-Security-Policy", s.csp)
		h.Set("X-Frame-Options", "DENY")
	}
	compress.Serve(w, r, a)
}
