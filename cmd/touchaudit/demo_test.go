package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/dynamo"
	"touchaudit/internal/memstore"
	"touchaudit/internal/motoserver"
)

// repoRoot is where testdata/ and statemachines/ are, seen from this package.
const repoRoot = "../.."

func TestReview_RunsEndToEndOnTheLocalEngine(t *testing.T) {
	out, err := runReview(context.Background(), demoRun{dir: repoRoot, store: memstore.New()})
	if err != nil {
		t.Fatal(err)
	}
	checkReviewOutcome(t, out)
	if out.sim.PromisesBroken == 0 || out.report.Summary.BrokenPromises == 0 {
		t.Errorf("no broken promise reached the report: sim %+v, report %+v", out.sim, out.report.Summary)
	}
}

func TestReview_RunsEndToEndWithDynamoDBOnMoto(t *testing.T) {
	ctx := context.Background()
	client, err := dynamo.NewLocalClient(ctx, motoserver.Shared(t).Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	table := "touchaudit-review-e2e"
	if err := dynamo.EnsureTable(ctx, client, table); err != nil {
		t.Fatal(err)
	}
	t.Logf("review on moto_server DynamoDB, table %s", table)
	out, err := runReview(ctx, demoRun{dir: repoRoot, store: dynamo.New(client, table), touchpoints: 12})
	if err != nil {
		t.Fatal(err)
	}
	checkReviewOutcome(t, out)
}

func checkReviewOutcome(t *testing.T, out *reviewOutcome) {
	t.Helper()
	if out.reviewExec.Status != "SUCCEEDED" {
		t.Fatalf("review execution %s", out.reviewExec.Status)
	}
	r := out.review
	if r.Status != audit.ReviewCompleted || r.Assignments == 0 || r.Done != r.Assignments {
		t.Fatalf("review %s: status %s, done %d of %d", r.ID, r.Status, r.Done, r.Assignments)
	}
	for _, e := range out.audits {
		if e.Status != "SUCCEEDED" {
			t.Errorf("audit execution %s: %s %s %s", e.Name, e.Status, e.Error, e.Cause)
		}
	}
	s := out.sim
	if s.Late == 0 || s.Never != 1 || s.Reassigned != 1 || len(out.reassigned) != 1 {
		t.Errorf("simulation: %+v, reassigned %d; want some late, one never, one reassigned", s, len(out.reassigned))
	}
	if s.PromisesBroken != out.report.Summary.BrokenPromises {
		t.Errorf("%d promises answered broken, the report counts %d", s.PromisesBroken, out.report.Summary.BrokenPromises)
	}
	if len(out.report.Touchpoints) == 0 || len(out.report.Drift) == 0 {
		t.Errorf("report has %d touchpoints and %d drift rows", len(out.report.Touchpoints), len(out.report.Drift))
	}
	checkQAOutcome(t, out)
	// One audit execution per assignment, plus the replacement.
	if len(out.audits) != r.Assignments+1 {
		t.Errorf("%d audit executions for %d assignments and one reassignment", len(out.audits), r.Assignments)
	}
	checkAssignmentRules(t, out)
}

// checkQAOutcome checks the QA gate in the run: nothing counts before
// approval, the rejected walk went back to its auditor and came back, and
// the result nobody decided was held and escalated when its wait timed out.
func checkQAOutcome(t *testing.T, out *reviewOutcome) {
	t.Helper()
	s, q := out.sim, out.report.QA
	t.Logf("QA: simulated %+v; report %+v", s, q)
	if s.QARejected != 1 || s.Resubmitted != 1 || s.QAUndecided != 1 || s.QAEscalated != 1 || s.QAApproved == 0 {
		t.Errorf("simulated QA: %+v; want one rejected and walked again, one undecided and escalated, some approved", s)
	}
	if q == nil || q.Rejected != 1 || q.Pending+q.Held != 1 || q.Approved != out.report.Summary.Walks {
		t.Fatalf("report QA %+v for %d walks: want 1 rejected, 1 waiting, and only the approved ones counted", q, out.report.Summary.Walks)
	}
	if out.returned == nil || out.returned.Status != audit.StatusClosed || out.returned.Return == nil || out.returned.Return.Reason == "" || out.returned.WalkthroughID == "" {
		t.Fatalf("the returned walk ended as %+v", out.returned)
	}
}

// checkAssignmentRules checks the assignment constraints on what the run stored.
func checkAssignmentRules(t *testing.T, out *reviewOutcome) {
	t.Helper()
	c := out.company
	auditorsOf := map[string]map[string]bool{}
	for _, tp := range out.report.Touchpoints {
		ref, _ := c.Touchpoint(tp.TouchpointID)
		seen := map[string]bool{}
		for _, id := range tp.Auditors {
			st, ok := c.Member(id)
			if !ok {
				t.Errorf("%s walked by unknown auditor %s", tp.TouchpointID, id)
				continue
			}
			if st.HomeUnit == ref.OwnerUnit {
				t.Errorf("%s walked by %s from its owning unit %s", tp.TouchpointID, id, ref.OwnerUnit)
			}
			if seen[id] {
				t.Errorf("%s walked twice by %s", tp.TouchpointID, id)
			}
			seen[id] = true
			if ref.Channel == audit.ChannelBranch {
				owner, _ := c.Unit(ref.OwnerUnit)
				if st.Region != owner.Region || !st.Speaks(ref.VisitLanguage()) {
					t.Errorf("branch visit %s walked by %s from region %s (branch in %s) speaking %v", tp.TouchpointID, id, st.Region, owner.Region, st.Languages)
				}
			}
		}
		auditorsOf[tp.TouchpointID] = seen
	}
}

func TestReview_HistoryDoesNotGrowWithAssignments(t *testing.T) {
	small, err := runReview(context.Background(), demoRun{dir: repoRoot, store: memstore.New(), touchpoints: 3})
	if err != nil {
		t.Fatal(err)
	}
	large, err := runReview(context.Background(), demoRun{dir: repoRoot, store: memstore.New()})
	if err != nil {
		t.Fatal(err)
	}
	if large.review.Assignments <= 3*small.review.Assignments {
		t.Fatalf("the large review is not larger: %d vs %d assignments", large.review.Assignments, small.review.Assignments)
	}
	// The review's history grows with how long it waits (one sweep for lost
	// signals per interval, at most 400: workflow.maxSweeps), never with its
	// assignments: take the sweeps away and both histories are the same.
	const eventsPerSweep = 15
	base := func(o *reviewOutcome) int { return o.reviewExec.HistoryEvents - eventsPerSweep*o.sweeps }
	t.Logf("review history: %d events and %d sweeps for %d assignments, %d events and %d sweeps for %d",
		small.reviewExec.HistoryEvents, small.sweeps, small.review.Assignments, large.reviewExec.HistoryEvents, large.sweeps, large.review.Assignments)
	if base(small) != base(large) {
		t.Errorf("review history without its sweeps: %d events for %d assignments, %d for %d", base(small), small.review.Assignments, base(large), large.review.Assignments)
	}
	if base(large) > 250 {
		t.Errorf("review history without its sweeps: %d events", base(large))
	}
	for _, o := range []*reviewOutcome{small, large} {
		if o.sweeps < 1 || o.sweeps > 400 {
			t.Errorf("%d sweeps, want 1 to 400", o.sweeps)
		}
	}
	// The most a review can reach: well inside the 25,000-event quota.
	if worst := base(large) + eventsPerSweep*400; worst > 6250 {
		t.Errorf("a review of the longest window could reach %d events", worst)
	}
}

func TestDemo_PrintsTheSummary(t *testing.T) {
	for _, c := range []struct{ lang, want string }{
		{"en", "Journey map (median valuation, worst first)"},
		{"pl", "Mapa podróży klienta"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := runDemo([]string{"--dir", repoRoot, "--lang", c.lang}, &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			for _, want := range []string{c.want, "bank-pl.demo-2026-h2", "bank-pl-2025-h2", "$0.0"} {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("summary lacks %q:\n%s", want, stdout.String())
				}
			}
		})
	}
}

