package asl

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

const fnArn = "arn:aws:lambda:us-east-1:123456789012:function:Fn"

func taskDef(state string, extra ...string) string {
	s := `{"StartAt":"T","States":{"T":` + state
	for _, x := range extra {
		s += "," + x
	}
	return s + `}}`
}

func TestTask_LambdaFunctionARN(t *testing.T) {
	r := run(t, taskDef(`{"Type":"Task","Resource":"`+fnArn+`","End":true}`), `{"n":2}`,
		handle("Fn", jsonHandler(func(in map[string]any) (any, error) { return map[string]any{"got": in["n"]}, nil })))
	assertJSON(t, r.output(t), `{"got":2}`)
	want := []string{"ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited", "ExecutionSucceeded"}
	if compact(r.types()) != compact(want) {
		t.Errorf("history %v\nwant %v", r.types(), want)
	}
	if d := r.history[2].LambdaFunctionScheduledEventDetails; d == nil || d.Resource != fnArn || d.Input != `{"n":2}` {
		t.Errorf("scheduled details %+v", d)
	}
}

func TestTask_LambdaInvokeResultShape(t *testing.T) {
	def := taskDef(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"` + fnArn + `:live","Payload":{"x.$":"$.x"}},"End":true}`)
	r := run(t, def, `{"x":1}`, handle("Fn", jsonHandler(func(in map[string]any) (any, error) { return in, nil })))
	out := plain(r.output(t))
	assertJSON(t, out["Payload"], `{"x":1}`)
	for _, k := range []string{"ExecutedVersion", "SdkHttpMetadata", "SdkResponseMetadata", "StatusCode"} {
		if _, ok := out[k]; !ok {
			t.Errorf("result lacks %s: %s", k, compact(out))
		}
	}
	assertJSON(t, out["StatusCode"], `200`)
	want := []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}
	if compact(r.types()) != compact(want) {
		t.Errorf("history %v", r.types())
	}
	if d := r.history[2].TaskScheduledEventDetails; d.ResourceType != "lambda" || d.Resource != "invoke" || d.Region != "us-east-1" {
		t.Errorf("TaskScheduled details %+v", d)
	}
}

func TestTask_HandlerErrorNames(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"pointer type name", &NotFound{ID: "7"}, "NotFound"},
		{"ErrorName method", Throttled{}, "Custom.Throttled"},
		{"errors.New", errPlain, "errorString"},
		{"wrapped reaches as wrapper", fmt.Errorf("ctx: %w", &NotFound{}), "wrapError"},
		{"function error", &FunctionError{ErrorType: "Validation", ErrorMessage: "bad"}, "Validation"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			def := taskDef(`{"Type":"Task","Resource":"`+fnArn+`","Catch":[{"ErrorEquals":["States.ALL"],"Next":"C"}],"End":true}`, `"C":{"Type":"Pass","End":true}`)
			r := run(t, def, `{}`, handle(fnArn, func(context.Context, json.RawMessage) (json.RawMessage, error) { return nil, tc.err }))
			out := plain(r.output(t))
			if out["Error"] != tc.want {
				t.Errorf("Error = %v, want %s", out["Error"], tc.want)
			}
			var cause map[string]any
			if err := json.Unmarshal([]byte(out["Cause"].(string)), &cause); err != nil || cause["errorType"] != tc.want {
				t.Errorf("Cause = %v", out["Cause"])
			}
		})
	}
}

func TestTask_TypedHandler(t *testing.T) {
	type in struct{ N int }
	type out struct{ Double int }
	h := TypedHandler(func(_ context.Context, i in) (out, error) { return out{i.N * 2}, nil })
	r := run(t, taskDef(`{"Type":"Task","Resource":"`+fnArn+`","End":true}`), `{"N":21}`, handle(fnArn, h))
	assertJSON(t, r.output(t), `{"Double":42}`)
}

func TestTask_NoHandler(t *testing.T) {
	tests := []struct{ name, resource, want string }{
		{"lambda ARN", fnArn, "Lambda.ResourceNotFoundException"},
		{"other service", "arn:aws:states:::sqs:sendMessage", ErrTaskFailed},
		{"dynamodb without client", "arn:aws:states:::dynamodb:getItem", ErrTaskFailed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, taskDef(`{"Type":"Task","Resource":"`+tc.resource+`","End":true}`), `{}`)
			assertFailed(t, r, tc.want, "touchaudit")
		})
	}
}

func TestTask_RetryBackoff(t *testing.T) {
	tests := []struct {
		name      string
		retry     string
		failures  int
		wantOK    bool
		wantDelay time.Duration
	}{
		{"defaults 1s x2", `{"ErrorEquals":["NotFound"]}`, 3, true, (1 + 2 + 4) * time.Second},
		{"interval and rate", `{"ErrorEquals":["NotFound"],"IntervalSeconds":2,"BackoffRate":3,"MaxAttempts":2}`, 2, true, (2 + 6) * time.Second},
		{"max delay caps", `{"ErrorEquals":["NotFound"],"IntervalSeconds":10,"BackoffRate":10,"MaxAttempts":3,"MaxDelaySeconds":15}`, 3, true, (10 + 15 + 15) * time.Second},
		{"exhausted", `{"ErrorEquals":["NotFound"],"MaxAttempts":1}`, 2, false, 1 * time.Second},
		{"zero attempts never retries", `{"ErrorEquals":["NotFound"],"MaxAttempts":0}`, 1, false, 0},
		{"States.ALL retries", `{"ErrorEquals":["States.ALL"],"IntervalSeconds":5}`, 1, true, 5 * time.Second},
		{"States.TaskFailed retries task errors", `{"ErrorEquals":["States.TaskFailed"],"IntervalSeconds":5}`, 1, true, 5 * time.Second},
		{"other name does not retry", `{"ErrorEquals":["Other"]}`, 1, false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			h := func(context.Context, json.RawMessage) (json.RawMessage, error) {
				calls++
				if calls <= tc.failures {
					return nil, &NotFound{}
				}
				return json.RawMessage(`{"calls":` + fmt.Sprint(calls) + `}`), nil
			}
			r := run(t, taskDef(`{"Type":"Task","Resource":"`+fnArn+`","Retry":[`+tc.retry+`],"End":true}`), `{}`, handle(fnArn, h))
			if ok := r.desc.Status == StatusSucceeded; ok != tc.wantOK {
				t.Fatalf("status %s (%s), want ok=%v", r.desc.Status, r.desc.Error, tc.wantOK)
			}
			if !tc.wantOK && r.desc.Error != "NotFound" {
				t.Errorf("error %s, want NotFound", r.desc.Error)
			}
			if got := r.desc.StopDate.Sub(r.desc.StartDate); got != tc.wantDelay {
				t.Errorf("retries took %v, want %v", got, tc.wantDelay)
			}
		})
	}
}

func TestTask_RetryOnlyFirstMatchingRetrier(t *testing.T) {
	// The developer guide's example: ErrorA, ErrorB, ErrorC, ErrorB. The
	// fourth error matches the exhausted first retrier and goes to Catch.
	errs := []string{"ErrorA", "ErrorB", "ErrorC", "ErrorB"}
	calls := 0
	h := func(context.Context, json.RawMessage) (json.RawMessage, error) {
		e := errs[calls]
		calls++
		return nil, &FunctionError{ErrorType: e, ErrorMessage: e}
	}
	def := taskDef(`{"Type":"Task","Resource":"`+fnArn+`","Retry":[
		{"ErrorEquals":["ErrorA","ErrorB"],"IntervalSeconds":1,"BackoffRate":2.0,"MaxAttempts":2},
		{"ErrorEquals":["ErrorC"],"IntervalSeconds":5}],
		"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Z"}],"End":true}`, `"Z":{"Type":"Pass","End":true}`)
	r := run(t, def, `{}`, handle(fnArn, h))
	if calls != 4 {
		t.Errorf("calls = %d, want 4", calls)
	}
	assertJSON(t, plain(r.output(t))["Error"], `"ErrorB"`)
	if got := r.desc.StopDate.Sub(r.desc.StartDate); got != (1+2+5)*time.Second {
		t.Errorf("took %v, want 8s", got)
	}
	if r.desc.StateTransitions != 2+3 {
		t.Errorf("StateTransitions = %d, want 5 (2 states + 3 retries)", r.desc.StateTransitions)
	}
}

func TestTask_RetryCountInContext(t *testing.T) {
	calls := 0
	var seen []any
	h := jsonHandler(func(in map[string]any) (any, error) {
		seen = append(seen, in["retry"])
		calls++
		if calls < 3 {
			return nil, &NotFound{}
		}
		return in, nil
	})
	def := taskDef(`{"Type":"Task","Resource":"` + fnArn + `","Parameters":{"retry.$":"$$.State.RetryCount"},"Retry":[{"ErrorEquals":["NotFound"]}],"End":true}`)
	run(t, def, `{}`, handle(fnArn, h))
	if compact(seen) != `[0,1,2]` {
		t.Errorf("RetryCount seen %s", compact(seen))
	}
}

func TestTask_JitterFullIsSeededAndBounded(t *testing.T) {
	delay := func(seed uint64) time.Duration {
		e := NewEngine(Options{Seed: seed})
		calls := 0
		e.Registry().Register(fnArn, func(context.Context, json.RawMessage) (json.RawMessage, error) {
			calls++
			if calls <= 3 {
				return nil, &NotFound{}
			}
			return json.RawMessage(`{}`), nil
		})
		r := runOn(t, e, "j", taskDef(`{"Type":"Task","Resource":"`+fnArn+`","Retry":[{"ErrorEquals":["NotFound"],"IntervalSeconds":10,"JitterStrategy":"FULL"}],"End":true}`), `{}`)
		return r.desc.StopDate.Sub(r.desc.StartDate)
	}
	a, b := delay(7), delay(7)
	if a != b {
		t.Errorf("same seed gave %v and %v", a, b)
	}
	if a > 70*time.Second || a == 70*time.Second {
		t.Errorf("jittered total %v not below the unjittered 70s", a)
	}
}

func TestTask_Catch(t *testing.T) {
	fail := handle(fnArn, func(context.Context, json.RawMessage) (json.RawMessage, error) { return nil, &NotFound{ID: "1"} })
	tests := []struct{ name, catch, want string }{
		{"default ResultPath replaces", `{"ErrorEquals":["NotFound"],"Next":"H"}`, `{"Error":"NotFound","Cause":"{\"errorMessage\":\"not found: 1\",\"errorType\":\"NotFound\",\"stackTrace\":[]}"}`},
		{"ResultPath keeps input", `{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"H"}`, `{"in":1,"error":{"Error":"NotFound","Cause":"{\"errorMessage\":\"not found: 1\",\"errorType\":\"NotFound\",\"stackTrace\":[]}"}}`},
		{"null ResultPath drops error", `{"ErrorEquals":["States.TaskFailed"],"ResultPath":null,"Next":"H"}`, `{"in":1}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			def := taskDef(`{"Type":"Task","Resource":"`+fnArn+`","Catch":[`+tc.catch+`],"End":true}`, `"H":{"Type":"Pass","End":true}`)
			r := run(t, def, `{"in":1}`, fail)
			assertJSON(t, r.output(t), tc.want)
			want := []string{"ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionFailed", "TaskStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"}
			if compact(r.types()) != compact(want) {
				t.Errorf("history %v", r.types())
			}
		})
	}
}

