package asl

import "testing"

func TestSucceed_Output(t *testing.T) {
	tests := []struct{ name, state, input, want string }{
		{"plain", `{"Type":"Succeed"}`, `{"a":1}`, `{"a":1}`},
		{"InputPath", `{"Type":"Succeed","InputPath":"$.a"}`, `{"a":{"b":1}}`, `{"b":1}`},
		{"OutputPath", `{"Type":"Succeed","OutputPath":"$.a.b"}`, `{"a":{"b":1}}`, `1`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, `{"StartAt":"S","States":{"S":`+tc.state+`}}`, tc.input)
			assertJSON(t, r.output(t), tc.want)
			if got := r.types(); got[1] != "SucceedStateEntered" || got[2] != "SucceedStateExited" {
				t.Errorf("history %v", got)
			}
		})
	}
}
