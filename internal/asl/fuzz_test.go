package asl

import (
	"context"
	"testing"
	"time"
)

// FuzzParseDefinition checks that no definition makes Parse panic, and that
// every definition Parse accepts runs to an end (or a block) without
// panicking. Seeds live in testdata/fuzz/FuzzParseDefinition.
func FuzzParseDefinition(f *testing.F) {
	f.Add([]byte(passDef))
	f.Add([]byte(parallelDef))
	f.Fuzz(func(t *testing.T, def []byte) {
		d, err := Parse(def)
		if err != nil {
			if _, ok := err.(*DefinitionError); !ok {
				t.Fatalf("Parse returned %T, want *DefinitionError", err)
			}
			return
		}
		if d == nil {
			t.Fatal("nil definition without error")
		}
		e := NewEngine(Options{})
		sm, err := e.CreateStateMachine(CreateStateMachineInput{Name: "fuzz", Definition: string(def)})
		if err != nil {
			t.Fatalf("Parse accepted but CreateStateMachine refused: %v", err)
		}
		st, err := e.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: `{"items":[1,2],"a":"x"}`})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := e.RunExecution(ctx, st.ExecutionArn); err != nil {
			t.Fatalf("execution did not settle: %v", err)
		}
		e.StopExecution(st.ExecutionArn, "", "")
	})
}
