// Package sfnapi serves the local Step Functions engine (internal/asl) over
// HTTP. It is the engine's own front door rather than a separate adapter: it
// only translates the API's wire format to the engine's methods, which is
// why it imports internal/asl. It speaks the AWS JSON 1.0 protocol of the
// Step Functions API, so that code
// using aws-sdk-go-v2/service/sfn (or any other AWS SDK or the AWS CLI) works
// against it unchanged: point the client's BaseEndpoint at the server.
//
// Requests are POST / with Content-Type application/x-amz-json-1.0 and
// X-Amz-Target AWSStepFunctions.<Operation>. SigV4 signatures are accepted
// and not checked (the server is for local use). Errors are HTTP 400 with
// AWS's {"__type","message"} body, so the SDK returns its typed errors
// (*types.ExecutionAlreadyExists, *types.InvalidToken, ...).
//
// In virtual time a call that makes executions progress (StartExecution,
// StopExecution, SendTask*) settles the engine before it answers: virtual
// time runs until every execution has closed or waits for a task token. So
// a Wait of six months is over by the time StartExecution returns, and a
// DescribeExecution right after it sees where the execution got to. One
// settle runs at a time; a call arriving during another call's settle
// (a concurrent client, or a Task handler calling back into the API)
// leaves its work to that settle and returns at once. WithoutSettling
// leaves the clock to the caller. A real-time engine needs no settling.
package sfnapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"touchaudit/internal/asl"
)

// maxRequestBytes is Step Functions' request size quota: "Maximum request
// size: 1 MB per request ... including the request header and all other
// associated request data" (developer guide, "Step Functions service
// quotas", quotas related to API action throttling and payloads).
const maxRequestBytes = 1 << 20

// targetPrefix is the X-Amz-Target prefix of the Step Functions service
// (the Smithy service shape AWSStepFunctions, API version 2016-11-23).
const targetPrefix = "AWSStepFunctions."

// contentType is the AWS JSON 1.0 media type.
const contentType = "application/x-amz-json-1.0"

// Error codes the server itself produces, beyond the engine's asl.Code*.
const (
	codeUnknownOperation = "UnknownOperationException"
	codeSerialization    = "SerializationException"
	codeInternalFailure  = "InternalFailure"
	codeRequestTooLarge  = "RequestEntityTooLargeException"
	codeInvalidToken     = asl.CodeInvalidToken
	codeValidation       = asl.CodeValidationException
)

// Server is the Step Functions API over HTTP in front of an asl.Engine. It
// is an http.Handler to mount at "/" (the SDK posts to the endpoint's root).
type Server struct {
	engine *asl.Engine
	log    *slog.Logger
	settle bool
	ops    map[string]operation

	// The engine's virtual clock has one driver at a time: a call that
	// finds a settle running leaves the work to it (settleAgain), so a
	// handler that calls back into the API from inside a settle (a Task
	// that sends its own token) does not deadlock.
	settleMu    sync.Mutex
	settling    bool
	settleAgain bool
}

var _ http.Handler = (*Server)(nil)

// Option configures a Server.
type Option func(*Server)

// WithLogger logs internal errors to l (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(s *Server) { s.log = l } }

// WithoutSettling leaves driving virtual time to the caller (Settle,
// Advance, WaitForExecution on the engine): calls return as soon as the
// engine has accepted them.
func WithoutSettling() Option { return func(s *Server) { s.settle = false } }

