package asl

import (
	"context"
	"encoding/json"
	"testing"
	"time"
)

// callbackEngine starts a waitForTaskToken execution whose Lambda records
// the token it was given.
func callbackEngine(t *testing.T, taskFields string) (*Engine, string, *string) {
	t.Helper()
	e := NewEngine(Options{Seed: 3})
	token := new(string)
	e.Registry().Register("Notify", jsonHandler(func(in map[string]any) (any, error) {
		*token = in["token"].(string)
		return map[string]any{"sent": true}, nil
	}))
	def := `{"StartAt":"Ask","States":{"Ask":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
		"Parameters":{"FunctionName":"Notify","Payload":{"token.$":"$$.Task.Token"}},` + taskFields + `"End":true}}}`
	sm, err := e.CreateStateMachine(CreateStateMachineInput{Name: "cb", Definition: def})
	if err != nil {
		t.Fatal(err)
	}
	st, err := e.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := e.WaitForExecution(context.Background(), st.ExecutionArn)
	if d.Status != StatusRunning || *token == "" {
		t.Fatalf("execution should wait for its token: %s %q", d.Status, *token)
	}
	return e, st.ExecutionArn, token
}

func TestCallback_Success(t *testing.T) {
	e, arn, token := callbackEngine(t, "")
	if err := e.SendTaskSuccess(*token, `{"approved":true}`); err != nil {
		t.Fatal(err)
	}
	d, _ := e.WaitForExecution(context.Background(), arn)
	if d.Status != StatusSucceeded || *d.Output != `{"approved":true}` {
		t.Fatalf("got %s %v", d.Status, d.Output)
	}
	h, _ := e.GetExecutionHistory(GetExecutionHistoryInput{ExecutionArn: arn})
	var types []string
	for _, ev := range h {
		types = append(types, ev.Type)
	}
	want := []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}
	if compact(types) != compact(want) {
		t.Errorf("history %v", types)
	}
	if err := e.SendTaskSuccess(*token, `{}`); !IsCode(err, CodeTaskTimedOut) {
		t.Errorf("second SendTaskSuccess: %v, want TaskTimedOut", err)
	}
}

func TestCallback_Failure(t *testing.T) {
	e, arn, token := callbackEngine(t, "")
	if err := e.SendTaskFailure(*token, "Rejected", "the reviewer said no"); err != nil {
		t.Fatal(err)
	}
	d, _ := e.WaitForExecution(context.Background(), arn)
	if d.Status != StatusFailed || d.Error != "Rejected" || d.Cause != "the reviewer said no" {
		t.Errorf("got %s %s %s", d.Status, d.Error, d.Cause)
	}
}

func TestCallback_TokenErrors(t *testing.T) {
	e, _, token := callbackEngine(t, "")
	tests := []struct{ name, token, code string }{
		{"malformed", "nope", CodeInvalidToken},
		{"empty", "", CodeInvalidToken},
		{"unknown", e.newToken(), CodeInvalidToken},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := e.SendTaskSuccess(tc.token, `{}`); !IsCode(err, tc.code) {
				t.Errorf("SendTaskSuccess: %v, want %s", err, tc.code)
			}
			if err := e.SendTaskHeartbeat(tc.token); !IsCode(err, tc.code) {
				t.Errorf("SendTaskHeartbeat: %v, want %s", err, tc.code)
			}
		})
	}
	if err := e.SendTaskSuccess(*token, `{not json`); !IsCode(err, CodeInvalidOutput) {
		t.Errorf("bad output: %v", err)
	}
}

func TestCallback_Timeouts(t *testing.T) {
	t.Run("TimeoutSeconds", func(t *testing.T) {
		e, arn, token := callbackEngine(t, `"TimeoutSeconds":600,`)
		d, _ := e.RunExecution(context.Background(), arn)
		if d.Status != StatusFailed || d.Error != ErrTimeout || d.StopDate.Sub(d.StartDate) != 600*time.Second {
			t.Errorf("got %s %s after %v", d.Status, d.Error, d.StopDate.Sub(d.StartDate))
		}
		if err := e.SendTaskSuccess(*token, `{}`); !IsCode(err, CodeTaskTimedOut) {
			t.Errorf("late SendTaskSuccess: %v, want TaskTimedOut", err)
		}
	})
	t.Run("HeartbeatSeconds with heartbeats", func(t *testing.T) {
		e, arn, token := callbackEngine(t, `"TimeoutSeconds":600,"HeartbeatSeconds":60,`)
		for i := 0; i < 3; i++ {
			if err := e.Advance(context.Background(), 50*time.Second); err != nil {
				t.Fatal(err)
			}
			if err := e.SendTaskHeartbeat(*token); err != nil {
				t.Fatalf("heartbeat %d: %v", i, err)
			}
		}
		d, _ := e.RunExecution(context.Background(), arn)
		if d.Status != StatusFailed || d.Error != ErrHeartbeatTimeout || d.StopDate.Sub(d.StartDate) != 210*time.Second {
			t.Errorf("got %s %s after %v, want States.HeartbeatTimeout after 210s", d.Status, d.Error, d.StopDate.Sub(d.StartDate))
		}
		h, _ := e.GetExecutionHistory(GetExecutionHistoryInput{ExecutionArn: arn, ReverseOrder: true})
		if h[1].Type != EventTaskTimedOut {
			t.Errorf("last events %s %s", h[0].Type, h[1].Type)
		}
	})
	t.Run("caught timeout", func(t *testing.T) {
		e := NewEngine(Options{})
		e.Registry().Register("Notify", jsonHandler(func(map[string]any) (any, error) { return map[string]any{}, nil }))
		def := `{"StartAt":"Ask","States":{"Ask":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken","HeartbeatSeconds":5,
			"Parameters":{"FunctionName":"Notify","Payload":{"t.$":"$$.Task.Token"}},"Catch":[{"ErrorEquals":["States.Timeout"],"Next":"Late"}],"End":true},"Late":{"Type":"Pass","End":true}}}`
		r := runOn(t, e, "c", def, `{}`)
		d, _ := e.RunExecution(context.Background(), r.desc.ExecutionArn)
		if d.Status != StatusSucceeded || *d.Output != `{"Error":"States.HeartbeatTimeout","Cause":"The task did not send a heartbeat in time."}` {
			t.Errorf("got %s %s", d.Status, *d.Output)
		}
	})
}

