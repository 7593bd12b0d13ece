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
	assertJSON(t, run(t, def, `{"value":5}`).output(t), `{"count":2,"first":5}`) // Java HashMap order, as AWS prints it
}

// On AWS every branch is entered before any ends: a branch that fails at
// once still finds its siblings entered, and their side effects happen
// (issue 15). Here the first branch fails at once and the second branch's
// task must run.
func TestParallel_EveryBranchEntersBeforeAnyEnds(t *testing.T) {
	calls := 0
	h := func(context.Context, json.RawMessage) (json.RawMessage, error) {
		calls++
		return json.RawMessage(`"done"`), nil
	}
	def := `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
		{"StartAt":"Boom","States":{"Boom":{"Type":"Fail","Error":"Boom","Cause":"at once"}}},
		{"StartAt":"Side","States":{"Side":{"Type":"Task","Resource":"` + fnArn + `","Next":"Later"},"Later":{"Type":"Wait","Seconds":60,"End":true}}},
		{"StartAt":"Third","States":{"Third":{"Type":"Pass","End":true}}}
	]}}}`
	r := run(t, def, `{}`, handle(fnArn, h))
	assertFailed(t, r, "Boom", "at once")
	entered := map[string]bool{}
	for _, ev := range r.history {
		if ev.StateEnteredEventDetails != nil {
			entered[ev.StateEnteredEventDetails.Name] = true
		}
	}
	for _, name := range []string{"Boom", "Side", "Third"} {
		if !entered[name] {
			t.Errorf("branch state %s was never entered: %v", name, r.types())
		}
	}
	if entered["Later"] {
		t.Errorf("the failed Parallel did not stop its other branches")
	}
	// The first failure ends the state: the history holds the three
	// StateEntered events before any branch's failure.
	types := r.types()
	firstFailOrExit := -1
	lastEnter := -1
	for i, typ := range types {
		switch typ {
		case "FailStateEntered", "TaskStateEntered", "PassStateEntered":
			lastEnter = i
		case "ExecutionFailed", "ParallelStateFailed", "PassStateExited", "TaskStateExited":
			if firstFailOrExit < 0 {
				firstFailOrExit = i
			}
		}
	}
	if lastEnter > firstFailOrExit {
		t.Errorf("a branch was entered after another ended: %v", types)
	}
}

func TestParallel_BranchesStartTogetherInRealTime(t *testing.T) {
	def := `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
		{"StartAt":"Boom","States":{"Boom":{"Type":"Fail","Error":"Boom"}}},
		{"StartAt":"Second","States":{"Second":{"Type":"Wait","Seconds":30,"End":true}}}
	]}}}`
	e := NewEngine(Options{RealTime: true})
	r := runOn(t, e, "rt", def, `{}`)
	assertFailed(t, r, "Boom", "")
	seen := false
	for _, ev := range r.history {
		if ev.StateEnteredEventDetails != nil && ev.StateEnteredEventDetails.Name == "Second" {
			seen = true
		}
	}
	if !seen {
		t.Errorf("the second branch was never entered: %v", r.types())
	}
}
