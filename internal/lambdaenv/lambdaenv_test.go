package lambdaenv

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"touchaudit/internal/audit"
)

// A function's store, built as a function builds it, answers with an error
// within awsclient.Lambda's 7 s bound when DynamoDB hangs, after 3 attempts,
// even when the environment asks the SDK for more.
func TestStore_AnswersWithinTheBoundWhenDynamoDBHangs(t *testing.T) {
	var attempts atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		attempts.Add(1)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1",
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
		"AWS_MAX_ATTEMPTS": "10", "AWS_RETRY_MODE": "standard",
	} {
		t.Setenv(k, v)
	}
	env := map[string]string{"TABLE_NAME": "touchaudit", "DYNAMODB_ENDPOINT": srv.URL}
	s, err := Store(t.Context(), func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = s.GetAssignment(t.Context(), "a1")
	took := time.Since(start)
	if !audit.IsCode(err, audit.Internal) {
		t.Fatalf("GetAssignment on a hung DynamoDB = %v, want an internal error", err)
	}
	if got := attempts.Load(); got != 3 {
		t.Fatalf("DynamoDB saw %d attempts, want 3", got)
	}
	// 3 attempts of 2 s and 2 waits of at most 0.5 s: 6–7 s, plus slack for
	// a loaded machine, far inside the 30 s function timeout.
	if took < 6*time.Second || took > 9*time.Second {
		t.Fatalf("answered after %s, want 6–7 s", took)
	}
}
