package asl

import (
	"crypto/sha256"
	"fmt"
	"time"
)

// Codes of UpdateStateMachine and DeleteStateMachine (API reference,
// "Errors").
const (
	CodeStateMachineDeleting     = "StateMachineDeleting"
	CodeMissingRequiredParameter = "MissingRequiredParameter"
)

// State machine statuses (API reference, DescribeStateMachine "status").
const (
	StateMachineActive   = "ACTIVE"
	StateMachineDeleting = "DELETING"
)

func (sm *stateMachine) description() *StateMachineDescription {
	status := StateMachineActive
	if sm.deleting {
		status = StateMachineDeleting
	}
	return &StateMachineDescription{StateMachineArn: sm.arn, Name: sm.name, Definition: sm.definition, RoleArn: sm.roleArn,
		Status: status, Type: "STANDARD", CreationDate: sm.created, RevisionID: sm.revisionID}
}

// revisionID names one configuration of a state machine (its definition and
// role at a point in time) in the form of a UUID, as AWS's revisionId. It is
// derived from the configuration rather than drawn from the engine's random
// source, so that minting one leaves seeded runs unchanged.
func revisionID(sm *stateMachine) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("%s\n%s\n%s\n%d", sm.arn, sm.roleArn, sm.definition, sm.updated.UnixNano())))
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// UpdateStateMachineInput is the UpdateStateMachine request: at least one of
// Definition and RoleArn.
type UpdateStateMachineInput struct {
	StateMachineArn string
	Definition      string
	RoleArn         string
}

// UpdateStateMachineOutput is the UpdateStateMachine response.
type UpdateStateMachineOutput struct {
	UpdateDate time.Time
	RevisionID string
}

// UpdateStateMachine replaces a state machine's definition or role. As on
// AWS, "running executions will continue to use the previous definition and
// roleArn" (API reference): an execution keeps the configuration it started
// with, and later StartExecution calls use the new one.
func (e *Engine) UpdateStateMachine(in UpdateStateMachineInput) (*UpdateStateMachineOutput, error) {
	if in.Definition == "" && in.RoleArn == "" {
		return nil, apiErr(CodeMissingRequiredParameter, "Either the definition or the roleArn must be specified")
	}
	var def *Definition
	if in.Definition != "" {
		d, err := Parse([]byte(in.Definition))
		if err != nil {
			return nil, &APIError{Code: CodeInvalidDefinition, Message: err.Error(), Err: err}
		}
		def = d
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	old, testCase, err := e.machineLocked(in.StateMachineArn)
	if err != nil {
		return nil, err
	}
	if testCase != "" {
		return nil, apiErr(CodeInvalidArn, "Invalid Arn: '%s'", in.StateMachineArn)
	}
	if old.deleting {
		return nil, apiErr(CodeStateMachineDeleting, "State Machine is being deleted: '%s'", old.arn)
	}
	sm := *old
	if def != nil {
		sm.definition, sm.def = in.Definition, def
	}
	if in.RoleArn != "" {
		sm.roleArn = in.RoleArn
	}
	sm.updated = e.clock.Now()
	sm.revisionID = revisionID(&sm)
	e.machines[sm.name] = &sm
	return &UpdateStateMachineOutput{UpdateDate: sm.updated, RevisionID: sm.revisionID}, nil
}

// DeleteStateMachine marks a state machine DELETING. It no longer starts
// executions (StateMachineDeleting); its running executions go on to their
// end, and the machine is gone (StateMachineDoesNotExist) once none runs:
// "A state machine is deleted only when all its executions are completed"
// (API reference). Deleting a machine that does not exist succeeds, as the
// API lists no StateMachineDoesNotExist error for it.
func (e *Engine) DeleteStateMachine(arn string) error {
	e.mu.Lock()
	sm, testCase, err := e.machineLocked(arn)
	switch {
	case IsCode(err, CodeStateMachineDoesNotExist):
		e.mu.Unlock()
		return nil
	case err != nil:
		e.mu.Unlock()
		return err
	case testCase != "":
		e.mu.Unlock()
		return apiErr(CodeInvalidArn, "Invalid Arn: '%s'", arn)
	}
	sm.deleting = true
	var running []*execution
	for _, ex := range e.order {
		if ex.sm.name == sm.name {
			running = append(running, ex)
		}
	}
	e.mu.Unlock()
	for _, ex := range running {
		ex.whenDone(func() { e.removeIfIdle(sm.name) })
	}
	e.removeIfIdle(sm.name)
	return nil
}

// removeIfIdle removes a DELETING state machine once none of its executions
// runs.
func (e *Engine) removeIfIdle(name string) {
	e.mu.Lock()
	var exs []*execution
	for _, ex := range e.order {
		if ex.sm.name == name {
			exs = append(exs, ex)
		}
	}
	e.mu.Unlock()
	for _, ex := range exs {
		ex.mu.Lock()
		running := ex.status == StatusRunning
		ex.mu.Unlock()
		if running {
			return
		}
	}
	e.mu.Lock()
	if sm, ok := e.machines[name]; ok && sm.deleting {
		delete(e.machines, name)
	}
	e.mu.Unlock()
}
