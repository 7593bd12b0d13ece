package asl

import (
	"testing"
	"time"
)

func TestWait_VirtualTime(t *testing.T) {
	tests := []struct {
		name, state, input string
		want               time.Duration
	}{
		{"Seconds: six months", `{"Type":"Wait","Seconds":15552000,"End":true}`, `{}`, 15552000 * time.Second},
		{"Seconds zero", `{"Type":"Wait","Seconds":0,"End":true}`, `{}`, 0},
		{"SecondsPath", `{"Type":"Wait","SecondsPath":"$.s","End":true}`, `{"s":90}`, 90 * time.Second},
		{"Timestamp", `{"Type":"Wait","Timestamp":"2024-01-02T00:00:00Z","End":true}`, `{}`, 24 * time.Hour},
		{"TimestampPath", `{"Type":"Wait","TimestampPath":"$.t","End":true}`, `{"t":"2024-01-01T01:00:00+00:00"}`, time.Hour},
		{"Timestamp in the past", `{"Type":"Wait","Timestamp":"2000-01-01T00:00:00Z","End":true}`, `{}`, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, `{"StartAt":"W","States":{"W":`+tc.state+`}}`, tc.input)
			if r.desc.Status != StatusSucceeded {
				t.Fatalf("status %s %s %s", r.desc.Status, r.desc.Error, r.desc.Cause)
			}
			if got := r.desc.StopDate.Sub(r.desc.StartDate); got != tc.want {
				t.Errorf("waited %v, want %v", got, tc.want)
			}
			assertJSON(t, r.output(t), tc.input)
		})
	}
}

func TestWait_BadPathsAreRuntime(t *testing.T) {
	tests := []struct{ name, state, input string }{
		{"SecondsPath missing", `{"Type":"Wait","SecondsPath":"$.s","End":true}`, `{}`},
		{"SecondsPath negative", `{"Type":"Wait","SecondsPath":"$.s","End":true}`, `{"s":-1}`},
		{"SecondsPath string", `{"Type":"Wait","SecondsPath":"$.s","End":true}`, `{"s":"10"}`},
		{"TimestampPath not a timestamp", `{"Type":"Wait","TimestampPath":"$.t","End":true}`, `{"t":"tomorrow"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, `{"StartAt":"W","States":{"W":`+tc.state+`}}`, tc.input)
			assertFailed(t, r, ErrRuntime, "'W'")
		})
	}
}

func TestWait_ConcurrentExecutionsInterleaveInTimeOrder(t *testing.T) {
	e := NewEngine(Options{})
	def := `{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.s","End":true}}}`
	sm, err := e.CreateStateMachine(CreateStateMachineInput{Name: "w", Definition: def})
	if err != nil {
		t.Fatal(err)
	}
	var arns []string
	for _, in := range []string{`{"s":300}`, `{"s":100}`, `{"s":200}`} {
		st, err := e.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: in})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, st.ExecutionArn)
	}
	e.Settle(t.Context())
	for i, want := range []time.Duration{300 * time.Second, 100 * time.Second, 200 * time.Second} {
		d, _ := e.DescribeExecution(arns[i])
		if d.Status != StatusSucceeded || d.StopDate.Sub(d.StartDate) != want {
			t.Errorf("execution %d: %s after %v, want SUCCEEDED after %v", i, d.Status, d.StopDate.Sub(d.StartDate), want)
		}
	}
}
