package asl

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"touchaudit/internal/asl/jsonvalue"
)

// Handler is an in-process implementation of a Task resource: it gets the
// state's effective input (for Lambda, the payload) and returns the result.
// An error reaches the state machine under ErrorName(err).
type Handler func(ctx context.Context, input json.RawMessage) (json.RawMessage, error)

// Invoker invokes a Lambda function outside the process, for example
// through a Lambda Runtime API endpoint. A function error should be returned
// as a *FunctionError; any other error is reported as Lambda.ServiceException.
type Invoker interface {
	Invoke(ctx context.Context, payload []byte) ([]byte, error)
}

// FunctionError is a Lambda function error (the errorType/errorMessage
// document of a failed invocation).
type FunctionError struct {
	ErrorType    string `json:"errorType"`
	ErrorMessage string `json:"errorMessage"`
}

func (e *FunctionError) Error() string     { return e.ErrorType + ": " + e.ErrorMessage }
func (e *FunctionError) ErrorName() string { return e.ErrorType }

// Registry binds Task resources to handlers. Lambda functions are keyed by
// function name, so a function registered by ARN or by name serves every
// form of its name (name, ARN, partial ARN, qualified ARN). It is safe for
// concurrent use.
type Registry struct {
	mu       sync.RWMutex
	handlers map[string]Handler
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{handlers: map[string]Handler{}} }

// Register binds a resource ARN (or a Lambda function name) to h.
func (r *Registry) Register(arn string, h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.handlers[registryKey(arn)] = h
}

// RegisterInvoker binds a Lambda function (ARN or name) to an Invoker.
func (r *Registry) RegisterInvoker(arn string, inv Invoker) {
	r.Register(arn, func(ctx context.Context, in json.RawMessage) (json.RawMessage, error) {
		out, err := inv.Invoke(ctx, in)
		if err != nil {
			if _, ok := err.(*FunctionError); ok {
				return nil, err
			}
			return nil, &StatesError{Name: "Lambda.ServiceException", Cause: err.Error()}
		}
		return out, nil
	})
}

// TypedHandler adapts func(ctx, In) (Out, error), the shape of touchaudit's
// service methods, to a Handler using the same JSON path as aws-lambda-go.
func TypedHandler[In, Out any](f func(context.Context, In) (Out, error)) Handler {
	return func(ctx context.Context, raw json.RawMessage) (json.RawMessage, error) {
		var in In
		if err := json.Unmarshal(raw, &in); err != nil {
			return nil, err
		}
		out, err := f(ctx, in)
		if err != nil {
			return nil, err
		}
		return json.Marshal(out)
	}
}

