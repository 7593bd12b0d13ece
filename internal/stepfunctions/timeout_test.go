package stepfunctions

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"touchaudit/internal/awsclient"
	"touchaudit/internal/workflow"
)

// With a hung Step Functions API the adapter answers with an error after
// the client's attempts, within its bound, and never as a timed-out task
// (which would make the workflow give up on the walk).
func TestExecutions_HungAPIFailsWithinTheClientsBound(t *testing.T) {
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
	limits := awsclient.Limits{DialTimeout: time.Second, TLSHandshakeTimeout: time.Second, AttemptTimeout: 300 * time.Millisecond,
		MaxAttempts: 3, BaseBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}
	x := New(NewClient(limits, limits.Local(), srv.URL))
	start := time.Now()
	err := x.SendTaskSuccess(t.Context(), "token", []byte(`{}`))
	took := time.Since(start)
	if err == nil || errors.Is(err, workflow.ErrTaskTimedOut) || errors.Is(err, workflow.ErrInvalidToken) {
		t.Fatalf("SendTaskSuccess on a hung API = %v, want a transient error", err)
	}
	if got := attempts.Load(); got != 3 {
		t.Fatalf("%d attempts, want 3", got)
	}
	// 3 × 300 ms + 2 × at most 50 ms = 1 s, plus slack for a loaded machine.
	if took < 900*time.Millisecond || took > 3*time.Second {
		t.Fatalf("answered after %s, want about 0.9–1 s", took)
	}
}
