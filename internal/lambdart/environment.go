package lambdart

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

const (
	apiPrefix = "/2018-06-01/runtime"

	headerRequestID   = "Lambda-Runtime-Aws-Request-Id"
	headerDeadlineMS  = "Lambda-Runtime-Deadline-Ms"
	headerFunctionARN = "Lambda-Runtime-Invoked-Function-Arn"
	headerTraceID     = "Lambda-Runtime-Trace-Id"
	headerErrorType   = "Lambda-Runtime-Function-Error-Type"
	// aws-lambda-go reports an error that happens while it streams a
	// response in these trailers instead of posting to /error.
	trailerErrorType = "Lambda-Runtime-Function-Error-Type"
	trailerErrorBody = "Lambda-Runtime-Function-Error-Body"

	// shutdownGrace is how long a process gets after SIGTERM before SIGKILL;
	// Lambda gives 500 ms to runtimes without extensions, we are kinder.
	shutdownGrace = 2 * time.Second
)

// environment is one execution environment: a Runtime API endpoint on its
// own loopback port and, while warm, one bootstrap process polling it.
type environment struct {
	f    *Function
	ln   net.Listener
	srv  *http.Server
	next chan *invocation // hands an invocation to a waiting /next request

	mu       sync.Mutex
	proc     *process
	inflight *invocation
	stopped  bool // set by shutdown; no process starts afterwards
}

type process struct {
	cmd     *exec.Cmd
	started time.Time     // just before the process was started
	exited  chan struct{} // closed once the process has been reaped
	err     error         // Wait's result; read only after exited is closed
	served  atomic.Bool   // it has taken at least one invocation
	polled  atomic.Bool   // it has asked for work (its init is over)
}

type invocation struct {
	id       string
	payload  []byte
	deadline time.Time
	traceID  string
	done     chan result // buffered: the first result wins
}

type result struct {
	payload []byte
	err     error
}

func (inv *invocation) finish(r result) {
	select {
	case inv.done <- r:
	default: // already answered; Lambda also ignores a second answer
	}
}

func newEnvironment(f *Function) (*environment, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("lambdart: listen: %w", err)
	}
	e := &environment{f: f, ln: ln, next: make(chan *invocation)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+apiPrefix+"/invocation/next", e.handleNext)
	mux.HandleFunc("POST "+apiPrefix+"/invocation/{id}/response", e.handleResponse)
	mux.HandleFunc("POST "+apiPrefix+"/invocation/{id}/error", e.handleError)
	mux.HandleFunc("POST "+apiPrefix+"/init/error", e.handleInitError)
	// No write timeout: /next is a long poll that lasts until an invoke comes.
	e.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = e.srv.Serve(ln) }()
	return e, nil
}

