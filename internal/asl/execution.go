package asl

import (
	"context"
	"encoding/json"
	"math"
	"strconv"
	"sync"
	"time"
	"touchaudit/internal/asl/jsonvalue"
)

// Execution statuses (API reference, DescribeExecution "status").
const (
	StatusRunning   = "RUNNING"
	StatusSucceeded = "SUCCEEDED"
	StatusFailed    = "FAILED"
	StatusTimedOut  = "TIMED_OUT"
	StatusAborted   = "ABORTED"
)

// maxExecutionDuration is how long a Standard execution may run: "Maximum
// execution time: 1 year. If an execution runs for more than the 1-year
// maximum, it will fail with a States.Timeout error" (developer guide,
// service quotas). A year is taken as 365 days.
const maxExecutionDuration = 365 * 24 * time.Hour

// errCancelled unwinds a thread whose scope was cancelled (execution
// stopped, timed out or failed elsewhere; a sibling branch failed). It is
// never reported: whoever cancelled recorded the outcome.
var errCancelled = &StatesError{Name: "touchaudit.Cancelled"}

// execution is one run of a state machine.
type execution struct {
	e        *Engine
	sm       *stateMachine
	arn      string
	name     string
	input    any
	inputRaw string
	testCase string
	done     chan struct{}

	mu          sync.Mutex
	status      string
	start, stop time.Time
	output      string
	hasOutput   bool
	errName     string
	cause       string
	events      []HistoryEvent
	transitions int64
	mockCalls   map[string]int
	onDone      []func()

	root    *scope
	timeout *timer
	mapRun  *mapRun // set for a child execution of a Distributed Map

	// Durability (Options.StateDir): the tokens minted for this
	// execution, the checkpoint of each thread by path, and the numbering
	// of snapshots.
	tokens            []string
	marks             map[string]*mark
	saveSeq, savedSeq uint64
	saveMu            sync.Mutex
}

// scope is a cancellable group of threads: the execution, a Parallel
// branch or a Map iteration.
type scope struct {
	ex        *execution
	parent    *scope
	children  map[*scope]bool
	waiters   map[*waiter]bool
	cancelled bool
	ctx       context.Context
	cancelCtx context.CancelFunc
}

func (ex *execution) newScope(parent *scope) *scope {
	pctx := context.Background()
	if parent != nil {
		pctx = parent.ctx
	}
	ctx, cancel := context.WithCancel(pctx)
	s := &scope{ex: ex, parent: parent, children: map[*scope]bool{}, waiters: map[*waiter]bool{}, ctx: ctx, cancelCtx: cancel}
	ex.e.scopeMu.Lock()
	defer ex.e.scopeMu.Unlock()
	if parent != nil {
		if parent.cancelled {
			s.cancelled = true
			cancel()
		}
		parent.children[s] = true
	}
	return s
}

// cancel cancels s and its descendants and wakes their parked threads.
func (s *scope) cancel() {
	var wake []*waiter
	s.ex.e.scopeMu.Lock()
	var walk func(*scope)
	walk = func(x *scope) {
		x.cancelled = true
		x.cancelCtx()
		for w := range x.waiters {
			wake = append(wake, w)
		}
		for c := range x.children {
			walk(c)
		}
	}
	walk(s)
	s.ex.e.scopeMu.Unlock()
	for _, w := range wake {
		w.wake(errCancelled)
	}
}

func (s *scope) isCancelled() bool {
	s.ex.e.scopeMu.Lock()
	defer s.ex.e.scopeMu.Unlock()
	return s.cancelled
}

func (s *scope) detach() {
	s.ex.e.scopeMu.Lock()
	defer s.ex.e.scopeMu.Unlock()
	if s.parent != nil {
		delete(s.parent.children, s)
	}
}

// park parks the thread on w unless its scope is cancelled; it returns the
// wake reason.
func (s *scope) park(w *waiter) any {
	s.ex.e.scopeMu.Lock()
	if s.cancelled {
		s.ex.e.scopeMu.Unlock()
		w.wake(errCancelled)
		return w.park()
	}
	s.waiters[w] = true
	s.ex.e.scopeMu.Unlock()
	r := w.park()
	s.ex.e.scopeMu.Lock()
	delete(s.waiters, w)
	s.ex.e.scopeMu.Unlock()
	return r
}