func TestTask_RuntimeErrorsAreNeverRetriedOrCaught(t *testing.T) {
	calls := 0
	h := jsonHandler(func(map[string]any) (any, error) { calls++; return map[string]any{}, nil })
	def := taskDef(`{"Type":"Task","Resource":"`+fnArn+`","OutputPath":"$.missing",
		"Retry":[{"ErrorEquals":["States.Runtime"]},{"ErrorEquals":["States.ALL"]}],
		"Catch":[{"ErrorEquals":["States.Runtime"],"Next":"H"},{"ErrorEquals":["States.ALL"],"Next":"H"}],"End":true}`, `"H":{"Type":"Pass","End":true}`)
	r := run(t, def, `{}`, handle(fnArn, h))
	assertFailed(t, r, ErrRuntime, "$.missing")
	if calls != 1 {
		t.Errorf("calls = %d, want 1", calls)
	}
}

func TestTask_DataLimitExceeded(t *testing.T) {
	big := strings.Repeat("x", maxPayloadBytes)
	h := jsonHandler(func(map[string]any) (any, error) { return map[string]any{"big": big}, nil })
	// AWS reports an oversized task result as a task failure that
	// States.ALL catches (LocalStack's AWS snapshot
	// test_task_lambda_catch_state_all_data_limit_exceeded_on_large_utf8_response).
	t.Run("task result caught by States.ALL", func(t *testing.T) {
		def := taskDef(`{"Type":"Task","Resource":"`+fnArn+`","Catch":[{"ErrorEquals":["States.ALL"],"Next":"H"}],"End":true}`, `"H":{"Type":"Pass","End":true}`)
		r := run(t, def, `{}`, handle(fnArn, h))
		assertJSON(t, r.output(t), `{"Error":"States.DataLimitExceeded","Cause":"The state/task '`+fnArn+`' returned a result with a size exceeding the maximum number of bytes service limit."}`)
	})
	t.Run("state output not caught by States.ALL", func(t *testing.T) {
		half := strings.Repeat("y", maxPayloadBytes/2)
		small := jsonHandler(func(map[string]any) (any, error) { return half, nil })
		def := taskDef(`{"Type":"Task","Resource":"`+fnArn+`","ResultPath":"$.r","Catch":[{"ErrorEquals":["States.ALL"],"Next":"H"}],"End":true}`, `"H":{"Type":"Pass","End":true}`)
		assertFailed(t, run(t, def, `{"in":"`+half+`"}`, handle(fnArn, small)), ErrDataLimitExceeded, "'T'")
	})
	t.Run("caught by name", func(t *testing.T) {
		def := taskDef(`{"Type":"Task","Resource":"`+fnArn+`","Catch":[{"ErrorEquals":["States.DataLimitExceeded"],"ResultPath":null,"Next":"H"}],"End":true}`, `"H":{"Type":"Pass","End":true}`)
		r := run(t, def, `{}`, handle(fnArn, h))
		assertJSON(t, r.output(t), `{}`)
	})
}

