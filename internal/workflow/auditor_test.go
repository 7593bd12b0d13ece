package workflow

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"touchaudit/internal/audit"
)

func TestOwn_OnlyTheAuditorOfTheCompany(t *testing.T) {
	f := newFixture(t)
	a := f.assigned(t, "tok-1")
	cases := []struct {
		name, company, staff, id string
		wantFound                bool
	}{
		{"the auditor", "bank-pl", "s-010", a.ID, true},
		{"another auditor", "bank-pl", "s-011", a.ID, false},
		{"the same staff id in another company", "other-co", "s-010", a.ID, false},
		{"no company", "", "s-010", a.ID, false},
		{"no staff id", "bank-pl", "", a.ID, false},
		{"no such assignment", "bank-pl", "s-010", "r1.nope.w1", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o, err := f.wf.Auditors.Own(f.ctx, c.company, c.staff, c.id)
			if !c.wantFound {
				if !audit.IsCode(err, audit.NotFound) || o.ID() != "" {
					t.Fatalf("Own: %q, %v, want not found", o.ID(), err)
				}
				return
			}
			if err != nil || o.ID() != "r1.acc.ivr-info.w1" {
				t.Fatalf("Own: %q, %v", o.ID(), err)
			}
		})
	}
}

func TestAuditors_TheZeroOwnedIsNotFound(t *testing.T) {
	f := newFixture(t)
	f.assigned(t, "tok-1")
	var none Owned
	calls := map[string]func() error{
		"View":           func() error { _, err := f.wf.Auditors.View(f.ctx, none); return err },
		"StartWalk":      func() error { _, err := f.wf.Auditors.StartWalk(f.ctx, none, t0); return err },
		"SaveDraft":      func() error { _, err := f.wf.Auditors.SaveDraft(f.ctx, none, DraftInput{Draft: walk()}); return err },
		"Submit":         func() error { _, err := f.wf.Auditors.Submit(f.ctx, none, "sub-1", walk()); return err },
		"ConfirmPromise": func() error { _, err := f.wf.Auditors.ConfirmPromise(f.ctx, none, "p1", audit.PromiseKept); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			if err := call(); !audit.IsCode(err, audit.NotFound) {
				t.Fatalf("%s(Owned{}): %v, want not found", name, err)
			}
		})
	}
	if len(f.exec.success) != 0 {
		t.Fatalf("a call without an assignment signalled %v", f.exec.success)
	}
}

