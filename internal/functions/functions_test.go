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
var notWorkflow = map[string]bool{"api": true, "import-company": true}

// startedName is the name literal main passes to functions.Start, or "" when
// main makes no such call.
func startedName(t *testing.T, path string) string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	local := ""
	for _, im := range f.Imports {
		if p, _ := strconv.Unquote(im.Path.Value); p == "touchaudit/internal/functions" {
			local = "functions"
			if im.Name != nil {
				local = im.Name.Name
			}
		}
	}
	name := ""
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || local == "" {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Start" {
			return true
		}
		if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != local || len(call.Args) != 2 {
			return true
		}
		lit, ok := call.Args[1].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			t.Errorf("%s: functions.Start must name the function with a string literal", path)
			return true
		}
		name, _ = strconv.Unquote(lit.Value)
		return true
	})
	return name
}

func TestTable_EveryFunctionsMainStartsItsOwnEntry(t *testing.T) {
	mains, err := filepath.Glob("../../functions/*/main.go")
	if err != nil {
		t.Fatal(err)
	}
	if len(mains) < 15 {
		t.Fatalf("found %d functions/*/main.go, want at least 15", len(mains))
	}
	dirs := map[string]bool{}
	for _, m := range mains {
		dir := filepath.Base(filepath.Dir(m))
		dirs[dir] = true
		t.Run(dir, func(t *testing.T) {
			got := startedName(t, m)
			_, listed := Lookup(dir)
			switch {
			case notWorkflow[dir] && got != "":
				t.Errorf("functions/%s starts workflow function %q; it is not one", dir, got)
			case notWorkflow[dir]:
			case !listed:
				t.Errorf("functions/%s is not in the table of internal/functions", dir)
			case got != dir:
				t.Errorf("functions/%s/main.go starts %q, want functions.Start(wf, %q)", dir, got, dir)
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
}

func TestTable_LogicalIdsFollowTheNames(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range All() {
		var want strings.Builder
		for _, part := range strings.Split(f.Name, "-") {
			want.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
		want.WriteString("Function")
		if f.Logical != want.String() {
			t.Errorf("%s: logical id %s, want %s", f.Name, f.Logical, want.String())
		}
		if seen[f.Name] {
			t.Errorf("%s is listed twice", f.Name)
		}
		seen[f.Name] = true
	}
}

func TestStart_RefusesANameNotInTheTable(t *testing.T) {
	err := Start(nil, "import-company")
	if err == nil || !strings.Contains(err.Error(), `"import-company" is not a workflow function`) {
		t.Fatalf("Start(import-company): %v", err)
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
