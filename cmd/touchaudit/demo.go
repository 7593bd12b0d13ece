package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"touchaudit/internal/asl"
	"touchaudit/internal/audit"
	"touchaudit/internal/cost"
	"touchaudit/internal/memstore"
	"touchaudit/internal/scoring"
	"touchaudit/internal/simulate"
	"touchaudit/internal/workflow"
)

func init() {
	register("demo", "run a complete half-yearly review of the sample bank locally, in virtual time (make run)", runDemo)
}

// The demo review: the sample bank's second-half 2026 review under standard
// v2, compared with the first-half review seeded from testdata.
const (
	demoCompany      = "bank-pl"
	demoReview       = "bank-pl.demo-2026-h2"
	demoPrevious     = "bank-pl-2025-h2"
	demoTableDefault = "touchaudit-local"
)

var (
	demoOpens  = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	demoCloses = time.Date(2026, 12, 14, 18, 0, 0, 0, time.UTC)
)

// demoMaxSteps bounds the simulation loop: a review runs for weeks of
// virtual time, a day or less per step.
const demoMaxSteps = 2000

func runDemo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", ".", "repository root (testdata/ and statemachines/ are read from it)")
	lang := fs.String("lang", "en", "summary language: en or pl")
	reportOut := fs.String("report", "", "also write the review's report JSON to this file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *lang != "en" && *lang != "pl" {
		fmt.Fprintf(stderr, "demo: --lang must be en or pl, not %q\n", *lang)
		return 2
	}
	ctx := context.Background()
	store, backend, err := demoStore(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "demo: %v\n", err)
		return 1
	}
	res, err := runReview(ctx, demoRun{dir: *dir, store: store})
	if err != nil {
		fmt.Fprintf(stderr, "demo: %v\n", err)
		return 1
	}
	res.backend = backend
	if *reportOut != "" {
		b, _ := json.MarshalIndent(res.report, "", "  ")
		if err := os.WriteFile(*reportOut, append(b, '\n'), 0o644); err != nil {
			fmt.Fprintf(stderr, "demo: %v\n", err)
			return 1
		}
	}
	printSummary(stdout, res, audit.Lang(*lang))
	return 0
}

// demoStore is the embedded store, or DynamoDB when DYNAMODB_ENDPOINT is set
// (moto, DynamoDB Local, or AWS itself with a table you own; demo_dynamo.go).
func demoStore(ctx context.Context) (audit.Store, string, error) {
	ep := os.Getenv("DYNAMODB_ENDPOINT")
	if ep == "" {
		return memstore.New(), "embedded store (memstore)", nil
	}
	return demoDynamoStore(ctx, ep)
}

type demoRun struct {
	dir   string
	store audit.Store
	// touchpoints limits the review to the first n recorded touchpoints (0: all).
	touchpoints int
	// seedStore, when set, writes the company and the previous review (the
	// same data as store, reached another way: past a fault proxy).
	seedStore audit.Store
}

// reviewOutcome is everything the summary prints.
type reviewOutcome struct {
	backend    string
	company    *audit.Company
	review     *audit.Review
	report     *scoring.Report
	sim        simulate.Stats
	reviewExec *asl.ExecutionDescription
	// sweeps counts the review execution's sweeps for lost signals.
	sweeps      int
	audits      []asl.ExecutionDescription
	usage       cost.Usage
	virtualDays float64
	wall        time.Duration
	reassigned  []audit.Assignment
	unstaffed   int
	// returned is the walk a lead sent back in QA, as it ended.
	returned *audit.Assignment
}