// thread runs states one after another: the execution's top level, one
// Parallel branch or one Map iteration.
type thread struct {
	ex    *execution
	sc    *scope
	prev  int64 // id of this thread's last event, for previousEventId
	state *stateContext
	item  *mapItem
	// path names the thread's checkpoint (see mark); resume is the
	// checkpoint of the state being resumed, until the state's first
	// attempt has read it.
	path   string
	resume *mark
	// started, if set, is called once when the thread is in its first
	// state (a Parallel branch waits there for its siblings).
	started func() *StatesError
	// vars are the workflow variables of the thread's scope; assigned
	// holds what the current state assigned, for its StateExited event.
	vars     *varScope
	assigned map[string]string
}

type stateContext struct {
	name      string
	entered   time.Time
	enteredID int64 // the StateEntered event, named in runtime causes
	retries   int64
	token     string
}

type mapItem struct {
	index int
	value any
}

func (t *thread) now() time.Time { return t.ex.e.clock.Now() }

// sleep parks the thread for d of engine time.
func (t *thread) sleep(d time.Duration) *StatesError {
	w := t.ex.e.clock.newWaiter()
	tm := t.ex.e.clock.afterFunc(d, false, func() { w.wake(nil) })
	r := t.sc.park(w)
	t.ex.e.clock.stop(tm)
	if r == errCancelled {
		return errCancelled
	}
	return nil
}

// emit appends an event to the history, chaining previousEventId along the
// thread. It enforces maxHistoryEvents.
func (t *thread) emit(ev HistoryEvent) *StatesError {
	id, ok := t.ex.append(ev, t.prev)
	if !ok {
		return errCancelled
	}
	t.prev = id
	return nil
}

// append records ev unless the execution is closed. When the history is one
// event short of the quota and ev does not close the execution, the
// execution fails instead.
func (ex *execution) append(ev HistoryEvent, prev int64) (int64, bool) {
	return ex.appendThen(ev, prev, nil)
}

// appendThen is append that also calls then (if set) with the new event's
// id while still holding ex.mu, so that a snapshot sees both or neither.
func (ex *execution) appendThen(ev HistoryEvent, prev int64, then func(id int64)) (int64, bool) {
	ex.mu.Lock()
	if ex.status != StatusRunning {
		ex.mu.Unlock()
		return 0, false
	}
	if len(ex.events) >= maxHistoryEvents-1 && ev.Type != EventExecutionSucceeded {
		ex.mu.Unlock()
		ex.finish(StatusFailed, "", ErrRuntime, "The execution reached the maximum number of history events (25000).", prev)
		return 0, false
	}
	ev.ID = int64(len(ex.events) + 1)
	ev.PreviousEventID = prev
	ev.Timestamp = ex.e.clock.Now()
	ex.events = append(ex.events, ev)
	if then != nil {
		then(ev.ID)
	}
	ex.mu.Unlock()
	return ev.ID, true
}

