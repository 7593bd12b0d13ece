package asl

import (
	"context"
	"encoding/json"
	"testing"
)

const parallelDef = `{"StartAt":"P","States":{"P":{"Type":"Parallel","ResultPath":"$.results","End":true,"Branches":[
	{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"a","End":true}}},
	{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"Next":"B"},"B":{"Type":"Pass","Parameters":{"b.$":"$.in"},"End":true}}}
]}}}`

func TestParallel_OutputsInBranchOrder(t *testing.T) {
	r := run(t, parallelDef, `{"in":1}`)
	assertJSON(t, r.output(t), `{"in":1,"results":["a",{"b":1}]}`)
	types := r.types()
	if types[1] != "ParallelStateEntered" || types[2] != "ParallelStateStarted" || types[len(types)-3] != "ParallelStateSucceeded" || types[len(types)-2] != "ParallelStateExited" {
		t.Errorf("history %v", types)
	}
}

func TestParallel_HistoryIsReproducible(t *testing.T) {
	a := run(t, parallelDef, `{"in":1}`)
	for i := 0; i < 5; i++ {
		b := run(t, parallelDef, `{"in":1}`)
		if compact(a.types()) != compact(b.types()) {
			t.Fatalf("run %d history differs:\n%v\n%v", i, a.types(), b.types())
		}
	}
}

func TestParallel_BranchFailureFailsStateAndStopsOthers(t *testing.T) {
	def := `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
		{"StartAt":"Slow","States":{"Slow":{"Type":"Wait","Seconds":3600,"Next":"Never"},"Never":{"Type":"Pass","End":true}}},
		{"StartAt":"Boom","States":{"Boom":{"Type":"Fail","Error":"Boom","Cause":"branch 2"}}}
	]}}}`
	r := run(t, def, `{}`)
	assertFailed(t, r, "Boom", "branch 2")
	for _, ev := range r.history {
		if ev.StateEnteredEventDetails != nil && ev.StateEnteredEventDetails.Name == "Never" {
			t.Errorf("the stopped branch went on to Never")
		}
	}
	if r.desc.StopDate.Sub(r.desc.StartDate) != 0 {
		t.Errorf("execution waited for the stopped branch")
	}
	types := r.types()
	if types[len(types)-2] != "ParallelStateFailed" {
		t.Errorf("history %v", types)
	}
}

func TestParallel_RetryAndCatch(t *testing.T) {
	calls := 0
	h := func(context.Context, json.RawMessage) (json.RawMessage, error) {
		calls++
		if calls == 1 {
			return nil, &NotFound{}
		}
		return json.RawMessage(`"ok"`), nil
	}
	def := `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,
		"Retry":[{"ErrorEquals":["NotFound"],"IntervalSeconds":4}],
		"Branches":[{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + fnArn + `","End":true}}}]}}}`
	r := run(t, def, `{}`, handle(fnArn, h))
	assertJSON(t, r.output(t), `["ok"]`)

	caught := `{"StartAt":"P","States":{"P":{"Type":"Parallel","Next":"Done",
		"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.err","Next":"Done"}],
		"Branches":[{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E","Cause":"c"}}}]},"Done":{"Type":"Succeed"}}}`
	assertJSON(t, run(t, caught, `{"x":1}`).output(t), `{"x":1,"err":{"Error":"E","Cause":"c"}}`)
}

func TestParallel_ParametersAndResultSelector(t *testing.T) {
	def := `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,
		"Parameters":{"v.$":"$.value"},"ResultSelector":{"first.$":"$[0].v","count.$":"States.ArrayLength($)"},
		"Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}]}}}`
	assertJSON(t, run(t, def, `{"value":5}`).output(t), `{"first":5,"count":2}`)
}
