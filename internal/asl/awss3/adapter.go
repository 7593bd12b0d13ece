// Package awss3 gives the local Step Functions engine's Distributed Map
// its Amazon S3: the ItemReader's s3:getObject and s3:listObjectsV2 and
// the ResultWriter's s3:putObject, against a real S3 API endpoint (AWS or
// moto_server) through aws-sdk-go-v2.
//
// It implements asl.S3. A failed call comes back as an *Error whose text
// names the S3 error code, the bucket and the key, which the engine reports
// as the cause of States.ItemReaderFailed or States.ResultWriterFailed.
package awss3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"touchaudit/internal/asl"
)

// CallTimeout bounds one adapter call, reading an object's body or every
// page of a listing included: an item source the engine holds in memory
// is at most a few hundred megabytes, which a local endpoint serves in
// seconds.
const CallTimeout = 60 * time.Second

// API is the part of *s3.Client the adapter uses.
type API interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, optFns ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	PutObject(ctx context.Context, in *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

// Adapter serves a Distributed Map's S3 calls (asl.Options{S3: awss3.New(client)}).
type Adapter struct{ api API }

var _ asl.S3 = (*Adapter)(nil)

// New returns an adapter calling S3 through api, usually an *s3.Client
// built by main for the endpoint in use (path-style for moto).
func New(api API) *Adapter { return &Adapter{api: api} }

// Error is a failed S3 call.
type Error struct {
	Op, Bucket, Key string
	Code, Message   string
}

func (e *Error) Error() string {
	where := "s3://" + e.Bucket + "/" + e.Key
	if e.Message == "" {
		return fmt.Sprintf("%s %s: %s", e.Op, where, e.Code)
	}
	return fmt.Sprintf("%s %s: %s: %s", e.Op, where, e.Code, e.Message)
}

func wrap(op, bucket, key string, err error) error {
	e := &Error{Op: op, Bucket: bucket, Key: key, Code: "InternalError", Message: err.Error()}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		e.Code, e.Message = ae.ErrorCode(), ae.ErrorMessage()
	}
	return e
}

// GetObject reads an object's whole body.
func (a *Adapter) GetObject(ctx context.Context, bucket, key, version string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, CallTimeout)
	defer cancel()
	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	if version != "" {
		in.VersionId = aws.String(version)
	}
	out, err := a.api.GetObject(ctx, in)
	if err != nil {
		return nil, wrap("GetObject", bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, wrap("GetObject", bucket, key, err)
	}
	return b, nil
}

// ListObjects lists every object under prefix, following the pages.
func (a *Adapter) ListObjects(ctx context.Context, bucket, prefix string) ([]asl.S3Object, error) {
	ctx, cancel := context.WithTimeout(ctx, CallTimeout)
	defer cancel()
	in := &s3.ListObjectsV2Input{Bucket: aws.String(bucket)}
	if prefix != "" {
		in.Prefix = aws.String(prefix)
	}
	var out []asl.S3Object
	pages := s3.NewListObjectsV2Paginator(a.api, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, wrap("ListObjectsV2", bucket, prefix, err)
		}
		for _, o := range page.Contents {
			out = append(out, asl.S3Object{
				Key: aws.ToString(o.Key), Size: aws.ToInt64(o.Size), ETag: aws.ToString(o.ETag),
				LastModified: aws.ToTime(o.LastModified), StorageClass: string(o.StorageClass),
			})
		}
	}
	return out, nil
}

// PutObject writes an object (a ResultWriter's JSON file).
func (a *Adapter) PutObject(ctx context.Context, bucket, key string, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, CallTimeout)
	defer cancel()
	_, err := a.api.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body),
		ContentType: aws.String("application/json"), ContentLength: aws.Int64(int64(len(body))),
	})
	if err != nil {
		return wrap("PutObject", bucket, key, err)
	}
	return nil
}