// runReview loads the sample company, seeds the previous review, runs the
// review state machine with simulated auditors until it completes, and
// returns what happened.
func runReview(ctx context.Context, run demoRun) (*reviewOutcome, error) {
	started := time.Now()
	company, err := audit.LoadCompanyDir(filepath.Join(run.dir, "testdata", "company"))
	if err != nil {
		return nil, err
	}
	counted := cost.NewMeteredStore(run.store)
	store := audit.Store(counted)
	seed := store
	if run.seedStore != nil {
		seed = run.seedStore
	}
	if err := seed.SaveCompany(ctx, company); err != nil {
		return nil, err
	}
	eng, err := scoring.New(company)
	if err != nil {
		return nil, err
	}
	if err := seedPrevious(ctx, seed, eng, filepath.Join(run.dir, "testdata", "walkthroughs", "previous")); err != nil {
		return nil, fmt.Errorf("seed previous review: %w", err)
	}
	recs, err := scoring.ReadWalkthroughs(filepath.Join(run.dir, "testdata", "walkthroughs"))
	if err != nil {
		return nil, err
	}
	recordings := map[string][]audit.Walkthrough{}
	var scope []string
	for _, r := range recs {
		tp := r.Walkthrough.TouchpointID
		if len(recordings[tp]) == 0 {
			scope = append(scope, tp)
		}
		recordings[tp] = append(recordings[tp], r.Walkthrough)
	}
	sort.Strings(scope)
	if run.touchpoints > 0 && run.touchpoints < len(scope) {
		scope = scope[:run.touchpoints]
	}

	var costs map[string]float64
	if err := audit.DecodeFile(os.DirFS(run.dir), "testdata/walkthroughs/costs/fix-costs.json", &costs); err != nil {
		return nil, err
	}

	sim := simulate.New(demoCompany, recordings)
	st, err := newStack(stackOptions{store: store, notifier: sim, dir: run.dir,
		engine: asl.Options{Start: demoOpens.Add(-time.Hour), Seed: 2026}})
	if err != nil {
		return nil, err
	}
	sim.Bind(st.workflow.Audits, st.workflow.QA, st.engine.Clock().Now)
	counted.Reset() // count what the review itself costs, not the seeding

	if _, err := st.workflow.Reviews.StartReview(ctx, workflow.ReviewRequest{
		CompanyID: demoCompany, ReviewID: demoReview, Name: "Przegląd półroczny II/2026",
		Opens: &demoOpens, Closes: &demoCloses, StandardVersion: "v2", PreviousReviewID: demoPrevious,
		Scope: audit.ReviewScope{Touchpoints: scope, WalksPerTouchpoint: 2, MaxPerAuditor: 3}, Seed: 42, RequestedBy: "s-001", FixCosts: costs,
	}); err != nil {
		return nil, err
	}
	execArn := fmt.Sprintf("arn:aws:states:%s:%s:execution:%s:%s", asl.DefaultRegion, asl.DefaultAccountID, "touchaudit-review", demoReview)
	for step := 0; ; step++ {
		if step == demoMaxSteps {
			return nil, fmt.Errorf("the review did not finish within %d simulation steps", demoMaxSteps)
		}
		st.engine.Settle(ctx)
		d, err := st.engine.DescribeExecution(execArn)
		if err != nil {
			return nil, err
		}
		if d.Status != "RUNNING" {
			break
		}
		acted := false
		for _, a := range sim.Due(st.engine.Clock().Now()) {
			if err := a.Do(ctx); err != nil {
				return nil, fmt.Errorf("%s: %w", a.Desc, err)
			}
			acted = true
		}
		if acted {
			continue
		}
		step := 24 * time.Hour
		if next, ok := sim.Next(); ok {
			if until := next.Sub(st.engine.Clock().Now()); until > 0 && until < step {
				step = until
			}
		}
		if err := st.engine.Advance(ctx, step); err != nil {
			return nil, err
		}
	}
	out := &reviewOutcome{company: company, sim: sim.Stats(), wall: time.Since(started)}
	if out.reviewExec, err = st.engine.DescribeExecution(execArn); err != nil {
		return nil, err
	}
	if out.reviewExec.Status != "SUCCEEDED" {
		return nil, fmt.Errorf("review execution %s: %s: %s", out.reviewExec.Status, out.reviewExec.Error, out.reviewExec.Cause)
	}
	history, err := st.engine.GetExecutionHistory(asl.GetExecutionHistoryInput{ExecutionArn: execArn})
	if err != nil {
		return nil, err
	}
	for _, ev := range history {
		if ev.Type == "TaskStateEntered" && ev.StateEnteredEventDetails != nil && ev.StateEnteredEventDetails.Name == "Reconcile" {
			out.sweeps++
		}
	}
	execs, err := st.engine.ListExecutions(asl.ListExecutionsInput{StateMachineArn: st.arns["AuditStateMachine"]})
	if err != nil {
		return nil, err
	}
	out.audits = execs
	out.virtualDays = st.engine.Clock().Now().Sub(demoOpens).Hours() / 24
	if out.review, err = store.GetReview(ctx, demoReview); err != nil {
		return nil, err
	}
	b, err := store.GetReport(ctx, demoReview)
	if err != nil {
		return nil, err
	}
	out.report = &scoring.Report{}
	if err := json.Unmarshal(b, out.report); err != nil {
		return nil, err
	}
	for _, status := range []audit.AssignmentStatus{audit.StatusReassigned, audit.StatusExpired} {
		as, _, err := store.ListAssignmentsByReview(ctx, demoReview, status, audit.Page{Limit: 500})
		if err != nil {
			return nil, err
		}
		if status == audit.StatusReassigned {
			out.reassigned = as
		} else {
			out.unstaffed = len(as)
		}
	}
	closed, err := listAllAssignments(ctx, store, demoReview, audit.StatusClosed)
	if err != nil {
		return nil, err
	}
	for i := range closed {
		if closed[i].Returns > 0 {
			out.returned = &closed[i]
		}
	}
	out.usage = counted.Usage()
	for _, e := range execs {
		out.usage.Transitions += e.StateTransitions
	}
	out.usage.Transitions += out.reviewExec.StateTransitions
	out.usage.LambdaCalls = lambdaCalls(st.engine, append([]asl.ExecutionDescription{*out.reviewExec}, execs...))
	return out, nil
}

