package asl

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// TaskState runs one unit of work named by Resource.
type TaskState struct {
	StateBase
	Resource             string
	TimeoutSeconds       int64
	TimeoutSecondsPath   OptionalPath
	HeartbeatSeconds     int64
	HeartbeatSecondsPath OptionalPath
	resource             resourceRef
}

func (p *parser) task(f fields) *TaskState {
	f.unknown(allowed("Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector",
		"Retry", "Catch", "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials"), "Task")
	s := &TaskState{}
	f.transition(&s.StateBase)
	f.io(&s.StateBase, true)
	s.Parameters = f.template("Parameters")
	s.ResultSelector = f.template("ResultSelector")
	f.errorHandling(&s.StateBase)
	s.Resource = f.str("Resource", true)
	if s.Resource != "" {
		ref, msg := parseResource(s.Resource)
		if msg != "" {
			f.bad("Resource", "%s", msg)
		}
		s.resource = ref
	}
	s.TimeoutSeconds, _ = f.integer("TimeoutSeconds", 1, maxTimeoutSeconds)
	s.HeartbeatSeconds, _ = f.integer("HeartbeatSeconds", 1, maxTimeoutSeconds)
	s.TimeoutSecondsPath = f.path("TimeoutSecondsPath", variablePath, false)
	s.HeartbeatSecondsPath = f.path("HeartbeatSecondsPath", variablePath, false)
	if f.has("TimeoutSeconds") && f.has("TimeoutSecondsPath") {
		f.bad("TimeoutSecondsPath", "cannot be used together with \"TimeoutSeconds\"")
	}
	if f.has("HeartbeatSeconds") && f.has("HeartbeatSecondsPath") {
		f.bad("HeartbeatSecondsPath", "cannot be used together with \"HeartbeatSeconds\"")
	}
	if s.HeartbeatSeconds > 0 {
		timeout := s.TimeoutSeconds
		if timeout == 0 {
			timeout = defaultTaskTimeout
		}
		if s.HeartbeatSeconds >= timeout {
			f.bad("HeartbeatSeconds", "must be smaller than TimeoutSeconds (%d >= %d)", s.HeartbeatSeconds, timeout)
		}
	}
	return s
}

// resourceRef is a parsed Task Resource.
type resourceRef struct {
	arn          string
	service      string // "lambda", "states", "dynamodb", ... ; "lambda" also for function ARNs
	action       string // "invoke", "startExecution", "getItem", ...
	pattern      string // "", "sync", "sync:2", "waitForTaskToken"
	functionARN  bool   // arn:aws:lambda:...:function:NAME
	functionName string
}

// resourceType and resourceName are taskScheduledEventDetails' fields.
func (r resourceRef) resourceType() string { return r.service }
func (r resourceRef) resourceName() string {
	if r.pattern != "" {
		return r.action + "." + r.pattern
	}
	return r.action
}

// parseResource recognises the Resource ARN forms the engine runs.
func parseResource(arn string) (resourceRef, string) {
	r := resourceRef{arn: arn}
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) < 6 || parts[0] != "arn" || parts[1] == "" {
		return r, "\"" + arn + "\" is not a valid ARN"
	}
	switch {
	case parts[2] == "lambda" && len(parts) >= 7 && strings.HasPrefix(parts[5], "function"):
		r.service, r.action, r.functionARN = "lambda", "invoke", true
		r.functionName = strings.SplitN(parts[6], ":", 2)[0]
	case parts[2] == "states" && parts[3] == "" && parts[4] == "":
		// arn:aws:states:::service:action[.pattern]
		if len(parts) < 7 || parts[5] == "" || parts[6] == "" {
			return r, "\"" + arn + "\" is not a valid service integration ARN (arn:aws:states:::service:action)"
		}
		r.service = parts[5]
		action := parts[6]
		if i := strings.IndexByte(action, '.'); i >= 0 {
			action, r.pattern = action[:i], action[i+1:]
			switch r.pattern {
			case "sync", "sync:2", "waitForTaskToken":
			default:
				return r, "\"" + arn + "\" has an unknown integration pattern \"." + r.pattern + "\""
			}
		}
		r.action = action
	default:
		// Activities and other ARNs: runnable only with a registered handler.
		r.service = parts[2]
		r.action = parts[len(parts)-1]
	}
	return r, ""
}

