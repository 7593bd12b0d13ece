// Package awsclient gives every AWS SDK client of touchaudit the same
// bounds: an HTTP client with dial, TLS and response-header timeouts, a
// timeout per attempt, a bounded number of attempts with capped, jittered
// backoff, so that one operation against a hung service answers with an
// error well inside the Lambda timeout (template.yaml) instead of at it.
//
// It reads no environment variables: main (through internal/lambdaenv)
// loads the aws.Config and passes it in.
package awsclient

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"
)

// Limits bound one SDK operation.
type Limits struct {
	// DialTimeout and TLSHandshakeTimeout bound opening a connection.
	DialTimeout         time.Duration
	TLSHandshakeTimeout time.Duration
	// AttemptTimeout bounds one attempt: connecting, sending, waiting for
	// and reading the response. An attempt that runs out is retried.
	AttemptTimeout time.Duration
	// MaxAttempts bounds the attempts of one operation (first one included).
	MaxAttempts int
	// BaseBackoff and MaxBackoff shape the wait between attempts: full
	// jitter over BaseBackoff·2^n, capped at MaxBackoff.
	BaseBackoff time.Duration
	MaxBackoff  time.Duration
}

// Limits for functions with template.yaml's Globals Timeout of 30 s (the
// shortest of the stack's functions, and HTTP API's 30 s integration
// limit). A request usually makes a handful of sequential calls; with one
// hung call the function must still answer with an error, log it and leave
// room for a cold start (about 1 s for a Go arm64 bootstrap).
const (
	// LambdaDialTimeout: a regional endpoint connects in milliseconds.
	LambdaDialTimeout = time.Second
	// LambdaTLSHandshakeTimeout: a handshake takes tens of milliseconds.
	LambdaTLSHandshakeTimeout = 2 * time.Second
	// LambdaAttemptTimeout: DynamoDB answers single-item calls in under
	// 10 ms and a 100-item transaction in well under a second; Step
	// Functions' StartExecution and SendTaskSuccess in about 50 ms. An
	// attempt still unanswered after 2 s is hung, not slow.
	LambdaAttemptTimeout = 2 * time.Second
	// LambdaMaxAttempts is the SDK's default of 3 attempts for DynamoDB and
	// Step Functions, kept explicit.
	LambdaMaxAttempts = 3
	// LambdaBaseBackoff is DynamoDB's recommended 50 ms retry base
	// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html#Programming.Errors.RetryAndBackoff).
	LambdaBaseBackoff = 50 * time.Millisecond
	// LambdaMaxBackoff caps a wait well below the SDK's default of 20 s.
	LambdaMaxBackoff = 500 * time.Millisecond
)

// Lambda is the Limits of every client a Lambda function builds. Its
// Bound is 7 s: four wholly hung calls in a row still end before 30 s.
var Lambda = Limits{
	DialTimeout:         LambdaDialTimeout,
	TLSHandshakeTimeout: LambdaTLSHandshakeTimeout,
	AttemptTimeout:      LambdaAttemptTimeout,
	MaxAttempts:         LambdaMaxAttempts,
	BaseBackoff:         LambdaBaseBackoff,
	MaxBackoff:          LambdaMaxBackoff,
}

// Bound is the longest one operation can take: every attempt timing out
// and the longest wait between each two.
func (l Limits) Bound() time.Duration {
	return time.Duration(l.MaxAttempts)*l.AttemptTimeout + time.Duration(l.MaxAttempts-1)*l.MaxBackoff
}

// HTTPClient is the SDK HTTP client with the connection timeouts. The
// response-header timeout equals the attempt timeout, so a server that
// accepts the request and never answers is cut off even without the
// attempt middleware.
func (l Limits) HTTPClient() *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = l.DialTimeout }).
		WithTransportOptions(func(t *http.Transport) {
			t.TLSHandshakeTimeout = l.TLSHandshakeTimeout
			t.ResponseHeaderTimeout = l.AttemptTimeout
		})
}

