package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/memstore"
)

// fakeExecutions records what the workflow asks of Step Functions.
type fakeExecutions struct {
	mu       sync.Mutex
	started  map[string][]byte
	success  map[string][]byte
	gone     map[string]bool // tokens that answer TaskTimedOut
	sendErrs int
	// failNext fails that many next calls with a transient error, as a
	// Step Functions endpoint that cannot be reached.
	failNext int
}

func newFakeExecutions() *fakeExecutions {
	return &fakeExecutions{started: map[string][]byte{}, success: map[string][]byte{}, gone: map[string]bool{}}
}

func (f *fakeExecutions) StartExecution(_ context.Context, _, name string, input []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.started[name] = input
	return nil
}

func (f *fakeExecutions) SendTaskSuccess(_ context.Context, token string, output []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failNext > 0 {
		f.failNext--
		return errors.New("dial tcp: connection refused")
	}
	if f.gone[token] {
		f.sendErrs++
		return fmt.Errorf("send: %w", ErrTaskTimedOut)
	}
	if _, dup := f.success[token]; dup {
		return fmt.Errorf("second success for %s: %w", token, ErrTaskTimedOut)
	}
	f.success[token] = output
	return nil
}

type fixedClock struct{ t time.Time }

func (c *fixedClock) Now() time.Time { return c.t }

type nopNotifier struct {
	mu   sync.Mutex
	sent []Notification
}

func (n *nopNotifier) Notify(_ context.Context, m Notification) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent = append(n.sent, m)
	return nil
}

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

type fixture struct {
	wf    *Workflow
	store *memstore.Store
	exec  *fakeExecutions
	note  *nopNotifier
	clock *fixedClock
	ctx   context.Context
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	c, err := audit.LoadCompanyDir("../../testdata/company")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{store: memstore.New(), exec: newFakeExecutions(), note: &nopNotifier{}, clock: &fixedClock{t0}, ctx: context.Background()}
	if err := f.store.SaveCompany(f.ctx, c); err != nil {
		t.Fatal(err)
	}
	f.wf = New(f.store, f.exec, f.note, f.clock, Config{AuditStateMachineArn: "arn:audit", ReviewStateMachineArn: "arn:review"}, nil)
	return f
}