// TestReview_ReportAndPlannerShareOneSchedule runs the sample bank's full
// review and compares every touchpoint's next due date in the report with
// the schedule the planner reads (ListDueTouchpoints): one rule, one date.
func TestReview_ReportAndPlannerShareOneSchedule(t *testing.T) {
	store := memstore.New()
	out, err := runReview(context.Background(), demoRun{dir: repoRoot, store: store})
	if err != nil {
		t.Fatal(err)
	}
	planned, err := store.ListDueTouchpoints(context.Background(), demoCompany, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	byTP := map[string]audit.DueTouchpoint{}
	for _, d := range planned {
		byTP[d.TouchpointID] = d
	}
	compared, differ := 0, 0
	for _, d := range out.report.Schedule {
		compared++
		p, ok := byTP[d.TouchpointID]
		if !ok || !p.NextDue.Equal(d.NextDue) || p.DueReason != d.Reason || p.LastValuation != d.Valuation {
			differ++
			t.Errorf("%s: report due %s (%s, %+d), planner %+v", d.TouchpointID, d.NextDue.Format(time.DateOnly), d.Reason, d.Valuation, p)
		}
	}
	if compared != 39 {
		t.Errorf("compared %d touchpoints, want the 39 the sample review walks", compared)
	}
	if differ != 0 {
		t.Errorf("%d of %d next-due dates differ between the report and the planner", differ, compared)
	}
}
