package asl

import (
	"context"
	"errors"
	"testing"
)

func TestTestState_Outcomes(t *testing.T) {
	e := NewEngine(Options{})
	e.Registry().Register("arn:aws:lambda:us-east-1:123456789012:function:greet", TypedHandler(func(_ context.Context, in map[string]any) (map[string]any, error) {
		return map[string]any{"greeting": "hello " + in["who"].(string)}, nil
	}))
	e.Registry().Register("arn:aws:lambda:us-east-1:123456789012:function:broken", TypedHandler(func(context.Context, map[string]any) (map[string]any, error) {
		return nil, errors.New("boom")
	}))
	str := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return *p
	}
	tests := []struct {
		name                          string
		in                            TestStateInput
		status, output, next, errName string
	}{
		{"pass", TestStateInput{Definition: `{"Type":"Pass","Parameters":{"x.$":"States.MathAdd($.a, 1)"},"ResultPath":"$.r","Next":"Later"}`, Input: `{"a":1}`},
			"SUCCEEDED", `{"a":1,"r":{"x":2}}`, "Later", ""},
		{"choice", TestStateInput{Definition: `{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":5,"Next":"Big"}],"Default":"Small"}`, Input: `{"n":9}`},
			"SUCCEEDED", `{"n":9}`, "Big", ""},
		{"task", TestStateInput{Definition: `{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:greet","ResultSelector":{"g.$":"$.greeting"},"End":true}`, Input: `{"who":"Ana"}`, InspectionLevel: "DEBUG"},
			"SUCCEEDED", `{"g":"hello Ana"}`, "", ""},
		{"retriable", TestStateInput{Definition: `{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:broken","Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":2}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Handle"}],"End":true}`},
			"RETRIABLE", "<nil>", "", "errorString"},
		{"retries used up, caught", TestStateInput{Definition: `{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:broken","Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":1}],"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.err","Next":"Handle"}],"End":true}`, Input: `{}`, RetryCount: 1},
			"CAUGHT_ERROR", `{"err":{"Error":"errorString","Cause":"{\"errorMessage\":\"boom\",\"errorType\":\"errorString\",\"stackTrace\":[]}"}}`, "Handle", "errorString"},
		{"mocked error", TestStateInput{Definition: `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"x"},"End":true}`, Mock: &TestStateMock{ErrorOutput: true, Error: "Lambda.TooManyRequestsException", Cause: "slow"}},
			"FAILED", "<nil>", "", "Lambda.TooManyRequestsException"},
		{"state of a machine", TestStateInput{Definition: `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Fail","Error":"Nope","Cause":"no"}}}`, StateName: "B"},
			"FAILED", "<nil>", "", "Nope"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.TestState(context.Background(), tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if out.Status != tc.status || str(out.Output) != tc.output || out.NextState != tc.next || out.Error != tc.errName {
				t.Errorf("got %s %s next %q error %q (%s)", out.Status, str(out.Output), out.NextState, out.Error, out.Cause)
			}
		})
	}
	out, _ := e.TestState(context.Background(), tests[2].in)
	if ins := out.InspectionData; ins == nil || str(ins.Result) != `{"greeting":"hello Ana"}` || str(ins.AfterResultSelector) != `{"g":"hello Ana"}` || str(ins.AfterInputPath) != `{"who":"Ana"}` {
		t.Errorf("inspection data: %+v", out.InspectionData)
	}
	if _, err := e.TestState(context.Background(), TestStateInput{Definition: `{"Type":"Pass","Bogus":1,"End":true}`}); !IsCode(err, "InvalidDefinition") {
		t.Errorf("invalid state: %v", err)
	}
}

func TestTestState_JSONataStateOfAJSONataMachine(t *testing.T) {
	e := NewEngine(Options{})
	def := `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":{"n":"{% $states.input.n + 1 %}"},"Next":"B"},"B":{"Type":"Succeed"}}}`
	out, err := e.TestState(context.Background(), TestStateInput{Definition: def, StateName: "A", Input: `{"n":1}`})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != TestSucceeded || out.Output == nil || *out.Output != `{"n":2}` || out.NextState != "B" {
		t.Errorf("got %+v (output %v), want SUCCEEDED {\"n\":2} next B", out, out.Output)
	}
}
