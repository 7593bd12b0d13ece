package main

import (
	"context"
	"fmt"
	"testing"

	"touchaudit/internal/audit"
	"touchaudit/internal/awsclient"
	"touchaudit/internal/dynamo"
	"touchaudit/internal/dynamo/dynamotest"
	"touchaudit/internal/faultproxy"
	"touchaudit/internal/memstore"
	"touchaudit/internal/motoserver"
)

// reviewFaults are the fault rates the whole review workflow is shown to
// survive on DynamoDB: of every hundred requests, five lose their response
// after DynamoDB applied them, five get a 500, five are throttled and two
// have their connection reset before they arrive.
var reviewFaults = faultproxy.Rates{Drop: 0.05, ServerError: 0.05, Throttle: 0.05, Reset: 0.02}

// faultTouchpoints is the size of the review run under faults: enough for
// every kind of walk (promises, reminders, a reassignment), few enough to
// run in seconds.
const faultTouchpoints = 6

// TestReview_EveryWalkScoredOnceUnderFaults runs the review workflow end to
// end on DynamoDB (moto) through a fault proxy, with the clients functions
// use (awsclient.Lambda: 3 attempts; the state machines retry InternalError;
// a phone retries its submission): every walk submitted is stored once and
// scored once, none is lost, and the outcome is the one the same review
// gives without faults.
func TestReview_EveryWalkScoredOnceUnderFaults(t *testing.T) {
	ctx := context.Background()
	cleanStore := memstore.New()
	clean, err := runReview(ctx, demoRun{dir: repoRoot, store: cleanStore, touchpoints: faultTouchpoints})
	if err != nil {
		t.Fatal(err)
	}

	moto := motoserver.Shared(t)
	direct, err := dynamo.NewLocalClient(ctx, moto.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	table := fmt.Sprintf("faults-%s", t.Name())
	if err := dynamo.EnsureTable(ctx, direct, table); err != nil {
		t.Fatal(err)
	}
	p, err := faultproxy.Start(moto.Endpoint, reviewFaults, 2026)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	faulty := dynamo.New(&dynamotest.Isolated{API: awsclient.Lambda.DynamoDB(awsclient.Lambda.Local(), p.URL)}, table)
	plain := dynamo.New(&dynamotest.Isolated{API: direct}, table)
	got, err := runReview(ctx, demoRun{dir: repoRoot, store: faulty, seedStore: plain, touchpoints: faultTouchpoints})
	if err != nil {
		t.Fatalf("the review under faults: %v (faults so far: %s)", err, p.Counts())
	}
	c := p.Counts()
	t.Logf("survived %s", c)
	if c.Dropped == 0 || c.ServerError == 0 || c.Throttled == 0 || c.Reset == 0 {
		t.Fatalf("not every fault was injected: %s", c)
	}

	if got.sim.Submitted != clean.sim.Submitted || got.review.Assignments != clean.review.Assignments {
		t.Errorf("under faults %d walks submitted of %d assignments, without %d of %d",
			got.sim.Submitted, got.review.Assignments, clean.sim.Submitted, clean.review.Assignments)
	}
	results, err := listAll(ctx, func(pg audit.Page) ([]audit.Result, string, error) {
		return plain.ListResultsByReview(ctx, demoReview, pg)
	})
	if err != nil {
		t.Fatal(err)
	}
	byWalk := map[string]int{}
	for _, r := range results {
		byWalk[r.WalkthroughID]++
	}
	submitted := 0
	for _, st := range []audit.AssignmentStatus{audit.StatusScored, audit.StatusClosed, audit.StatusSubmitted} {
		as, err := listAll(ctx, func(pg audit.Page) ([]audit.Assignment, string, error) {
			return plain.ListAssignmentsByReview(ctx, demoReview, st, pg)
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			if a.WalkthroughID == "" {
				continue
			}
			submitted++
			if _, err := plain.GetWalkthrough(ctx, a.WalkthroughID); err != nil {
				t.Errorf("%s: walkthrough %s: %v", a.ID, a.WalkthroughID, err)
			}
			if n := byWalk[a.WalkthroughID]; n != 1 {
				t.Errorf("%s (%s): %d results for its walk, want exactly 1", a.ID, a.Status, n)
			}
			if a.Status != audit.StatusClosed || a.Failure != "" {
				t.Errorf("%s is %s (%q), want closed without a failure", a.ID, a.Status, a.Failure)
			}
		}
	}
	// A walk the lead rejected keeps its (rejected) result beside the
	// result of the walk submitted again: as many results as without faults.
	cleanResults, err := listAll(ctx, func(pg audit.Page) ([]audit.Result, string, error) {
		return cleanStore.ListResultsByReview(ctx, demoReview, pg)
	})
	if err != nil {
		t.Fatal(err)
	}
	if submitted != got.sim.Submitted || len(results) != len(cleanResults) {
		t.Errorf("%d walks stored for %d submitted; %d results, %d without faults", submitted, got.sim.Submitted, len(results), len(cleanResults))
	}
	if got.sim.QARejected != clean.sim.QARejected || got.sim.Resubmitted != clean.sim.Resubmitted {
		t.Errorf("QA under faults rejected %d and saw %d resubmitted, without faults %d and %d",
			got.sim.QARejected, got.sim.Resubmitted, clean.sim.QARejected, clean.sim.Resubmitted)
	}
	// Every result reached the QA gate and is accounted for: as many as
	// without faults, each approved, waiting for a lead (held after the QA
	// timeout) or rejected. A lead's notification is best effort (a failed
	// send never stops the workflow), so under faults the simulated lead
	// may not hear of one result: it then waits in the QA queue, escalated,
	// and the report counts it once approved.
	g, w := got.report.QA, clean.report.QA
	if g == nil || w == nil || g.Approved+g.Pending+g.Held+g.Rejected != w.Approved+w.Pending+w.Held+w.Rejected || g.Rejected != w.Rejected {
		t.Errorf("QA under faults %+v, without %+v: a result was lost or doubled", g, w)
	} else if g.Approved != w.Approved {
		t.Logf("QA under faults %+v, without %+v (a lead was not told of %d result(s); they wait in the queue)", g, w, w.Approved-g.Approved)
	}
	// Nothing corrupted: with the same results approved, the report is the
	// one the review gives without faults.
	if gs, ws := got.report.Summary, clean.report.Summary; g != nil && w != nil && g.Approved == w.Approved &&
		(gs.Touchpoints != ws.Touchpoints || gs.Walks != ws.Walks || gs.Levels != ws.Levels || gs.Mean != ws.Mean) {
		t.Errorf("report summary under faults %+v, without %+v", gs, ws)
	}
	want := map[string]audit.Valuation{}
	for _, tp := range clean.report.Touchpoints {
		want[tp.TouchpointID] = tp.Median
	}
	for _, tp := range got.report.Touchpoints {
		if tp.Median != want[tp.TouchpointID] {
			t.Errorf("%s valued %d under faults, %d without", tp.TouchpointID, tp.Median, want[tp.TouchpointID])
		}
	}
}

// listAll reads every page of a listing.
func listAll[T any](ctx context.Context, list func(audit.Page) ([]T, string, error)) ([]T, error) {
	var all []T
	page := audit.Page{Limit: audit.MaxPageLimit}
	for {
		items, next, err := list(page)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if next == "" {
			return all, nil
		}
		page.Cursor = next
	}
}
