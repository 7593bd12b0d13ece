package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"touchaudit/internal/asl"
	"touchaudit/internal/audit"
	"touchaudit/internal/functions"
	"touchaudit/internal/workflow"
)

// The local stack runs touchaudit's state machines on the local Step
// Functions engine with every Lambda function bound in-process to the same
// use-case method its functions/<name>/main.go starts: both read the one
// table in internal/functions, and go through the same lambdafn wrapper, so
// error names match what AWS would see.

// stateMachines maps the template's state machine logical ids to their files.
var stateMachines = []struct{ Logical, Name, File string }{
	{"ReviewStateMachine", "touchaudit-review", "review.asl.json"},
	{"AuditStateMachine", "touchaudit-audit", "audit.asl.json"},
}

// localFunctionArn is the ARN asl.SAMSubstitutions gives "!GetAtt <logical>.Arn".
func localFunctionArn(logical string) string {
	return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", asl.DefaultRegion, asl.DefaultAccountID, logical)
}

func localStateMachineArn(name string) string {
	return fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s", asl.DefaultRegion, asl.DefaultAccountID, name)
}

// engineExecutions is the workflow's Executions port on the in-process engine.
type engineExecutions struct{ e *asl.Engine }

func (x engineExecutions) StartExecution(_ context.Context, arn, name string, input []byte) error {
	_, err := x.e.StartExecution(asl.StartExecutionInput{StateMachineArn: arn, Name: name, Input: string(input)})
	if asl.IsCode(err, "ExecutionAlreadyExists") {
		return nil // the same start again: names are assignment and review ids
	}
	return err
}

func (x engineExecutions) SendTaskSuccess(_ context.Context, token string, output []byte) error {
	err := x.e.SendTaskSuccess(token, string(output))
	switch {
	case asl.IsCode(err, "TaskTimedOut"), asl.IsCode(err, "TaskDoesNotExist"):
		return fmt.Errorf("%v: %w", err, workflow.ErrTaskTimedOut)
	case asl.IsCode(err, "InvalidToken"):
		return fmt.Errorf("%v: %w", err, workflow.ErrInvalidToken)
	}
	return err
}

// stack is touchaudit running locally.
type stack struct {
	engine   *asl.Engine
	store    audit.Store
	workflow *workflow.Workflow
	arns     map[string]string // state machine logical id -> ARN
}

type stackOptions struct {
	store    audit.Store
	notifier workflow.Notifier
	engine   asl.Options
	dir      string // repository root (statemachines/ is read from it)
	config   workflow.Config
}

func newStack(o stackOptions) (*stack, error) {
	e := asl.NewEngine(o.engine)
	s := &stack{engine: e, store: o.store, arns: map[string]string{}}
	for _, m := range stateMachines {
		s.arns[m.Logical] = localStateMachineArn(m.Name)
	}
	cfg := o.config
	cfg.AuditStateMachineArn = s.arns["AuditStateMachine"]
	cfg.ReviewStateMachineArn = s.arns["ReviewStateMachine"]
	s.workflow = workflow.New(o.store, engineExecutions{e}, o.notifier, e.Clock(), cfg, nil)
	for _, f := range functions.All() {
		e.Registry().Register(localFunctionArn(f.Logical), f.Handler(s.workflow))
	}
	template, err := os.ReadFile(filepath.Join(o.dir, "template.yaml"))
	if err != nil {
		return nil, err
	}
	for _, m := range stateMachines {
		def, err := os.ReadFile(filepath.Join(o.dir, "statemachines", m.File))
		if err != nil {
			return nil, err
		}
		subs, err := localSubstitutions(template, m.Logical)
		if err != nil {
			return nil, err
		}
		text, err := asl.Substitute(string(def), subs)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.File, err)
		}
		if _, err := e.CreateStateMachine(asl.CreateStateMachineInput{Name: m.Name, Definition: text, RoleArn: "arn:aws:iam::" + asl.DefaultAccountID + ":role/touchaudit-local"}); err != nil {
			return nil, fmt.Errorf("%s: %w", m.File, err)
		}
	}
	return s, nil
}

// localSubstitutions reads a state machine's DefinitionSubstitutions from
// template.yaml (asl.SAMSubstitutions turns "!GetAtt <Function>.Arn" into
// that function's local ARN) and checks that each names a function bound
// here, so the template stays the one source of how state machines reach
// functions.
func localSubstitutions(template []byte, stateMachine string) (map[string]string, error) {
	subs, err := asl.SAMSubstitutions(template, stateMachine)
	if err != nil {
		return nil, fmt.Errorf("template.yaml %s: %w", stateMachine, err)
	}
	bound := map[string]bool{}
	for _, f := range functions.All() {
		bound[localFunctionArn(f.Logical)] = true
	}
	for k, v := range subs {
		if !bound[v] {
			return nil, fmt.Errorf("template.yaml %s: substitution %s = %s has no local handler", stateMachine, k, v)
		}
	}
	return subs, nil
}
