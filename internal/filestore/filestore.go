// Package filestore is audit.Files in a local folder, for `touchaudit
// local`: the same presigned-URL contract as S3 (internal/s3), served by
// this package's own HTTP handler. A presigned URL carries a short-lived
// token, an HMAC-SHA256 under the store's key of the method, the key, the
// expiry and, for an upload, the content type, size and SHA-256; the
// handler refuses any request whose token, type, size or checksum differs,
// as S3 does.
package filestore

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"touchaudit/internal/audit"
)

// Store keeps files under a directory and presigns URLs under baseURL.
type Store struct {
	dir     string
	baseURL *url.URL
	key     []byte
	now     func() time.Time
}

var _ audit.Files = (*Store)(nil)

// minKey is the shortest signing key accepted: 32 bytes, SHA-256's size.
const minKey = 32

// New returns a store of files in dir (created if missing) whose URLs start
// with baseURL (for example http://127.0.0.1:8080/files), signed with key
// (at least 32 random bytes; a new key each start invalidates old URLs,
// which live minutes anyway).
func New(dir, baseURL string, key []byte) (*Store, error) {
	u, err := url.Parse(strings.TrimSuffix(baseURL, "/"))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("filestore: base URL %q is not an absolute URL", baseURL)
	}
	if len(key) < minKey {
		return nil, fmt.Errorf("filestore: the signing key has %d bytes, want at least %d", len(key), minKey)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("filestore: %w", err)
	}
	return &Store{dir: dir, baseURL: u, key: append([]byte(nil), key...), now: time.Now}, nil
}