func TestErrorMatches(t *testing.T) {
	tests := []struct {
		pattern, err string
		task, want   bool
	}{
		{"States.ALL", "Custom", true, true},
		{"States.ALL", ErrTimeout, true, true},
		{"States.ALL", ErrRuntime, true, false},
		{"States.ALL", ErrDataLimitExceeded, true, true},
		{ErrDataLimitExceeded, ErrDataLimitExceeded, true, true},
		{ErrRuntime, ErrRuntime, true, false},
		{"States.TaskFailed", "Custom", true, true},
		{"States.TaskFailed", ErrTimeout, true, false},
		{"States.TaskFailed", "Custom", false, false},
		{"States.Timeout", ErrHeartbeatTimeout, true, true},
		{"States.HeartbeatTimeout", ErrTimeout, true, false},
		{"Custom", "Custom", false, true},
		{"custom", "Custom", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.pattern+"/"+tc.err, func(t *testing.T) {
			if got := errorMatches(tc.pattern, &StatesError{Name: tc.err}, tc.task); got != tc.want {
				t.Errorf("errorMatches(%s, %s, task=%v) = %v", tc.pattern, tc.err, tc.task, got)
			}
		})
	}
}

func TestErrorMatches_TerminalDataLimitExceeded(t *testing.T) {
	err := checkSize("S", "output", strings.Repeat("x", maxPayloadBytes))
	if err == nil || errorMatches("States.ALL", err, true) || errorMatches("States.TaskFailed", err, true) || !errorMatches(ErrDataLimitExceeded, err, true) {
		t.Errorf("a state output over the quota: %v", err)
	}
}

func TestRetryDelay(t *testing.T) {
	r := Retrier{IntervalSeconds: 3, BackoffRate: 2, MaxDelaySeconds: 20}
	var got []time.Duration
	for n := int64(0); n < 5; n++ {
		got = append(got, retryDelay(r, n, nil))
	}
	want := []time.Duration{3 * time.Second, 6 * time.Second, 12 * time.Second, 20 * time.Second, 20 * time.Second}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("delays %v, want %v", got, want)
	}
}