func (r *Registry) lookup(key string) (Handler, bool) {
	if r == nil {
		return nil, false
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	h, ok := r.handlers[registryKey(key)]
	return h, ok
}

// registryKey maps every name of a Lambda function to "function:NAME".
func registryKey(s string) string {
	if name, ok := functionName(s); ok {
		return "function:" + name
	}
	return s
}

// functionName extracts NAME from "NAME", "NAME:qualifier",
// "ACCOUNT:function:NAME" and "arn:aws:lambda:REGION:ACCOUNT:function:NAME[:q]".
func functionName(s string) (string, bool) {
	if i := strings.Index(s, ":function:"); i >= 0 {
		rest := s[i+len(":function:"):]
		return strings.SplitN(rest, ":", 2)[0], rest != ""
	}
	if strings.HasPrefix(s, "arn:") || s == "" {
		return "", false
	}
	return strings.SplitN(s, ":", 2)[0], true
}

// DynamoDB is what the dynamodb:getItem/putItem/updateItem/deleteItem
// integrations need. Requests and responses are the AWS JSON documents of
// the DynamoDB API (as Step Functions passes them), decoded. An error is
// reported as "DynamoDB." + ErrorName(err), e.g.
// DynamoDB.ConditionalCheckFailedException.
type DynamoDB interface {
	GetItem(ctx context.Context, request map[string]any) (map[string]any, error)
	PutItem(ctx context.Context, request map[string]any) (map[string]any, error)
	UpdateItem(ctx context.Context, request map[string]any) (map[string]any, error)
	DeleteItem(ctx context.Context, request map[string]any) (map[string]any, error)
}

// integrate runs a resource for one task attempt.
func (e *Engine) integrate(ctx context.Context, t *thread, ref resourceRef, params any) (any, *StatesError) {
	if h, ok := e.registry.lookup(ref.arn); ok && !ref.functionARN {
		return runHandler(ctx, h, params)
	}
	switch {
	case ref.functionARN:
		h, ok := e.registry.lookup(ref.arn)
		if !ok {
			return nil, noFunction(ref.arn)
		}
		return runHandler(ctx, h, params)
	case ref.service == "lambda" && ref.action == "invoke":
		return e.lambdaInvoke(ctx, params)
	case ref.service == "states" && ref.action == "startExecution":
		return e.startChild(t, ref, params)
	case ref.service == "dynamodb":
		return e.dynamoCall(ctx, ref.action, params)
	}
	return nil, &StatesError{Name: ErrTaskFailed, Cause: fmt.Sprintf("touchaudit: no handler is registered for resource %q and no mocked response applies", ref.arn)}
}

// noFunction is what Lambda answers for a function that does not exist.
// The local engine answers the same for a function with no handler.
func noFunction(name string) *StatesError {
	return &StatesError{Name: "Lambda.ResourceNotFoundException", Cause: fmt.Sprintf("Function not found: %s (touchaudit: no handler registered and no mocked response)", name)}
}

// runHandler calls h with params as JSON and decodes its result. A panic is
// a function error named after the panic value's type, as in aws-lambda-go.
func runHandler(ctx context.Context, h Handler, params any) (result any, serr *StatesError) {
	in, err := json.Marshal(params)
	if err != nil {
		return nil, &StatesError{Name: ErrRuntime, Cause: err.Error()}
	}
	var out json.RawMessage
	func() {
		defer func() {
			if r := recover(); r != nil {
				name := "panic"
				if t := reflect.TypeOf(r); t != nil {
					name = t.Name()
					if t.Kind() == reflect.Pointer {
						name = t.Elem().Name()
					}
				}
				err = &FunctionError{ErrorType: name, ErrorMessage: fmt.Sprint(r)}
			}
		}()
		out, err = h(ctx, in)
	}()
	if err != nil {
		return nil, handlerError(err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	v, derr := decodeJSON(out)
	if derr != nil {
		return nil, &StatesError{Name: ErrTaskFailed, Cause: "the handler returned invalid JSON: " + derr.Error()}
	}
	return v, nil
}

// handlerError turns a handler's error into the error the state sees: its
// name, and as cause the Lambda error document.
func handlerError(err error) *StatesError {
	if se, ok := err.(*StatesError); ok {
		return se
	}
	name := ErrorName(err)
	msg := err.Error()
	if fe, ok := err.(*FunctionError); ok {
		msg = fe.ErrorMessage
	}
	cause, _ := json.Marshal(map[string]any{"errorMessage": msg, "errorType": name, "stackTrace": []any{}})
	return &StatesError{Name: name, Cause: string(cause)}
}

// lambdaInvoke is arn:aws:states:::lambda:invoke: Parameters FunctionName
// and Payload; the result is the Lambda Invoke response as Step Functions
// shows it (ExecutedVersion, Payload, SdkHttpMetadata, SdkResponseMetadata,
// StatusCode).
func (e *Engine) lambdaInvoke(ctx context.Context, params any) (any, *StatesError) {
	p, _ := params.(*jsonvalue.Object)
	fn, _ := p.Value("FunctionName").(string)
	if fn == "" {
		return nil, &StatesError{Name: "Lambda.InvalidParameterValueException", Cause: "The Parameters of a lambda:invoke task must include a string FunctionName."}
	}
	h, ok := e.registry.lookup(fn)
	if !ok {
		return nil, noFunction(fn)
	}
	payload, ok := p.Get("Payload")
	if !ok {
		payload = jsonvalue.NewObject(0)
	}
	out, err := runHandler(ctx, h, payload)
	if err != nil {
		return nil, err
	}
	reqID := e.newUUID()
	headers := map[string]any{
		"Content-Type":           "application/json",
		"X-Amz-Executed-Version": "$LATEST",
		"x-amzn-RequestId":       reqID,
	}
	all := map[string]any{}
	for k, v := range headers {
		all[k] = []any{v}
	}
	// Sorted keys, as the AWS SDK serializes the response.
	return jsonvalue.FromGo(map[string]any{
		"ExecutedVersion": "$LATEST",
		"Payload":         out,
		"SdkHttpMetadata": map[string]any{
			"AllHttpHeaders": all,
			"HttpHeaders":    headers,
			"HttpStatusCode": json.Number("200"),
		},
		"SdkResponseMetadata": map[string]any{"RequestId": reqID},
		"StatusCode":          json.Number("200"),
	}), nil
}

// startChild is arn:aws:states:::states:startExecution[.sync[:2]].
func (e *Engine) startChild(t *thread, ref resourceRef, params any) (any, *StatesError) {
	p, _ := params.(*jsonvalue.Object)
	smArn, _ := p.Value("StateMachineArn").(string)
	input := "{}"
	switch v := p.Value("Input").(type) {
	case nil:
	case string:
		input = v
	default:
		input = compact(v)
	}
	name, _ := p.Value("Name").(string)
	out, err := e.StartExecution(StartExecutionInput{StateMachineArn: smArn, Name: name, Input: input})
	if err != nil {
		code := err.Error()
		if ae, ok := err.(*APIError); ok {
			code = ae.Code
		}
		return nil, &StatesError{Name: "StepFunctions." + strings.TrimSuffix(code, "Exception") + "Exception", Cause: err.Error()}
	}
	if ref.pattern != "sync" && ref.pattern != "sync:2" {
		return jsonvalue.FromGo(map[string]any{
			"ExecutionArn": out.ExecutionArn,
			"StartDate":    json.Number(strconv.FormatInt(out.StartDate.UnixMilli(), 10)),
		}), nil
	}
	child := e.lookupExecution(out.ExecutionArn)
	w := e.clock.newWaiter()
	child.whenDone(func() { w.wake(nil) })
	if r := t.sc.park(w); r == errCancelled {
		return nil, errCancelled
	}
	d := child.describe()
	res := map[string]any{
		"ExecutionArn":    d.ExecutionArn,
		"StateMachineArn": d.StateMachineArn,
		"Name":            d.Name,
		"Status":          d.Status,
		"StartDate":       json.Number(strconv.FormatInt(d.StartDate.UnixMilli(), 10)),
		"StopDate":        json.Number(strconv.FormatInt(d.StopDate.UnixMilli(), 10)),
		"Input":           d.Input,
	}
	if ref.pattern == "sync:2" {
		res["Input"], _ = decodeJSON([]byte(d.Input))
	}
	if d.Output != nil {
		res["Output"] = *d.Output
		if ref.pattern == "sync:2" {
			res["Output"], _ = decodeJSON([]byte(*d.Output))
		}
	}
	if d.Status != StatusSucceeded {
		res["Error"], res["Cause"] = d.Error, d.Cause
		return nil, &StatesError{Name: ErrTaskFailed, Cause: compact(jsonvalue.FromGo(res))}
	}
	return jsonvalue.FromGo(res), nil
}

// dynamoCall is arn:aws:states:::dynamodb:ACTION.
func (e *Engine) dynamoCall(ctx context.Context, action string, params any) (any, *StatesError) {
	if e.dynamo == nil {
		return nil, &StatesError{Name: ErrTaskFailed, Cause: "touchaudit: no DynamoDB client is configured (Options.DynamoDB) and no handler or mocked response applies"}
	}
	// The DynamoDB adapter takes plain Go maps; key order means nothing to
	// DynamoDB, and its answers come back with sorted keys.
	var req map[string]any
	if o, ok := params.(*jsonvalue.Object); ok {
		req, _ = jsonvalue.ToGo(o).(map[string]any)
	}
	var (
		out map[string]any
		err error
	)
	switch action {
	case "getItem":
		out, err = e.dynamo.GetItem(ctx, req)
	case "putItem":
		out, err = e.dynamo.PutItem(ctx, req)
	case "updateItem":
		out, err = e.dynamo.UpdateItem(ctx, req)
	case "deleteItem":
		out, err = e.dynamo.DeleteItem(ctx, req)
	default:
		return nil, &StatesError{Name: ErrTaskFailed, Cause: fmt.Sprintf("touchaudit: dynamodb:%s is not supported (getItem, putItem, updateItem, deleteItem)", action)}
	}
	if err != nil {
		name := ErrorName(err)
		if !strings.HasPrefix(name, "DynamoDB.") {
			name = "DynamoDB." + name
		}
		return nil, &StatesError{Name: name, Cause: err.Error()}
	}
	if out == nil {
		out = map[string]any{}
	}
	return jsonvalue.FromGo(out), nil
}
