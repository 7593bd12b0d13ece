package functions

import (
	"context"
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/lambdafn"
	"touchaudit/internal/memstore"
	"touchaudit/internal/workflow"
)

// notWorkflow are the functions/ directories that are no workflow function:
// they build other services and do not call Start.
var notWorkflow = map[string]bool{"api": true, "console": true, "import-company": true, "evidence": true, "company": true, "form": true}

// mainOf is what a functions/<name>/main.go says: the variable of this
// package whose Start it calls (functions.Score.Start), "" when none, and
// the packages it imports.
func mainOf(t *testing.T, path string) (started string, imports map[string]bool) {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	imports = map[string]bool{}
	local := ""
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		imports[p] = true
		if p == "touchaudit/internal/functions" {
			local = "functions"
			if im.Name != nil {
				local = im.Name.Name
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || local == "" {
			return true
		}
		start, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || start.Sel.Name != "Start" {
			return true
		}
		entry, ok := start.X.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if pkg, ok := entry.X.(*ast.Ident); ok && pkg.Name == local {
			started = entry.Sel.Name
		}
		return true
	})
	return started, imports
}

// variables maps each Function variable of functions.go to the name its
// literal gives.
func variables(t *testing.T) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "functions.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || len(vs.Values) != 1 {
			return true
		}
		lit, ok := vs.Values[0].(*ast.CompositeLit)
		if !ok {
			return true
		}
		if id, isIdent := lit.Type.(*ast.Ident); !isIdent || id.Name != "Function" || len(lit.Elts) == 0 {
			return true
		}
		if name, ok := lit.Elts[0].(*ast.BasicLit); ok {
			out[vs.Names[0].Name], _ = strconv.Unquote(name.Value)
		}
		return true
	})
	return out
}

// The client packages a workflow function's main imports follow its
// entry's flags: a function links the SDK clients its role may call and
// no others.
const (
	notifierPkg   = "touchaudit/internal/lambdaenv/notifier"
	executionsPkg = "touchaudit/internal/lambdaenv/executions"
)

func TestTable_EveryFunctionsMainStartsItsOwnEntry(t *testing.T) {
	mains, err := filepath.Glob("../../functions/*/main.go")
	if err != nil {
		t.Fatal(err)
	}
	if len(mains) < 15 {
		t.Fatalf("found %d functions/*/main.go, want at least 15", len(mains))
	}
	vars := variables(t)
	dirs := map[string]bool{}
	for _, m := range mains {
		dir := filepath.Base(filepath.Dir(m))
		dirs[dir] = true
		t.Run(dir, func(t *testing.T) {
			started, imports := mainOf(t, m)
			f, listed := Lookup(dir)
			switch {
			case notWorkflow[dir] && started != "":
				t.Errorf("functions/%s starts workflow function %s; it is not one", dir, started)
			case notWorkflow[dir]:
			case !listed:
				t.Errorf("functions/%s is not in the table of internal/functions", dir)
			case vars[started] != dir:
				t.Errorf("functions/%s/main.go starts functions.%s (%q), want its own entry", dir, started, vars[started])
			default:
				if imports[notifierPkg] != f.Notify {
					t.Errorf("functions/%s imports %s: %v; its entry's Notify: %v", dir, notifierPkg, imports[notifierPkg], f.Notify)
				}
				if imports[executionsPkg] != f.Executions {
					t.Errorf("functions/%s imports %s: %v; its entry's Executions: %v", dir, executionsPkg, imports[executionsPkg], f.Executions)
				}
			}
		})
	}
	for _, f := range All() {
		if !dirs[f.Name] {
			t.Errorf("the table lists %s, but there is no functions/%s/main.go", f.Name, f.Name)
		}
	}
	if n := len(All()); n != 14 {
		t.Errorf("the table lists %d workflow functions, want 14", n)
	}
	if len(vars) != len(All()) {
		t.Errorf("functions.go declares %d Function variables and the table lists %d", len(vars), len(All()))
	}
	for v, name := range vars {
		f, _ := Lookup(name)
		if !strings.EqualFold(v+"Function", f.Logical) {
			t.Errorf("variable %s holds %s (%s): name it for the logical id", v, name, f.Logical)
		}
	}
}

