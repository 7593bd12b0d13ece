package asl

import (
	"context"
	"testing"
)

func TestUpdateStateMachine_RunningExecutionKeepsItsDefinition(t *testing.T) {
	e := NewEngine(Options{})
	sm, err := e.CreateStateMachine(CreateStateMachineInput{Name: "m", Definition: `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"Next":"P"},"P":{"Type":"Pass","Result":"old","End":true}}}`})
	if err != nil {
		t.Fatal(err)
	}
	first, err := e.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: "first"})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := e.DescribeStateMachine(sm.StateMachineArn)
	up, err := e.UpdateStateMachine(UpdateStateMachineInput{StateMachineArn: sm.StateMachineArn, Definition: `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"new","End":true}}}`})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := e.DescribeStateMachine(sm.StateMachineArn)
	if up.RevisionID == "" || up.RevisionID == before.RevisionID || after.RevisionID != up.RevisionID {
		t.Errorf("revision ids: before %q, update %q, after %q", before.RevisionID, up.RevisionID, after.RevisionID)
	}
	second, _ := e.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: "second"})
	for arn, want := range map[string]string{first.ExecutionArn: `"old"`, second.ExecutionArn: `"new"`} {
		d, err := e.WaitForExecution(context.Background(), arn)
		if err != nil || d.Output == nil || *d.Output != want {
			t.Errorf("%s: %+v %v, want output %s", arn, d, err, want)
		}
	}
	if _, err := e.UpdateStateMachine(UpdateStateMachineInput{StateMachineArn: sm.StateMachineArn}); !IsCode(err, "MissingRequiredParameter") {
		t.Errorf("update without definition or role: %v", err)
	}
	if _, err := e.UpdateStateMachine(UpdateStateMachineInput{StateMachineArn: sm.StateMachineArn, Definition: `{"StartAt":"X","States":{}}`}); !IsCode(err, "InvalidDefinition") {
		t.Errorf("update with an invalid definition: %v", err)
	}
}

func TestDeleteStateMachine_DeletingUntilExecutionsEnd(t *testing.T) {
	e := NewEngine(Options{})
	sm, _ := e.CreateStateMachine(CreateStateMachineInput{Name: "m", Definition: `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}`})
	ex, _ := e.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn})
	if err := e.DeleteStateMachine(sm.StateMachineArn); err != nil {
		t.Fatal(err)
	}
	d, err := e.DescribeStateMachine(sm.StateMachineArn)
	if err != nil || d.Status != "DELETING" {
		t.Fatalf("while an execution runs: %+v %v", d, err)
	}
	if _, err := e.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn}); !IsCode(err, "StateMachineDeleting") {
		t.Errorf("start on a deleting machine: %v", err)
	}
	if got, _ := e.WaitForExecution(context.Background(), ex.ExecutionArn); got.Status != StatusSucceeded {
		t.Errorf("the running execution ended %s, want SUCCEEDED", got.Status)
	}
	if _, err := e.DescribeStateMachine(sm.StateMachineArn); !IsCode(err, "StateMachineDoesNotExist") {
		t.Errorf("after its last execution: %v", err)
	}
	if _, err := e.DescribeExecution(ex.ExecutionArn); err != nil {
		t.Errorf("the execution is still described: %v", err)
	}
	if err := e.DeleteStateMachine(sm.StateMachineArn); err != nil {
		t.Errorf("deleting again: %v", err)
	}
}
