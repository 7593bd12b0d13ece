// Package compress sends static files compressed: brotli or gzip, whichever
// the browser accepts, each encoding with its own strong ETag. The form
// (internal/webform, through Handler) and the console's shell
// (internal/console, through Asset) are served this way.
//
// Brotli variants are made when the files change, by brotligen (go
// generate in each package), and embedded, keyed by the SHA-256 of the
// file they compress: a brotli encoder in the Lambda functions cost each
// 477 kB (its dictionary and code, README "Measured"). A file without its
// variant (changed since the last go generate) goes out gzip-compressed;
// compresstest.Check fails each package's test until it is generated
// again. Gzip is made at the first request for a file, so a cold start
// that serves only the API compresses nothing.
package compress

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
)

// MinSize is the smallest body worth compressing: below about one
// TCP packet the saving is nothing and the work is not.
const MinSize = 1024

// variant is one encoding of one file.
type variant struct {
	body []byte
	etag string
}

// Brotli holds brotli-compressed files by the hex SHA-256 of the file
// they compress (Key).
type Brotli map[string][]byte

// Key is the name of b's brotli variant: the hex SHA-256 of b.
func Key(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Ext is the extension of a brotli variant's file: <Key>.br.
const Ext = ".br"

// LoadBrotli reads the variants in fsys's directory dir (brotligen's
// output).
func LoadBrotli(fsys fs.FS, dir string) (Brotli, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	out := Brotli{}
	for _, e := range entries {
		key, ok := strings.CutSuffix(e.Name(), Ext)
		if !ok || e.IsDir() {
			continue
		}
		if out[key], err = fs.ReadFile(fsys, path.Join(dir, e.Name())); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Precompressed is a handler that has brotli variants of what it serves
// (the form).
type Precompressed interface {
	Brotli() Brotli
}

// Asset is one static file with its compressed variants.
type Asset struct {
	contentType string
	plain       variant
	// gzip is made at the first request that can use it, so a Lambda
	// cold start that serves only the API compresses nothing; br is the
	// embedded variant, nil without one.
	once sync.Once
	gzip *variant
	br   *variant
	brs  Brotli
}

// compressed returns the gzip and brotli variants (nil for a small or
// incompressible file).
func (a *Asset) compressed() (gz, br *variant) {
	a.once.Do(func() {
		b := a.plain.body
		if len(b) < MinSize || !compressible(a.contentType) {
			return
		}
		base := strings.Trim(a.plain.etag, `"`)
		a.gzip = &variant{body: gzipped(b), etag: `"` + base + `-gz"`}
		if br, ok := a.brs[Key(b)]; ok {
			a.br = &variant{body: br, etag: `"` + base + `-br"`}
		}
	})
	return a.gzip, a.br
}

func etagOf(b []byte, suffix string) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:8]) + suffix + `"`
}

// ContentType is the file's media type.
func (a *Asset) ContentType() string { return a.contentType }

// NewAsset is the file b of contentType, its ETag a hash of b, with its
// brotli variant from brs when there is one.
func NewAsset(contentType string, b []byte, brs Brotli) *Asset {
	return &Asset{contentType: contentType, plain: variant{body: b, etag: etagOf(b, "")}, brs: brs}
}

// Compressible reports whether a file of content type ct and size n gets
// compressed variants.
func Compressible(ct string, n int) bool { return n >= MinSize && compressible(ct) }

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

// Serve sends a in the encoding the client accepts, answers a matching
// If-None-Match with 304 and otherwise sends the bytes.
func Serve(w http.ResponseWriter, r *http.Request, a *Asset) {
	v := &a.plain
	h := w.Header()
	enc := r.Header.Get("Accept-Encoding")
	if compressible(a.contentType) && len(a.plain.body) >= MinSize {
		h.Add("Vary", "Accept-Encoding")
		if br, gz := accepts(enc, "br"), accepts(enc, "gzip"); br || gz {
			gzv, brv := a.compressed()
			switch {
			case br && brv != nil:
				v = brv
				h.Set("Content-Encoding", "br")
			case gz:
				v = gzv
				h.Set("Content-Encoding", "gzip")
			}
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

// Handler wraps another static handler (the audit form) the same way:
// a 200 answer of a compressible type of MinSize or more is sent
// brotli- or gzip-compressed when the client accepts it, with its ETag
// suffixed per encoding (-br, -gz) so caches keep the variants apart, and
// Vary: Accept-Encoding. If-None-Match with a suffixed ETag is passed on
// without the suffix, so the wrapped handler's 304 still works. Compressed
// bodies are kept by ETag, so each file is compressed once. The brotli
// variants are next's when it is Precompressed; without one a file goes
// out gzip-compressed.
func Handler(next http.Handler) http.Handler {
	var brs Brotli
	if p, ok := next.(Precompressed); ok {
		brs = p.Brotli()
	}
	var cache sync.Map // etag → *Asset
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
		var a *Asset
		if got, ok := cache.Load(etag); ok {
			a = got.(*Asset)
		} else if status == http.StatusOK {
			// The wrapped handler's ETag names the file, and the variants' ETags derive from it.
			a = &Asset{contentType: ct, plain: variant{body: bytes.Clone(rec.body.Bytes()), etag: etag}, brs: brs}
			a.compressed()
			cache.Store(etag, a)
		}
		if a == nil || a.gzip == nil {
			w.WriteHeader(status)
			_, _ = w.Write(rec.body.Bytes())
			return
		}
		if !slices.Contains(w.Header().Values("Vary"), "Accept-Encoding") {
			w.Header().Add("Vary", "Accept-Encoding") // the form names it already
		}
		v, name := a.gzip, "gzip"
		if accepts(enc, "br") && a.br != nil {
			v, name = a.br, "br"
		} else if !accepts(enc, "gzip") {
			// Brotli only, and no brotli variant: send the file as it is.
			w.Header().Set("ETag", etag)
			w.WriteHeader(status)
			_, _ = w.Write(rec.body.Bytes())
			return
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