// executions records the executions a handler starts.
type executions struct {
	mu      sync.Mutex
	started []string
}

func (x *executions) StartExecution(_ context.Context, arn, name string, _ []byte) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.started = append(x.started, arn+" "+name)
	return nil
}

func (x *executions) SendTaskSuccess(context.Context, string, []byte) error { return nil }

type clock struct{}

func (clock) Now() time.Time { return time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) }

type silent struct{}

func (silent) Notify(context.Context, workflow.Notification) error { return nil }

func newWorkflow(t *testing.T) (*workflow.Workflow, *executions) {
	t.Helper()
	c, err := audit.LoadCompanyDir("../../testdata/company")
	if err != nil {
		t.Fatal(err)
	}
	store := memstore.New()
	if err := store.SaveCompany(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	x := &executions{}
	return workflow.New(store, x, silent{}, clock{}, workflow.Config{AuditStateMachineArn: "arn:audit", ReviewStateMachineArn: "arn:review"}, nil), x
}

func TestHandler_RunsTheBoundMethodThroughLambdafn(t *testing.T) {
	wf, x := newWorkflow(t)
	ctx := context.Background()
	run := func(name, event string) (json.RawMessage, error) {
		t.Helper()
		f, ok := Lookup(name)
		if !ok {
			t.Fatalf("%s is not in the table", name)
		}
		return f.Handler(wf)(ctx, json.RawMessage(event))
	}

	out, err := run("start-review", `{"companyId":"bank-pl","reviewId":"bank-pl.r1","opens":"2026-11-02T09:00:00Z"}`)
	if err != nil {
		t.Fatal(err)
	}
	var started workflow.ReviewOutput
	if err := json.Unmarshal(out, &started); err != nil || started.ReviewID != "bank-pl.r1" || started.Status != audit.ReviewPlanned {
		t.Fatalf("start-review: %s, %v", out, err)
	}
	if len(x.started) != 1 || x.started[0] != "arn:review bank-pl.r1" {
		t.Fatalf("start-review started %v, want the review execution bank-pl.r1", x.started)
	}

	out, err = run("plan-review", `{"companyId":"bank-pl","reviewId":"bank-pl.r1"}`)
	if err != nil {
		t.Fatal(err)
	}
	var plan workflow.PlanOutput
	if err := json.Unmarshal(out, &plan); err != nil || plan.ReviewID != "bank-pl.r1" || plan.Assignments == 0 {
		t.Fatalf("plan-review: %s, %v", out, err)
	}

	cases := []struct {
		name, function, event string
		want                  any
	}{
		{"unknown track op", "track-completion", `{"op":"finish","reviewId":"bank-pl.r1"}`, &lambdafn.InvalidInput{}},
		{"unknown assignment", "submit", `{"submissionId":"s1","assignmentId":"nope","auditorId":"s-010"}`, &lambdafn.NotFound{}},
		{"dispatch without a token", "dispatch", `{"assignmentId":"bank-pl.r1.x.w1"}`, &lambdafn.InvalidInput{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := run(c.function, c.event)
			switch want := c.want.(type) {
			case *lambdafn.InvalidInput:
				if !errors.As(err, &want) {
					t.Fatalf("%s: %v (%T), want InvalidInput", c.function, err, err)
				}
			case *lambdafn.NotFound:
				if !errors.As(err, &want) {
					t.Fatalf("%s: %v (%T), want NotFound", c.function, err, err)
				}
			}
		})
	}
}

func TestHandler_EveryFunctionRefusesANonObjectEvent(t *testing.T) {
	wf, _ := newWorkflow(t)
	for _, f := range All() {
		t.Run(f.Name, func(t *testing.T) {
			_, err := f.Handler(wf)(context.Background(), json.RawMessage(`[1]`))
			var invalid *lambdafn.InvalidInput
			if !errors.As(err, &invalid) {
				t.Fatalf("%v (%T), want InvalidInput", err, err)
			}
		})
	}
}
