// Package lambdart runs a built Lambda `bootstrap` binary on this machine and
// serves it the AWS Lambda Runtime API, so the real function can be invoked
// without Docker or AWS: by the smoke tests, and by the local Step Functions
// engine when a Task state calls a function.
//
// It implements the parts of the Runtime API a Go function built with
// aws-lambda-go uses (invocation/next, response, error and init/error), sets
// the environment variables Lambda sets, and reports function errors in
// Lambda's shape ({"errorMessage","errorType","stackTrace"}).
//
// Runtime API: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
package lambdart

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"
)

const (
	// defaultTimeout is Lambda's default function timeout (3 s) raised to the
	// 30 s touchaudit's template sets in Globals.
	defaultTimeout = 30 * time.Second
	// defaultMemoryMB matches MemorySize in template.yaml Globals.
	defaultMemoryMB = 256
	// maxPayloadBytes is the synchronous invocation payload quota for both
	// request and response (6 MB). Source: Lambda quotas,
	// https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
	maxPayloadBytes = 6 * 1024 * 1024
	// accountID is the documentation account id, also moto's default.
	accountID = "123456789012"
)

// Config describes one function. Only Bootstrap is required.
type Config struct {
	// Bootstrap is the path of the built executable (a Linux binary for the
	// host's architecture).
	Bootstrap string
	// FunctionName is AWS_LAMBDA_FUNCTION_NAME; default: the base name of the
	// directory holding Bootstrap.
	FunctionName string
	// Handler is _HANDLER; default "bootstrap".
	Handler string
	// Region is AWS_REGION and AWS_DEFAULT_REGION; default "us-east-1".
	Region string
	// MemoryMB is AWS_LAMBDA_FUNCTION_MEMORY_SIZE; default 256.
	MemoryMB int
	// Timeout bounds one invocation, as the function's Timeout does in
	// Lambda; default 30 s. A context deadline that comes sooner wins.
	Timeout time.Duration
	// Env is appended to the Lambda environment; later entries win, so a
	// caller may override any Lambda variable. The parent's environment is
	// not inherited, as in Lambda.
	Env []string
	// Logs receives the function's stdout and stderr (its JSON logs);
	// default os.Stderr.
	Logs io.Writer
	// Concurrency is the number of execution environments (processes).
	// Each serves one invocation at a time; further invocations queue.
	// Default 1.
	Concurrency int
}

// FunctionError is an error the function reported through the Runtime API
// (a handler error, a panic, an init error), or one the runtime produced on
// the function's behalf (Runtime.ExitError, Sandbox.Timedout).
type FunctionError struct {
	Type       string       `json:"errorType"`
	Message    string       `json:"errorMessage"`
	StackTrace []StackFrame `json:"stackTrace,omitempty"`
	// Raw is the error document as Lambda returns it; Step Functions passes
	// exactly this as a failed Task's Cause.
	Raw json.RawMessage `json:"-"`
}

func (e *FunctionError) Error() string {
	return fmt.Sprintf("lambda function error %s: %s", e.Type, e.Message)
}

// StackFrame is one frame of an error's stack trace as aws-lambda-go reports
// it. Runtimes that report frames as plain strings decode into Label.
type StackFrame struct {
	Path  string `json:"path,omitempty"`
	Line  int32  `json:"line,omitempty"`
	Label string `json:"label,omitempty"`
}

// UnmarshalJSON accepts both aws-lambda-go's frame objects and the plain
// strings other runtimes send.
func (f *StackFrame) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*f = StackFrame{Label: s}
		return nil
	}
	type plain StackFrame
	return json.Unmarshal(b, (*plain)(f))
}

// newFunctionError builds a FunctionError the runtime raises itself.
func newFunctionError(typ, msg string) *FunctionError {
	e := &FunctionError{Type: typ, Message: msg}
	e.Raw, _ = json.Marshal(e)
	return e
}

// decodeFunctionError reads an error document posted by the function. A body
// that is not Lambda's error shape is kept as the message, as Lambda does.
func decodeFunctionError(body []byte, headerType string) *FunctionError {
	var e FunctionError
	if err := json.Unmarshal(body, &e); err != nil || (e.Type == "" && e.Message == "") {
		e = FunctionError{Message: string(body)}
	}
	if e.Type == "" {
		e.Type = headerType
	}
	if e.Type == "" {
		e.Type = "Unhandled"
	}
	e.Raw = append(json.RawMessage(nil), body...)
	if !json.Valid(e.Raw) {
		e.Raw, _ = json.Marshal(&e)
	}
	return &e
}

