package s3_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"touchaudit/internal/audit"
	"touchaudit/internal/awsclient"
	"touchaudit/internal/motoserver"
	"touchaudit/internal/s3"
)

// newBucket is the adapter on a new bucket of the shared moto_server.
func newBucket(t *testing.T) *s3.Bucket {
	t.Helper()
	moto := motoserver.Shared(t)
	client := s3.NewClient(awsclient.Lambda, awsclient.Lambda.Local(), moto.Endpoint)
	name := fmt.Sprintf("s3-test-%d", time.Now().UnixNano())
	if _, err := client.CreateBucket(context.Background(), &awss3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	return s3.New(client, name)
}

var photo = []byte("\xff\xd8\xff\xe0 a small JPEG from the branch\xff\xd9")

func spec(b []byte) audit.FileSpec {
	sum := sha256.Sum256(b)
	return audit.FileSpec{ContentType: "image/jpeg", Size: int64(len(b)), SHA256: base64.StdEncoding.EncodeToString(sum[:])}
}

// send sends a presigned request as a phone does: its URL, its headers and
// the body (the HTTP stack sets Content-Length from the body).
func send(t *testing.T, req audit.PresignedRequest, body []byte, override map[string]string) (int, []byte) {
	t.Helper()
	r, err := http.NewRequest(req.Method, req.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range req.Headers {
		r.Header.Set(k, v)
	}
	for k, v := range override {
		r.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestBucket_PresignPutSignsTypeSizeAndChecksum(t *testing.T) {
	b := newBucket(t)
	f := spec(photo)
	req, err := b.PresignPut(context.Background(), "evidence/bank-pl/a1/ev-1", f, 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if req.Method != "PUT" || !strings.Contains(req.URL, "/evidence/bank-pl/a1/ev-1?") {
		t.Errorf("request %s %s", req.Method, req.URL)
	}
	// S3 refuses a request whose signed headers differ: these three fix the file.
	if !strings.Contains(req.URL, "X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost%3Bx-amz-checksum-sha256") {
		t.Errorf("signed headers in %s, want content-length, content-type, host and x-amz-checksum-sha256", req.URL)
	}
	if !strings.Contains(req.URL, "X-Amz-Expires=900") {
		t.Errorf("expiry in %s, want X-Amz-Expires=900", req.URL)
	}
	want := map[string]string{"Content-Type": "image/jpeg", "X-Amz-Checksum-Sha256": f.SHA256}
	if fmt.Sprint(req.Headers) != fmt.Sprint(want) {
		t.Errorf("headers %v, want %v (Host and Content-Length are the HTTP stack's)", req.Headers, want)
	}
	if d := time.Until(req.ExpiresAt); d < 14*time.Minute || d > 15*time.Minute+time.Second {
		t.Errorf("expiresAt %s is %s away, want 15 minutes", req.ExpiresAt, d)
	}
}

func TestBucket_UploadThroughPresignedPutThenStatAndGet(t *testing.T) {
	b := newBucket(t)
	ctx := context.Background()
	f := spec(photo)
	put, err := b.PresignPut(ctx, "evidence/bank-pl/a1/ev-1", f, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if status, body := send(t, put, photo, nil); status != 200 {
		t.Fatalf("PUT: %d %s", status, body)
	}
	got, err := b.Stat(ctx, "evidence/bank-pl/a1/ev-1")
	if err != nil {
		t.Fatal(err)
	}
	if got != f {
		t.Errorf("stat %+v, want %+v", got, f)
	}
	get, err := b.PresignGet(ctx, "evidence/bank-pl/a1/ev-1", 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(get.URL, "X-Amz-Expires=300") || get.Method != "GET" {
		t.Errorf("download %s %s, want GET for 300 s", get.Method, get.URL)
	}
	if status, body := send(t, get, nil, nil); status != 200 || !bytes.Equal(body, photo) {
		t.Errorf("GET: %d %q, want the photo", status, body)
	}
}

// moto checks no signature and no checksum: a presigned PUT of other bytes
// is stored. These cases pin that, and that Stat reports what was stored
// (moto keeps no SHA-256, so Stat hashes the object), which is what the
// confirm step compares with the announced file. On AWS, S3 itself refuses
// these PUTs (SignatureDoesNotMatch for another type or size, BadDigest for
// another body).
func TestBucket_StatReportsWhatMotoStoredDespiteThePresignedHeaders(t *testing.T) {
	b := newBucket(t)
	ctx := context.Background()
	f := spec(photo)
	tampered := bytes.Clone(photo)
	tampered[10] ^= 1
	for _, c := range []struct {
		name     string
		body     []byte
		override map[string]string
		want     audit.FileSpec
	}{
		{"another body of the same size", tampered, nil, spec(tampered)},
		{"a shorter body", photo[:8], nil, spec(photo[:8])},
		{"another content type", photo, map[string]string{"Content-Type": "image/png"}, audit.FileSpec{ContentType: "image/png", Size: f.Size, SHA256: f.SHA256}},
	} {
		t.Run(c.name, func(t *testing.T) {
			key := "evidence/bank-pl/a1/" + strings.ReplaceAll(c.name, " ", "-")
			put, err := b.PresignPut(ctx, key, f, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if status, body := send(t, put, c.body, c.override); status != 200 {
				t.Fatalf("moto answered %d %s; it used to store the object (if it now refuses, S3's enforcement is testable here)", status, body)
			}
			got, err := b.Stat(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("stat %+v, want %+v", got, c.want)
			}
			if got == f {
				t.Errorf("stat matches the announced file: the confirm step could not tell")
			}
		})
	}
}

func TestBucket_StatOfAMissingFileIsNotFound(t *testing.T) {
	b := newBucket(t)
	_, err := b.Stat(context.Background(), "evidence/bank-pl/a1/none")
	if !audit.IsCode(err, audit.NotFound) {
		t.Errorf("stat of a missing file: %v, want not found", err)
	}
}
