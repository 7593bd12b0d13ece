package console

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
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

// MinCompressSize is the smallest body worth compressing: below about one
// TCP packet the saving is nothing and the work is not.
const MinCompressSize = 1024

// variant is one encoding of one file.
type variant struct {
	body []byte
	etag string
}

type asset struct {
	contentType string
	plain       variant
	// gzip and br are made at the first request that can use them, so a
	// Lambda cold start that serves only the API compresses nothing.
	once sync.Once
	gzip *variant
	br   *variant
}

// compressed returns the gzip and brotli variants (nil for a small or
// incompressible file).
func (a *asset) compressed() (gz, br *variant) {
	a.once.Do(func() {
		b := a.plain.body
		if len(b) < MinCompressSize || !compressible(a.contentType) {
			return
		}
		base := strings.Trim(a.plain.etag, `"`)
		a.gzip = &variant{body: gzipped(b), etag: `"` + base + `-gz"`}
		a.br = &variant{body: brotlied(b), etag: `"` + base + `-br"`}
	})
	return a.gzip, a.br
}

// Shell serves the console's static files under Prefix: compressed once at
// start (brotli and gzip, whichever the browser accepts), with a strong
// ETag per encoding, Cache-Control no-cache (revalidate, so a deploy is
// seen at once) and 304 on If-None-Match.
type Shell struct {
	files map[string]*asset
	csp   string
}

// NewShell reads and compresses the embedded shell. signInOrigin is the
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
	root, err := fs.Sub(static, "static")
	if err != nil {
		return nil, err
	}
	s := &Shell{files: map[string]*asset{}, csp: csp}
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
		s.files[Prefix+p] = newAsset(ct, b)
		return nil
	})
	return s, err
}

func etagOf(b []byte, suffix string) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:8]) + suffix + `"`
}

func newAsset(contentType string, b []byte) *asset {
	return &asset{contentType: contentType, plain: variant{body: b, etag: etagOf(b, "")}}
}

func compressible(ct string) bool {
	return strings.HasPrefix(ct, "text/") || strings.Contains(ct, "json") || strings.Contains(ct, "javascript") ||
		strings.Contains(ct, "svg") || strings.Contains(ct, "manifest")
}

func gzipped(b []byte) []byte {
	var out bytes.Buffer
	w, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
	_, _ = w.Write(b)
	_ = w.Close()
	return out.Bytes()
}

func brotlied(b []byte) []byte {
	var out bytes.Buffer
	// Quality 9: within a few per cent of 11 on these files, ten times faster.
	w := brotli.NewWriterLevel(&out, 9)
	_, _ = w.Write(b)
	_ = w.Close()
	return out.Bytes()
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
	h.Set("Content-Type", a.contentType)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if strings.HasSuffix(p, ".html") {
		h.Set("Content-Security-Policy", s.csp)
		h.Set("X-Frame-Options", "DENY")
	}
	serveVariant(w, r, a)
}

// serveVariant picks the encoding the client accepts, answers a matching
// If-None-Match with 304 and otherwise sends the bytes.
func serveVariant(w http.ResponseWriter, r *http.Request, a *asset) {
	v := &a.plain
	h := w.Header()
	enc := r.Header.Get("Accept-Encoding")
	if compressible(a.contentType) && len(a.plain.body) >= MinCompressSize {
		h.Add("Vary", "Accept-Encoding")
		switch {
		case accepts(enc, "br"):
			_, v = a.compressed()
			h.Set("Content-Encoding", "br")
		case accepts(enc, "gzip"):
			v, _ = a.compressed()
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", v.etag)
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, v.etag) {
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", itoa(len(v.body)))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(v.body)
}

// accepts reports whether an Accept-Encoding value allows enc (q=0 refuses).
func accepts(header, enc string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), enc) {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

func etagMatches(header, etag string) bool {
	if strings.TrimSpace(header) == "*" {
		return true
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag {
			return true
		}
	}
	return false
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(b[i:])
}

// Compress wraps another static handler (the audit form) the same way:
// a 200 answer of a compressible type of MinCompressSize or more is sent
// brotli- or gzip-compressed when the client accepts it, with its ETag
// suffixed per encoding (-br, -gz) so caches keep the variants apart, and
// Vary: Accept-Encoding. If-None-Match with a suffixed ETag is passed on
// without the suffix, so the wrapped handler's 304 still works. Compressed
// bodies are kept by ETag, so each file is compressed once.
func Compress(next http.Handler) http.Handler {
	var cache sync.Map // etag → *asset
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if inm := r.Header.Get("If-None-Match"); inm != "" {
			r = r.Clone(r.Context())
			r.Header.Set("If-None-Match", strings.NewReplacer(`-br"`, `"`, `-gz"`, `"`).Replace(inm))
		}
		enc := r.Header.Get("Accept-Encoding")
		rec := &capture{header: http.Header{}}
		next.ServeHTTP(rec, r)
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		etag := rec.header.Get("ETag")
		ct := rec.header.Get("Content-Type")
		canCompress := etag != "" && (compressible(ct) || status == http.StatusNotModified) &&
			rec.header.Get("Content-Encoding") == "" && (accepts(enc, "br") || accepts(enc, "gzip"))
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		if !canCompress || (status != http.StatusOK && status != http.StatusNotModified) {
			w.WriteHeader(status)
			_, _ = w.Write(rec.body.Bytes())
			return
		}
		var a *asset
		if got, ok := cache.Load(etag); ok {
			a = got.(*asset)
		} else if status == http.StatusOK {
			// The wrapped handler's ETag names the file, and the variants' ETags derive from it.
			a = &asset{contentType: ct, plain: variant{body: bytes.Clone(rec.body.Bytes()), etag: etag}}
			a.compressed()
			cache.Store(etag, a)
		}
		if a == nil || a.gzip == nil {
			w.WriteHeader(status)
			_, _ = w.Write(rec.body.Bytes())
			return
		}
		w.Header().Add("Vary", "Accept-Encoding")
		v, name := a.gzip, "gzip"
		if accepts(enc, "br") {
			v, name = a.br, "br"
		}
		w.Header().Set("ETag", v.etag)
		if status == http.StatusNotModified {
			w.WriteHeader(status)
			return
		}
		w.Header().Set("Content-Encoding", name)
		w.Header().Set("Content-Length", itoa(len(v.body)))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			_, _ = w.Write(v.body)
		}
	})
}

// capture records the wrapped handler's answer.
type capture struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *capture) Header() http.Header { return c.header }

func (c *capture) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}

func (c *capture) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(b)
}