// finish closes the execution once, records its closing event and cancels
// every thread still running.
func (ex *execution) finish(status, output, errName, cause string, prev int64) bool {
	ex.mu.Lock()
	if ex.status != StatusRunning {
		ex.mu.Unlock()
		return false
	}
	ev := HistoryEvent{ID: int64(len(ex.events) + 1), PreviousEventID: prev, Timestamp: ex.e.clock.Now()}
	switch status {
	case StatusSucceeded:
		ev.Type = EventExecutionSucceeded
		ev.ExecutionSucceededEventDetails = &OutputDetails{Output: output}
		ex.output, ex.hasOutput = output, true
	case StatusFailed:
		ev.Type = EventExecutionFailed
		ev.ExecutionFailedEventDetails = &ErrorDetails{Error: errName, Cause: cause}
	case StatusAborted:
		ev.Type = EventExecutionAborted
		ev.ExecutionAbortedEventDetails = &ErrorDetails{Error: errName, Cause: cause}
	case StatusTimedOut:
		ev.Type = EventExecutionTimedOut
		ev.ExecutionTimedOutEventDetails = &ErrorDetails{Error: errName, Cause: cause}
	}
	ex.events = append(ex.events, ev)
	ex.status = status
	ex.errName, ex.cause = errName, cause
	ex.stop = ev.Timestamp
	hooks := ex.onDone
	ex.onDone = nil
	ex.mu.Unlock()
	ex.e.clock.stop(ex.timeout)
	ex.mu.Lock()
	ex.marks = map[string]*mark{}
	ex.mu.Unlock()
	ex.save()
	ex.root.cancel()
	ex.e.closeTokens(ex)
	close(ex.done)
	for _, h := range hooks {
		h()
	}
	return true
}

// run is the execution's main goroutine.
func (ex *execution) run() {
	t := &thread{ex: ex, sc: ex.root, vars: newVarScope(nil)}
	ex.mu.Lock()
	t.prev = int64(len(ex.events)) // a resumed execution has its history
	ex.mu.Unlock()
	if t.prev == 0 {
		if err := t.emit(HistoryEvent{Type: EventExecutionStarted, ExecutionStartedEventDetails: &ExecutionStartedDetails{Input: ex.inputRaw, RoleArn: ex.sm.roleArn}}); err != nil {
			return
		}
	}
	// From the start, so that a resumed execution keeps its deadline. A
	// Standard execution cannot outlive maxExecutionDuration whatever its
	// TimeoutSeconds.
	// TimeoutSeconds is a plain timer; the one-year limit is a deadline
	// timer, so that virtual time does not run a year ahead while an
	// execution only waits for a task token.
	limit, cause := maxExecutionDuration, "The execution reached the maximum execution time of one year."
	ts := ex.sm.def.TimeoutSeconds
	own := ts > 0 && time.Duration(ts)*time.Second < limit
	if own {
		limit, cause = time.Duration(ts)*time.Second, "The execution timed out (TimeoutSeconds "+strconv.FormatInt(ts, 10)+")."
	}
	d := ex.start.Add(limit).Sub(ex.e.clock.Now())
	onTimeout := func() { ex.finish(StatusTimedOut, "", ErrTimeout, cause, 0) }
	ex.mu.Lock()
	if own {
		ex.timeout = ex.e.clock.afterFunc(d, false, onTimeout)
	} else {
		ex.timeout = ex.e.clock.afterDeadline(d, onTimeout)
	}
	ex.mu.Unlock()
	out, err := t.runStates(ex.sm.def, ex.input)
	switch {
	case err == errCancelled:
	case err != nil:
		ex.finish(StatusFailed, "", err.Name, err.Cause, t.prev)
	default:
		ex.finish(StatusSucceeded, compact(out), "", "", t.prev)
	}
}

// runStates runs a definition from StartAt to its end.
func (t *thread) runStates(def *Definition, input any) (any, *StatesError) {
	cur := def.StartAt
	resume := t.ex.resumeMark(t.path)
	if resume != nil {
		cur = resume.State
		v, err := decodeJSON([]byte(resume.Input))
		if err != nil {
			return nil, &StatesError{Name: ErrRuntime, Cause: "stored input of state " + strconv.Quote(cur) + ": " + err.Error()}
		}
		input = v
		if err := t.vars.restore(resume.Vars); err != nil {
			return nil, &StatesError{Name: ErrRuntime, Cause: "stored variables of state " + strconv.Quote(cur) + ": " + err.Error()}
		}
	}
	for {
		st, ok := def.States[cur]
		if !ok {
			return nil, &StatesError{Name: ErrRuntime, Cause: "state " + strconv.Quote(cur) + " does not exist"}
		}
		out, next, err := t.runState(st, input, resume)
		resume = nil
		if err != nil {
			return nil, err
		}
		if next == "" {
			return out, nil
		}
		cur, input = next, out
	}
}

