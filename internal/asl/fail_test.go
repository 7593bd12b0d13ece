package asl

import "testing"

func TestFail_ErrorAndCause(t *testing.T) {
	tests := []struct{ name, state, input, wantErr, wantCause string }{
		{"static", `{"Type":"Fail","Error":"MyError","Cause":"because"}`, `{}`, "MyError", "because"},
		{"paths", `{"Type":"Fail","ErrorPath":"$.e","CausePath":"$.c"}`, `{"e":"E1","c":"C1"}`, "E1", "C1"},
		{"intrinsic cause", `{"Type":"Fail","Error":"E","CausePath":"States.Format('id {}', $.id)"}`, `{"id":"7"}`, "E", "id 7"},
		{"non-string path is runtime error", `{"Type":"Fail","ErrorPath":"$.n"}`, `{"n":1}`, ErrRuntime, "ErrorPath"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, `{"StartAt":"S","States":{"S":`+tc.state+`}}`, tc.input)
			assertFailed(t, r, tc.wantErr, tc.wantCause)
			want := []string{"ExecutionStarted", "FailStateEntered", "ExecutionFailed"}
			if compact(r.types()) != compact(want) {
				t.Errorf("history %v, want %v", r.types(), want)
			}
		})
	}
}
