package workflow

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/memstore"
)

// trailRecorder is the store with an audit trail, in the test: the real
// trail store is memstore's and dynamo's own (audit.TrailStore).
type trailRecorder struct {
	*memstore.Store
	mu      sync.Mutex
	entries []audit.TrailEntry
}

func (s *trailRecorder) AppendTrail(_ context.Context, e audit.TrailEntry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.entries {
		if o.ID == e.ID {
			return nil
		}
	}
	s.entries = append(s.entries, e)
	return nil
}

// actions lists the trail's entries about result id as "kind action actor".
func (s *trailRecorder) actions(id string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, e := range s.entries {
		if e.Object.ID == id {
			out = append(out, e.Object.Kind+" "+e.Action+" "+e.Actor)
		}
	}
	return out
}

type qaFixture struct {
	*fixture
	trail *trailRecorder
}

func newQAFixture(t *testing.T) *qaFixture {
	t.Helper()
	f := newFixture(t)
	tr := &trailRecorder{Store: f.store}
	f.wf = New(tr, f.exec, f.note, f.clock, Config{AuditStateMachineArn: "arn:audit", ReviewStateMachineArn: "arn:review"}, nil)
	return &qaFixture{fixture: f, trail: tr}
}

// minusTwo makes the fixture walk a −2: the caller reached a consultant
// 5 minutes after entering the IVR (ivr-to-consultant: limit 3 minutes).
func minusTwo(w *audit.Walkthrough) {
	w.Timeline[1].End = audit.Stamp{Client: t0.Add(5 * time.Minute)}
}

// scored submits the fixture walk (changed by change) under submission id
// sub and scores it; it returns the stored result.
func (f *qaFixture) scored(t *testing.T, assignmentID, sub string, change func(*audit.Walkthrough)) *audit.Result {
	t.Helper()
	w := walk()
	if change != nil {
		change(&w)
	}
	if _, err := f.wf.Audits.Submit(f.ctx, SubmitRequest{SubmissionID: sub, AssignmentID: assignmentID, AuditorID: "s-010", Walkthrough: w}); err != nil {
		t.Fatal(err)
	}
	out, err := f.wf.Audits.Score(f.ctx, ScoreInput{AssignmentID: assignmentID})
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.store.GetResult(f.ctx, out.ResultID)
	if err != nil {
		t.Fatal(err)
	}
	if r.QA == nil || r.QA.Status != audit.QAUnreviewed || r.Counts() {
		t.Fatalf("a scored result before the gate: %+v", r.QA)
	}
	return r
}