// taskCall is one attempt of a Task state.
type taskCall struct {
	state     *TaskState
	params    any
	timeout   time.Duration
	heartbeat time.Duration
	// resume is the checkpoint of a callback task resumed after a
	// restart: its token, and whether the resource already took it.
	resume *mark
}

// run is one attempt: InputPath → Parameters → resource → ResultSelector →
// ResultPath → OutputPath.
func (s *TaskState) run(t *thread, raw any) (any, *StatesError) {
	resume := t.resume
	t.resume = nil
	t.state.token = ""
	if s.resource.pattern == "waitForTaskToken" {
		if resume != nil && resume.Token != "" {
			// The task had its token before a restart: the resource may
			// have handed it on, so it must keep it.
			t.state.token = resume.Token
		} else {
			resume = nil
			t.state.token = t.ex.e.newToken()
			tok := t.state.token
			if t.ex.e.journal != nil {
				t.ex.mu.Lock()
				t.ex.tokens = append(t.ex.tokens, tok)
				t.ex.mu.Unlock()
			}
			// Kept before the resource sees the token.
			t.checkpoint(func(m *mark) {
				m.Token, m.Submitted, m.Reply = tok, false, nil
				m.TimeoutAt, m.HeartbeatAt, m.HeartbeatSeconds = time.Time{}, time.Time{}, 0
			})
		}
	} else {
		resume = nil
	}
	in, err := t.effectiveInput(&s.StateBase, raw)
	if err != nil {
		return nil, err
	}
	call := taskCall{state: s, params: in, resume: resume}
	timeout := s.TimeoutSeconds
	if timeout == 0 {
		timeout = defaultTaskTimeout
	}
	if s.TimeoutSecondsPath.Set {
		if timeout, err = t.secondsFrom(s.Name, "TimeoutSecondsPath", s.TimeoutSecondsPath, raw); err != nil {
			return nil, err
		}
	}
	if e := s.exprs["TimeoutSeconds"]; e != "" {
		if timeout, err = t.secondsExpr("TimeoutSeconds", e, raw); err != nil {
			return nil, err
		}
	}
	call.timeout = time.Duration(timeout) * time.Second
	hb := s.HeartbeatSeconds
	if e := s.exprs["HeartbeatSeconds"]; e != "" {
		if hb, err = t.secondsExpr("HeartbeatSeconds", e, raw); err != nil {
			return nil, err
		}
	}
	if s.HeartbeatSecondsPath.Set {
		if hb, err = t.secondsFrom(s.Name, "HeartbeatSecondsPath", s.HeartbeatSecondsPath, raw); err != nil {
			return nil, err
		}
	}
	call.heartbeat = time.Duration(hb) * time.Second
	result, err := t.invoke(call)
	if err != nil {
		return nil, err
	}
	return t.effectiveOutput(&s.StateBase, raw, result, true)
}

func (t *thread) secondsFrom(state, field string, p OptionalPath, raw any) (int64, *StatesError) {
	v, err := t.lookup(p.Path, raw)
	if err != nil {
		return 0, t.pathErr(p.Path, err)
	}
	n, ok := v.(json.Number)
	i, perr := strconv.ParseInt(string(n), 10, 64)
	if !ok || perr != nil || i < 1 || i > maxTimeoutSeconds {
		return 0, t.runtimeErr("The %s '%s' must reference a positive integer, not %s.", field, p.Path, compact(v))
	}
	return i, nil
}

