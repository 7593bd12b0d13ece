package asl

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

const passDef = `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`

func TestEngine_StateMachineAPI(t *testing.T) {
	e := NewEngine(Options{})
	out, err := e.CreateStateMachine(CreateStateMachineInput{Name: "Orders", Definition: passDef})
	if err != nil {
		t.Fatal(err)
	}
	if out.StateMachineArn != "arn:aws:states:us-east-1:123456789012:stateMachine:Orders" {
		t.Errorf("ARN %s", out.StateMachineArn)
	}
	again, err := e.CreateStateMachine(CreateStateMachineInput{Name: "Orders", Definition: passDef})
	if err != nil || again.StateMachineArn != out.StateMachineArn {
		t.Errorf("idempotent create: %v", err)
	}
	tests := []struct {
		name string
		in   CreateStateMachineInput
		code string
	}{
		{"different definition", CreateStateMachineInput{Name: "Orders", Definition: `{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}`}, CodeStateMachineAlreadyExists},
		{"bad name", CreateStateMachineInput{Name: "has space", Definition: passDef}, CodeInvalidName},
		{"long name", CreateStateMachineInput{Name: strings.Repeat("n", 81), Definition: passDef}, CodeInvalidName},
		{"invalid definition", CreateStateMachineInput{Name: "Bad", Definition: `{"StartAt":"Nope","States":{}}`}, CodeInvalidDefinition},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.CreateStateMachine(tc.in)
			if !IsCode(err, tc.code) {
				t.Errorf("got %v, want %s", err, tc.code)
			}
		})
	}
	_, err = e.CreateStateMachine(CreateStateMachineInput{Name: "Bad", Definition: `{"StartAt":"Nope","States":{}}`})
	var de *DefinitionError
	if !errors.As(err, &de) || len(de.Problems) != 2 {
		t.Errorf("InvalidDefinition should wrap every problem: %v", err)
	}
	if _, err := e.DescribeStateMachine(out.StateMachineArn + "x"); !IsCode(err, CodeStateMachineDoesNotExist) {
		t.Errorf("describe missing: %v", err)
	}
}

func TestEngine_StartExecutionNames(t *testing.T) {
	e := NewEngine(Options{})
	sm, _ := e.CreateStateMachine(CreateStateMachineInput{Name: "W", Definition: `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}`})
	first, err := e.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: "run-1", Input: `{"a":1}`})
	if err != nil {
		t.Fatal(err)
	}
	if first.ExecutionArn != "arn:aws:states:us-east-1:123456789012:execution:W:run-1" {
		t.Errorf("ARN %s", first.ExecutionArn)
	}
	same, err := e.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: "run-1", Input: `{ "a": 1 }`})
	if err != nil || same.ExecutionArn != first.ExecutionArn {
		t.Errorf("same name and input while running should be idempotent: %v", err)
	}
	if _, err := e.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: "run-1", Input: `{"a":2}`}); !IsCode(err, CodeExecutionAlreadyExists) {
		t.Errorf("different input: %v", err)
	}
	e.WaitForExecution(context.Background(), first.ExecutionArn)
	if _, err := e.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: "run-1", Input: `{"a":1}`}); !IsCode(err, CodeExecutionAlreadyExists) {
		t.Errorf("closed execution: %v", err)
	}
	tests := []struct {
		name string
		in   StartExecutionInput
		code string
	}{
		{"bad JSON", StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: `{`}, CodeInvalidExecutionInput},
		{"too big", StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: `"` + strings.Repeat("x", maxPayloadBytes) + `"`}, CodeInvalidExecutionInput},
		{"bad name", StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: "a/b"}, CodeInvalidName},
		{"no machine", StartExecutionInput{StateMachineArn: sm.StateMachineArn + "2"}, CodeStateMachineDoesNotExist},
		{"not an ARN", StartExecutionInput{StateMachineArn: "W"}, CodeInvalidArn},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := e.StartExecution(tc.in); !IsCode(err, tc.code) {
				t.Errorf("got %v, want %s", err, tc.code)
			}
		})
	}
	if _, err := e.DescribeExecution(first.ExecutionArn + "x"); !IsCode(err, CodeExecutionDoesNotExist) {
		t.Errorf("describe missing: %v", err)
	}
}

func TestEngine_StopAndList(t *testing.T) {
	e := NewEngine(Options{})
	sm, _ := e.CreateStateMachine(CreateStateMachineInput{Name: "W", Definition: `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}`})
	a, _ := e.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: "a"})
	b, _ := e.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: "b"})
	if _, err := e.StopExecution(a.ExecutionArn, "Operator", "changed my mind"); err != nil {
		t.Fatal(err)
	}
	e.Settle(context.Background())
	da, _ := e.DescribeExecution(a.ExecutionArn)
	if da.Status != StatusAborted || da.Error != "Operator" {
		t.Errorf("stopped execution: %s %s", da.Status, da.Error)
	}
	h, _ := e.GetExecutionHistory(GetExecutionHistoryInput{ExecutionArn: a.ExecutionArn})
	if last := h[len(h)-1]; last.Type != EventExecutionAborted || last.ExecutionAbortedEventDetails.Cause != "changed my mind" {
		t.Errorf("last event %+v", last)
	}
	all, _ := e.ListExecutions(ListExecutionsInput{StateMachineArn: sm.StateMachineArn})
	ok, _ := e.ListExecutions(ListExecutionsInput{StateMachineArn: sm.StateMachineArn, StatusFilter: StatusSucceeded})
	if len(all) != 2 || len(ok) != 1 || ok[0].ExecutionArn != b.ExecutionArn {
		t.Errorf("list: %d all, %d succeeded", len(all), len(ok))
	}
}