// invoke runs one invocation in this environment; the caller holds it
// exclusively.
func (e *environment) invoke(ctx context.Context, payload []byte) ([]byte, error) {
	now := time.Now()
	deadline := now.Add(e.f.cfg.Timeout)
	callerDeadline := false
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline, callerDeadline = d, true
	}
	inv := &invocation{
		id:       newRequestID(),
		payload:  payload,
		deadline: deadline,
		traceID:  newTraceID(now),
		done:     make(chan result, 1),
	}
	e.mu.Lock()
	e.inflight = inv
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.inflight = nil
		e.mu.Unlock()
	}()

	timeout := time.NewTimer(e.f.cfg.Timeout)
	defer timeout.Stop()
	var p *process
	timeoutError := func() error {
		return newFunctionError("Sandbox.Timedout",
			fmt.Sprintf("RequestId: %s Error: Task timed out after %.2f seconds", inv.id, e.f.cfg.Timeout.Seconds()))
	}
	timedOut := func() error {
		e.kill(p)
		return timeoutError()
	}

	// answer returns the function's result unless the invocation was already
	// over: a handler that watches its context answers at the deadline, in
	// a race with our timer, and the timeout must win that race every time.
	// The function sees the deadline in whole milliseconds, so it may give
	// up to a millisecond before our timers fire.
	seenDeadline := time.UnixMilli(deadline.UnixMilli())
	answer := func(r result) ([]byte, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !time.Now().Before(seenDeadline) {
			if callerDeadline {
				return nil, context.DeadlineExceeded
			}
			return nil, timeoutError()
		}
		return r.payload, r.err
	}

	// Wait for the runtime to ask for work. An init error can answer first.
	for handed := false; !handed; {
		var err error
		if p, err = e.ensureProcess(); err != nil {
			return nil, err
		}
		select {
		case e.next <- inv:
			handed = true
			p.served.Store(true)
		case r := <-inv.done:
			return answer(r)
		case <-p.exited:
			// A warm process may exit after answering its last invoke (a
			// panic makes aws-lambda-go exit). This invoke never reached
			// it, so a fresh process can take it. A process that dies
			// before its first invoke failed to initialise.
			if !p.served.Load() {
				return nil, e.exitError(p, inv)
			}
		case <-ctx.Done():
			e.kill(p)
			return nil, ctx.Err()
		case <-timeout.C:
			return nil, timedOut()
		}
	}
	select {
	case r := <-inv.done:
		return answer(r)
	case <-p.exited:
		// A panicking function posts its error and then exits; the error
		// it posted is the answer.
		select {
		case r := <-inv.done:
			return answer(r)
		default:
		}
		return nil, e.exitError(p, inv)
	case <-ctx.Done():
		e.kill(p)
		return nil, ctx.Err()
	case <-timeout.C:
		return nil, timedOut()
	}
}

func (e *environment) exitError(p *process, inv *invocation) error {
	reason := "Runtime exited without providing a reason"
	if p.err != nil {
		reason = "Runtime exited with error: " + p.err.Error()
	}
	return newFunctionError("Runtime.ExitError", fmt.Sprintf("RequestId: %s Error: %s", inv.id, reason))
}

// ensureProcess returns the warm process or starts a new one (a cold start),
// for example after the previous one panicked or timed out.
func (e *environment) ensureProcess() (*process, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stopped {
		return nil, ErrClosed
	}
	if e.proc != nil {
		select {
		case <-e.proc.exited:
			e.proc = nil
		default:
			return e.proc, nil
		}
	}
	cfg := e.f.cfg
	cmd := exec.Command(cfg.Bootstrap)
	cmd.Dir = filepath.Dir(cfg.Bootstrap)
	cmd.Env = e.environ()
	cmd.Stdout, cmd.Stderr = cfg.Logs, cfg.Logs
	// Own process group so Close can kill helpers too; Pdeathsig so the
	// function never outlives whoever started it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	cmd.WaitDelay = time.Second
	started := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("lambdart: start %s: %w", cfg.Bootstrap, err)
	}
	p := &process{cmd: cmd, started: started, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	e.proc = p
	return p, nil
}

// environ is the environment Lambda gives a provided.al2023 function, plus
// the caller's additions.
func (e *environment) environ() []string {
	cfg := e.f.cfg
	dir := filepath.Dir(cfg.Bootstrap)
	stream := time.Now().UTC().Format("2006/01/02") + "/[$LATEST]" + newRequestID()[:8] + newRequestID()[24:]
	env := []string{
		"PATH=/usr/local/bin:/usr/bin:/bin:/opt/bin",
		"LANG=en_US.UTF-8",
		"TZ=:UTC",
		"LAMBDA_TASK_ROOT=" + dir,
		"LAMBDA_RUNTIME_DIR=" + dir,
		"_HANDLER=" + cfg.Handler,
		"AWS_REGION=" + cfg.Region,
		"AWS_DEFAULT_REGION=" + cfg.Region,
		"AWS_LAMBDA_FUNCTION_NAME=" + cfg.FunctionName,
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + strconv.Itoa(cfg.MemoryMB),
		"AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/" + cfg.FunctionName,
		"AWS_LAMBDA_LOG_STREAM_NAME=" + stream,
		"AWS_LAMBDA_LOG_FORMAT=JSON",
		"AWS_LAMBDA_LOG_LEVEL=INFO",
		"AWS_LAMBDA_RUNTIME_API=" + e.ln.Addr().String(),
	}
	return append(env, cfg.Env...)
}