// pending scores a −2 walk and puts it on the QA queue, waiting on token.
func (f *qaFixture) pending(t *testing.T, token string) (*audit.Assignment, *audit.Result) {
	t.Helper()
	a := f.assigned(t, "tok-walk")
	r := f.scored(t, a.ID, "sub-1", minusTwo)
	out, err := f.wf.QA.Step(f.ctx, QAInput{Op: QAGate, AssignmentID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	if out.Approved || out.Status != audit.QAPending || out.TimeoutSeconds != 604800 {
		t.Fatalf("gate of a −2: %+v", out)
	}
	if _, err := f.wf.QA.Step(f.ctx, QAInput{Op: QAAwait, AssignmentID: a.ID, TaskToken: token}); err != nil {
		t.Fatal(err)
	}
	return a, r
}

func (f *qaFixture) decision(t *testing.T, token string) QADecisionSignal {
	t.Helper()
	b, ok := f.exec.success[token]
	if !ok {
		t.Fatalf("no decision sent on %s", token)
	}
	var sig QADecisionSignal
	if err := json.Unmarshal(b, &sig); err != nil {
		t.Fatal(err)
	}
	return sig
}

func (f *qaFixture) result(t *testing.T, id string) *audit.Result {
	t.Helper()
	r, err := f.store.GetResult(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestQAGate_AutoApprovesWhatTheRuleAccepts(t *testing.T) {
	f := newQAFixture(t)
	a := f.assigned(t, "tok-walk")
	r := f.scored(t, a.ID, "sub-1", nil)
	if r.Valuation < -1 {
		t.Fatalf("the fixture walk is %d, want -1 or better", r.Valuation)
	}
	out, err := f.wf.QA.Step(f.ctx, QAInput{Op: QAGate, AssignmentID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	got := f.result(t, r.ID)
	if !out.Approved || !got.Counts() || !got.QA.Auto || got.QA.DecidedBy != "system" {
		t.Fatalf("gate %+v, result QA %+v", out, got.QA)
	}
	if acts := f.trail.actions(r.ID); !slices.Equal(acts, []string{"qa approved system"}) {
		t.Fatalf("trail %q", acts)
	}
	due, err := f.store.ListDueTouchpoints(f.ctx, "bank-pl", t0.Add(400*audit.Day))
	if err != nil || len(due) != 1 || due[0].TouchpointID != "acc.ivr-info" {
		t.Fatalf("schedule after approval: %+v %v", due, err)
	}
	// A retried gate answers from the stored state and records nothing new.
	if again, err := f.wf.QA.Step(f.ctx, QAInput{Op: QAGate, AssignmentID: a.ID}); err != nil || !again.Approved || len(f.trail.actions(r.ID)) != 1 {
		t.Fatalf("retried gate: %+v %v, trail %q", again, err, f.trail.actions(r.ID))
	}
}

func TestQAGate_QueuesWhatTheRuleDoesNot(t *testing.T) {
	cases := []struct {
		name    string
		walk    func(*audit.Walkthrough)
		prepare func(t *testing.T, f *qaFixture, r *audit.Result)
		why     string
	}{
		{"a −2", minusTwo, nil, "valuation -2 is below -1"},
		{"an evidence flag", nil, func(t *testing.T, f *qaFixture, r *audit.Result) {
			r.EvidenceFlags = []string{"gps-far-from-branch"}
			if err := f.store.PutResults(f.ctx, []audit.Result{*r}); err != nil {
				t.Fatal(err)
			}
		}, "evidence flag: gps-far-from-branch"},
		{"auditors disagree", nil, func(t *testing.T, f *qaFixture, r *audit.Result) {
			other := *r
			other.ID, other.WalkthroughID, other.AuditorID, other.Valuation = "w-other", "w-other", "s-011", r.Valuation+2
			if other.Valuation > audit.MaxValuation {
				other.Valuation = r.Valuation - 2
			}
			other.QA = &audit.QA{Status: audit.QAApproved}
			if err := f.store.PutResults(f.ctx, []audit.Result{other}); err != nil {
				t.Fatal(err)
			}
		}, "auditors of this touchpoint disagree by 2 or more"},
		{"no rule", nil, func(t *testing.T, f *qaFixture, r *audit.Result) {
			c, _ := f.store.GetCompany(f.ctx, "bank-pl")
			for i := range c.Standards {
				c.Standards[i].QA = nil
			}
			if err := f.store.SaveCompany(f.ctx, c); err != nil {
				t.Fatal(err)
			}
			f.wf = New(f.trail, f.exec, f.note, f.clock, Config{}, nil) // a fresh scorer cache
		}, "no auto-approve rule: every result waits for a lead"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newQAFixture(t)
			a := f.assigned(t, "tok-walk")
			r := f.scored(t, a.ID, "sub-1", c.walk)
			if c.prepare != nil {
				c.prepare(t, f, r)
			}
			out, err := f.wf.QA.Step(f.ctx, QAInput{Op: QAGate, AssignmentID: a.ID})
			if err != nil {
				t.Fatal(err)
			}
			got := f.result(t, r.ID)
			if out.Approved || got.QA.Status != audit.QAPending || !slices.Contains(got.QA.Why, c.why) || !got.QA.Since.Equal(t0) || got.Counts() {
				t.Fatalf("gate %+v, QA %+v; want pending because %q", out, got.QA, c.why)
			}
			q, _, err := f.wf.QA.Queue(f.ctx, "bank-pl", audit.Page{})
			if err != nil || len(q) != 1 || q[0].ResultID != r.ID || !q[0].Since.Equal(t0) {
				t.Fatalf("queue %+v %v", q, err)
			}
			if n := f.note.sent[len(f.note.sent)-1]; n.Kind != NotifyQAWaiting || !f.isLead(t, n.To) || n.ResultID != r.ID {
				t.Fatalf("last notification %+v", n)
			}
			if acts := f.trail.actions(r.ID); !slices.Equal(acts, []string{"qa queued system"}) {
				t.Fatalf("trail %q", acts)
			}
		})
	}
}

func TestQADecide_ApproveSignalsTheAuditAndCounts(t *testing.T) {
	f := newQAFixture(t)
	a, r := f.pending(t, "tok-qa")
	if _, err := f.wf.QA.Decide(f.ctx, DecideInput{CompanyID: "other-bank", ResultID: r.ID, By: "s-001", Decision: audit.DecideApprove}); !audit.IsCode(err, audit.NotFound) {
		t.Fatalf("another company's decision: %v, want not found", err)
	}
	item, err := f.wf.QA.Decide(f.ctx, DecideInput{CompanyID: "bank-pl", ResultID: r.ID, By: "s-001", Decision: audit.DecideApprove, Reason: "checked the recording"})
	if err != nil {
		t.Fatal(err)
	}
	if item.QA.Status != audit.QAApproved || item.QA.DecidedBy != "s-001" {
		t.Fatalf("decided %+v", item.QA)
	}
	if sig := f.decision(t, "tok-qa"); sig.Decision != audit.QAApproved {
		t.Fatalf("signal %+v", sig)
	}
	if !f.result(t, r.ID).Counts() {
		t.Fatal("an approved result does not count")
	}
	// The same decision again changes nothing; another is a conflict.
	if _, err := f.wf.QA.Decide(f.ctx, DecideInput{CompanyID: "bank-pl", ResultID: r.ID, By: "s-001", Decision: audit.DecideApprove, Reason: "checked the recording"}); err != nil {
		t.Fatalf("repeated approval: %v", err)
	}
	if _, err := f.wf.QA.Decide(f.ctx, DecideInput{CompanyID: "bank-pl", ResultID: r.ID, By: "s-001", Decision: audit.DecideReject, Reason: "changed my mind"}); !audit.IsCode(err, audit.Conflict) {
		t.Fatalf("reject after approve: %v, want conflict", err)
	}
	if acts := f.trail.actions(r.ID); !slices.Equal(acts, []string{"qa queued system", "qa approved s-001"}) {
		t.Fatalf("trail %q", acts)
	}
	if _, err := f.wf.Reviews.CloseAudit(f.ctx, CloseInput{AssignmentID: a.ID}); err != nil {
		t.Fatal(err)
	}
}

func TestQADecide_RejectSendsTheWalkBackAndTheResubmissionIsReviewedAgain(t *testing.T) {
	f := newQAFixture(t)
	a, r := f.pending(t, "tok-qa")
	if _, err := f.wf.QA.Decide(f.ctx, DecideInput{CompanyID: "bank-pl", ResultID: r.ID, By: "s-001", Decision: audit.DecideReject, Reason: "  "}); !audit.IsCode(err, audit.Invalid) {
		t.Fatalf("reject without a reason: %v, want invalid", err)
	}
	f.clock.t = t0.Add(2 * audit.Day)
	note := "the queue was timed from the wrong step: walk it again"
	if _, err := f.wf.QA.Decide(f.ctx, DecideInput{CompanyID: "bank-pl", ResultID: r.ID, By: "s-001", Decision: audit.DecideReject, Reason: note}); err != nil {
		t.Fatal(err)
	}
	if sig := f.decision(t, "tok-qa"); sig.Decision != audit.QARejected || sig.ResubmitSeconds != 604800 {
		t.Fatalf("signal %+v", sig)
	}
	got, _ := f.store.GetAssignment(f.ctx, a.ID)
	if got.Status != audit.StatusReturned || got.Returns != 1 || got.Return == nil || got.Return.Reason != note || got.WalkthroughID != "" || got.SubmissionID != "" {
		t.Fatalf("assignment after rejection: %s %+v", got.Status, got.Return)
	}
	// The auditor sees the note on their returned walk.
	v, err := f.wf.Auditors.View(f.ctx, f.own(t, "s-010", a.ID))
	if err != nil || v.Assignment.Status != audit.StatusReturned || v.Assignment.Return.Reason != note || v.Assignment.QAToken != "" {
		t.Fatalf("auditor's view: %+v %v", v.Assignment, err)
	}
	// The audit waits for the walk again, and the auditor is told.
	if _, err := f.wf.Audits.Dispatch(f.ctx, DispatchInput{AssignmentID: a.ID, TaskToken: "tok-again", Returned: true}); err != nil {
		t.Fatal(err)
	}
	if n := f.note.sent[len(f.note.sent)-1]; n.Kind != NotifyReturned || n.To != "s-010" {
		t.Fatalf("last notification %+v", n)
	}
	r2 := f.scored(t, a.ID, "sub-2", nil)
	if r2.ID == r.ID {
		t.Fatal("the resubmitted walk replaced the rejected result")
	}
	if _, ok := f.exec.success["tok-again"]; !ok {
		t.Fatal("the resubmission did not wake the audit")
	}
	out, err := f.wf.QA.Step(f.ctx, QAInput{Op: QAGate, AssignmentID: a.ID})
	if err != nil || !out.Approved {
		t.Fatalf("gate of the resubmitted walk: %+v %v", out, err)
	}
	if f.result(t, r.ID).QA.Status != audit.QARejected {
		t.Fatal("the rejected result changed")
	}
	if acts := f.trail.actions(r.ID); !slices.Equal(acts, []string{"qa queued system", "qa rejected s-001"}) {
		t.Fatalf("trail %q", acts)
	}
	rev, _ := f.store.GetReview(f.ctx, "r1")
	rep, err := f.wf.Reviews.BuildReport(f.ctx, rev)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Walks != 1 || rep.QA == nil || rep.QA.Approved != 1 || rep.QA.Rejected != 1 {
		t.Fatalf("report: %d walks, QA %+v", rep.Summary.Walks, rep.QA)
	}
}

func TestQADecide_DecisionBeforeAwaitIsSignalledByAwait(t *testing.T) {
	for _, c := range []struct {
		decision audit.QADecision
		want     audit.QAStatus
	}{{audit.DecideApprove, audit.QAApproved}, {audit.DecideReject, audit.QARejected}} {
		t.Run(string(c.decision), func(t *testing.T) {
			f := newQAFixture(t)
			a := f.assigned(t, "tok-walk")
			r := f.scored(t, a.ID, "sub-1", minusTwo)
			if _, err := f.wf.QA.Step(f.ctx, QAInput{Op: QAGate, AssignmentID: a.ID}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.wf.QA.Decide(f.ctx, DecideInput{CompanyID: "bank-pl", ResultID: r.ID, By: "s-001", Decision: c.decision, Reason: "quick"}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.wf.QA.Step(f.ctx, QAInput{Op: QAAwait, AssignmentID: a.ID, TaskToken: "tok-late"}); err != nil {
				t.Fatal(err)
			}
			if sig := f.decision(t, "tok-late"); sig.Decision != c.want {
				t.Fatalf("signal %+v, want %s", sig, c.want)
			}
		})
	}
}

func TestQA_HoldThenTimeoutEscalatesAndALaterApprovalReachesTheReport(t *testing.T) {
	f := newQAFixture(t)
	a, r := f.pending(t, "tok-qa")
	if _, err := f.wf.QA.Decide(f.ctx, DecideInput{CompanyID: "bank-pl", ResultID: r.ID, By: "s-001", Decision: audit.DecideHold, Reason: "asking the branch"}); err != nil {
		t.Fatal(err)
	}
	if _, sent := f.exec.success["tok-qa"]; sent {
		t.Fatal("a hold ended the audit's wait")
	}
	if got := f.result(t, r.ID); got.QA.Status != audit.QAHeld || got.QA.Reason != "asking the branch" || got.Counts() {
		t.Fatalf("held: %+v", got.QA)
	}
	// Nobody decides in time: held, escalated, and the audit closes.
	f.clock.t = t0.Add(7 * audit.Day)
	out, err := f.wf.QA.Step(f.ctx, QAInput{Op: QATimedOut, AssignmentID: a.ID})
	if err != nil || out.Status != audit.QAHeld || out.Approved {
		t.Fatalf("timeout: %+v %v", out, err)
	}
	got := f.result(t, r.ID)
	if !got.QA.Escalated || got.Counts() {
		t.Fatalf("after the timeout: %+v", got.QA)
	}
	if n := f.note.sent[len(f.note.sent)-1]; n.Kind != NotifyQAEscalated || !f.isLead(t, n.To) {
		t.Fatalf("last notification %+v", n)
	}
	closed, err := f.wf.Reviews.CloseAudit(f.ctx, CloseInput{AssignmentID: a.ID})
	if err != nil || !closed.ReviewComplete {
		t.Fatalf("close: %+v %v", closed, err)
	}
	// The review completes with the result held: its report leaves it out.
	if _, err := f.wf.Reviews.CompileReport(f.ctx, ReviewRef{ReviewID: "r1"}); err != nil {
		t.Fatal(err)
	}
	if rep := f.storedReport(t); rep.Summary.Walks != 0 || rep.QA.Held != 1 {
		t.Fatalf("report before approval: %d walks, QA %+v", rep.Summary.Walks, rep.QA)
	}
	q, _, _ := f.wf.QA.Queue(f.ctx, "bank-pl", audit.Page{})
	if len(q) != 1 || q[0].QA.Status != audit.QAHeld {
		t.Fatalf("queue %+v", q)
	}
	// A later approval counts, and the completed review's report follows.
	if _, err := f.wf.QA.Decide(f.ctx, DecideInput{CompanyID: "bank-pl", ResultID: r.ID, By: "s-001", Decision: audit.DecideApprove}); err != nil {
		t.Fatal(err)
	}
	if rep := f.storedReport(t); rep.Summary.Walks != 1 || rep.QA.Approved != 1 || rep.QA.Held != 0 {
		t.Fatalf("report after approval: %d walks, QA %+v", rep.Summary.Walks, rep.QA)
	}
	if acts := f.trail.actions(r.ID); !slices.Equal(acts, []string{"qa queued system", "qa held s-001", "qa escalated system", "qa approved s-001"}) {
		t.Fatalf("trail %q", acts)
	}
}

func (f *qaFixture) storedReport(t *testing.T) (rep struct {
	Summary     struct{ Walks int }
	QA          struct{ Approved, Pending, Held, Rejected int }
	Touchpoints []struct {
		TouchpointID string
		Median       audit.Valuation
	}
}) {
	t.Helper()
	b, err := f.store.GetReport(f.ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestQA_ResubmitMissedClosesWithoutACountingResult(t *testing.T) {
	f := newQAFixture(t)
	a, r := f.pending(t, "tok-qa")
	if _, err := f.wf.QA.Decide(f.ctx, DecideInput{CompanyID: "bank-pl", ResultID: r.ID, By: "s-001", Decision: audit.DecideReject, Reason: "no recording"}); err != nil {
		t.Fatal(err)
	}
	out, err := f.wf.QA.Step(f.ctx, QAInput{Op: QAResubmitMissed, AssignmentID: a.ID})
	if err != nil || out.Submitted {
		t.Fatalf("resubmit missed: %+v %v", out, err)
	}
	got, _ := f.store.GetAssignment(f.ctx, a.ID)
	if got.Status != audit.StatusClosed || !strings.Contains(got.Failure, "not submitted again") {
		t.Fatalf("assignment %s %q", got.Status, got.Failure)
	}
	if c, err := f.wf.Reviews.CloseAudit(f.ctx, CloseInput{AssignmentID: a.ID}); err != nil || !c.ReviewComplete {
		t.Fatalf("close: %+v %v", c, err)
	}
}

// approved stores an approved result of acc.ivr-info (owned by the
// contact centre, whose manager is s-158), approved at t0.
func (f *qaFixture) approved(t *testing.T) *audit.Result {
	t.Helper()
	a := f.assigned(t, "tok-walk")
	r := f.scored(t, a.ID, "sub-1", nil)
	if out, err := f.wf.QA.Step(f.ctx, QAInput{Op: QAGate, AssignmentID: a.ID}); err != nil || !out.Approved {
		t.Fatalf("gate %+v %v", out, err)
	}
	if _, err := f.wf.Reviews.CloseAudit(f.ctx, CloseInput{AssignmentID: a.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.wf.Reviews.CompileReport(f.ctx, ReviewRef{ReviewID: "r1"}); err != nil {
		t.Fatal(err)
	}
	return f.result(t, r.ID)
}

func TestAppeal_WhoMayAppealAndWhen(t *testing.T) {
	cases := []struct {
		name string
		in   AppealInput
		at   time.Duration
		code audit.ErrorCode
	}{
		{"the owning unit's manager", AppealInput{By: "s-158", Role: audit.RoleManager, Reason: "the IVR was under maintenance that day"}, audit.Day, ""},
		{"a lead", AppealInput{By: "s-001", Role: audit.RoleLead, Reason: "recheck"}, audit.Day, ""},
		{"on the window's last day", AppealInput{By: "s-158", Role: audit.RoleManager, Reason: "late but in time"}, 30 * audit.Day, ""},
		{"after the window", AppealInput{By: "s-158", Role: audit.RoleManager, Reason: "too late"}, 31 * audit.Day, audit.Conflict},
		{"a manager of another unit", AppealInput{By: "s-002", Role: audit.RoleManager, Reason: "not mine"}, audit.Day, audit.NotFound},
		{"an auditor", AppealInput{By: "s-010", Role: audit.RoleAuditor, Reason: "I disagree"}, audit.Day, audit.Forbidden},
		{"without a reason", AppealInput{By: "s-158", Role: audit.RoleManager}, audit.Day, audit.Invalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newQAFixture(t)
			r := f.approved(t)
			f.clock.t = t0.Add(c.at)
			c.in.CompanyID, c.in.ResultID = "bank-pl", r.ID
			item, err := f.wf.Appeals.File(f.ctx, c.in)
			if c.code != "" {
				if !audit.IsCode(err, c.code) {
					t.Fatalf("appeal: %v, want %s", err, c.code)
				}
				return
			}
			if err != nil || item.Appeal.Status != audit.AppealOpen || item.Appeal.From != r.Valuation || item.Appeal.By != c.in.By {
				t.Fatalf("appeal %+v %v", item.Appeal, err)
			}
			q, _, err := f.wf.Appeals.Queue(f.ctx, "bank-pl", audit.Page{})
			if err != nil || len(q) != 1 || !q[0].Since.Equal(f.clock.t) {
				t.Fatalf("appeals queue %+v %v", q, err)
			}
			if _, err := f.wf.Appeals.File(f.ctx, AppealInput{CompanyID: "bank-pl", ResultID: r.ID, By: "s-032", Role: audit.RoleLead, Reason: "another"}); !audit.IsCode(err, audit.Conflict) {
				t.Fatalf("a second appeal: %v, want conflict", err)
			}
		})
	}
}

func TestAppeal_PendingResultCannotBeAppealed(t *testing.T) {
	f := newQAFixture(t)
	_, r := f.pending(t, "tok-qa")
	if _, err := f.wf.Appeals.File(f.ctx, AppealInput{CompanyID: "bank-pl", ResultID: r.ID, By: "s-158", Role: audit.RoleManager, Reason: "wrong"}); !audit.IsCode(err, audit.Conflict) {
		t.Fatalf("appeal of a pending result: %v, want conflict", err)
	}
}

func TestAppealDecide_ChangeMovesTheValuationWithATrailEntryAndTheReportFollows(t *testing.T) {
	f := newQAFixture(t)
	r := f.approved(t)
	if rep := f.storedReport(t); len(rep.Touchpoints) != 1 || rep.Touchpoints[0].Median != r.Valuation {
		t.Fatalf("report before the appeal: %+v", rep.Touchpoints)
	}
	f.clock.t = t0.Add(3 * audit.Day)
	if _, err := f.wf.Appeals.File(f.ctx, AppealInput{CompanyID: "bank-pl", ResultID: r.ID, By: "s-158", Role: audit.RoleManager, Reason: "the menu was changed that week"}); err != nil {
		t.Fatal(err)
	}
	one := audit.Valuation(1)
	for _, bad := range []AppealDecision{
		{Decision: "change", Reason: "x"},
		{Decision: "change", Valuation: &r.Valuation, Reason: "same"},
		{Decision: "uphold", Valuation: &one, Reason: "x"},
		{Decision: "overturn", Reason: "x"},
		{Decision: "uphold"},
	} {
		bad.CompanyID, bad.ResultID, bad.By = "bank-pl", r.ID, "s-001"
		if _, err := f.wf.Appeals.Decide(f.ctx, bad); !audit.IsCode(err, audit.Invalid) {
			t.Errorf("decision %+v: %v, want invalid", bad, err)
		}
	}
	f.clock.t = t0.Add(5 * audit.Day)
	item, err := f.wf.Appeals.Decide(f.ctx, AppealDecision{CompanyID: "bank-pl", ResultID: r.ID, By: "s-001", Decision: AppealChange, Valuation: &one, Reason: "the consultant offered the next step unprompted"})
	if err != nil {
		t.Fatal(err)
	}
	if item.Valuation != 1 || item.Appeal.Status != audit.AppealChanged || *item.Appeal.To != 1 || item.Appeal.DecidedBy != "s-001" {
		t.Fatalf("decided %+v %+v", item.Valuation, item.Appeal)
	}
	got := f.result(t, r.ID)
	if got.Valuation != 1 || got.NextDue.Equal(r.NextDue) && r.Valuation < 0 {
		t.Fatalf("stored valuation %d next due %s (was %s)", got.Valuation, got.NextDue, r.NextDue)
	}
	due, _ := f.store.ListDueTouchpoints(f.ctx, "bank-pl", t0.Add(400*audit.Day))
	if len(due) != 1 || due[0].LastValuation != 1 {
		t.Fatalf("schedule %+v", due)
	}
	if rep := f.storedReport(t); rep.Touchpoints[0].Median != 1 {
		t.Fatalf("report after the change: %+v", rep.Touchpoints)
	}
	if acts := f.trail.actions(r.ID); !slices.Equal(acts, []string{"qa approved system", "appeal appealed s-158", "appeal changed s-001"}) {
		t.Fatalf("trail %q", acts)
	}
	var last audit.TrailEntry
	for _, e := range f.trail.entries {
		if e.Action == "changed" {
			last = e
		}
	}
	var before, after struct{ Valuation audit.Valuation }
	_ = json.Unmarshal(last.Before, &before)
	_ = json.Unmarshal(last.After, &after)
	if before.Valuation != r.Valuation || after.Valuation != 1 || last.Reason != "the consultant offered the next step unprompted" || !last.At.Equal(t0.Add(5*audit.Day)) {
		t.Fatalf("trail entry %+v", last)
	}
	// Decided: the same decision again changes nothing, another is a conflict.
	if _, err := f.wf.Appeals.Decide(f.ctx, AppealDecision{CompanyID: "bank-pl", ResultID: r.ID, By: "s-001", Decision: AppealChange, Valuation: &one, Reason: "the consultant offered the next step unprompted"}); err != nil {
		t.Fatalf("repeated decision: %v", err)
	}
	if _, err := f.wf.Appeals.Decide(f.ctx, AppealDecision{CompanyID: "bank-pl", ResultID: r.ID, By: "s-001", Decision: AppealUphold, Reason: "no"}); !audit.IsCode(err, audit.Conflict) {
		t.Fatalf("another decision: %v, want conflict", err)
	}
}

func TestAppealDecide_UpholdKeepsTheValuation(t *testing.T) {
	f := newQAFixture(t)
	r := f.approved(t)
	if _, err := f.wf.Appeals.File(f.ctx, AppealInput{CompanyID: "bank-pl", ResultID: r.ID, By: "s-001", Role: audit.RoleLead, Reason: "check"}); err != nil {
		t.Fatal(err)
	}
	item, err := f.wf.Appeals.Decide(f.ctx, AppealDecision{CompanyID: "bank-pl", ResultID: r.ID, By: "s-032", Decision: AppealUphold, Reason: "the recording confirms it"})
	if err != nil || item.Valuation != r.Valuation || item.Appeal.Status != audit.AppealUpheld || item.Appeal.To != nil {
		t.Fatalf("upheld %+v %v", item.Appeal, err)
	}
	if q, _, _ := f.wf.Appeals.Queue(f.ctx, "bank-pl", audit.Page{}); len(q) != 0 {
		t.Fatalf("appeals queue after the decision: %d", len(q))
	}
}

// isLead reports whether staffID is a lead of the fixture's company: lead
// notifications go to each lead.
func (f *fixture) isLead(t *testing.T, staffID string) bool {
	t.Helper()
	c, err := f.store.GetCompany(f.ctx, "bank-pl")
	if err != nil {
		t.Fatal(err)
	}
	m, ok := c.Member(staffID)
	return ok && m.Has(audit.RoleLead)
}