// listAllAssignments lists a review's assignments in one status, every page.
func listAllAssignments(ctx context.Context, store audit.Store, reviewID string, status audit.AssignmentStatus) ([]audit.Assignment, error) {
	var all []audit.Assignment
	p := audit.Page{Limit: audit.MaxPageLimit}
	for {
		as, next, err := store.ListAssignmentsByReview(ctx, reviewID, status, p)
		if err != nil {
			return nil, err
		}
		all = append(all, as...)
		if next == "" {
			return all, nil
		}
		p.Cursor = next
	}
}

// seedPrevious stores the first-half review from recorded walkthroughs: a
// completed review, its closed assignments, walkthroughs and scored results,
// as if it had run through the workflow.
func seedPrevious(ctx context.Context, store audit.Store, eng *scoring.Engine, dir string) error {
	recs, err := scoring.ReadWalkthroughs(dir)
	if err != nil {
		return err
	}
	opens := time.Date(2025, 11, 3, 8, 0, 0, 0, time.UTC)
	r := &audit.Review{ID: demoPrevious, CompanyID: demoCompany, Name: "Przegląd półroczny II/2025", StandardVersion: "v1",
		Window: audit.Window{Opens: opens, Closes: opens.AddDate(0, 0, 42)}, Status: audit.ReviewCompleted, Seed: 41, CreatedAt: opens}
	walks := map[string]int{}
	var results []audit.Result
	for _, rec := range recs {
		w := rec.Walkthrough
		walks[w.TouchpointID]++
		a := audit.Assignment{ID: workflow.AssignmentID(r.ID, w.TouchpointID, walks[w.TouchpointID]), CompanyID: r.CompanyID, ReviewID: r.ID,
			TouchpointID: w.TouchpointID, AuditorID: w.AuditorID, Status: audit.StatusStarted, Due: r.Window.Closes, Walk: walks[w.TouchpointID], UpdatedAt: opens}
		if err := store.PutAssignments(ctx, []audit.Assignment{a}); err != nil {
			return err
		}
		w.ID, w.AssignmentID, w.ReviewID = "w-"+a.ID, a.ID, r.ID
		closed := a
		closed.Status, closed.WalkthroughID, closed.SubmissionID = audit.StatusClosed, w.ID, "seed-"+a.ID
		if _, err := store.RecordSubmission(ctx, audit.Submission{ID: "seed-" + a.ID, PayloadHash: "seed", Assignment: closed, Walkthrough: w, At: w.SubmittedAt}); err != nil {
			return err
		}
		res, err := eng.Score(&w, w.SubmittedAt)
		if err != nil {
			return fmt.Errorf("%s: %w", rec.Path(), err)
		}
		res.ID, res.ReviewID, res.AssignmentID = w.ID, r.ID, a.ID
		results = append(results, res)
		r.Assignments++
		r.Done++
	}
	if err := store.CreateReview(ctx, r); err != nil {
		return err
	}
	if err := store.PutResults(ctx, results); err != nil {
		return err
	}
	// The schedule as the workflow would have left it (workflow/schedule.go).
	return store.PutSchedule(ctx, eng.DueTouchpoints(results, nil))
}

// lambdaCalls counts Lambda invocations from the executions' histories.
func lambdaCalls(e *asl.Engine, execs []asl.ExecutionDescription) int {
	n := 0
	for _, x := range execs {
		events, err := e.GetExecutionHistory(asl.GetExecutionHistoryInput{ExecutionArn: x.ExecutionArn})
		if err != nil {
			continue
		}
		for _, ev := range events {
			if ev.Type == "TaskScheduled" || ev.Type == "LambdaFunctionScheduled" {
				n++
			}
		}
	}
	return n
}
