package asl

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
	"touchaudit/internal/asl/jsonvalue"
)

// TestState statuses (API reference, TestState "status").
const (
	TestSucceeded   = "SUCCEEDED"
	TestFailed      = "FAILED"
	TestRetriable   = "RETRIABLE"
	TestCaughtError = "CAUGHT_ERROR"
)

// testStateTimeout is how long TestState may run: "The TestState API can
// run for up to five minutes. If the execution of a state exceeds this
// duration, it fails with the States.Timeout error" (API reference).
const testStateTimeout = 5 * time.Minute

// testStateMachine names the one-state machine TestState runs, and
// testTargetPrefix the Pass states that stand in for its transitions.
const (
	testStateMachine = "TestState"
	testTargetPrefix = "TestState.Next."
)

// TestStateInput is the TestState request. Definition is one state's
// definition, or a whole state machine when StateName names the state to
// test. Mock, if set, is the result (Result, a JSON text) or the error
// (Error, Cause) the Task returns instead of invoking its resource.
type TestStateInput struct {
	Definition      string
	StateName       string
	Input           string
	InspectionLevel string // INFO (default), DEBUG or TRACE
	RetryCount      int64  // stateConfiguration.retrierRetryCount
	Mock            *TestStateMock
}

// TestStateMock is TestState's mock.
type TestStateMock struct {
	Result      *string
	Error       string
	Cause       string
	ErrorOutput bool
}

// TestStateOutput is the TestState response.
type TestStateOutput struct {
	Status         string
	Output         *string
	Error          string
	Cause          string
	NextState      string
	InspectionData *InspectionData // DEBUG and TRACE
}

// InspectionData is TestState's view of the state's data flow. A stage
// the state does not have, or that could not be computed, is nil.
type InspectionData struct {
	Input               *string
	AfterInputPath      *string
	AfterParameters     *string
	Result              *string
	AfterResultSelector *string
	AfterResultPath     *string
	CatchIndex          *int
	RetryIndex          *int
	RetryBackoffSeconds *int64
}

