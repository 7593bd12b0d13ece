// Package functions is the one table of touchaudit's workflow functions:
// which use-case method of internal/workflow each functions/<name> Lambda
// runs, and which AWS services besides DynamoDB its role may call. Each
// functions/<name>/main.go calls its entry's Start (functions.Score.Start),
// and the local stack (cmd/touchaudit) binds Handler of the same entries
// in process, so AWS and the local engine cannot disagree about what a function does.
// api, evidence, company, form, console and import-company are not workflow
// functions and are not listed.
package functions

import (
	"context"
	"encoding/json"
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
	// Notify: the function's role may send e-mail (ses:SendEmail), and its
	// main builds the SES notifier (internal/lambdaenv/notifier). Without
	// it the function links no SES client and only logs notifications.
	Notify bool
	// Executions: the role may start executions or send task success
	// (states:*), and main builds the Step Functions adapter
	// (internal/lambdaenv/executions). Without it the function links no
	// Step Functions client.
	Executions bool
	// bind picks the method from the use cases.
	bind func(*workflow.Workflow) task
}

// The workflow functions, one variable each, named for the logical id, so
// that a main refers to its own and links only its method's code.
// functions/policy_test.go checks Notify and Executions against each
// role in template.yaml.
var (
	PlanReview      = Function{"plan-review", "PlanReviewFunction", false, false, func(w *workflow.Workflow) task { return method(w.Reviews.PlanReview) }}
	AssignAuditors  = Function{"assign-auditors", "AssignAuditorsFunction", false, true, func(w *workflow.Workflow) task { return method(w.Reviews.AssignAuditors) }}
	StartAudits     = Function{"start-audits", "StartAuditsFunction", false, true, func(w *workflow.Workflow) task { return method(w.Reviews.StartAudits) }}
	TrackCompletion = Function{"track-completion", "TrackCompletionFunction", true, true, func(w *workflow.Workflow) task { return method(w.Reviews.Track) }}
	CompileReport   = Function{"compile-report", "CompileReportFunction", true, false, func(w *workflow.Workflow) task { return method(w.Reviews.CompileReport) }}
	StartReview     = Function{"start-review", "StartReviewFunction", false, true, func(w *workflow.Workflow) task { return method(w.Reviews.StartReview) }}
	Dispatch        = Function{"dispatch", "DispatchFunction", true, true, func(w *workflow.Workflow) task { return method(w.Audits.Dispatch) }}
	Submit          = Function{"submit", "SubmitFunction", false, true, func(w *workflow.Workflow) task { return method(w.Audits.Submit) }}
	Score           = Function{"score", "ScoreFunction", false, false, func(w *workflow.Workflow) task { return method(w.Audits.Score) }}
	VerifyPromise   = Function{"verify-promise", "VerifyPromiseFunction", true, false, func(w *workflow.Workflow) task { return method(w.Audits.AskPromise) }}
	ConfirmPromise  = Function{"confirm-promise", "ConfirmPromiseFunction", false, true, func(w *workflow.Workflow) task { return method(w.Audits.ConfirmPromise) }}
	Remind          = Function{"remind", "RemindFunction", false, false, func(w *workflow.Workflow) task { return method(w.Audits.Remind) }}
	Reassign        = Function{"reassign", "ReassignFunction", true, true, func(w *workflow.Workflow) task { return method(w.Audits.Reassign) }}
	QA              = Function{"qa", "QaFunction", true, true, func(w *workflow.Workflow) task { return method(w.QA.Step) }}
)

// table lists every workflow function. Pointers keep it a static table:
// a function's main, which names only its own variable, links none of the
// others' methods.
var table = []*Function{&PlanReview, &AssignAuditors, &StartAudits, &TrackCompletion, &CompileReport, &StartReview,
	&Dispatch, &Submit, &Score, &VerifyPromise, &ConfirmPromise, &Remind, &Reassign, &QA}

// All lists the workflow functions.
func All() []Function {
	out := make([]Function, len(table))
	for i, f := range table {
		out[i] = *f
	}
	return out
}

// Lookup finds a workflow function by its directory name.
func Lookup(name string) (Function, bool) {
	i := slices.IndexFunc(table, func(f *Function) bool { return f.Name == name })
	if i < 0 {
		return Function{}, false
	}
	return *table[i], true
}

// Start runs the function's method as this process's Lambda handler
// (lambdafn.Start) and never returns.
func (f Function) Start(wf *workflow.Workflow) { f.bind(wf).start() }

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