func TestEngine_ExecutionTimeout(t *testing.T) {
	r := run(t, `{"TimeoutSeconds":30,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}`, `{}`)
	if r.desc.Status != StatusTimedOut || r.desc.Error != ErrTimeout || r.desc.StopDate.Sub(r.desc.StartDate) != 30*time.Second {
		t.Errorf("got %s %s after %v", r.desc.Status, r.desc.Error, r.desc.StopDate.Sub(r.desc.StartDate))
	}
	if last := r.history[len(r.history)-1]; last.Type != EventExecutionTimedOut {
		t.Errorf("last event %s", last.Type)
	}
}

// TestEngine_HistoryQuota states the quota as the developer guide does,
// 25,000 events, not as maxHistoryEvents: a test that compares the engine
// with its own constant passes whatever the constant says.
func TestEngine_HistoryQuota(t *testing.T) {
	t.Run("an endless loop fails at event 25,000", func(t *testing.T) {
		loop := `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"A"}}}`
		r := run(t, loop, `{}`)
		assertFailed(t, r, ErrRuntime, "25000")
		if n := len(r.history); n != 25000 {
			t.Errorf("history has %d events, want 25000", n)
		}
		if last := r.history[len(r.history)-1]; last.Type != EventExecutionFailed || last.ID != 25000 {
			t.Errorf("last event %s #%d, want ExecutionFailed #25000", last.Type, last.ID)
		}
	})
	// Each round of the loop is 4 events (Pass and Choice entered and
	// exited); with the start, the Succeed state and the end, n rounds make
	// 4n+4 events: 6,249 rounds end exactly at event 25,000, 6,250 would
	// need 25,004.
	counted := func(rounds string) string {
		return strings.Replace(`{"StartAt":"P","States":{`+
			`"P":{"Type":"Pass","Parameters":{"n.$":"States.MathAdd($.n, 1)"},"Next":"C"},`+
			`"C":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericLessThan":ROUNDS,"Next":"P"}],"Default":"D"},`+
			`"D":{"Type":"Succeed"}}}`, "ROUNDS", rounds, 1)
	}
	t.Run("ExecutionSucceeded as event 25,000 succeeds", func(t *testing.T) {
		r := run(t, counted("6249"), `{"n":0}`)
		if r.desc.Status != StatusSucceeded {
			t.Fatalf("status %s (%s: %s), want SUCCEEDED", r.desc.Status, r.desc.Error, r.desc.Cause)
		}
		if last := r.history[len(r.history)-1]; last.Type != EventExecutionSucceeded || last.ID != 25000 {
			t.Errorf("last event %s #%d, want ExecutionSucceeded #25000", last.Type, last.ID)
		}
	})
	t.Run("one round more fails at event 25,000", func(t *testing.T) {
		r := run(t, counted("6250"), `{"n":0}`)
		assertFailed(t, r, ErrRuntime, "25000")
		if last := r.history[len(r.history)-1]; last.Type != EventExecutionFailed || last.ID != 25000 {
			t.Errorf("last event %s #%d, want ExecutionFailed #25000", last.Type, last.ID)
		}
	})
}

func TestEngine_ContextObject(t *testing.T) {
	def := `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"ctx.$":"$$"},"End":true}}}`
	e := NewEngine(Options{})
	sm, _ := e.CreateStateMachine(CreateStateMachineInput{Name: "ctx", Definition: def, RoleArn: "arn:aws:iam::123456789012:role/r"})
	st, _ := e.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: "n1", Input: `{"k":"v"}`})
	d, _ := e.WaitForExecution(context.Background(), st.ExecutionArn)
	want := `{"ctx":{"Execution":{"Id":"arn:aws:states:us-east-1:123456789012:execution:ctx:n1","Input":{"k":"v"},"Name":"n1","RedriveCount":0,"RoleArn":"arn:aws:iam::123456789012:role/r","StartTime":"2024-01-01T00:00:00.000Z"},` +
		`"State":{"EnteredTime":"2024-01-01T00:00:00.000Z","Name":"P","RetryCount":0},"StateMachine":{"Id":"arn:aws:states:us-east-1:123456789012:stateMachine:ctx","Name":"ctx"}}}`
	if *d.Output != want {
		t.Errorf("got  %s\nwant %s", *d.Output, want)
	}
}

func TestEngine_StartExecutionTask(t *testing.T) {
	e := NewEngine(Options{})
	child, _ := e.CreateStateMachine(CreateStateMachineInput{Name: "child", Definition: `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":5,"Next":"P"},"P":{"Type":"Pass","Parameters":{"got.$":"$.v"},"End":true}}}`})
	tests := []struct{ name, resource, check string }{
		{"fire and forget", "arn:aws:states:::states:startExecution", "ExecutionArn"},
		{"sync:2", "arn:aws:states:::states:startExecution.sync:2", "Output"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			def := `{"StartAt":"S","States":{"S":{"Type":"Task","Resource":"` + tc.resource + `","Parameters":{"StateMachineArn":"` + child.StateMachineArn + `","Input":{"v":7}},"End":true}}}`
			r := runOn(t, e, strings.NewReplacer(" ", "-", ":", "-").Replace(tc.name), def, `{}`)
			out := plain(r.output(t))
			if _, ok := out[tc.check]; !ok {
				t.Fatalf("output %s", compact(out))
			}
			if tc.check == "Output" {
				assertJSON(t, out["Output"], `{"got":7}`)
			}
		})
	}
}

func TestEngine_RealTime(t *testing.T) {
	e := NewEngine(Options{RealTime: true})
	r := runOn(t, e, "rt", passDef, `{"a":1}`)
	assertJSON(t, r.output(t), `{"a":1}`)
}