// Retryer is the standard retryer with the bounded attempts and backoff.
// It has no retry quota (ratelimit.None): a Lambda container serves one
// request at a time and MaxAttempts already bounds each call, while a
// shared token bucket would let one request's failures refuse the next
// request its first retry.
func (l Limits) Retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = l.MaxAttempts
		o.MaxBackoff = l.MaxBackoff
		o.Backoff = jitter{base: l.BaseBackoff, max: l.MaxBackoff}
		o.RateLimiter = ratelimit.None
	})
}

// Config returns cfg with the limits applied to every client built from it
// (HTTP client, retryer and the attempt timeout). The DynamoDB client is
// built here, since every function has one; the other clients are built by
// their adapters (internal/stepfunctions, internal/s3, ...) from Config, so
// that a function links only the SDK clients its role may call.
func (l Limits) Config(cfg aws.Config) aws.Config {
	cfg.HTTPClient = l.HTTPClient()
	cfg.Retryer = l.Retryer
	cfg.RetryMaxAttempts = l.MaxAttempts
	cfg.APIOptions = append(append([]func(*middleware.Stack) error{}, cfg.APIOptions...), l.attemptTimeout)
	return cfg
}

// Local is the configuration for a local AWS-compatible endpoint
// (moto_server, DynamoDB Local, the local Step Functions engine): region
// us-east-1 and the static credentials test/test, which such servers
// accept, with the limits applied. It reads no environment.
func (l Limits) Local() aws.Config {
	return l.Config(aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
}

// DynamoDB builds a DynamoDB client from cfg with the limits; endpoint,
// when not empty, replaces AWS's (moto, DynamoDB Local).
func (l Limits) DynamoDB(cfg aws.Config, endpoint string) *dynamodb.Client {
	return dynamodb.NewFromConfig(l.Config(cfg), func(o *dynamodb.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
}

// jitter is full-jitter exponential backoff: a random wait in
// [0, min(max, base·2^attempt)).
type jitter struct{ base, max time.Duration }

func (j jitter) BackoffDelay(attempt int, _ error) (time.Duration, error) {
	d := j.max
	if attempt < 20 {
		d = min(j.base<<attempt, j.max)
	}
	if d <= 0 {
		return 0, nil
	}
	return rand.N(d), nil
}

// attemptTimeout adds, inside the SDK's retry loop, a deadline to each
// attempt. The response is deserialised within the attempt, so the
// deadline covers reading it too. (A streaming output such as S3
// GetObject's body would be cut when the attempt ends: such clients need
// their own option when they come.)
func (l Limits) attemptTimeout(stack *middleware.Stack) error {
	if l.AttemptTimeout <= 0 {
		return nil
	}
	if _, retried := stack.Finalize.Get("Retry"); !retried {
		// A presign client's stack has no retry loop and sends nothing:
		// there is no attempt to bound.
		return nil
	}
	return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("AttemptTimeout",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			actx, cancel := context.WithTimeout(ctx, l.AttemptTimeout)
			defer cancel()
			out, md, err := next.HandleFinalize(actx, in)
			if err != nil && ctx.Err() == nil && actx.Err() != nil {
				// The SDK reports a cancelled context as final; only this
				// attempt ran out, so say so in a form it retries.
				err = &AttemptTimeoutError{After: l.AttemptTimeout, Err: err}
			}
			return out, md, err
		}), "Retry", middleware.After)
}

// AttemptTimeoutError is one attempt that ran out of its time. It does not
// unwrap to the context error on purpose: the SDK treats a cancelled
// context as final, while this attempt may be retried.
type AttemptTimeoutError struct {
	After time.Duration
	Err   error
}

func (e *AttemptTimeoutError) Error() string {
	return fmt.Sprintf("attempt timed out after %s: %v", e.After, e.Err)
}

// RetryableError tells the SDK's retryer that another attempt may succeed.
func (e *AttemptTimeoutError) RetryableError() bool { return true }

// Timeout marks the error as a timeout (net.Error's convention).
func (e *AttemptTimeoutError) Timeout() bool { return true }