// TestState runs one state on its own, as the TestState API does: the
// state's transitions are not followed but reported (NextState); an error
// that one of its retriers would retry is RETRIABLE rather than retried;
// one its Catch takes is CAUGHT_ERROR with the catcher's output and Next.
// Tasks call the engine's resources (registry, DynamoDB) unless mocked;
// Waits do not wait (the state runs on a virtual clock).
func (e *Engine) TestState(ctx context.Context, in TestStateInput) (*TestStateOutput, error) {
	name, raw, err := testStateDefinition(in.Definition, in.StateName)
	if err != nil {
		return nil, err
	}
	withRetry, err := Parse(testMachine(name, raw))
	if err != nil {
		return nil, &APIError{Code: CodeInvalidDefinition, Message: err.Error(), Err: err}
	}
	tested := withRetry.States[name]
	b := tested.base()
	_, isTask := tested.(*TaskState)

	// The machine that runs: the state without Retry, every transition
	// going to a Pass state that ends the execution.
	st := deepCopy(raw).(*jsonvalue.Object)
	st.Delete("Retry")
	targets := map[string]string{}
	retarget := func(obj *jsonvalue.Object, field string) {
		to, ok := obj.Value(field).(string)
		if !ok {
			return
		}
		synthetic := fmt.Sprintf("%s%d", testTargetPrefix, len(targets))
		targets[synthetic] = to
		obj.Set(field, synthetic)
	}
	switch b.Type {
	case "Choice":
		if cs, ok := st.Value("Choices").([]any); ok {
			for _, c := range cs {
				if o, ok := c.(*jsonvalue.Object); ok {
					retarget(o, "Next")
				}
			}
		}
		retarget(st, "Default")
	case "Succeed", "Fail":
	default:
		st.Delete("Next")
		st.Set("End", true)
	}
	if cs, ok := st.Value("Catch").([]any); ok {
		for _, c := range cs {
			if o, ok := c.(*jsonvalue.Object); ok {
				retarget(o, "Next")
			}
		}
	}
	states := map[string]any{name: st}
	for synthetic := range targets {
		states[synthetic] = map[string]any{"Type": "Pass", "End": true}
	}
	machine, _ := json.Marshal(map[string]any{"StartAt": name, "States": states})

	child := NewEngine(Options{Registry: e.registry, DynamoDB: e.dynamo, Region: e.region, AccountID: e.account, Start: e.clock.Now()})
	arn := ""
	sm, err := child.CreateStateMachine(CreateStateMachineInput{Name: testStateMachine, Definition: string(machine)})
	if err != nil {
		return nil, err
	}
	arn = sm.StateMachineArn
	if in.Mock != nil {
		cfg, err := testMock(name, in.Mock)
		if err != nil {
			return nil, err
		}
		child.SetMockConfig(cfg)
		arn += "#Mock"
	}
	started, err := child.StartExecution(StartExecutionInput{StateMachineArn: arn, Name: "test", Input: in.Input})
	if err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithTimeout(ctx, testStateTimeout)
	d, err := child.RunExecution(runCtx, started.ExecutionArn)
	cancel()
	if d != nil && d.Status == StatusRunning {
		_, _ = child.StopExecution(started.ExecutionArn, "", "")
		if err != nil {
			return &TestStateOutput{Status: TestFailed, Error: ErrTimeout, Cause: "The state did not end within the TestState time limit"}, nil
		}
		return nil, apiErr(CodeValidationException, "State '%s' waits for a task token; TestState needs a mock for it", name)
	}
	if err != nil {
		return nil, err
	}
	events, _ := child.GetExecutionHistory(GetExecutionHistoryInput{ExecutionArn: started.ExecutionArn})

	out := &TestStateOutput{Status: TestSucceeded}
	var exited *StateExitedDetails
	next := ""
	for _, ev := range events {
		if ev.StateExitedEventDetails != nil && ev.StateExitedEventDetails.Name == name {
			exited = ev.StateExitedEventDetails
		}
		if ev.StateEnteredEventDetails != nil && strings.HasPrefix(ev.StateEnteredEventDetails.Name, testTargetPrefix) {
			next = ev.StateEnteredEventDetails.Name
		}
	}
	var caught *StatesError
	catchIndex := -1
	switch {
	case d.Status != StatusSucceeded:
		out.Status, out.Error, out.Cause = TestFailed, d.Error, d.Cause
	case next != "":
		out.NextState = targets[next]
		for i, c := range b.Catch {
			if c.Next == out.NextState && isCatchTarget(st, i, next) {
				catchIndex = i
				caught = caughtError(c, exited, events)
				break
			}
		}
	default:
		out.NextState = b.Next
	}
	if exited != nil && out.Status != TestFailed {
		o := exited.Output
		out.Output = &o
	}
	if caught != nil {
		out.Status, out.Error, out.Cause = TestCaughtError, caught.Name, caught.Cause
	}
	ins := &InspectionData{}
	// An error that a retrier would retry is RETRIABLE: TestState runs one
	// attempt and says so.
	if out.Error != "" && b.Type != "Fail" {
		failure := &StatesError{Name: out.Error, Cause: out.Cause}
		for i, r := range b.Retry {
			if !matchesAny(r.ErrorEquals, failure, isTask) {
				continue
			}
			if in.RetryCount < r.MaxAttempts {
				secs := int64(math.Round(retryDelay(r, in.RetryCount, func() float64 { return 1 }).Seconds()))
				out.Status, out.Output, out.NextState = TestRetriable, nil, ""
				ins.RetryIndex, ins.RetryBackoffSeconds = &i, &secs
				catchIndex = -1
			}
			break
		}
	}
	if catchIndex >= 0 {
		ins.CatchIndex = &catchIndex
	}
	if in.InspectionLevel == "DEBUG" || in.InspectionLevel == "TRACE" {
		child.inspect(started.ExecutionArn, tested, events, ins)
		out.InspectionData = ins
	} else if ins.CatchIndex != nil || ins.RetryIndex != nil {
		out.InspectionData = &InspectionData{CatchIndex: ins.CatchIndex, RetryIndex: ins.RetryIndex, RetryBackoffSeconds: ins.RetryBackoffSeconds}
	}
	return out, nil
}