// meta is what the store keeps beside each file.
type meta struct {
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// metaSuffix names a file's metadata; no key ends with it (validKey).
const metaSuffix = ".meta.json"

// PresignPut implements audit.Files.
func (s *Store) PresignPut(_ context.Context, key string, f audit.FileSpec, ttl time.Duration) (audit.PresignedRequest, error) {
	if !validKey(key) {
		return audit.PresignedRequest{}, audit.Errorf(audit.Invalid, "invalid file key %q", key)
	}
	exp := s.now().Add(ttl).UTC().Truncate(time.Second)
	q := url.Values{"exp": {strconv.FormatInt(exp.Unix(), 10)}, "ct": {f.ContentType},
		"len": {strconv.FormatInt(f.Size, 10)}, "sha": {f.SHA256}}
	q.Set("sig", s.sign(http.MethodPut, key, q))
	return audit.PresignedRequest{Method: http.MethodPut, URL: s.url(key, q), ExpiresAt: exp,
		Headers: map[string]string{"Content-Type": f.ContentType, "X-Amz-Checksum-Sha256": f.SHA256}}, nil
}

// PresignGet implements audit.Files.
func (s *Store) PresignGet(_ context.Context, key string, ttl time.Duration) (audit.PresignedRequest, error) {
	if !validKey(key) {
		return audit.PresignedRequest{}, audit.Errorf(audit.Invalid, "invalid file key %q", key)
	}
	exp := s.now().Add(ttl).UTC().Truncate(time.Second)
	q := url.Values{"exp": {strconv.FormatInt(exp.Unix(), 10)}}
	q.Set("sig", s.sign(http.MethodGet, key, q))
	return audit.PresignedRequest{Method: http.MethodGet, URL: s.url(key, q), ExpiresAt: exp, Headers: map[string]string{}}, nil
}

// Stat implements audit.Files.
func (s *Store) Stat(_ context.Context, key string) (audit.FileSpec, error) {
	if !validKey(key) {
		return audit.FileSpec{}, audit.Errorf(audit.NotFound, "no file %s", key)
	}
	m, err := s.readMeta(key)
	if err != nil {
		return audit.FileSpec{}, err
	}
	return audit.FileSpec{ContentType: m.ContentType, Size: m.Size, SHA256: m.SHA256}, nil
}

func (s *Store) readMeta(key string) (meta, error) {
	b, err := os.ReadFile(s.path(key) + metaSuffix)
	if errors.Is(err, fs.ErrNotExist) {
		return meta{}, audit.Errorf(audit.NotFound, "no file %s", key)
	} else if err != nil {
		return meta{}, &audit.Error{Code: audit.Internal, Message: "read file " + key, Err: err}
	}
	var m meta
	if err := json.Unmarshal(b, &m); err != nil {
		return meta{}, &audit.Error{Code: audit.Internal, Message: "read file " + key, Err: err}
	}
	return m, nil
}

func (s *Store) url(key string, q url.Values) string {
	u := *s.baseURL
	u.Path = strings.TrimSuffix(u.Path, "/") + "/" + key
	u.RawQuery = q.Encode()
	return u.String()
}

func (s *Store) path(key string) string { return filepath.Join(s.dir, filepath.FromSlash(key)) }

// sign is the token of a request: every signed field, in a fixed order.
func (s *Store) sign(method, key string, q url.Values) string {
	m := hmac.New(sha256.New, s.key)
	for _, part := range []string{method, key, q.Get("exp"), q.Get("ct"), q.Get("len"), q.Get("sha")} {
		fmt.Fprintf(m, "%d:%s\n", len(part), part)
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// validKey admits keys of segments of letters, digits, '.', '-' and '_',
// none of them "." or "..", and none ending with the metadata suffix.
func validKey(key string) bool {
	if key == "" || len(key) > 1024 || strings.HasSuffix(key, metaSuffix) {
		return false
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
		for _, r := range seg {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}

// Handler serves the presigned URLs: PUT stores a file, GET (and HEAD)
// returns one. Mount it where baseURL points, for example
// mux.Handle("/files/", store.Handler()) for baseURL http://host/files.
// Refusals answer as S3 does, with a status and a short text: 403 for a
// bad or expired token or a header that differs from the signed one, 400
// for a body of another size or checksum, 404 for a missing file.
func (s *Store) Handler() http.Handler {
	prefix := strings.TrimSuffix(s.baseURL.Path, "/") + "/"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-store")
		key, ok := strings.CutPrefix(r.URL.Path, prefix)
		if !ok || !validKey(key) {
			http.Error(w, "no such file", http.StatusNotFound)
			return
		}
		q := r.URL.Query()
		method := r.Method
		if method == http.MethodHead {
			method = http.MethodGet
		}
		if method != http.MethodGet && method != http.MethodPut {
			w.Header().Set("Allow", "GET, HEAD, PUT")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if !hmac.Equal([]byte(q.Get("sig")), []byte(s.sign(method, key, q))) {
			http.Error(w, "the URL's signature does not match", http.StatusForbidden)
			return
		}
		exp, err := strconv.ParseInt(q.Get("exp"), 10, 64)
		if err != nil || s.now().After(time.Unix(exp, 0)) {
			http.Error(w, "the URL has expired", http.StatusForbidden)
			return
		}
		if method == http.MethodPut {
			s.put(w, r, key, q)
			return
		}
		s.get(w, r, key)
	})
}

func (s *Store) put(w http.ResponseWriter, r *http.Request, key string, q url.Values) {
	size, _ := strconv.ParseInt(q.Get("len"), 10, 64)
	switch {
	case r.Header.Get("Content-Type") != q.Get("ct"):
		http.Error(w, "Content-Type differs from the signed one", http.StatusForbidden)
		return
	case r.Header.Get("X-Amz-Checksum-Sha256") != q.Get("sha"):
		http.Error(w, "x-amz-checksum-sha256 differs from the signed one", http.StatusForbidden)
		return
	case r.ContentLength >= 0 && r.ContentLength != size:
		http.Error(w, "Content-Length differs from the signed one", http.StatusForbidden)
		return
	}
	if err := os.MkdirAll(filepath.Dir(s.path(key)), 0o700); err != nil {
		http.Error(w, "cannot store the file", http.StatusInternalServerError)
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path(key)), ".upload-*")
	if err != nil {
		http.Error(w, "cannot store the file", http.StatusInternalServerError)
		return
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r.Body, size+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		http.Error(w, "cannot read the body", http.StatusBadRequest)
		return
	case n != size:
		http.Error(w, fmt.Sprintf("the body has %d bytes, not the signed %d", n, size), http.StatusBadRequest)
		return
	case base64.StdEncoding.EncodeToString(h.Sum(nil)) != q.Get("sha"):
		http.Error(w, "BadDigest: the body's SHA-256 differs from x-amz-checksum-sha256", http.StatusBadRequest)
		return
	}
	m, _ := json.Marshal(meta{ContentType: q.Get("ct"), Size: size, SHA256: q.Get("sha")})
	// The file first, its metadata last: Stat finds a file only once both
	// are in place.
	if err := os.Rename(tmp.Name(), s.path(key)); err != nil {
		http.Error(w, "cannot store the file", http.StatusInternalServerError)
		return
	}
	if err := os.WriteFile(s.path(key)+metaSuffix, m, 0o600); err != nil {
		http.Error(w, "cannot store the file", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (s *Store) get(w http.ResponseWriter, r *http.Request, key string) {
	m, err := s.readMeta(key)
	if err != nil {
		http.Error(w, "no such file", http.StatusNotFound)
		return
	}
	f, err := os.Open(s.path(key))
	if err != nil {
		http.Error(w, "no such file", http.StatusNotFound)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", m.ContentType)
	w.Header().Set("Content-Length", strconv.FormatInt(m.Size, 10))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = io.Copy(w, f)
	}
}