func TestAuditors_WalkFromStartToPromiseAnswer(t *testing.T) {
	f := newFixture(t)
	a := f.assigned(t, "tok-1")

	v, err := f.wf.Auditors.StartWalk(f.ctx, f.own(t, "s-010", a.ID), t0)
	if err != nil || v.Assignment.Status != audit.StatusStarted || !v.Assignment.StartedAt.Equal(t0) {
		t.Fatalf("start: %+v, %v", v.Assignment, err)
	}
	o := f.own(t, "s-010", a.ID)
	if _, err := f.wf.Auditors.SaveDraft(f.ctx, o, DraftInput{Draft: walk(), Version: v.Assignment.Version}); err != nil {
		t.Fatal(err)
	}
	// The Owned read before the draft is stale now: the version check refuses it.
	if _, err := f.wf.Auditors.SaveDraft(f.ctx, o, DraftInput{Draft: walk(), Version: v.Assignment.Version}); !audit.IsCode(err, audit.Conflict) {
		t.Fatalf("a second draft on the same read: %v, want conflict", err)
	}

	w := walk()
	w.Promises = []audit.Promise{{ID: "p1", Text: "Oddzwonimy jutro", MadeAt: t0, DueAt: t0.Add(24 * time.Hour), Outcome: audit.PromisePending}}
	if _, err := f.wf.Auditors.Submit(f.ctx, f.own(t, "s-010", a.ID), "", w); !audit.IsCode(err, audit.Invalid) {
		t.Fatalf("no submission id: %v, want invalid", err)
	}
	res, err := f.wf.Auditors.Submit(f.ctx, f.own(t, "s-010", a.ID), "sub-1", w)
	if err != nil || !res.Signalled || res.Receipt.WalkthroughID != "w-r1.acc.ivr-info.w1.sub-1" {
		t.Fatalf("submit: %+v, %v", res, err)
	}
	again, err := f.wf.Auditors.Submit(f.ctx, f.own(t, "s-010", a.ID), "sub-1", w)
	if err != nil || again.Signalled || !again.Receipt.Replayed {
		t.Fatalf("retry: %+v, %v", again, err)
	}
	if len(f.exec.success) != 1 {
		t.Fatalf("signals sent %d, want 1", len(f.exec.success))
	}

	if _, err := f.wf.Audits.AskPromise(f.ctx, AskPromiseInput{AssignmentID: a.ID, PromiseID: "p1", TaskToken: "promise-tok"}); err != nil {
		t.Fatal(err)
	}
	o = f.own(t, "s-010", a.ID)
	if _, err := f.wf.Auditors.ConfirmPromise(f.ctx, o, "p1", "maybe"); !audit.IsCode(err, audit.Invalid) {
		t.Fatalf("outcome maybe: %v, want invalid", err)
	}
	verdict, err := f.wf.Auditors.ConfirmPromise(f.ctx, o, "p1", audit.PromiseKept)
	if err != nil || verdict != (PromiseVerdict{PromiseID: "p1", Outcome: audit.PromiseKept}) {
		t.Fatalf("confirm: %+v, %v", verdict, err)
	}
	var sent PromiseVerdict
	if err := json.Unmarshal(f.exec.success["promise-tok"], &sent); err != nil || sent.Outcome != audit.PromiseKept {
		t.Fatalf("verdict sent %s, %v", f.exec.success["promise-tok"], err)
	}
	// The answered check is gone from the store, but not from the caller's
	// Owned: a call never changes the assignment it was handed.
	if _, waiting := o.a.PromiseTokens["p1"]; !waiting {
		t.Fatal("ConfirmPromise changed the Owned assignment it was handed")
	}
	stored, _ := f.store.GetAssignment(f.ctx, a.ID)
	if _, waiting := stored.PromiseTokens["p1"]; waiting {
		t.Fatal("the answered check is still stored")
	}
}

func TestNew_UseCasesShareOneSetOfDependencies(t *testing.T) {
	wf := New(nil, nil, nil, nil, Config{}, nil)
	if wf.Reviews.deps != wf.Audits.deps || wf.Audits.deps != wf.Auditors.deps || wf.Auditors.audits != wf.Audits {
		t.Fatal("the use cases of one Workflow do not share their dependencies")
	}
	if _, ok := wf.Reviews.clock.(SystemClock); !ok {
		t.Fatalf("a nil clock is %T, want SystemClock", wf.Reviews.clock)
	}
	if got := wf.Audits.cfg.StartBatch; got != 500 {
		t.Fatalf("StartBatch default %d, want 500", got)
	}
}

// A failed audit's cause may hold a Lambda error envelope: the auditor's
// view carries words for it, never the text itself.
func TestView_NeverShowsTheRecordedFailure(t *testing.T) {
	f := newFixture(t)
	a := f.assigned(t, "tok-1")
	a.Failure = `InvalidInput: {"errorType":"InvalidInput","errorMessage":"walkthrough x","stackTrace":["main.go:12"]}`
	if err := a.MoveTo(audit.StatusExpired, t0); err != nil {
		t.Fatal(err)
	}
	if err := f.store.UpdateAssignment(f.ctx, a); err != nil {
		t.Fatal(err)
	}
	v, err := f.wf.Auditors.View(f.ctx, f.own(t, "s-010", a.ID))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	for _, leak := range []string{"errorType", "stackTrace", "InvalidInput", "main.go"} {
		if strings.Contains(string(b), leak) {
			t.Errorf("the view shows %q: %s", leak, b)
		}
	}
	if v.Problem == nil || v.Problem.EN != "The workflow could not finish this walk. Your CX lead has been told and can see why." || v.Problem.PL == "" {
		t.Errorf("problem = %+v, want the generic words in both languages", v.Problem)
	}
}