// testStateDefinition returns the name and JSON object of the state to test.
func testStateDefinition(definition, stateName string) (string, *jsonvalue.Object, error) {
	doc, err := decodeJSON([]byte(definition))
	obj, ok := doc.(*jsonvalue.Object)
	if err != nil || !ok {
		de := &DefinitionError{Problems: []string{"definition is not valid JSON: the definition must be a JSON object"}}
		return "", nil, &APIError{Code: CodeInvalidDefinition, Message: de.Error(), Err: de}
	}
	if stateName == "" {
		return testStateMachine, obj, nil
	}
	if _, err := Parse([]byte(definition)); err != nil {
		return "", nil, &APIError{Code: CodeInvalidDefinition, Message: err.Error(), Err: err}
	}
	states, _ := obj.Value("States").(*jsonvalue.Object)
	st, ok := states.Value(stateName).(*jsonvalue.Object)
	if !ok {
		return "", nil, apiErr(CodeValidationException, "State '%s' is not a top-level state of the definition", stateName)
	}
	// The state keeps the machine's query language.
	if ql, ok := obj.Get("QueryLanguage"); ok {
		if _, own := st.Get("QueryLanguage"); !own {
			st = st.Clone()
			st.Set("QueryLanguage", ql)
		}
	}
	return stateName, st, nil
}

// testMachine is the state as the only state of a machine, with the targets
// of its transitions present (for validation).
func testMachine(name string, st *jsonvalue.Object) []byte {
	states := map[string]any{name: st}
	add := func(v any) {
		if s, ok := v.(string); ok && s != name {
			states[s] = map[string]any{"Type": "Succeed"}
		}
	}
	add(st.Value("Next"))
	add(st.Value("Default"))
	for _, field := range []string{"Choices", "Catch"} {
		if cs, ok := st.Value(field).([]any); ok {
			for _, c := range cs {
				if o, ok := c.(*jsonvalue.Object); ok {
					add(o.Value("Next"))
				}
			}
		}
	}
	b, _ := json.Marshal(map[string]any{"StartAt": name, "States": states})
	return b
}

// isCatchTarget reports whether the synthetic state next is Catch[i]'s.
func isCatchTarget(st *jsonvalue.Object, i int, next string) bool {
	cs, _ := st.Value("Catch").([]any)
	if i >= len(cs) {
		return false
	}
	o, _ := cs[i].(*jsonvalue.Object)
	return o != nil && o.Value("Next") == next
}

// caughtError recovers the error a Catch took: from the catcher's
// ResultPath in the state's output, or else from the last failure event.
func caughtError(c Catcher, exited *StateExitedDetails, events []HistoryEvent) *StatesError {
	if exited != nil && !c.ResultPath.Null {
		if doc, err := decodeJSON([]byte(exited.Output)); err == nil {
			v := doc
			if c.ResultPath.Set {
				v, err = c.ResultPath.Path.Get(doc)
			}
			if o, ok := v.(*jsonvalue.Object); ok && err == nil {
				name, _ := o.Value("Error").(string)
				cause, _ := o.Value("Cause").(string)
				if name != "" {
					return &StatesError{Name: name, Cause: cause}
				}
			}
		}
	}
	for i := len(events) - 1; i >= 0; i-- {
		ev := events[i]
		switch {
		case ev.TaskFailedEventDetails != nil:
			return &StatesError{Name: ev.TaskFailedEventDetails.Error, Cause: ev.TaskFailedEventDetails.Cause}
		case ev.TaskTimedOutEventDetails != nil:
			return &StatesError{Name: ev.TaskTimedOutEventDetails.Error, Cause: ev.TaskTimedOutEventDetails.Cause}
		case ev.LambdaFunctionFailedEventDetails != nil:
			return &StatesError{Name: ev.LambdaFunctionFailedEventDetails.Error, Cause: ev.LambdaFunctionFailedEventDetails.Cause}
		case ev.LambdaFunctionTimedOutEventDetails != nil:
			return &StatesError{Name: ev.LambdaFunctionTimedOutEventDetails.Error, Cause: ev.LambdaFunctionTimedOutEventDetails.Cause}
		}
	}
	return &StatesError{Name: ErrAll}
}

