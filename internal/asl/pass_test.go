package asl

import "testing"

func TestPass_DataFlow(t *testing.T) {
	tests := []struct {
		name, state, input, want string
	}{
		{"passes input through", `{"Type":"Pass","End":true}`, `{"a":1}`, `{"a":1}`},
		{"result replaces input", `{"Type":"Pass","Result":{"b":2},"End":true}`, `{"a":1}`, `{"b":2}`},
		{"result at ResultPath", `{"Type":"Pass","Result":{"b":2},"ResultPath":"$.r","End":true}`, `{"a":1}`, `{"a":1,"r":{"b":2}}`},
		{"null ResultPath keeps input", `{"Type":"Pass","Result":"x","ResultPath":null,"End":true}`, `{"a":1}`, `{"a":1}`},
		{"InputPath selects", `{"Type":"Pass","InputPath":"$.a","End":true}`, `{"a":{"b":3}}`, `{"b":3}`},
		{"null InputPath is {}", `{"Type":"Pass","InputPath":null,"End":true}`, `{"a":1}`, `{}`},
		{"null OutputPath is {}", `{"Type":"Pass","OutputPath":null,"End":true}`, `{"a":1}`, `{}`},
		{"Parameters with paths", `{"Type":"Pass","Parameters":{"x.$":"$.a","lit":"v","nested":{"y.$":"$.b[1]"}},"End":true}`, `{"a":1,"b":[5,6]}`, `{"lit":"v","x":1,"nested":{"y":6}}`}, // a template comes out in Java HashMap order,
		{"Parameters with context", `{"Type":"Pass","Parameters":{"name.$":"$$.State.Name","sm.$":"$$.StateMachine.Name","retry.$":"$$.State.RetryCount"},"End":true}`, `{}`, `{"name":"S","sm":"test","retry":0}`},
		{"Parameters with intrinsic", `{"Type":"Pass","Parameters":{"s.$":"States.Format('Hello, {}', $.who)"},"End":true}`, `{"who":"Ana"}`, `{"s":"Hello, Ana"}`},
		{"Result with .$ keys is literal", `{"Type":"Pass","Result":{"k.$":"$.a"},"End":true}`, `{"a":1}`, `{"k.$":"$.a"}`},
		{"ResultPath creates objects", `{"Type":"Pass","Result":1,"ResultPath":"$.x.y.z","End":true}`, `{}`, `{"x":{"y":{"z":1}}}`},
		{"ResultPath replaces array item", `{"Type":"Pass","Result":9,"ResultPath":"$.a[1]","End":true}`, `{"a":[1,2,3]}`, `{"a":[1,9,3]}`},
		{"OutputPath after ResultPath", `{"Type":"Pass","Result":{"v":1},"ResultPath":"$.r","OutputPath":"$.r","End":true}`, `{"a":1}`, `{"v":1}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, `{"StartAt":"S","States":{"S":`+tc.state+`}}`, tc.input)
			assertJSON(t, r.output(t), tc.want)
		})
	}
}

func TestPass_PathErrorsAreRuntime(t *testing.T) {
	tests := []struct{ name, state string }{
		{"missing InputPath", `{"Type":"Pass","InputPath":"$.nope","End":true}`},
		{"missing OutputPath", `{"Type":"Pass","OutputPath":"$.nope","End":true}`},
		{"missing Parameters path", `{"Type":"Pass","Parameters":{"x.$":"$.nope"},"End":true}`},
		{"failing intrinsic", `{"Type":"Pass","Parameters":{"x.$":"States.StringToJson($.a)"},"End":true}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, `{"StartAt":"S","States":{"S":`+tc.state+`}}`, `{"a":"not json {"}`)
			assertFailed(t, r, ErrRuntime, "'S'")
		})
	}
}

func TestPass_ResultPathMatchFailure(t *testing.T) {
	r := run(t, `{"StartAt":"S","States":{"S":{"Type":"Pass","Result":1,"ResultPath":"$.a.b","End":true}}}`, `{"a":"string"}`)
	assertFailed(t, r, ErrResultPathMatchFailure, "$.a.b")
}

func TestPass_History(t *testing.T) {
	r := run(t, `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","End":true}}}`, `{}`)
	want := []string{"ExecutionStarted", "PassStateEntered", "PassStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"}
	if got := r.types(); compact(got) != compact(want) {
		t.Errorf("history %v, want %v", got, want)
	}
	for i, ev := range r.history {
		if ev.ID != int64(i+1) || ev.PreviousEventID != int64(i) {
			t.Errorf("event %d: id %d previous %d", i, ev.ID, ev.PreviousEventID)
		}
	}
	if r.desc.StateTransitions != 2 {
		t.Errorf("StateTransitions = %d, want 2", r.desc.StateTransitions)
	}
}