// assigned stores a review and one assigned, dispatched assignment.
func (f *fixture) assigned(t *testing.T, token string) *audit.Assignment {
	t.Helper()
	r := &audit.Review{ID: "r1", CompanyID: "bank-pl", StandardVersion: "v2", Status: audit.ReviewRunning, Assignments: 1,
		Window: audit.Window{Opens: t0, Closes: t0.Add(42 * audit.Day)}, CreatedAt: t0}
	if err := f.store.CreateReview(f.ctx, r); err != nil {
		t.Fatal(err)
	}
	a := audit.Assignment{ID: "r1.acc.ivr-info.w1", CompanyID: "bank-pl", ReviewID: "r1", TouchpointID: "acc.ivr-info", AuditorID: "s-010",
		Status: audit.StatusAssigned, Due: t0.Add(14 * audit.Day), Walk: 1, StandardVersion: "v2", TaskToken: token, UpdatedAt: t0}
	if err := f.store.PutAssignments(f.ctx, []audit.Assignment{a}); err != nil {
		t.Fatal(err)
	}
	got, err := f.store.GetAssignment(f.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// own is the fixture company's auditor staffID's claim on assignment id.
func (f *fixture) own(t *testing.T, staffID, id string) Owned {
	t.Helper()
	o, err := f.wf.Auditors.Own(f.ctx, "bank-pl", staffID, id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func walk() audit.Walkthrough {
	return audit.Walkthrough{Resolved: true,
		Timeline: []audit.TimelineStep{
			{Key: "ivr_menu", Channel: audit.ChannelIVR, Start: audit.Stamp{Client: t0}, End: audit.Stamp{Client: t0.Add(40 * time.Second)}},
			{Key: "queue", Channel: audit.ChannelIVR, Start: audit.Stamp{Client: t0.Add(40 * time.Second)}, End: audit.Stamp{Client: t0.Add(70 * time.Second)}},
		},
		Facts: []audit.FactRecord{{Key: "fee.account.monthly", Value: "9 zł", Channel: audit.ChannelIVR}},
		// Every criterion of v2 that applies to acc.ivr-info is answered: a
		// scored walk never comes from an incomplete one.
		Answers: []audit.Answer{
			{CriterionID: "next-step-named", Value: audit.AnswerYes},
			{CriterionID: "fees-explained", Value: audit.AnswerYes},
			{CriterionID: "ivr-consultant-first-menu", Value: audit.AnswerYes},
			{CriterionID: "ivr-menu-levels", Count: &twoLevels},
			{CriterionID: "repeat-requests", Count: &noRepeats},
			{CriterionID: "proactive-next-need", Value: audit.AnswerNo},
			{CriterionID: "fact-fee-card-monthly", Value: audit.AnswerNA, Note: "the consultant only named the account fee"},
		}}
}

var twoLevels, noRepeats = 2, 0

func TestSubmit_ConcurrentDuplicatesSignalOnce(t *testing.T) {
	f := newFixture(t)
	a := f.assigned(t, "tok-1")
	var wg sync.WaitGroup
	receipts := make([]audit.Receipt, 20)
	errs := make([]error, 20)
	for i := range receipts {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			res, err := f.wf.Audits.Submit(f.ctx, SubmitRequest{SubmissionID: "sub-1", AssignmentID: a.ID, AuditorID: "s-010", Walkthrough: walk()})
			receipts[i], errs[i] = res.Receipt, err
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("submit %d: %v", i, err)
		}
		if receipts[i].WalkthroughID != receipts[0].WalkthroughID || !receipts[i].RecordedAt.Equal(receipts[0].RecordedAt) {
			t.Fatalf("receipt %d differs: %+v vs %+v", i, receipts[i], receipts[0])
		}
	}
	if len(f.exec.success) != 1 {
		t.Fatalf("%d SendTaskSuccess calls, want 1", len(f.exec.success))
	}
	var sig AuditSignal
	_ = json.Unmarshal(f.exec.success["tok-1"], &sig)
	if sig.WalkthroughID != WalkthroughID(a.ID, "sub-1") {
		t.Fatalf("signal %+v", sig)
	}
	got, _ := f.store.GetAssignment(f.ctx, a.ID)
	if got.Status != audit.StatusSubmitted || got.Version != a.Version+1 || got.StandardVersion != "v2" {
		t.Fatalf("assignment after submit: status %s version %d (was %d)", got.Status, got.Version, a.Version)
	}
}

func TestSubmit_RefusesOtherPayloadsAndOtherAuditors(t *testing.T) {
	f := newFixture(t)
	a := f.assigned(t, "tok-1")
	if _, err := f.wf.Audits.Submit(f.ctx, SubmitRequest{SubmissionID: "sub-1", AssignmentID: a.ID, AuditorID: "s-999", Walkthrough: walk()}); !audit.IsCode(err, audit.NotFound) {
		t.Fatalf("another auditor's submit: %v, want not found", err)
	}
	if _, err := f.wf.Audits.Submit(f.ctx, SubmitRequest{SubmissionID: "sub-1", AssignmentID: a.ID, AuditorID: "s-010", Walkthrough: walk()}); err != nil {
		t.Fatal(err)
	}
	other := walk()
	other.Resolved = false
	if _, err := f.wf.Audits.Submit(f.ctx, SubmitRequest{SubmissionID: "sub-1", AssignmentID: a.ID, AuditorID: "s-010", Walkthrough: other}); !audit.IsCode(err, audit.Conflict) {
		t.Fatalf("same id, other payload: %v, want conflict", err)
	}
	if _, err := f.wf.Audits.Submit(f.ctx, SubmitRequest{SubmissionID: "sub-2", AssignmentID: a.ID, AuditorID: "s-010", Walkthrough: walk()}); !audit.IsCode(err, audit.Conflict) {
		t.Fatalf("second submission: %v, want conflict", err)
	}
	// A retry with only server stamps differing is the same submission (it
	// came later, so its server stamps moved, within the skew bound).
	retry := walk()
	retry.Timeline[0].Start.Server = t0.Add(5 * time.Minute)
	res, err := f.wf.Audits.Submit(f.ctx, SubmitRequest{SubmissionID: "sub-1", AssignmentID: a.ID, AuditorID: "s-010", Walkthrough: retry})
	if err != nil || !res.Receipt.Replayed || res.Signalled {
		t.Fatalf("retry: %+v, %v", res, err)
	}
}

func TestSubmit_AfterTheWaitEndedIsPickedUpByRemind(t *testing.T) {
	f := newFixture(t)
	a := f.assigned(t, "tok-late")
	f.exec.gone["tok-late"] = true
	res, err := f.wf.Audits.Submit(f.ctx, SubmitRequest{SubmissionID: "sub-1", AssignmentID: a.ID, AuditorID: "s-010", Walkthrough: walk()})
	if err != nil || res.Signalled {
		t.Fatalf("submit to an ended wait: %+v, %v", res, err)
	}
	out, err := f.wf.Audits.Remind(f.ctx, DeadlineInput{AssignmentID: a.ID})
	if err != nil || !out.Submitted || out.WalkthroughID != WalkthroughID(a.ID, "sub-1") {
		t.Fatalf("remind after a late submission: %+v, %v", out, err)
	}
	out, err = f.wf.Audits.Reassign(f.ctx, DeadlineInput{AssignmentID: a.ID})
	if err != nil || !out.Submitted {
		t.Fatalf("reassign after a late submission: %+v, %v", out, err)
	}
}

func TestDispatch_SignalsAtOnceWhenAlreadySubmitted(t *testing.T) {
	f := newFixture(t)
	a := f.assigned(t, "")
	if _, err := f.wf.Audits.Submit(f.ctx, SubmitRequest{SubmissionID: "sub-1", AssignmentID: a.ID, AuditorID: "s-010", Walkthrough: walk()}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.wf.Audits.Dispatch(f.ctx, DispatchInput{AssignmentID: a.ID, TaskToken: "tok-2", Reminder: true}); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.exec.success["tok-2"]; !ok {
		t.Fatal("dispatch of a submitted walk did not signal its token")
	}
}

func TestRemind_ExtendsOnceAndReassignHandsOver(t *testing.T) {
	f := newFixture(t)
	a := f.assigned(t, "tok-1")
	f.clock.t = a.Due
	first, err := f.wf.Audits.Remind(f.ctx, DeadlineInput{AssignmentID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.wf.Audits.Remind(f.ctx, DeadlineInput{AssignmentID: a.ID}) // a Lambda retry
	if err != nil {
		t.Fatal(err)
	}
	if first.TimeoutSeconds != int64((3*audit.Day)/time.Second) || again.TimeoutSeconds != first.TimeoutSeconds {
		t.Fatalf("reminder timeouts %d then %d, want 3 days once", first.TimeoutSeconds, again.TimeoutSeconds)
	}
	f.clock.t = f.clock.t.Add(3 * audit.Day)
	out, err := f.wf.Audits.Reassign(f.ctx, DeadlineInput{AssignmentID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	if out.Replacement != a.ID+".r" || out.Expired {
		t.Fatalf("reassign: %+v", out)
	}
	repl, err := f.store.GetAssignment(f.ctx, out.Replacement)
	if err != nil {
		t.Fatal(err)
	}
	if repl.AuditorID == a.AuditorID || repl.Status != audit.StatusAssigned || repl.ReplacesID != a.ID {
		t.Fatalf("replacement %+v", repl)
	}
	c, _ := f.store.GetCompany(f.ctx, "bank-pl")
	ref, _ := c.Touchpoint(a.TouchpointID)
	if st, _ := c.Member(repl.AuditorID); st.HomeUnit == ref.OwnerUnit {
		t.Fatalf("replacement auditor %s belongs to the owning unit", st.ID)
	}
	if _, ok := f.exec.started[out.Replacement]; !ok {
		t.Fatal("no audit execution started for the replacement")
	}
	old, _ := f.store.GetAssignment(f.ctx, a.ID)
	if old.Status != audit.StatusReassigned {
		t.Fatalf("old assignment is %s", old.Status)
	}
	// A retry of the same task returns the same replacement.
	retry, err := f.wf.Audits.Reassign(f.ctx, DeadlineInput{AssignmentID: a.ID})
	if err != nil || retry.Replacement != out.Replacement {
		t.Fatalf("retry: %+v, %v", retry, err)
	}
}

func TestCompletion_CounterWakesTheReviewOnce(t *testing.T) {
	f := newFixture(t)
	a := f.assigned(t, "tok-1")
	if _, err := f.wf.Reviews.AwaitReview(f.ctx, AwaitInput{ReviewID: "r1", TaskToken: "review-tok"}); err != nil {
		t.Fatal(err)
	}
	if len(f.exec.success) != 0 {
		t.Fatal("review woken before its audit ended")
	}
	if _, err := f.wf.Audits.Submit(f.ctx, SubmitRequest{SubmissionID: "s", AssignmentID: a.ID, AuditorID: "s-010", Walkthrough: walk()}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.wf.Audits.Score(f.ctx, ScoreInput{AssignmentID: a.ID}); err != nil {
		t.Fatal(err)
	}
	out, err := f.wf.Reviews.CloseAudit(f.ctx, CloseInput{AssignmentID: a.ID})
	if err != nil || !out.ReviewComplete {
		t.Fatalf("close: %+v, %v", out, err)
	}
	if _, err := f.wf.Reviews.CloseAudit(f.ctx, CloseInput{AssignmentID: a.ID}); err != nil { // a retry counts once
		t.Fatal(err)
	}
	r, _ := f.store.GetReview(f.ctx, "r1")
	if r.Done != 1 {
		t.Fatalf("done = %d after a retried close, want 1", r.Done)
	}
	if _, ok := f.exec.success["review-tok"]; !ok {
		t.Fatal("the last close did not wake the review")
	}
}

func TestRecordAuditFailure_KeepsTheCauseAndCounts(t *testing.T) {
	f := newFixture(t)
	a := f.assigned(t, "tok-1")
	out, err := f.wf.Reviews.Track(f.ctx, TrackInput{Op: TrackAuditFailed, AssignmentID: a.ID, Error: "Lambda.ServiceException", Cause: "down"})
	if err != nil || out.Done != 1 {
		t.Fatalf("%+v, %v", out, err)
	}
	got, _ := f.store.GetAssignment(f.ctx, a.ID)
	if got.Status != audit.StatusExpired || got.Failure != "Lambda.ServiceException: down" {
		t.Fatalf("assignment %s failure %q", got.Status, got.Failure)
	}
	if _, err := f.wf.Reviews.Track(f.ctx, TrackInput{Op: "bogus"}); !audit.IsCode(err, audit.Invalid) {
		t.Fatalf("unknown op: %v", err)
	}
}

func TestPlanReview_PicksDueTouchpointsAndIsIdempotent(t *testing.T) {
	f := newFixture(t)
	req := ReviewRequest{CompanyID: "bank-pl", ReviewID: "bank-pl.r2", StandardVersion: "v2", Opens: &t0,
		Scope: audit.ReviewScope{Journeys: []string{"card-blocking"}}}
	out, err := f.wf.Reviews.PlanReview(f.ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := f.store.GetCompany(f.ctx, "bank-pl")
	want := 0
	for _, ref := range c.Touchpoints() {
		if ref.JourneyID == "card-blocking" {
			want += WalksFor(req.Scope, ref.Touchpoint, audit.DueTouchpoint{}, false)
		}
	}
	if want == 0 {
		t.Fatal("journey card-blocking has no touchpoints: fix the test's journey id")
	}
	if out.Assignments != want {
		t.Fatalf("planned %d walks, want %d (never-audited touchpoints are all due)", out.Assignments, want)
	}
	again, err := f.wf.Reviews.PlanReview(f.ctx, req)
	if err != nil || again.Assignments != out.Assignments {
		t.Fatalf("replanning: %+v, %v", again, err)
	}
	as, _, _ := f.store.ListAssignmentsByReview(f.ctx, "bank-pl.r2", audit.StatusPlanned, audit.Page{Limit: 1000})
	if len(as) != want {
		t.Fatalf("%d planned assignments stored, want %d", len(as), want)
	}
}

func TestWalksFor(t *testing.T) {
	cases := []struct {
		name string
		tp   audit.Touchpoint
		last audit.DueTouchpoint
		due  bool
		want int
	}{
		{"default", audit.Touchpoint{}, audit.DueTouchpoint{}, false, 2},
		{"moment of truth", audit.Touchpoint{MomentOfTruth: true}, audit.DueTouchpoint{}, false, 3},
		{"last valued -1", audit.Touchpoint{}, audit.DueTouchpoint{LastValuation: -1, LastScoredAt: t0}, true, 3},
		{"last valued +1", audit.Touchpoint{}, audit.DueTouchpoint{LastValuation: 1, LastScoredAt: t0}, true, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := WalksFor(audit.ReviewScope{}, c.tp, c.last, c.due); got != c.want {
				t.Fatalf("WalksFor = %d, want %d", got, c.want)
			}
		})
	}
}

func TestStartReview_NamesTheExecutionByReview(t *testing.T) {
	f := newFixture(t)
	sched := time.Date(2026, 7, 1, 6, 0, 0, 0, time.UTC)
	out, err := f.wf.Reviews.StartReview(f.ctx, ReviewRequest{CompanyID: "bank-pl", ScheduledTime: &sched})
	if err != nil {
		t.Fatal(err)
	}
	if out.ReviewID != "bank-pl.h-2026-2" {
		t.Fatalf("review id %q", out.ReviewID)
	}
	if _, ok := f.exec.started["bank-pl.h-2026-2"]; !ok {
		t.Fatalf("started %v", f.exec.started)
	}
	if _, err := f.wf.Reviews.StartReview(f.ctx, ReviewRequest{CompanyID: "bank-pl", StandardVersion: "v9"}); !audit.IsCode(err, audit.Invalid) {
		t.Fatalf("unknown standard: %v", err)
	}
	if _, err := f.wf.Reviews.StartReview(f.ctx, ReviewRequest{CompanyID: "nobody"}); !audit.IsCode(err, audit.NotFound) {
		t.Fatalf("unknown company: %v", err)
	}
	var e *audit.Error
	_, err = f.wf.Reviews.StartReview(f.ctx, ReviewRequest{CompanyID: "bank-pl", StandardVersion: "v9"})
	if !errors.As(err, &e) || len(e.Problems) == 0 || e.Problems[0].Path != "standardVersion" {
		t.Fatalf("error does not name the field: %v", err)
	}
}

func TestPromiseCheck_ShownUntilAnswered(t *testing.T) {
	f := newFixture(t)
	a := f.assigned(t, "tok-1")
	w := walk()
	w.Promises = []audit.Promise{{ID: "p1", Text: "Oddzwonimy jutro do 12:00", MadeAt: t0, DueAt: t0.Add(27 * time.Hour), Outcome: audit.PromisePending}}
	if _, err := f.wf.Audits.Submit(f.ctx, SubmitRequest{SubmissionID: "s1", AssignmentID: a.ID, AuditorID: "s-010", Walkthrough: w}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.wf.Audits.AskPromise(f.ctx, AskPromiseInput{AssignmentID: a.ID, PromiseID: "p1", TaskToken: "promise-tok"}); err != nil {
		t.Fatal(err)
	}
	v, err := f.wf.Auditors.View(f.ctx, f.own(t, "s-010", a.ID))
	if err != nil {
		t.Fatal(err)
	}
	if len(v.PromiseChecks) != 1 || v.PromiseChecks[0].Text != "Oddzwonimy jutro do 12:00" || v.Assignment.PromiseTokens != nil || v.Assignment.TaskToken != "" {
		t.Fatalf("view: checks %+v, tokens %v %q", v.PromiseChecks, v.Assignment.PromiseTokens, v.Assignment.TaskToken)
	}
	if _, err := f.wf.Audits.ConfirmPromise(f.ctx, PromiseAnswer{AssignmentID: a.ID, AuditorID: "s-099", PromiseID: "p1", Outcome: audit.PromiseKept}); !audit.IsCode(err, audit.NotFound) {
		t.Fatalf("another auditor's answer: %v", err)
	}
	if _, err := f.wf.Audits.ConfirmPromise(f.ctx, PromiseAnswer{AssignmentID: a.ID, AuditorID: "s-010", PromiseID: "p1", Outcome: audit.PromiseBroken}); err != nil {
		t.Fatal(err)
	}
	var verdict PromiseVerdict
	_ = json.Unmarshal(f.exec.success["promise-tok"], &verdict)
	if verdict.Outcome != audit.PromiseBroken {
		t.Fatalf("verdict sent %+v", verdict)
	}
	v, _ = f.wf.Auditors.View(f.ctx, f.own(t, "s-010", a.ID))
	if len(v.PromiseChecks) != 0 {
		t.Fatalf("answered check still shown: %+v", v.PromiseChecks)
	}
	if _, err := f.wf.Audits.ConfirmPromise(f.ctx, PromiseAnswer{AssignmentID: a.ID, AuditorID: "s-010", PromiseID: "p1", Outcome: audit.PromiseKept}); !audit.IsCode(err, audit.Conflict) {
		t.Fatalf("second answer: %v, want conflict", err)
	}
}

func TestStartReview_IdsBelongToTheCompanyAndRetriesAreSafe(t *testing.T) {
	f := newFixture(t)
	opens := t0.Add(48 * time.Hour)
	req := ReviewRequest{CompanyID: "bank-pl", Opens: &opens, Scope: audit.ReviewScope{Journeys: []string{"complaint"}}}
	first, err := f.wf.Reviews.StartReview(f.ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if first.ReviewID != "bank-pl.adhoc-20261104-0900" {
		t.Fatalf("ad-hoc review id %q: it must never be the half-year's scheduled id", first.ReviewID)
	}
	again, err := f.wf.Reviews.StartReview(f.ctx, req)
	if err != nil || again.ReviewID != first.ReviewID {
		t.Fatalf("the same start again: %+v, %v", again, err)
	}
	other := req
	other.Scope = audit.ReviewScope{Journeys: []string{"cash-loan"}}
	if _, err := f.wf.Reviews.StartReview(f.ctx, other); !audit.IsCode(err, audit.Conflict) {
		t.Fatalf("another review under the same id: %v, want conflict", err)
	}
	foreign := req
	foreign.ReviewID = "siec-2027-h1"
	if _, err := f.wf.Reviews.StartReview(f.ctx, foreign); !audit.IsCode(err, audit.Invalid) {
		t.Fatalf("a review id of another company's form: %v, want invalid", err)
	}
	// A review stored for another company under an id of the old shape
	// (possible before ids carried the company) is never planned as this
	// one's.
	if err := f.store.CreateReview(f.ctx, &audit.Review{ID: "bank-pl-2027-h2", CompanyID: "siec", StandardVersion: "v1", Status: audit.ReviewPlanned,
		Window: audit.Window{Opens: t0, Closes: t0.Add(audit.Day)}, CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	legacy := req
	legacy.ReviewID = "bank-pl-2027-h2"
	if _, err := f.wf.Reviews.PlanReview(f.ctx, legacy); !audit.IsCode(err, audit.Invalid) {
		t.Fatalf("planning another company's review of the old shape: %v, want invalid", err)
	}
}

// lagging hides some assignments from the review listings, as a DynamoDB
// index does for a moment after a write.
type lagging struct {
	*memstore.Store
	hide int
}

func (l *lagging) ListAssignmentsByReview(ctx context.Context, reviewID string, st audit.AssignmentStatus, p audit.Page) ([]audit.Assignment, string, error) {
	as, next, err := l.Store.ListAssignmentsByReview(ctx, reviewID, st, p)
	if l.hide > 0 && len(as) > 0 {
		n := min(l.hide, len(as))
		l.hide -= n
		as = as[n:]
	}
	return as, next, err
}

func TestAssignAuditors_WaitsForTheIndexToCatchUp(t *testing.T) {
	f := newFixture(t)
	req := ReviewRequest{CompanyID: "bank-pl", ReviewID: "bank-pl.r3", StandardVersion: "v2", Opens: &t0, Scope: audit.ReviewScope{Journeys: []string{"complaint"}}}
	plan, err := f.wf.Reviews.PlanReview(f.ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	lag := &lagging{Store: f.store, hide: 2}
	wf := New(lag, f.exec, f.note, f.clock, Config{AuditStateMachineArn: "arn:audit"}, nil)
	if _, err := wf.Reviews.AssignAuditors(f.ctx, ReviewRef{ReviewID: "bank-pl.r3"}); !audit.IsCode(err, audit.Conflict) {
		t.Fatalf("with walks missing from the index: %v, want conflict (retried by the state machine)", err)
	}
	out, err := wf.Reviews.AssignAuditors(f.ctx, ReviewRef{ReviewID: "bank-pl.r3"})
	if err != nil || out.Assigned+len(out.Unstaffed) != plan.Assignments {
		t.Fatalf("once visible: %+v, %v (planned %d)", out, err, plan.Assignments)
	}
	lag.hide = 1
	if _, err := wf.Reviews.StartAudits(f.ctx, StartAuditsInput{ReviewID: "bank-pl.r3"}); !audit.IsCode(err, audit.Conflict) {
		t.Fatalf("start with an assigned walk missing from the index: %v, want conflict", err)
	}
	started, err := wf.Reviews.StartAudits(f.ctx, StartAuditsInput{ReviewID: "bank-pl.r3"})
	if err != nil || started.Started != out.Assigned {
		t.Fatalf("start: %+v, %v, want %d started", started, err, out.Assigned)
	}
}

func TestSaveDraft_RefusesAStaleVersion(t *testing.T) {
	f := newFixture(t)
	a := f.assigned(t, "tok-1")
	if _, err := f.wf.Auditors.SaveDraft(f.ctx, f.own(t, "s-010", a.ID), DraftInput{Version: a.Version + 1, Draft: walk()}); !audit.IsCode(err, audit.Conflict) {
		t.Fatalf("a version ahead of the stored one: %v, want conflict", err)
	}
	v, err := f.wf.Auditors.SaveDraft(f.ctx, f.own(t, "s-010", a.ID), DraftInput{Version: a.Version, Draft: walk()})
	if err != nil || v.Assignment.Draft == nil || v.Assignment.TaskToken != "" {
		t.Fatalf("draft: %+v, %v", v.Assignment, err)
	}
	stored, _ := f.store.GetAssignment(f.ctx, a.ID)
	if stored.TaskToken != "tok-1" {
		t.Fatal("saving a draft lost the audit's task token")
	}
}

func TestSubmit_ASubmissionIdIsScopedToItsAssignment(t *testing.T) {
	f := newFixture(t)
	a := f.assigned(t, "tok-a")
	b := *a
	b.ID, b.AuditorID, b.TaskToken, b.Version = "r1.acc.ivr-info.w2", "s-011", "tok-b", 0
	if err := f.store.PutAssignments(f.ctx, []audit.Assignment{b}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.wf.Audits.Submit(f.ctx, SubmitRequest{SubmissionID: "same-uuid", AssignmentID: a.ID, AuditorID: "s-010", Walkthrough: walk()}); err != nil {
		t.Fatal(err)
	}
	other := walk()
	other.Notes = "inny przebieg"
	res, err := f.wf.Audits.Submit(f.ctx, SubmitRequest{SubmissionID: "same-uuid", AssignmentID: b.ID, AuditorID: "s-011", Walkthrough: other})
	if err != nil || res.Receipt.Replayed || !res.Signalled || res.Receipt.SubmissionID != "same-uuid" {
		t.Fatalf("another auditor's walk under a reused submission id: %+v, %v; want it recorded on its own", res, err)
	}
	if res.Receipt.WalkthroughID == WalkthroughID(a.ID, "same-uuid") {
		t.Fatal("the two assignments share a walkthrough id")
	}
}

// A submission whose signal was lost (Step Functions unreachable through
// every attempt) is signalled by the phone's retry, which is a replay: the
// walk is stored once and its audit woken once.
func TestSubmit_ReplaySignalsAWalkStillWaiting(t *testing.T) {
	f := newFixture(t)
	a := f.assigned(t, "tok-lost")
	f.exec.failNext = signalAttempts
	first, err := f.wf.Audits.Submit(f.ctx, SubmitRequest{SubmissionID: "sub-1", AssignmentID: a.ID, AuditorID: "s-010", Walkthrough: walk()})
	if err != nil || first.Signalled || first.Receipt.Replayed {
		t.Fatalf("first submit with Step Functions down: %+v, %v; want recorded, not signalled", first, err)
	}
	again, err := f.wf.Audits.Submit(f.ctx, SubmitRequest{SubmissionID: "sub-1", AssignmentID: a.ID, AuditorID: "s-010", Walkthrough: walk()})
	if err != nil || !again.Signalled || !again.Receipt.Replayed || again.Receipt.WalkthroughID != first.Receipt.WalkthroughID {
		t.Fatalf("retry: %+v, %v; want the first receipt replayed and the audit signalled", again, err)
	}
	third, err := f.wf.Audits.Submit(f.ctx, SubmitRequest{SubmissionID: "sub-1", AssignmentID: a.ID, AuditorID: "s-010", Walkthrough: walk()})
	if err != nil || third.Signalled {
		t.Fatalf("third call: %+v, %v; the task took its signal already", third, err)
	}
	if len(f.exec.success) != 1 {
		t.Errorf("%d tasks woken, want 1", len(f.exec.success))
	}
}

// The review's sweep signals every stored walk whose audit still waits, once.
func TestReconcile_SignalsStoredWalksWhoseSignalWasLost(t *testing.T) {
	f := newFixture(t)
	a := f.assigned(t, "tok-swept")
	f.exec.failNext = signalAttempts
	if res, err := f.wf.Audits.Submit(f.ctx, SubmitRequest{SubmissionID: "sub-1", AssignmentID: a.ID, AuditorID: "s-010", Walkthrough: walk()}); err != nil || res.Signalled {
		t.Fatalf("submit with Step Functions down: %+v, %v", res, err)
	}
	out, err := f.wf.Reviews.Track(f.ctx, TrackInput{Op: TrackReconcile, ReviewID: a.ReviewID})
	if err != nil || out.SweepOutput == nil || out.Signalled != 1 || out.WindowOver {
		t.Fatalf("sweep: %+v, %v; want 1 walk signalled and the window open", out, err)
	}
	if got := string(f.exec.success["tok-swept"]); got != `{"walkthroughId":"`+WalkthroughID(a.ID, "sub-1")+`"}` {
		t.Errorf("the audit got %s", got)
	}
	// The fixture review's 42-day window and 30 days of grace cut into 400
	// sweeps: one every 4h19m12s.
	if out.AwaitSeconds != 15552 {
		t.Errorf("next sweep in %d s, want 15552", out.AwaitSeconds)
	}
	again, err := f.wf.Reviews.Track(f.ctx, TrackInput{Op: TrackReconcile, ReviewID: a.ReviewID})
	if err != nil || again.Signalled != 0 {
		t.Fatalf("second sweep: %+v, %v; want nothing signalled twice", again, err)
	}
}

func TestSweepInterval_FitsTheHistoryQuota(t *testing.T) {
	opens := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name   string
		closes time.Time
		want   time.Duration
	}{
		{"two weeks and 30 days of grace in 400 sweeps", opens.Add(14 * audit.Day), 2*time.Hour + 38*time.Minute + 24*time.Second},
		{"half a year: 210 days in 400 sweeps", opens.Add(180 * audit.Day), 210 * audit.Day / 400},
		{"ten years: the one-day ceiling", opens.Add(3650 * audit.Day), 24 * time.Hour},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &audit.Review{Window: audit.Window{Opens: opens, Closes: c.closes}}
			if got := sweepInterval(r); got != c.want {
				t.Errorf("sweepInterval = %v, want %v", got, c.want)
			}
		})
	}
}

// A walk dated before its assignment was given out is refused at
// submission with the field, and nothing is stored.
func TestSubmit_RefusesAWalkOlderThanItsAssignment(t *testing.T) {
	f := newFixture(t)
	a := f.assigned(t, "tok-1")
	a.AssignedAt = t0.Add(24 * time.Hour)
	if err := f.store.UpdateAssignment(f.ctx, a); err != nil {
		t.Fatal(err)
	}
	_, err := f.wf.Audits.Submit(f.ctx, SubmitRequest{SubmissionID: "sub-1", AssignmentID: a.ID, AuditorID: "s-010", Walkthrough: walk()})
	ps := audit.ProblemsOf(err)
	if !audit.IsCode(err, audit.Invalid) || len(ps) == 0 || ps[0].Path != "walkthrough.timeline[0].start.client" {
		t.Fatalf("submit of a walk older than its assignment = %v, want invalid at walkthrough.timeline[0].start.client", err)
	}
	got, err := f.store.GetAssignment(f.ctx, a.ID)
	if err != nil || got.WalkthroughID != "" || got.Status != audit.StatusAssigned {
		t.Fatalf("after the refusal: %+v, %v; want it still assigned with no walk", got, err)
	}
}
