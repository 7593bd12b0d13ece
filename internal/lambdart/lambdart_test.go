package lambdart_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"touchaudit/internal/lambdart"
)

var (
	fixtureOnce sync.Once
	fixturePath string
	fixtureErr  error
)

// fixture builds testdata/handler once per test binary.
func fixture(t *testing.T) string {
	t.Helper()
	fixtureOnce.Do(func() {
		dir, err := os.MkdirTemp("", "lambdart-fixture-")
		if err != nil {
			fixtureErr = err
			return
		}
		fixturePath = filepath.Join(dir, "fixture-fn", "bootstrap")
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		fixtureErr = lambdart.Build(ctx, "testdata/handler", fixturePath)
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixturePath
}

// logWriter sends the function's log lines to the test log.
type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func start(t *testing.T, cfg lambdart.Config) *lambdart.Function {
	t.Helper()
	cfg.Bootstrap = fixture(t)
	if cfg.Logs == nil {
		cfg.Logs = logWriter{t}
	}
	f, err := lambdart.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

type reply struct {
	Value       string            `json:"value"`
	RequestID   string            `json:"requestId"`
	FunctionARN string            `json:"functionArn"`
	DeadlineMS  int64             `json:"deadlineMs"`
	TraceID     string            `json:"traceId"`
	PID         int               `json:"pid"`
	Env         map[string]string `json:"env"`
}

func invoke(t *testing.T, f *lambdart.Function, event string) (reply, error) {
	t.Helper()
	out, err := f.Invoke(context.Background(), []byte(event))
	if err != nil {
		return reply{}, err
	}
	var r reply
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("response %q: %v", out, err)
	}
	return r, nil
}

func functionError(t *testing.T, err error) *lambdart.FunctionError {
	t.Helper()
	var fe *lambdart.FunctionError
	if !errors.As(err, &fe) {
		t.Fatalf("want *lambdart.FunctionError, got %T: %v", err, err)
	}
	return fe
}

func TestInvoke_Success(t *testing.T) {
	f := start(t, lambdart.Config{FunctionName: "touchaudit-test", MemoryMB: 512, Env: []string{"EXTRA=yes"}})
	before := time.Now()
	r, err := invoke(t, f, `{"action":"echo","value":"Oddział Kraków"}`)
	if err != nil {
		t.Fatal(err)
	}
	if r.Value != "Oddział Kraków" {
		t.Errorf("value = %q", r.Value)
	}
	if len(r.RequestID) != 36 {
		t.Errorf("request id %q is not a UUID", r.RequestID)
	}
	if r.FunctionARN != f.ARN() || !strings.HasSuffix(r.FunctionARN, ":function:touchaudit-test") {
		t.Errorf("function ARN = %q, want %q", r.FunctionARN, f.ARN())
	}
	if d := time.UnixMilli(r.DeadlineMS).Sub(before); d < 29*time.Second || d > 31*time.Second {
		t.Errorf("deadline %v after invoke, want the default 30s", d)
	}
	if !strings.HasPrefix(r.TraceID, "Root=1-") {
		t.Errorf("trace id = %q", r.TraceID)
	}
	want := map[string]string{
		"AWS_LAMBDA_FUNCTION_NAME":        "touchaudit-test",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
		"AWS_LAMBDA_LOG_FORMAT":           "JSON",
		"AWS_REGION":                      "us-east-1",
		"_HANDLER":                        "bootstrap",
		"EXTRA":                           "yes",
		"HOME":                            "", // the parent's environment is not inherited
	}
	for k, v := range want {
		if r.Env[k] != v {
			t.Errorf("env %s = %q, want %q", k, r.Env[k], v)
		}
	}
	if api := r.Env["AWS_LAMBDA_RUNTIME_API"]; !strings.HasPrefix(api, "127.0.0.1:") {
		t.Errorf("AWS_LAMBDA_RUNTIME_API = %q, want a loopback address", api)
	}
}

func TestInvoke_FunctionErrorShape(t *testing.T) {
	f := start(t, lambdart.Config{})
	_, err := invoke(t, f, `{"action":"fail"}`)
	fe := functionError(t, err)
	if fe.Type != "InvalidInput" || fe.Message != "value must not be empty" {
		t.Errorf("got %s: %q, want InvalidInput: value must not be empty", fe.Type, fe.Message)
	}
	var doc map[string]any
	if err := json.Unmarshal(fe.Raw, &doc); err != nil {
		t.Fatalf("raw error %q: %v", fe.Raw, err)
	}
	if doc["errorType"] != "InvalidInput" || doc["errorMessage"] != "value must not be empty" {
		t.Errorf("raw error document = %s", fe.Raw)
	}
	// The environment stays warm after a handled error.
	r1, err := invoke(t, f, `{"value":"a"}`)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := invoke(t, f, `{"value":"b"}`)
	if err != nil {
		t.Fatal(err)
	}
	if r1.PID != r2.PID {
		t.Errorf("process restarted after a handled error: pid %d then %d", r1.PID, r2.PID)
	}
}

func TestInvoke_PanicRestartsEnvironment(t *testing.T) {
	f := start(t, lambdart.Config{})
	before, err := invoke(t, f, `{"value":"warm"}`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = invoke(t, f, `{"action":"panic"}`)
	fe := functionError(t, err)
	if fe.Type != "string" || fe.Message != "fixture panic" {
		t.Errorf("got %s: %q, want aws-lambda-go's panic report (string: fixture panic)", fe.Type, fe.Message)
	}
	if len(fe.StackTrace) == 0 {
		t.Error("a panic should carry a stack trace")
	}
	after, err := invoke(t, f, `{"value":"cold"}`)
	if err != nil {
		t.Fatal(err)
	}
	if after.PID == before.PID {
		t.Error("the process that panicked served the next invoke")
	}
}

func TestInvoke_ExitIsRuntimeExitError(t *testing.T) {
	f := start(t, lambdart.Config{})
	_, err := invoke(t, f, `{"action":"exit"}`)
	fe := functionError(t, err)
	if fe.Type != "Runtime.ExitError" || !strings.Contains(fe.Message, "exit status 3") {
		t.Errorf("got %s: %q", fe.Type, fe.Message)
	}
	if _, err := invoke(t, f, `{"value":"again"}`); err != nil {
		t.Errorf("invoke after exit: %v", err)
	}
}

func TestInvoke_Timeout(t *testing.T) {
	f := start(t, lambdart.Config{Timeout: 300 * time.Millisecond})
	_, err := invoke(t, f, `{"action":"sleep","sleepMs":5000}`)
	fe := functionError(t, err)
	if fe.Type != "Sandbox.Timedout" || !strings.Contains(fe.Message, "Task timed out after 0.30 seconds") {
		t.Errorf("got %s: %q", fe.Type, fe.Message)
	}
	if _, err := invoke(t, f, `{"value":"after timeout"}`); err != nil {
		t.Errorf("invoke after timeout: %v", err)
	}
}

func TestInvoke_ContextCancelled(t *testing.T) {
	f := start(t, lambdart.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := f.Invoke(ctx, []byte(`{"action":"sleep","sleepMs":5000}`))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}
}

func TestInvoke_ConcurrentInvokesQueue(t *testing.T) {
	f := start(t, lambdart.Config{})
	const n = 12
	var wg sync.WaitGroup
	errs := make(chan error, n)
	pids := make(chan int, n)
	for i := range n {
		wg.Go(func() {
			want := fmt.Sprint("invoke-", i)
			r, err := invoke(t, f, fmt.Sprintf(`{"action":"sleep","sleepMs":10,"value":%q}`, want))
			if err != nil {
				errs <- err
				return
			}
			if r.Value != want {
				errs <- fmt.Errorf("got %q, want %q: responses crossed", r.Value, want)
			}
			pids <- r.PID
		})
	}
	wg.Wait()
	close(errs)
	close(pids)
	for err := range errs {
		t.Error(err)
	}
	seen := map[int]bool{}
	for p := range pids {
		seen[p] = true
	}
	if len(seen) != 1 {
		t.Errorf("%d processes served the invokes, want one warm environment", len(seen))
	}
}

func TestInvoke_ConcurrencyRunsEnvironmentsInParallel(t *testing.T) {
	f := start(t, lambdart.Config{Concurrency: 3})
	var wg sync.WaitGroup
	var mu sync.Mutex
	pids := map[int]bool{}
	for range 3 {
		wg.Go(func() {
			// Each invoke holds its environment long enough that the others
			// must be served by another one; no wall-clock assertion.
			r, err := invoke(t, f, `{"action":"sleep","sleepMs":700}`)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			pids[r.PID] = true
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(pids) != 3 {
		t.Errorf("3 concurrent invokes were served by %d environments, want 3", len(pids))
	}
}

func TestClose_StopsProcessAndRefusesInvokes(t *testing.T) {
	f := start(t, lambdart.Config{})
	r, err := invoke(t, f, `{"value":"x"}`)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Invoke(context.Background(), []byte(`{}`)); !errors.Is(err, lambdart.ErrClosed) {
		t.Errorf("invoke after close: %v, want ErrClosed", err)
	}
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", r.PID)); err == nil {
		t.Errorf("process %d still exists after Close", r.PID)
	}
}

func TestStart_RejectsMissingBootstrap(t *testing.T) {
	if _, err := lambdart.Start(lambdart.Config{Bootstrap: filepath.Join(t.TempDir(), "bootstrap")}); err == nil {
		t.Error("Start accepted a missing bootstrap")
	}
}

func TestInits_OnePerColdStart(t *testing.T) {
	f := start(t, lambdart.Config{})
	if got := f.Inits(); len(got) != 0 {
		t.Fatalf("inits before any invoke: %v", got)
	}
	for _, ev := range []string{`{"value":"cold"}`, `{"value":"warm"}`} {
		if _, err := invoke(t, f, ev); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.Inits(); len(got) != 1 || got[0] <= 0 {
		t.Fatalf("inits after a cold and a warm invoke: %v, want one positive", got)
	}
	_, _ = invoke(t, f, `{"action":"panic"}`)
	if _, err := invoke(t, f, `{"value":"cold again"}`); err != nil {
		t.Fatal(err)
	}
	if got := f.Inits(); len(got) != 2 || got[1] <= 0 {
		t.Fatalf("inits after a panic and a new cold start: %v, want two", got)
	}
}