// testMock is a mock configuration in which the tested state's first
// invocation returns or throws what the TestState mock says.
func testMock(state string, m *TestStateMock) (*MockConfig, error) {
	resp := map[string]any{}
	switch {
	case m.Result != nil:
		v, err := decodeJSON([]byte(*m.Result))
		if err != nil {
			return nil, apiErr(CodeValidationException, "mock.result is not valid JSON: %v", err)
		}
		resp["Return"] = v
	case m.ErrorOutput:
		resp["Throw"] = map[string]any{"Error": m.Error, "Cause": m.Cause}
	default:
		return nil, apiErr(CodeValidationException, "mock needs a result or an errorOutput")
	}
	b, _ := json.Marshal(map[string]any{
		"StateMachines":   map[string]any{testStateMachine: map[string]any{"TestCases": map[string]any{"Mock": map[string]any{state: "Mocked"}}}},
		"MockedResponses": map[string]any{"Mocked": map[string]any{"0": resp}},
	})
	cfg, err := ParseMockConfig(b)
	if err != nil {
		return nil, apiErr(CodeValidationException, "mock: %v", err)
	}
	return cfg, nil
}

// inspect fills in the data-flow stages of the tested state: the state's
// own paths and templates applied again to its input, and the task's
// result as its history recorded it.
func (e *Engine) inspect(arn string, st State, events []HistoryEvent, ins *InspectionData) {
	ex := e.lookupExecution(arn)
	b := st.base()
	var entered *StateEnteredDetails
	var result *string
	for _, ev := range events {
		switch {
		case ev.StateEnteredEventDetails != nil && ev.StateEnteredEventDetails.Name == b.Name && entered == nil:
			entered = ev.StateEnteredEventDetails
		case ev.TaskSucceededEventDetails != nil:
			r := ev.TaskSucceededEventDetails.Output
			result = &r
		case ev.LambdaFunctionSucceededEventDetails != nil:
			r := ev.LambdaFunctionSucceededEventDetails.Output
			result = &r
		}
	}
	if ex == nil || entered == nil {
		return
	}
	text := func(v any) *string { s := compact(v); return &s }
	raw, err := decodeJSON([]byte(entered.Input))
	if err != nil {
		return
	}
	ins.Input = text(raw)
	t := &thread{ex: ex, sc: ex.root, state: &stateContext{name: b.Name, entered: ex.start, enteredID: 2}, vars: newVarScope(nil)}
	in := raw
	switch {
	case b.InputPath.Null:
		in = jsonvalue.NewObject(0)
	case b.InputPath.Set:
		v, err := t.lookup(b.InputPath.Path, raw)
		if err != nil {
			return
		}
		in = v
	}
	ins.AfterInputPath = text(in)
	if b.Parameters != nil {
		v, serr := t.evalTemplate(b.Name, "Parameters", b.Parameters.Value, in)
		if serr != nil {
			return
		}
		in = v
	}
	ins.AfterParameters = text(in)
	var res any
	switch s := st.(type) {
	case *PassState:
		res = in
		if s.HasResult {
			res = s.Result
		}
	case *TaskState:
		if result == nil {
			return
		}
		if res, err = decodeJSON([]byte(*result)); err != nil {
			return
		}
	default:
		return
	}
	ins.Result = text(res)
	if b.ResultSelector != nil {
		v, serr := t.evalTemplate(b.Name, "ResultSelector", b.ResultSelector.Value, res)
		if serr != nil {
			return
		}
		res = v
		ins.AfterResultSelector = text(res)
	}
	if v, serr := applyResultPath(b.Name, b.ResultPath, raw, res); serr == nil {
		ins.AfterResultPath = text(v)
	}
}