// runState enters one state, runs it with Retry and Catch, and exits it.
// With a checkpoint (resume) the state was entered by an earlier engine: it
// is not entered again, and its first attempt continues from the
// checkpoint.
func (t *thread) runState(st State, raw any, resume *mark) (any, string, *StatesError) {
	b := st.base()
	defer func() { t.resume = nil }()
	if resume != nil {
		t.state = &stateContext{name: b.Name, entered: resume.Entered, enteredID: resume.EnteredID}
		t.prev = resume.Prev
		t.resume = resume
	} else {
		t.state = &stateContext{name: b.Name, entered: t.now()}
		t.ex.mu.Lock()
		t.ex.transitions++
		t.ex.mu.Unlock()
		entered := b.Type + "StateEntered"
		if err := t.emit(HistoryEvent{Type: entered, StateEnteredEventDetails: &StateEnteredDetails{Name: b.Name, Input: compact(raw)}}); err != nil {
			return nil, "", err
		}
		t.state.enteredID = t.prev
		t.enter(b.Name, raw)
	}
	if f := t.started; f != nil {
		t.started = nil
		if err := f(); err != nil {
			return nil, "", err
		}
	}
	if err := checkSize(b.Name, "input", raw); err != nil {
		return nil, "", err
	}
	var (
		out  any
		next = b.Next
		err  *StatesError
	)
	switch s := st.(type) {
	case *PassState:
		out, err = s.run(t, raw)
	case *WaitState:
		out, err = s.run(t, raw)
	case *ChoiceState:
		out, next, err = s.run(t, raw)
	case *SucceedState:
		out, err = s.run(t, raw)
		next = ""
	case *FailState:
		return nil, "", s.run(t, raw)
	case *TaskState:
		out, err = t.withRetry(b, true, func() (any, *StatesError) { return s.run(t, raw) })
	case *ParallelState:
		out, err = t.withRetry(b, false, func() (any, *StatesError) { return s.run(t, raw) })
	case *MapState:
		out, err = t.withRetry(b, false, func() (any, *StatesError) { return s.run(t, raw) })
	}
	if err != nil {
		if err == errCancelled {
			return nil, "", err
		}
		_, task := st.(*TaskState)
		c := matchCatcher(b.Catch, err, task)
		if c == nil {
			return nil, "", err
		}
		if out, err = t.catchOutput(b, c, raw, err); err != nil {
			return nil, "", err
		}
		next = c.Next
	} else if b.End {
		next = ""
	}
	exited := &StateExitedDetails{Name: b.Name, Output: compact(out)}
	if t.assigned != nil {
		// As AWS records it: the variables, and that they are whole.
		exited.AssignedVariables, exited.AssignedVariablesDetails = t.assigned, &TruncatedDetails{}
		t.assigned = nil
	}
	if err := t.emit(HistoryEvent{Type: b.Type + "StateExited", StateExitedEventDetails: exited}); err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// terminalError names errors that States.ALL does not match: "States.ALL
// ... cannot catch the States.DataLimitExceeded terminal error or Runtime
// error types" (developer guide, error names).
func terminalError(name string) bool {
	return name == ErrRuntime || name == ErrDataLimitExceeded || name == errCancelled.Name
}

// errorMatches reports whether an ErrorEquals entry matches err.
// States.Runtime is never retried or caught, even by name ("A States.Runtime
// error isn't retriable, and will always cause the execution to fail").
// States.ALL matches every other error except a terminal one (a state's
// input or output over the payload quota); a task result over the quota is
// a task failure and is matched, as AWS executions recorded by LocalStack
// (test_states_errors, "catch_state_all_data_limit_exceeded") show.
// States.TaskFailed in a Task's Retry or Catch matches any error the task
// raised except States.Timeout. States.Timeout also matches
// States.HeartbeatTimeout, which the guide describes as a kind of timeout.
func errorMatches(pattern string, err *StatesError, task bool) bool {
	if err.Name == ErrRuntime || err.Name == errCancelled.Name {
		return false
	}
	switch pattern {
	case err.Name:
		return true
	case ErrAll:
		return !err.terminal && err.Name != ErrRuntime
	case ErrTaskFailed:
		return task && !err.terminal && err.Name != ErrRuntime && err.Name != ErrTimeout && err.Name != ErrResultPathMatchFailure && err.Name != ErrQueryEvaluation
	case ErrTimeout:
		return err.Name == ErrHeartbeatTimeout
	}
	return false
}

func matchesAny(patterns []string, err *StatesError, task bool) bool {
	for _, p := range patterns {
		if errorMatches(p, err, task) {
			return true
		}
	}
	return false
}

func matchCatcher(cs []Catcher, err *StatesError, task bool) *Catcher {
	for i := range cs {
		if matchesAny(cs[i].ErrorEquals, err, task) {
			return &cs[i]
		}
	}
	return nil
}

// withRetry runs attempt, retrying per the state's Retry field. Only the
// first retrier whose ErrorEquals matches is considered; once it has used
// MaxAttempts the error goes on to Catch.
func (t *thread) withRetry(b *StateBase, task bool, attempt func() (any, *StatesError)) (any, *StatesError) {
	used := make([]int64, len(b.Retry))
	for {
		out, err := attempt()
		t.resume = nil // a retry starts afresh
		if err == nil || err == errCancelled {
			return out, err
		}
		i := -1
		for j := range b.Retry {
			if matchesAny(b.Retry[j].ErrorEquals, err, task) {
				i = j
				break
			}
		}
		if i < 0 || used[i] >= b.Retry[i].MaxAttempts {
			return nil, err
		}
		d := retryDelay(b.Retry[i], used[i], t.ex.e.float64)
		used[i]++
		t.state.retries++
		t.ex.mu.Lock()
		t.ex.transitions++
		t.ex.mu.Unlock()
		if serr := t.sleep(d); serr != nil {
			return nil, serr
		}
	}
}

// retryDelay is IntervalSeconds × BackoffRate^n, capped by MaxDelaySeconds;
// with JitterStrategy FULL a uniformly random duration in [0, delay].
func retryDelay(r Retrier, n int64, random func() float64) time.Duration {
	secs := float64(r.IntervalSeconds) * math.Pow(r.BackoffRate, float64(n))
	if r.MaxDelaySeconds > 0 && secs > float64(r.MaxDelaySeconds) {
		secs = float64(r.MaxDelaySeconds)
	}
	if secs > maxTimeoutSeconds {
		secs = maxTimeoutSeconds
	}
	if r.JitterFull {
		secs *= random()
	}
	return time.Duration(secs * float64(time.Second))
}

// timestampLayout is how the context object and API show times.
const timestampLayout = "2006-01-02T15:04:05.000Z"

// contextObject is the "$$" document of the current state.
func (t *thread) contextObject() *jsonvalue.Object {
	ex := t.ex
	c := map[string]any{
		"Execution": map[string]any{
			"Id":           ex.arn,
			"Input":        ex.input,
			"Name":         ex.name,
			"RoleArn":      ex.sm.roleArn,
			"StartTime":    ex.start.UTC().Format(timestampLayout),
			"RedriveCount": json.Number("0"),
		},
		"StateMachine": map[string]any{"Id": ex.sm.arn, "Name": ex.sm.name},
	}
	if t.state != nil {
		c["State"] = map[string]any{
			"EnteredTime": t.state.entered.UTC().Format(timestampLayout),
			"Name":        t.state.name,
			"RetryCount":  json.Number(strconv.FormatInt(t.state.retries, 10)),
		}
		if t.state.token != "" {
			c["Task"] = map[string]any{"Token": t.state.token}
		}
	}
	if t.item != nil {
		c["Map"] = map[string]any{"Item": map[string]any{"Index": json.Number(strconv.Itoa(t.item.index)), "Value": t.item.value}}
	}
	// Sorted keys: the developer guide's example lists them nearly so,
	// and no output depends on their order unless printed whole.
	return jsonvalue.FromGo(c).(*jsonvalue.Object)
}
