package filestore_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/filestore"
)

var key = bytes.Repeat([]byte{7}, 32)

// serve starts the store's handler under /files/ of a test server.
func serve(t *testing.T) (*filestore.Store, *httptest.Server) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s, err := filestore.New(t.TempDir(), srv.URL+"/files", key)
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/files/", s.Handler())
	return s, srv
}

var photo = []byte("\xff\xd8\xff\xe0 a small JPEG from the branch\xff\xd9")

func spec(b []byte) audit.FileSpec {
	sum := sha256.Sum256(b)
	return audit.FileSpec{ContentType: "image/jpeg", Size: int64(len(b)), SHA256: base64.StdEncoding.EncodeToString(sum[:])}
}

func send(t *testing.T, method, url string, headers map[string]string, body []byte) (int, []byte, http.Header) {
	t.Helper()
	r, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

func TestStore_PresignedPutThenStatAndGet(t *testing.T) {
	s, srv := serve(t)
	ctx := context.Background()
	const k = "evidence/bank-pl/bank-pl-2026-h2.acc.w1/ev-abc.bank-pl-2026-h2.acc.w1"
	put, err := s.PresignPut(ctx, k, spec(photo), 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if put.Method != "PUT" || !strings.HasPrefix(put.URL, srv.URL+"/files/"+k+"?") {
		t.Errorf("upload %s %s", put.Method, put.URL)
	}
	if _, err := s.Stat(ctx, k); !audit.IsCode(err, audit.NotFound) {
		t.Errorf("stat before the upload: %v, want not found", err)
	}
	if status, body, _ := send(t, put.Method, put.URL, put.Headers, photo); status != 200 {
		t.Fatalf("PUT: %d %s", status, body)
	}
	got, err := s.Stat(ctx, k)
	if err != nil || got != spec(photo) {
		t.Errorf("stat %+v %v, want %+v", got, err, spec(photo))
	}
	get, err := s.PresignGet(ctx, k, 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	status, body, h := send(t, get.Method, get.URL, nil, nil)
	if status != 200 || !bytes.Equal(body, photo) || h.Get("Content-Type") != "image/jpeg" || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("GET: %d %q %v", status, body, h)
	}
}

func TestStore_HandlerRefusesWhatWasNotSigned(t *testing.T) {
	s, _ := serve(t)
	ctx := context.Background()
	f := spec(photo)
	tampered := bytes.Clone(photo)
	tampered[10] ^= 1
	for _, c := range []struct {
		name    string
		edit    func(url string, h map[string]string) string
		body    []byte
		status  int
		message string
	}{
		{"another checksum header", func(u string, h map[string]string) string {
			h["X-Amz-Checksum-Sha256"] = spec(tampered).SHA256
			return u
		}, tampered, 403, "x-amz-checksum-sha256 differs"},
		{"another body of the same size", nil, tampered, 400, "BadDigest"},
		{"a shorter body", nil, photo[:8], 403, "Content-Length differs"},
		{"another content type", func(u string, h map[string]string) string { h["Content-Type"] = "image/png"; return u }, photo, 403, "Content-Type differs"},
		{"a size changed in the URL", func(u string, h map[string]string) string {
			return strings.Replace(u, "len=35", "len=8", 1)
		}, photo[:8], 403, "signature does not match"},
		{"another key", func(u string, h map[string]string) string { return strings.Replace(u, "/ev-1?", "/ev-2?", 1) }, photo, 403, "signature does not match"},
	} {
		t.Run(c.name, func(t *testing.T) {
			k := "evidence/bank-pl/a1/ev-1"
			put, err := s.PresignPut(ctx, k, f, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			h := map[string]string{}
			for hk, v := range put.Headers {
				h[hk] = v
			}
			u := put.URL
			if c.edit != nil {
				u = c.edit(u, h)
			}
			status, body, _ := send(t, "PUT", u, h, c.body)
			if status != c.status || !strings.Contains(string(body), c.message) {
				t.Errorf("PUT: %d %s, want %d …%s…", status, body, c.status, c.message)
			}
			if _, err := s.Stat(ctx, k); !audit.IsCode(err, audit.NotFound) {
				t.Errorf("a refused upload was stored: %v", err)
			}
		})
	}
}

func TestStore_ExpiredAndForeignURLsAreRefused(t *testing.T) {
	s, srv := serve(t)
	ctx := context.Background()
	put, _ := s.PresignPut(ctx, "evidence/bank-pl/a1/ev-1", spec(photo), -time.Second)
	if status, body, _ := send(t, put.Method, put.URL, put.Headers, photo); status != 403 || !strings.Contains(string(body), "expired") {
		t.Errorf("expired PUT: %d %s", status, body)
	}
	other, err := filestore.New(t.TempDir(), srv.URL+"/files", bytes.Repeat([]byte{8}, 32))
	if err != nil {
		t.Fatal(err)
	}
	get, _ := other.PresignGet(ctx, "evidence/bank-pl/a1/ev-1", time.Minute)
	if status, _, _ := send(t, "GET", get.URL, nil, nil); status != 403 {
		t.Errorf("GET signed with another key: %d, want 403", status)
	}
	if status, _, _ := send(t, "GET", srv.URL+"/files/evidence/../../etc/passwd", nil, nil); status != 404 {
		t.Errorf("GET outside the folder: %d, want 404", status)
	}
	if _, err := filestore.New(t.TempDir(), srv.URL, []byte("short")); err == nil {
		t.Error("a 5-byte key accepted")
	}
}
