package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"touchaudit/internal/asl"
	"touchaudit/internal/audit"
	"touchaudit/internal/lambdafn"
	"touchaudit/internal/workflow"
)

// The local stack runs touchaudit's state machines on the local Step
// Functions engine with every Lambda function bound in-process to the same
// workflow.Service method its functions/<name>/main.go starts, through the
// same lambdafn wrapper, so error names match what AWS would see.

// function is one Lambda function of template.yaml.
type function struct {
	// Logical is the template's logical id; state machines refer to
	// ${<Logical>Arn} in their DefinitionSubstitutions.
	Logical string
	Name    string
	handler func(*workflow.Service) asl.Handler
}

func bind[In, Out any](f func(context.Context, In) (Out, error)) asl.Handler {
	h := lambdafn.Handler(f)
	return func(ctx context.Context, in json.RawMessage) (json.RawMessage, error) {
		out, err := h(ctx, in)
		if err != nil {
			return nil, err
		}
		return json.Marshal(out)
	}
}

// functions lists the workflow's functions (import-company is not called by
// a state machine).
var functions = []function{
	{"PlanReviewFunction", "plan-review", func(s *workflow.Service) asl.Handler { return bind(s.PlanReview) }},
	{"AssignAuditorsFunction", "assign-auditors", func(s *workflow.Service) asl.Handler { return bind(s.AssignAuditors) }},
	{"StartAuditsFunction", "start-audits", func(s *workflow.Service) asl.Handler { return bind(s.StartAudits) }},
	{"DispatchFunction", "dispatch", func(s *workflow.Service) asl.Handler { return bind(s.Dispatch) }},
	{"SubmitFunction", "submit", func(s *workflow.Service) asl.Handler { return bind(s.Submit) }},
	{"ScoreFunction", "score", func(s *workflow.Service) asl.Handler { return bind(s.Score) }},
	{"VerifyPromiseFunction", "verify-promise", func(s *workflow.Service) asl.Handler { return bind(s.AskPromise) }},
	{"ConfirmPromiseFunction", "confirm-promise", func(s *workflow.Service) asl.Handler { return bind(s.ConfirmPromise) }},
	{"RemindFunction", "remind", func(s *workflow.Service) asl.Handler { return bind(s.Remind) }},
	{"ReassignFunction", "reassign", func(s *workflow.Service) asl.Handler { return bind(s.Reassign) }},
	{"TrackCompletionFunction", "track-completion", func(s *workflow.Service) asl.Handler { return bind(s.Track) }},
	{"CompileReportFunction", "compile-report", func(s *workflow.Service) asl.Handler { return bind(s.CompileReport) }},
	{"StartReviewFunction", "start-review", func(s *workflow.Service) asl.Handler { return bind(s.StartReview) }},
}

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
	workflow *workflow.Service
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
	for _, f := range functions {
		e.Registry().Register(localFunctionArn(f.Logical), f.handler(s.workflow))
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
	for _, f := range functions {
		bound[localFunctionArn(f.Logical)] = true
	}
	for k, v := range subs {
		if !bound[v] {
			return nil, fmt.Errorf("template.yaml %s: substitution %s = %s has no local handler", stateMachine, k, v)
		}
	}
	return subs, nil
}
