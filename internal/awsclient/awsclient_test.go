package awsclient

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
)

func TestLambda_FitsTheFunctionTimeout(t *testing.T) {
	if Lambda.DialTimeout != time.Second || Lambda.TLSHandshakeTimeout != 2*time.Second ||
		Lambda.AttemptTimeout != 2*time.Second || Lambda.MaxAttempts != 3 ||
		Lambda.BaseBackoff != 50*time.Millisecond || Lambda.MaxBackoff != 500*time.Millisecond {
		t.Fatalf("Lambda limits %+v changed: check them against template.yaml's Timeout", Lambda)
	}
	if got := Lambda.Bound(); got != 7*time.Second {
		t.Fatalf("Bound() = %s, want 7s (3 attempts of 2 s, 2 waits of at most 0.5 s)", got)
	}
	// template.yaml, Globals.Function.Timeout: 30 s. Four hung calls in a
	// row must still leave time to answer.
	if 4*Lambda.Bound() >= 30*time.Second {
		t.Fatalf("4 × %s does not fit the 30 s function timeout", Lambda.Bound())
	}
}

// hung is a server that accepts every request and never answers; it counts
// the requests it was sent.
func hung(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	return srv, &n
}

// fast limits keep the test short; TestLambda_FitsTheFunctionTimeout pins
// the real ones and internal/dynamo runs a store on them.
var fast = Limits{DialTimeout: time.Second, TLSHandshakeTimeout: time.Second, AttemptTimeout: 200 * time.Millisecond,
	MaxAttempts: 4, BaseBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}

func TestLimits_HungServerFailsAfterTheAttemptsWithinTheBound(t *testing.T) {
	for _, tc := range []struct {
		name string
		call func(t *testing.T, endpoint string) error
	}{
		{"DynamoDB GetItem", func(t *testing.T, endpoint string) error {
			_, err := fast.DynamoDB(fast.Local(), endpoint).GetItem(t.Context(), &dynamodb.GetItemInput{TableName: aws.String("t"),
				Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "p"}}})
			return err
		}},
		{"Step Functions SendTaskSuccess", func(t *testing.T, endpoint string) error {
			_, err := sfn.NewFromConfig(fast.Config(fast.Local()), func(o *sfn.Options) { o.BaseEndpoint = aws.String(endpoint) }).SendTaskSuccess(t.Context(), &sfn.SendTaskSuccessInput{TaskToken: aws.String("tok"), Output: aws.String("{}")})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, n := hung(t)
			start := time.Now()
			err := tc.call(t, srv.URL)
			took := time.Since(start)
			if err == nil {
				t.Fatal("a hung server answered")
			}
			if got := n.Load(); got != 4 {
				t.Fatalf("the server saw %d attempts, want 4 (MaxAttempts): %v", got, err)
			}
			// 4 × 200 ms + 3 × at most 50 ms = 950 ms; allow for a loaded machine.
			if took < 800*time.Millisecond || took > 950*time.Millisecond+2*time.Second {
				t.Fatalf("failed after %s, want about 0.8–0.95 s (bound %s)", took, fast.Bound())
			}
		})
	}
}

func TestLimits_RetriesServerErrorsAndThrottlesUpToMaxAttempts(t *testing.T) {
	for _, tc := range []struct {
		name     string
		failures int64
		status   int
		body     string
		wantErr  bool
		wantSeen int64
	}{
		{"two 500s then success", 2, 500, `{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"x"}`, false, 3},
		{"three throttles then success", 3, 400, `{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"x"}`, false, 4},
		{"four 500s fail", 4, 500, `{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"x"}`, true, 4},
		{"a validation error is not retried", 1, 400, `{"__type":"com.amazon.coral.validate#ValidationException","message":"x"}`, true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var seen atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/x-amz-json-1.0")
				if seen.Add(1) <= tc.failures {
					w.WriteHeader(tc.status)
					w.Write([]byte(tc.body))
					return
				}
				w.Write([]byte(`{}`))
			}))
			defer srv.Close()
			_, err := fast.DynamoDB(fast.Local(), srv.URL).GetItem(t.Context(), &dynamodb.GetItemInput{TableName: aws.String("t"),
				Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "p"}}})
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if got := seen.Load(); got != tc.wantSeen {
				t.Fatalf("%d attempts, want %d", got, tc.wantSeen)
			}
		})
	}
}

func TestJitter_StaysUnderTheCappedExponential(t *testing.T) {
	j := jitter{base: 50 * time.Millisecond, max: 500 * time.Millisecond}
	for _, tc := range []struct {
		attempt int
		ceiling time.Duration
	}{{0, 50 * time.Millisecond}, {1, 100 * time.Millisecond}, {3, 400 * time.Millisecond}, {4, 500 * time.Millisecond}, {40, 500 * time.Millisecond}} {
		for range 200 {
			d, err := j.BackoffDelay(tc.attempt, nil)
			if err != nil || d < 0 || d >= tc.ceiling {
				t.Fatalf("BackoffDelay(%d) = %s, %v; want in [0, %s)", tc.attempt, d, err, tc.ceiling)
			}
		}
	}
}
