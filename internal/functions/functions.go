// Package functions is the one table of touchaudit's workflow functions:
// which use-case method of internal/workflow each functions/<name> Lambda
// runs. Each functions/<name>/main.go calls Start with its name, and the
// local stack (cmd/touchaudit) binds Handler of the same entries in process,
// so AWS and the local engine cannot disagree about what a function does.
// api and import-company are not workflow functions and are not listed.
package functions

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"touchaudit/internal/lambdafn"
	"touchaudit/internal/workflow"
)

// Function is one Lambda function of the review workflow.
type Function struct {
	// Name is the function's directory under functions/.
	Name string
	// Logical is its logical id in template.yaml; state machines refer to
	// ${<Logical>Arn}.
	Logical string
	// bind picks the method from the use cases.
	bind func(*workflow.Workflow) task
}

// table lists every workflow function: name, template logical id, method.
var table = []Function{
	{"plan-review", "PlanReviewFunction", func(w *workflow.Workflow) task { return method(w.Reviews.PlanReview) }},
	{"assign-auditors", "AssignAuditorsFunction", func(w *workflow.Workflow) task { return method(w.Reviews.AssignAuditors) }},
	{"start-audits", "StartAuditsFunction", func(w *workflow.Workflow) task { return method(w.Reviews.StartAudits) }},
	{"track-completion", "TrackCompletionFunction", func(w *workflow.Workflow) task { return method(w.Reviews.Track) }},
	{"compile-report", "CompileReportFunction", func(w *workflow.Workflow) task { return method(w.Reviews.CompileReport) }},
	{"start-review", "StartReviewFunction", func(w *workflow.Workflow) task { return method(w.Reviews.StartReview) }},
	{"dispatch", "DispatchFunction", func(w *workflow.Workflow) task { return method(w.Audits.Dispatch) }},
	{"submit", "SubmitFunction", func(w *workflow.Workflow) task { return method(w.Audits.Submit) }},
	{"score", "ScoreFunction", func(w *workflow.Workflow) task { return method(w.Audits.Score) }},
	{"verify-promise", "VerifyPromiseFunction", func(w *workflow.Workflow) task { return method(w.Audits.AskPromise) }},
	{"confirm-promise", "ConfirmPromiseFunction", func(w *workflow.Workflow) task { return method(w.Audits.ConfirmPromise) }},
	{"remind", "RemindFunction", func(w *workflow.Workflow) task { return method(w.Audits.Remind) }},
	{"reassign", "ReassignFunction", func(w *workflow.Workflow) task { return method(w.Audits.Reassign) }},
	{"qa", "QaFunction", func(w *workflow.Workflow) task { return method(w.QA.Step) }},
}

// All lists the workflow functions.
func All() []Function { return slices.Clone(table) }

// Lookup finds a workflow function by its directory name.
func Lookup(name string) (Function, bool) {
	i := slices.IndexFunc(table, func(f Function) bool { return f.Name == name })
	if i < 0 {
		return Function{}, false
	}
	return table[i], true
}

// Start runs the workflow function name as this process's Lambda handler
// (lambdafn.Start) and never returns, except with an error for a name the
// table does not list.
func Start(wf *workflow.Workflow, name string) error {
	f, ok := Lookup(name)
	if !ok {
		return fmt.Errorf("%q is not a workflow function (see internal/functions)", name)
	}
	f.bind(wf).start()
	return nil
}

// Handler is the function's method in process, through the same lambdafn
// wrapper as in AWS so that error names match: JSON in, JSON out. It fits
// asl.Handler for the local engine.
func (f Function) Handler(wf *workflow.Workflow) func(context.Context, json.RawMessage) (json.RawMessage, error) {
	return f.bind(wf).local()
}

// task is one use-case method with its input and output types kept, so
// that Lambda decodes straight into the method's input.
type task interface {
	start()
	local() func(context.Context, json.RawMessage) (json.RawMessage, error)
}

// method keeps a method's types for task.
func method[In, Out any](f func(context.Context, In) (Out, error)) task { return typed[In, Out](f) }

type typed[In, Out any] func(context.Context, In) (Out, error)

func (m typed[In, Out]) start() { lambdafn.Start[In, Out](m) }

func (m typed[In, Out]) local() func(context.Context, json.RawMessage) (json.RawMessage, error) {
	h := lambdafn.Handler[In, Out](m)
	return func(ctx context.Context, in json.RawMessage) (json.RawMessage, error) {
		out, err := h(ctx, in)
		if err != nil {
			return nil, err
		}
		return json.Marshal(out)
	}
}
