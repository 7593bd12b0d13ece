// Package s3 implements audit.Files on an S3 bucket with aws-sdk-go-v2:
// presigned PUTs that fix a file's content type, size and SHA-256 (S3
// refuses any other body), presigned GETs, and HeadObject to read what
// was stored. main builds the client with NewClient.
package s3

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"touchaudit/internal/audit"
	"touchaudit/internal/awsclient"
)

// NewClient builds an S3 client from cfg with the limits; endpoint, when
// not empty, replaces AWS's (moto) and addresses buckets by path, as local
// servers need. The attempt timeout suits HeadObject and small calls;
// presigning makes no call at all. (A client that streams object bodies
// through GetObject would need an attempt timeout of its own.) Checksums
// are computed only when an operation requires one, so that a presigned
// PUT carries the caller's SHA-256 and no checksum of an empty body.
func NewClient(l awsclient.Limits, cfg aws.Config, endpoint string) *awss3.Client {
	return awss3.NewFromConfig(l.Config(cfg), func(o *awss3.Options) {
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			o.UsePathStyle = true
		}
	})
}

// Bucket is audit.Files on one S3 bucket.
type Bucket struct {
	client  *awss3.Client
	presign *awss3.PresignClient
	name    string
	now     func() time.Time
}

var _ audit.Files = (*Bucket)(nil)

// New returns the file store on bucket name.
func New(client *awss3.Client, name string) *Bucket {
	return &Bucket{client: client, presign: awss3.NewPresignClient(client), name: name, now: time.Now}
}

// PresignPut implements audit.Files. Content-Type, Content-Length and
// x-amz-checksum-sha256 are signed: S3 refuses a PUT whose headers differ
// from them (SignatureDoesNotMatch) and a body whose SHA-256 differs from
// the header (BadDigest), so only the announced file can be stored.
func (b *Bucket) PresignPut(ctx context.Context, key string, f audit.FileSpec, ttl time.Duration) (audit.PresignedRequest, error) {
	signedAt := b.now()
	req, err := b.presign.PresignPutObject(ctx, &awss3.PutObjectInput{
		Bucket:         aws.String(b.name),
		Key:            aws.String(key),
		ContentType:    aws.String(f.ContentType),
		ContentLength:  aws.Int64(f.Size),
		ChecksumSHA256: aws.String(f.SHA256),
	}, awss3.WithPresignExpires(ttl))
	if err != nil {
		return audit.PresignedRequest{}, &audit.Error{Code: audit.Internal, Message: "presign the upload of " + key, Err: err}
	}
	return presigned(req, signedAt.Add(ttl)), nil
}

// PresignGet implements audit.Files.
func (b *Bucket) PresignGet(ctx context.Context, key string, ttl time.Duration) (audit.PresignedRequest, error) {
	signedAt := b.now()
	req, err := b.presign.PresignGetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(b.name), Key: aws.String(key)},
		awss3.WithPresignExpires(ttl))
	if err != nil {
		return audit.PresignedRequest{}, &audit.Error{Code: audit.Internal, Message: "presign the download of " + key, Err: err}
	}
	return presigned(req, signedAt.Add(ttl)), nil
}

// presigned is the SDK's request as the client must send it. Host and
// Content-Length are signed but set by the client's HTTP stack itself
// (fetch refuses to set them), so they are left out of the headers.
func presigned(req *v4.PresignedHTTPRequest, expires time.Time) audit.PresignedRequest {
	h := map[string]string{}
	for k, vs := range req.SignedHeader {
		switch http.CanonicalHeaderKey(k) {
		case "Host", "Content-Length":
			continue
		}
		h[http.CanonicalHeaderKey(k)] = strings.Join(vs, ",")
	}
	return audit.PresignedRequest{Method: req.Method, URL: req.URL, Headers: h, ExpiresAt: expires.UTC().Truncate(time.Second)}
}

// Stat implements audit.Files with HeadObject, asking for the object's
// stored checksum. S3 keeps the SHA-256 a presigned PUT carried (after
// checking the body against it); an object stored without one (moto keeps
// none for a presigned PUT, and checks no body) is read and hashed, so the
// checksum Stat reports is always that of the stored bytes.
func (b *Bucket) Stat(ctx context.Context, key string) (audit.FileSpec, error) {
	out, err := b.client.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String(b.name), Key: aws.String(key),
		ChecksumMode: types.ChecksumModeEnabled})
	if err != nil {
		return audit.FileSpec{}, fileError(key, err)
	}
	f := audit.FileSpec{ContentType: aws.ToString(out.ContentType), Size: aws.ToInt64(out.ContentLength),
		SHA256: aws.ToString(out.ChecksumSHA256)}
	if f.SHA256 == "" && f.Size <= audit.MaxEvidenceSize {
		if f.SHA256, err = b.sum(ctx, key); err != nil {
			return audit.FileSpec{}, err
		}
	}
	return f, nil
}

// sum reads an object (at most audit.MaxEvidenceSize bytes) and returns its
// base64 SHA-256. The body streams after the call returns, so the
// per-attempt timeout (awsclient) is taken off this one call: the caller's
// context and the HTTP client's timeouts still bound it.
func (b *Bucket) sum(ctx context.Context, key string) (string, error) {
	out, err := b.client.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(b.name), Key: aws.String(key)},
		func(o *awss3.Options) {
			o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
				// Limits.Config may have added it more than once (a
				// configuration from Limits.Local given to Limits.S3).
				for {
					if _, err := s.Finalize.Remove("AttemptTimeout"); err != nil {
						return nil
					}
				}
			})
		})
	if err != nil {
		return "", fileError(key, err)
	}
	defer out.Body.Close()
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(out.Body, audit.MaxEvidenceSize+1)); err != nil {
		return "", &audit.Error{Code: audit.Internal, Message: "read the file " + key, Err: err}
	}
	return base64.StdEncoding.EncodeToString(h.Sum(nil)), nil
}

func fileError(key string, err error) error {
	if notFound(err) {
		return audit.Errorf(audit.NotFound, "no file %s", key)
	}
	return &audit.Error{Code: audit.Internal, Message: "read the file " + key, Err: err}
}

// notFound reports S3's answers for a missing object: HeadObject has no
// body, so the error is only the status (NotFound, or 403 without
// s3:ListBucket, which the functions are not granted).
func notFound(err error) bool {
	var nf *types.NotFound
	var nsk *types.NoSuchKey
	if errors.As(err, &nf) || errors.As(err, &nsk) {
		return true
	}
	var api smithy.APIError
	return errors.As(err, &api) && (api.ErrorCode() == "NotFound" || api.ErrorCode() == "NoSuchKey" || api.ErrorCode() == "Forbidden")
}