// NewServer returns the Step Functions API of e.
func NewServer(e *asl.Engine, opts ...Option) *Server {
	s := &Server{engine: e, log: slog.Default(), settle: true}
	for _, o := range opts {
		o(s)
	}
	s.ops = map[string]operation{
		"CreateStateMachine":   handle(s.createStateMachine),
		"DescribeStateMachine": handle(s.describeStateMachine),
		"ListStateMachines":    handle(s.listStateMachines),
		"StartExecution":       handle(s.startExecution),
		"DescribeExecution":    handle(s.describeExecution),
		"GetExecutionHistory":  handle(s.getExecutionHistory),
		"ListExecutions":       handle(s.listExecutions),
		"StopExecution":        handle(s.stopExecution),
		"SendTaskSuccess":      handle(s.sendTaskSuccess),
		"SendTaskFailure":      handle(s.sendTaskFailure),
		"SendTaskHeartbeat":    handle(s.sendTaskHeartbeat),

		"UpdateStateMachine":             handle(s.updateStateMachine),
		"DeleteStateMachine":             handle(s.deleteStateMachine),
		"ValidateStateMachineDefinition": handle(s.validateStateMachineDefinition),
		"TestState":                      handle(s.testState),
		"DescribeMapRun":                 handle(s.describeMapRun),
		"ListMapRuns":                    handle(s.listMapRuns),
	}
	return s
}

// operation decodes a request body, runs the call and returns the response
// document.
type operation func(ctx context.Context, body []byte) (any, error)

// handle adapts a typed operation to the wire: the body is one JSON object
// whose members are the input's (unknown members are ignored, as AWS does).
func handle[In, Out any](f func(context.Context, *In) (*Out, error)) operation {
	return func(ctx context.Context, body []byte) (any, error) {
		in := new(In)
		if len(strings.TrimSpace(string(body))) > 0 {
			if err := json.Unmarshal(body, in); err != nil {
				return nil, &asl.APIError{Code: codeSerialization, Message: "Could not parse the request body: " + err.Error()}
			}
		}
		return f(ctx, in)
	}
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		s.writeError(w, &asl.APIError{Code: codeUnknownOperation, Message: "Step Functions takes POST requests"})
		return
	}
	name, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
	op := s.ops[name]
	if !ok || op == nil {
		s.writeError(w, &asl.APIError{Code: codeUnknownOperation, Message: fmt.Sprintf("Unknown operation %q", r.Header.Get("X-Amz-Target"))})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			s.writeError(w, &asl.APIError{Code: codeRequestTooLarge, Message: fmt.Sprintf("Request size exceeds %d bytes", maxRequestBytes)})
			return
		}
		s.writeError(w, &asl.APIError{Code: codeSerialization, Message: "Could not read the request body"})
		return
	}
	out, err := op(r.Context(), body)
	if err != nil {
		s.writeError(w, err)
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		s.writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// coralCodes are the errors of AWS's request framework, whose __type is in
// the com.amazon.coral.service namespace rather than the service's own.
var coralCodes = map[string]bool{
	codeUnknownOperation: true, codeSerialization: true, codeInternalFailure: true, codeRequestTooLarge: true,
}

// writeError is the one place where errors become HTTP responses: an
// *asl.APIError is a client error (400, or 413 for an oversized request)
// under its AWS code; anything else is logged and shown as an internal
// error (500, which SDKs retry).
func (s *Server) writeError(w http.ResponseWriter, err error) {
	var ae *asl.APIError
	status := http.StatusBadRequest
	if !errors.As(err, &ae) {
		s.log.Error("sfnapi: internal error", "err", err)
		ae = &asl.APIError{Code: codeInternalFailure, Message: "internal error"}
		status = http.StatusInternalServerError
	}
	if ae.Code == codeRequestTooLarge {
		status = http.StatusRequestEntityTooLarge
	}
	ns := "com.amazonaws.swf.service.v2.model#"
	if coralCodes[ae.Code] {
		ns = "com.amazon.coral.service#"
	}
	b, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{ns + ae.Code, ae.Message})
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// settleEngine runs virtual time until nothing can progress without an
// outside call. It goes on if the client hangs up, so that the next call
// finds the engine settled.
func (s *Server) settleEngine(ctx context.Context) {
	if !s.settle {
		return
	}
	ctx = context.WithoutCancel(ctx)
	s.settleMu.Lock()
	s.settleAgain = true
	if s.settling {
		s.settleMu.Unlock()
		return
	}
	s.settling = true
	for s.settleAgain {
		s.settleAgain = false
		s.settleMu.Unlock()
		s.engine.Settle(ctx)
		s.settleMu.Lock()
	}
	s.settling = false
	s.settleMu.Unlock()
}