func TestCallback_TokenSentDuringInvoke(t *testing.T) {
	e := NewEngine(Options{})
	e.Registry().Register("Auto", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		var p struct{ Token string }
		_ = json.Unmarshal(in, &p)
		if err := e.SendTaskSuccess(p.Token, `"done"`); err != nil {
			return nil, err
		}
		return json.RawMessage(`{}`), nil
	})
	def := `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken","Parameters":{"FunctionName":"Auto","Payload":{"Token.$":"$$.Task.Token"}},"End":true}}}`
	r := runOn(t, e, "auto", def, `{}`)
	assertJSON(t, r.output(t), `"done"`)
}

func TestCallback_TokensAreUnique(t *testing.T) {
	e := NewEngine(Options{})
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		tok := e.newToken()
		if seen[tok] || !validToken(tok) {
			t.Fatalf("token %q repeated or invalid", tok)
		}
		seen[tok] = true
	}
}

func TestCallback_TokensDifferAcrossEngines(t *testing.T) {
	// Two engines with the same seed, as two runs of `touchaudit local`.
	a, b := NewEngine(Options{Seed: 7}), NewEngine(Options{Seed: 7})
	seen := map[string]bool{}
	for i := 0; i < 500; i++ {
		for _, tok := range []string{a.newToken(), b.newToken()} {
			if seen[tok] {
				t.Fatalf("token %q minted twice", tok)
			}
			seen[tok] = true
		}
	}
	if len(seen) != 1000 {
		t.Errorf("got %d distinct tokens, want 1000", len(seen))
	}
}

func TestCallback_TokenOfAnotherEngine(t *testing.T) {
	// The same state machine, the same seed: before tokens came from
	// crypto/rand both engines minted the same token for their first task.
	old, _, oldToken := callbackEngine(t, "")
	e, arn, token := callbackEngine(t, "")
	if *oldToken == *token {
		t.Fatalf("both engines minted %q", *token)
	}
	calls := []struct {
		name string
		send func(*Engine, string) error
	}{
		{"SendTaskSuccess", func(e *Engine, tok string) error { return e.SendTaskSuccess(tok, `{"approved":true}`) }},
		{"SendTaskFailure", func(e *Engine, tok string) error { return e.SendTaskFailure(tok, "Rejected", "no") }},
		{"SendTaskHeartbeat", func(e *Engine, tok string) error { return e.SendTaskHeartbeat(tok) }},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			if err := c.send(e, *oldToken); !IsCode(err, CodeInvalidToken) {
				t.Errorf("%s with the other engine's token: %v, want InvalidToken", c.name, err)
			}
		})
	}
	d, _ := e.WaitForExecution(context.Background(), arn)
	if d.Status != StatusRunning || d.HistoryEvents != 5 {
		t.Errorf("the execution moved: %s with %d events, want RUNNING with 5", d.Status, d.HistoryEvents)
	}
	// The token still works on the engine that minted it.
	if err := old.SendTaskSuccess(*oldToken, `{}`); err != nil {
		t.Errorf("own engine refused its token: %v", err)
	}
}

func TestCallback_TokenOfFinishedExecution(t *testing.T) {
	tests := []struct {
		name   string
		finish func(t *testing.T, e *Engine, arn, token string)
	}{
		{"succeeded", func(t *testing.T, e *Engine, arn, token string) {
			if err := e.SendTaskSuccess(token, `{}`); err != nil {
				t.Fatal(err)
			}
		}},
		{"stopped", func(t *testing.T, e *Engine, arn, token string) {
			if _, err := e.StopExecution(arn, "Cancelled", "by test"); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, arn, token := callbackEngine(t, "")
			tc.finish(t, e, arn, *token)
			before, _ := e.WaitForExecution(context.Background(), arn)
			if before.Status == StatusRunning {
				t.Fatal("execution still running")
			}
			for _, err := range []error{e.SendTaskSuccess(*token, `{}`), e.SendTaskFailure(*token, "X", "y"), e.SendTaskHeartbeat(*token)} {
				if !IsCode(err, CodeTaskTimedOut) {
					t.Errorf("got %v, want TaskTimedOut", err)
				}
			}
			after, _ := e.WaitForExecution(context.Background(), arn)
			if after.Status != before.Status || after.HistoryEvents != before.HistoryEvents {
				t.Errorf("refused token changed the execution: %s/%d, was %s/%d", after.Status, after.HistoryEvents, before.Status, before.HistoryEvents)
			}
		})
	}
}
