package executions_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"touchaudit/internal/lambdaenv/executions"
	"touchaudit/internal/lambdaenv/lambdaenvtest"
)

// The adapter calls the Step Functions API at SFN_ENDPOINT.
func TestNew_CallsTheEndpoint(t *testing.T) {
	var mu sync.Mutex
	var targets []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		targets = append(targets, r.Header.Get("X-Amz-Target"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		io.WriteString(w, `{"executionArn":"arn:aws:states:eu-central-1:123456789012:execution:review:r1","startDate":1767000000}`)
	}))
	defer srv.Close()
	x := executions.New(lambdaenvtest.Load(t, map[string]string{"SFN_ENDPOINT": srv.URL}))
	if err := x.StartExecution(t.Context(), "arn:aws:states:eu-central-1:123456789012:stateMachine:review", "r1", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(targets) != 1 || !strings.HasSuffix(targets[0], ".StartExecution") {
		t.Fatalf("the endpoint saw %q, want one StartExecution", targets)
	}
}