// kill ends the process at once and waits until it is reaped.
func (e *environment) kill(p *process) {
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.exited
}

func (e *environment) shutdown() {
	e.mu.Lock()
	p := e.proc
	e.stopped = true
	e.mu.Unlock()
	if p != nil {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(shutdownGrace):
			e.kill(p)
		}
	}
	_ = e.srv.Close()
}

// current returns the invocation in flight if id names it.
func (e *environment) current(id string) *invocation {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.inflight != nil && (id == "" || e.inflight.id == id) {
		return e.inflight
	}
	return nil
}

func (e *environment) handleNext(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	if p := e.proc; p != nil && !p.polled.Swap(true) {
		e.f.recordInit(time.Since(p.started))
	}
	e.mu.Unlock()
	select {
	case inv := <-e.next:
		h := w.Header()
		h.Set(headerRequestID, inv.id)
		h.Set(headerDeadlineMS, strconv.FormatInt(inv.deadline.UnixMilli(), 10))
		h.Set(headerFunctionARN, e.f.arn)
		h.Set(headerTraceID, inv.traceID)
		h.Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(inv.payload)
	case <-r.Context().Done():
	case <-e.f.closed:
		writeAPIError(w, http.StatusInternalServerError, "Runtime.Shutdown", "the function is shutting down")
	}
}

func (e *environment) handleResponse(w http.ResponseWriter, r *http.Request) {
	inv := e.current(r.PathValue("id"))
	if inv == nil {
		writeAPIError(w, http.StatusBadRequest, "InvalidRequestID", "no invocation in flight with this request id")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxPayloadBytes+1))
	if err != nil {
		inv.finish(result{err: fmt.Errorf("lambdart: read response: %w", err)})
		writeAPIError(w, http.StatusBadRequest, "InvalidRequest", err.Error())
		return
	}
	if len(body) > maxPayloadBytes {
		inv.finish(result{err: newFunctionError("Function.ResponseSizeTooLarge",
			fmt.Sprintf("response payload exceeds the %d byte limit", maxPayloadBytes))})
		writeAPIError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "response payload too large")
		return
	}
	// Trailers are complete once the body has been read to the end.
	if typ := r.Trailer.Get(trailerErrorType); typ != "" {
		doc, _ := base64.StdEncoding.DecodeString(r.Trailer.Get(trailerErrorBody))
		inv.finish(result{err: decodeFunctionError(doc, typ)})
	} else {
		inv.finish(result{payload: body})
	}
	writeAccepted(w)
}

func (e *environment) handleError(w http.ResponseWriter, r *http.Request) {
	inv := e.current(r.PathValue("id"))
	if inv == nil {
		writeAPIError(w, http.StatusBadRequest, "InvalidRequestID", "no invocation in flight with this request id")
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxPayloadBytes))
	inv.finish(result{err: decodeFunctionError(body, r.Header.Get(headerErrorType))})
	writeAccepted(w)
}

// handleInitError fails the invocation waiting for this environment; the
// runtime is expected to exit afterwards, and the next invoke starts afresh.
func (e *environment) handleInitError(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxPayloadBytes))
	ferr := decodeFunctionError(body, r.Header.Get(headerErrorType))
	if inv := e.current(""); inv != nil {
		inv.finish(result{err: ferr})
	}
	writeAccepted(w)
}

func writeAccepted(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_, _ = io.WriteString(w, `{"status":"OK"}`)
}

func writeAPIError(w http.ResponseWriter, status int, typ, msg string) {
	b, err := json.Marshal(map[string]string{"errorType": typ, "errorMessage": msg})
	if err != nil {
		b = []byte(`{"errorType":"Unknown"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