// invoke records the task's events and runs the resource (or its mock).
func (t *thread) invoke(c taskCall) (any, *StatesError) {
	s := c.state
	ref := s.resource
	params := compact(c.params)
	if c.resume != nil && c.resume.Submitted {
		// Resumed after TaskSubmitted: scheduled and started before.
	} else if ref.functionARN {
		err := t.emit(HistoryEvent{Type: EventLambdaFunctionScheduled, LambdaFunctionScheduledEventDetails: &LambdaScheduledDetails{
			Resource: ref.arn, Input: params, TimeoutInSeconds: secondsOf(c.timeout, s.TimeoutSeconds > 0 || s.TimeoutSecondsPath.Set || s.exprs["TimeoutSeconds"] != "")}})
		if err == nil {
			err = t.emit(HistoryEvent{Type: EventLambdaFunctionStarted})
		}
		if err != nil {
			return nil, err
		}
	} else {
		err := t.emit(HistoryEvent{Type: EventTaskScheduled, TaskScheduledEventDetails: &TaskScheduledDetails{
			ResourceType: ref.resourceType(), Resource: ref.resourceName(), Region: t.ex.e.region, Parameters: params,
			TimeoutInSeconds:   secondsOf(c.timeout, s.TimeoutSeconds > 0 || s.TimeoutSecondsPath.Set || s.exprs["TimeoutSeconds"] != ""),
			HeartbeatInSeconds: secondsOf(c.heartbeat, true)}})
		if err == nil {
			err = t.emit(HistoryEvent{Type: EventTaskStarted, TaskStartedEventDetails: &TaskDetails{ResourceType: ref.resourceType(), Resource: ref.resourceName()}})
		}
		if err != nil {
			return nil, err
		}
	}
	result, err := t.call(c)
	if err == errCancelled {
		return nil, err
	}
	if err == nil {
		// A result over the quota fails the task (TaskFailed), and unlike
		// an oversized state output it can be caught by States.ALL, as AWS
		// executions recorded by LocalStack show.
		name := ref.service
		if ref.functionARN {
			name = ref.arn
		}
		if err = sizeErr(name, result); err != nil {
			result = nil
		}
	}
	if ref.functionARN {
		switch {
		case err == nil:
			err = t.emit(HistoryEvent{Type: EventLambdaFunctionSucceeded, LambdaFunctionSucceededEventDetails: &OutputDetails{Output: compact(result)}})
		case err.Name == ErrTimeout:
			if e2 := t.emit(HistoryEvent{Type: EventLambdaFunctionTimedOut, LambdaFunctionTimedOutEventDetails: &ErrorDetails{Error: err.Name, Cause: err.Cause}}); e2 != nil {
				return nil, e2
			}
		default:
			if e2 := t.emit(HistoryEvent{Type: EventLambdaFunctionFailed, LambdaFunctionFailedEventDetails: &ErrorDetails{Error: err.Name, Cause: err.Cause}}); e2 != nil {
				return nil, e2
			}
		}
		return result, err
	}
	td := func(e *StatesError) *TaskErrorDetails {
		return &TaskErrorDetails{ResourceType: ref.resourceType(), Resource: ref.resourceName(), Error: e.Name, Cause: e.Cause}
	}
	switch {
	case err == nil:
		err = t.emit(HistoryEvent{Type: EventTaskSucceeded, TaskSucceededEventDetails: &TaskOutputDetails{ResourceType: ref.resourceType(), Resource: ref.resourceName(), Output: compact(result)}})
	case err.Name == ErrTimeout || err.Name == ErrHeartbeatTimeout:
		if e2 := t.emit(HistoryEvent{Type: EventTaskTimedOut, TaskTimedOutEventDetails: td(err)}); e2 != nil {
			return nil, e2
		}
	default:
		if e2 := t.emit(HistoryEvent{Type: EventTaskFailed, TaskFailedEventDetails: td(err)}); e2 != nil {
			return nil, e2
		}
	}
	return result, err
}

func secondsOf(d time.Duration, show bool) int64 {
	if !show {
		return 0
	}
	return int64(d / time.Second)
}

// call runs the resource: a mocked response if the execution's test case
// names this state, else the engine's integration for the resource.
func (t *thread) call(c taskCall) (any, *StatesError) {
	if r, ok := t.ex.mockedResponse(c.state.Name); ok {
		if r.Throw != nil {
			return nil, &StatesError{Name: r.Throw.Error, Cause: r.Throw.Cause}
		}
		return deepCopy(r.Return), nil
	}
	ref := c.state.resource
	ctx, cancel := t.taskContext(c.timeout)
	defer cancel()
	var (
		result any
		err    *StatesError
	)
	switch {
	case ref.pattern == "waitForTaskToken":
		result, err = t.callback(ctx, c)
		return result, err
	default:
		result, err = t.ex.e.integrate(ctx, t, ref, c.params)
	}
	if err == nil && !t.ex.e.clock.virtual && ctx.Err() == context.DeadlineExceeded {
		err = &StatesError{Name: ErrTimeout, Cause: "The task timed out."}
	}
	if t.sc.ctx.Err() != nil {
		return nil, errCancelled
	}
	return result, err
}

// taskContext is the context handed to handlers: cancelled when the
// execution (or branch) is, and in real time bounded by the task timeout.
// Virtual time does not pass while a handler runs.
func (t *thread) taskContext(timeout time.Duration) (context.Context, context.CancelFunc) {
	if t.ex.e.clock.virtual {
		return context.WithCancel(t.sc.ctx)
	}
	return context.WithTimeout(t.sc.ctx, timeout)
}