// ErrClosed is returned by Invoke after Close.
var ErrClosed = errors.New("lambdart: function closed")

// Function is a started function: a pool of execution environments.
type Function struct {
	cfg    Config
	arn    string
	idle   chan *environment
	envs   []*environment
	closed chan struct{}
	once   sync.Once

	initMu sync.Mutex
	inits  []time.Duration
}

// Inits are the init durations of this function's cold starts so far, in
// order: from just before a process was started to its first request for
// work (GET invocation/next), the span Lambda reports as "Init Duration".
func (f *Function) Inits() []time.Duration {
	f.initMu.Lock()
	defer f.initMu.Unlock()
	return slices.Clone(f.inits)
}

func (f *Function) recordInit(d time.Duration) {
	f.initMu.Lock()
	f.inits = append(f.inits, d)
	f.initMu.Unlock()
}

// Start prepares the function's execution environments. Each one listens on
// its own loopback port (port 0) and starts its process on first invoke, as
// Lambda starts environments cold.
func Start(cfg Config) (*Function, error) {
	if cfg.Bootstrap == "" {
		return nil, errors.New("lambdart: Config.Bootstrap is required")
	}
	abs, err := filepath.Abs(cfg.Bootstrap)
	if err != nil {
		return nil, fmt.Errorf("lambdart: %w", err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("lambdart: bootstrap: %w", err)
	}
	if st.IsDir() || st.Mode()&0o111 == 0 {
		return nil, fmt.Errorf("lambdart: bootstrap %s is not an executable file", abs)
	}
	cfg.Bootstrap = abs
	if cfg.FunctionName == "" {
		cfg.FunctionName = filepath.Base(filepath.Dir(abs))
	}
	if cfg.Handler == "" {
		cfg.Handler = "bootstrap"
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.MemoryMB <= 0 {
		cfg.MemoryMB = defaultMemoryMB
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultTimeout
	}
	if cfg.Logs == nil {
		cfg.Logs = os.Stderr
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 1
	}
	f := &Function{
		cfg:    cfg,
		arn:    fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", cfg.Region, accountID, cfg.FunctionName),
		idle:   make(chan *environment, cfg.Concurrency),
		closed: make(chan struct{}),
	}
	for range cfg.Concurrency {
		env, err := newEnvironment(f)
		if err != nil {
			f.Close()
			return nil, err
		}
		f.envs = append(f.envs, env)
		f.idle <- env
	}
	return f, nil
}

// ARN is the function ARN the function sees in its invocation context.
func (f *Function) ARN() string { return f.arn }

// Name is the function name.
func (f *Function) Name() string { return f.cfg.FunctionName }

// Invoke runs one synchronous invocation (RequestResponse) and returns the
// function's response payload. A function error comes back as
// *FunctionError; other errors are the runtime's own (context cancelled,
// closed, process could not start).
func (f *Function) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	if len(payload) > maxPayloadBytes {
		return nil, newFunctionError("RequestTooLargeException",
			fmt.Sprintf("request payload of %d bytes exceeds the %d byte limit", len(payload), maxPayloadBytes))
	}
	var env *environment
	select {
	case env = <-f.idle:
	case <-f.closed:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() {
		select {
		case <-f.closed:
		default:
			f.idle <- env
		}
	}()
	select {
	case <-f.closed:
		return nil, ErrClosed
	default:
	}
	out, err := env.invoke(ctx, payload)
	if err != nil {
		select {
		case <-f.closed:
			return nil, ErrClosed
		default:
		}
	}
	return out, err
}

// Close stops every environment: processes get SIGTERM, then SIGKILL after a
// short grace period, and listeners close. Invocations in flight fail.
func (f *Function) Close() error {
	f.once.Do(func() {
		close(f.closed)
		var wg sync.WaitGroup
		for _, env := range f.envs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				env.shutdown()
			}()
		}
		wg.Wait()
	})
	return nil
}

// newRequestID returns a random UUID (version 4), the format of Lambda
// request ids.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// newTraceID returns an X-Ray trace header value, not sampled.
func newTraceID(now time.Time) string {
	var b [20]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return "Root=1-" + strconv.FormatInt(now.Unix(), 16) + "-" + h[:24] + ";Parent=" + h[24:40] + ";Sampled=0"
}
