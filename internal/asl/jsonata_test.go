package asl

import (
	"testing"
)

func TestJSONata_EvaluationFailedEvent(t *testing.T) {
	def := `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":{"a":"{% $states.input.nope %}"},"End":true}}}`
	r := run(t, def, `{}`)
	assertFailed(t, r, ErrQueryEvaluation, "An error occurred while executing the state 'P' (entered at the event id #2). The JSONata expression '$states.input.nope' specified for the field 'Output/a' returned nothing (undefined).")
	want := []string{"ExecutionStarted", "PassStateEntered", "EvaluationFailed", "ExecutionFailed"}
	if got := r.types(); len(got) != len(want) || got[2] != want[2] {
		t.Fatalf("history %v, want %v", got, want)
	}
	d := r.history[2].EvaluationFailedEventDetails
	if d == nil || d.State != "P" || d.Location != "Output/a" || d.Error != "States.QueryEvaluationError" {
		t.Errorf("evaluationFailedEventDetails %+v", d)
	}
	// As AWS records it: the EvaluationFailed event follows nothing, and
	// the execution's failure follows it.
	if r.history[2].PreviousEventID != 0 || r.history[3].PreviousEventID != 3 {
		t.Errorf("previousEventId %d and %d, want 0 and 3", r.history[2].PreviousEventID, r.history[3].PreviousEventID)
	}
}

func TestJSONata_TaskArgumentsReachHandler(t *testing.T) {
	var got map[string]any
	h := jsonHandler(func(in map[string]any) (any, error) {
		got = in
		return map[string]any{"total": 3}, nil
	})
	def := `{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:Sum",
		"Arguments":{"ids":"{% $states.input.ids %}","n":"{% $count($states.input.ids) %}"},
		"Output":{"total":"{% $states.result.total %}","first":"{% $states.input.ids[0] %}"},"End":true}}}`
	r := run(t, def, `{"ids":["a","b"]}`, handle("arn:aws:lambda:us-east-1:123456789012:function:Sum", h))
	assertJSON(t, r.output(t), `{"total":3,"first":"a"}`)
	assertJSON(t, got, `{"ids":["a","b"],"n":2}`)
}

func TestJSONata_HandlerErrorCaughtWithErrorOutput(t *testing.T) {
	h := jsonHandler(func(map[string]any) (any, error) { return nil, &NotFound{ID: "x"} })
	def := `{"QueryLanguage":"JSONata","StartAt":"T","States":{
		"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:Get","Catch":[{"ErrorEquals":["NotFound"],"Next":"Gone"}],"End":true},
		"Gone":{"Type":"Pass","End":true}}}`
	r := run(t, def, `{}`, handle("arn:aws:lambda:us-east-1:123456789012:function:Get", h))
	// The cause is Lambda's error document, as for JSONPath catchers.
	assertJSON(t, r.output(t), `{"Error":"NotFound","Cause":"{\"errorMessage\":\"not found: x\",\"errorType\":\"NotFound\",\"stackTrace\":[]}"}`)
}

func TestJSONata_TimeFollowsVirtualClock(t *testing.T) {
	def := `{"QueryLanguage":"JSONata","StartAt":"W","States":{"W":{"Type":"Wait","Seconds":"{% 3600 %}","Next":"P"},
		"P":{"Type":"Pass","Output":"{% $millis() - $toMillis($states.context.Execution.StartTime) %}","End":true}}}`
	r := run(t, def, `{}`)
	assertJSON(t, r.output(t), `3600000`)
}

func TestJSONata_TaskFailedDoesNotMatchQueryEvaluationError(t *testing.T) {
	def := `{"QueryLanguage":"JSONata","StartAt":"T","States":{
		"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:Get","Arguments":"{% $states.input.nope %}",
			"Catch":[{"ErrorEquals":["States.TaskFailed"],"Next":"Caught"},{"ErrorEquals":["States.QueryEvaluationError"],"Output":"query","Next":"Caught"}],"End":true},
		"Caught":{"Type":"Pass","End":true}}}`
	r := run(t, def, `{}`)
	assertJSON(t, r.output(t), `"query"`)
}
