package workflow

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"touchaudit/internal/audit"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// minusTwo stores a −2 result of acc.ivr-info walked on the given day,
// with the provisional date awaiting its fix, as Score leaves it.
func (f *fixture) minusTwo(t *testing.T, id, walked string) audit.Result {
	t.Helper()
	w := at(walked)
	r := audit.Result{ID: id, CompanyID: "bank-pl", ReviewID: "r0", TouchpointID: "acc.ivr-info", JourneyID: "account-opening",
		Channel: audit.ChannelIVR, WalkthroughID: "w-" + id, AuditorID: "s-010", StandardVersion: "v2", Valuation: -2,
		WalkedAt: w, ScoredAt: w, NextDue: w.AddDate(0, 1, 0), DueReason: "awaitingFix"}
	if err := f.store.PutResults(f.ctx, []audit.Result{r}); err != nil {
		t.Fatal(err)
	}
	return r
}

func (f *fixture) newAction(t *testing.T, resultID string) *audit.Action {
	t.Helper()
	a, err := f.wf.Actions.Create(f.ctx, NewAction{CompanyID: "bank-pl", ID: "act-1", ResultID: resultID,
		What:  "Put 'talk to a consultant' first in the IVR menu",
		Owner: audit.ActionOwner{Unit: "dep-contact-centre", Person: "s-002"}, Due: audit.MustDate("2026-12-15"),
		Cost: audit.Money{Amount: 4000, Currency: "PLN"}, Actor: "s-001", Reason: "the IVR is the worst touchpoint"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (f *fixture) move(t *testing.T, when string, to audit.ActionStatus, reason string) *audit.Action {
	t.Helper()
	f.clock.t = at(when)
	a, err := f.wf.Actions.Move(f.ctx, MoveAction{CompanyID: "bank-pl", ID: "act-1", Status: to, Reason: reason, Actor: "s-001"})
	if err != nil {
		t.Fatalf("move to %s: %v", to, err)
	}
	return a
}

func TestActions_DoneMovesTheMinusTwoTouchpointOneMonthOn(t *testing.T) {
	f := newFixture(t)
	f.clock.t = at("2026-11-25T09:00:00Z")
	f.minusTwo(t, "res-1", "2026-11-20T10:00:00Z")
	f.newAction(t, "res-1")
	f.move(t, "2026-12-10T14:00:00Z", audit.ActionDone, "")

	due, err := f.store.ListDueTouchpoints(f.ctx, "bank-pl", at("2028-01-01T00:00:00Z"))
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(due, func(d audit.DueTouchpoint) bool { return d.TouchpointID == "acc.ivr-info" })
	if i < 0 || !due[i].NextDue.Equal(at("2027-01-10T14:00:00Z")) || due[i].DueReason != "afterFix" {
		t.Fatalf("acc.ivr-info due %+v, want 2027-01-10 (one month after the action was done on 2026-12-10)", due)
	}
	r, err := f.store.GetResult(f.ctx, "res-1")
	if err != nil || r.DueReason != "afterFix" || !r.NextDue.Equal(at("2027-01-10T14:00:00Z")) {
		t.Fatalf("result %+v, %v: want due 2027-01-10 for afterFix", r, err)
	}
	trail, _, err := f.store.ListTrail(f.ctx, "bank-pl", audit.TrailObject{Kind: audit.TrailResult, ID: "res-1"}, audit.Page{})
	if err != nil || len(trail) != 1 || trail[0].Action != "rescheduled" ||
		string(trail[0].Before) != `{"nextDue":"2026-12-20T10:00:00Z","dueReason":"awaitingFix"}` ||
		string(trail[0].After) != `{"nextDue":"2027-01-10T14:00:00Z","dueReason":"afterFix"}` {
		t.Fatalf("result trail %+v, %v", trail, err)
	}

	// The report takes the same date from the actions.
	fixes, err := f.wf.Reviews.fixesDone(f.ctx, "bank-pl")
	if err != nil || !fixes["acc.ivr-info"].Equal(at("2026-12-10T14:00:00Z")) {
		t.Fatalf("fixes done %v, %v", fixes, err)
	}
}

func TestActions_FullLifeIsInTheTrail(t *testing.T) {
	f := newFixture(t)
	f.clock.t = at("2026-11-25T09:00:00Z")
	f.minusTwo(t, "res-1", "2026-11-20T10:00:00Z")
	a := f.newAction(t, "res-1")
	if a.Status != audit.ActionOpen || a.Valuation != -2 || a.TouchpointID != "acc.ivr-info" || a.Version != 1 {
		t.Fatalf("created %+v", a)
	}
	f.move(t, "2026-12-01T09:00:00Z", audit.ActionInProgress, "")
	f.move(t, "2026-12-10T14:00:00Z", audit.ActionDone, "")
	// A retried "done" changes and records nothing more.
	if again := f.move(t, "2026-12-10T14:05:00Z", audit.ActionDone, ""); again.Version != 3 || !again.DoneAt.Equal(at("2026-12-10T14:00:00Z")) {
		t.Fatalf("retried done: %+v", again)
	}
	// The next walk, valued 0 on 2027-01-11, verifies it.
	f.clock.t = at("2027-01-11T12:00:00Z")
	walkResult := audit.Result{ID: "res-2", CompanyID: "bank-pl", TouchpointID: "acc.ivr-info", WalkthroughID: "w-2",
		Valuation: 0, WalkedAt: at("2027-01-11T10:00:00Z"), ScoredAt: at("2027-01-11T12:00:00Z")}
	moved, err := f.wf.Audits.VerifyByWalk(f.ctx, walkResult)
	if err != nil || len(moved) != 1 || moved[0].Status != audit.ActionVerified || moved[0].CheckedBy != "res-2" ||
		!moved[0].VerifiedAt.Equal(at("2027-01-11T12:00:00Z")) {
		t.Fatalf("verify: %+v, %v", moved, err)
	}
	if again, err := f.wf.Audits.VerifyByWalk(f.ctx, walkResult); err != nil || len(again) != 0 {
		t.Fatalf("a retried Score moved %d actions (%v), want none", len(again), err)
	}

	trail, _, err := f.store.ListTrail(f.ctx, "bank-pl", audit.TrailObject{Kind: audit.TrailAction, ID: "act-1"}, audit.Page{})
	if err != nil {
		t.Fatal(err)
	}
	type step struct{ action, actor, at, before, after string }
	var got []step
	for _, e := range trail {
		s := step{action: e.Action, actor: e.Actor, at: e.At.Format(time.RFC3339)}
		var b, a struct{ Status string }
		if len(e.Before) > 0 {
			json.Unmarshal(e.Before, &b)
		}
		json.Unmarshal(e.After, &a)
		s.before, s.after = b.Status, a.Status
		got = append(got, s)
	}
	want := []step{
		{"created", "s-001", "2026-11-25T09:00:00Z", "", "open"},
		{"in_progress", "s-001", "2026-12-01T09:00:00Z", "open", "in_progress"},
		{"done", "s-001", "2026-12-10T14:00:00Z", "in_progress", "done"},
		{"verified", "system", "2027-01-11T12:00:00Z", "done", "verified"},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("action trail\n got %+v\nwant %+v", got, want)
	}
	if trail[0].Reason != "the IVR is the worst touchpoint" || trail[3].Reason != "walk w-2 of acc.ivr-info valued +0 on 2027-01-11: verified" {
		t.Errorf("reasons %q, %q", trail[0].Reason, trail[3].Reason)
	}
}

func TestActions_VerifyByWalk(t *testing.T) {
	cases := []struct {
		name      string
		valuation audit.Valuation
		walked    string
		want      audit.ActionStatus
	}{
		{"valued 0 after the fix verifies", 0, "2027-01-11T10:00:00Z", audit.ActionVerified},
		{"valued +1 verifies", 1, "2027-01-11T10:00:00Z", audit.ActionVerified},
		{"still -1 reopens", -1, "2027-01-11T10:00:00Z", audit.ActionReopened},
		{"still -2 reopens", -2, "2027-01-11T10:00:00Z", audit.ActionReopened},
		{"a walk before the fix was done leaves it done", 0, "2026-12-09T10:00:00Z", audit.ActionDone},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.clock.t = at("2026-11-25T09:00:00Z")
			f.minusTwo(t, "res-1", "2026-11-20T10:00:00Z")
			f.newAction(t, "res-1")
			f.move(t, "2026-12-10T14:00:00Z", audit.ActionDone, "")
			r := audit.Result{ID: "res-2", CompanyID: "bank-pl", TouchpointID: "acc.ivr-info", WalkthroughID: "w-2",
				Valuation: tc.valuation, WalkedAt: at(tc.walked), ScoredAt: at(tc.walked)}
			if _, err := f.wf.Audits.VerifyByWalk(f.ctx, r); err != nil {
				t.Fatal(err)
			}
			a, err := f.wf.Actions.Get(f.ctx, "bank-pl", "act-1")
			if err != nil || a.Status != tc.want {
				t.Fatalf("status %v (%v), want %s", a.Status, err, tc.want)
			}
		})
	}
}

func TestActions_CreateRefuses(t *testing.T) {
	base := NewAction{CompanyID: "bank-pl", ResultID: "res-1", What: "Fix the IVR",
		Owner: audit.ActionOwner{Unit: "dep-contact-centre", Person: "s-002"}, Due: audit.MustDate("2026-12-15"),
		Cost: audit.Money{Amount: 4000, Currency: "PLN"}, Actor: "s-001"}
	cases := []struct {
		name   string
		mutate func(*NewAction)
		path   string
	}{
		{"a result valued 0", func(n *NewAction) { n.ResultID = "res-zero" }, "resultId"},
		{"another company's result", func(n *NewAction) { n.ResultID = "res-other" }, "resultId"},
		{"no source", func(n *NewAction) { n.ResultID = "" }, "resultId"},
		{"an owner unit not of the company", func(n *NewAction) { n.Owner.Unit = "dep-moon" }, "owner.unit"},
		{"an owner not on the staff", func(n *NewAction) { n.Owner.Person = "s-999" }, "owner.person"},
		{"a currency that is no code", func(n *NewAction) { n.Cost.Currency = "zł" }, "cost.currency"},
		{"a review without a report", func(n *NewAction) { n.ResultID, n.ReviewID, n.TouchpointID = "", "r1", "acc.ivr-info" }, "reviewId"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.minusTwo(t, "res-1", "2026-11-20T10:00:00Z")
			zero := f.minusTwo(t, "res-zero", "2026-11-21T10:00:00Z")
			zero.Valuation, zero.NextDue = 0, time.Time{}
			other := zero
			other.ID, other.CompanyID, other.Valuation = "res-other", "siec-przykladowa", -2
			if err := f.store.PutResults(f.ctx, []audit.Result{zero, other}); err != nil {
				t.Fatal(err)
			}
			f.assigned(t, "tok")
			in := base
			tc.mutate(&in)
			_, err := f.wf.Actions.Create(f.ctx, in)
			probs := audit.ProblemsOf(err)
			if !audit.IsCode(err, audit.Invalid) || len(probs) == 0 || probs[0].Path != tc.path {
				t.Fatalf("got %v, want invalid at %s", err, tc.path)
			}
			if as, _, _ := f.store.ListActions(f.ctx, "bank-pl", "", audit.Page{}); len(as) != 0 {
				t.Fatalf("a refused action was stored: %+v", as)
			}
		})
	}
}

func TestActions_CreateFromARecommendation(t *testing.T) {
	f := newFixture(t)
	f.assigned(t, "tok")
	if err := f.store.SaveReport(f.ctx, "r1", []byte(`{"recommendations":{"fixes":[{"rank":1,"touchpointId":"acc.ivr-info","valuation":-1}],"differentiators":[{"rank":1,"touchpointId":"acc.web-form","valuation":0}]}}`)); err != nil {
		t.Fatal(err)
	}
	a, err := f.wf.Actions.Create(f.ctx, NewAction{CompanyID: "bank-pl", ReviewID: "r1", TouchpointID: "acc.web-form",
		What: "Offer to pre-fill the form from the last contract", Owner: audit.ActionOwner{Unit: "dep-contact-centre", Person: "s-002"},
		Due: audit.MustDate("2027-03-01"), Cost: audit.Money{Amount: 25000, Currency: "PLN"}, Actor: "s-001"})
	if err != nil || a.Source != (audit.ActionSource{ReviewID: "r1"}) || a.TouchpointID != "acc.web-form" || a.Valuation != 0 {
		t.Fatalf("from a differentiator: %+v, %v", a, err)
	}
	_, err = f.wf.Actions.Create(f.ctx, NewAction{CompanyID: "bank-pl", ReviewID: "r1", TouchpointID: "acc.branch-visit",
		What: "x", Owner: a.Owner, Due: a.Due, Cost: a.Cost, Actor: "s-001"})
	if p := audit.ProblemsOf(err); len(p) != 1 || p[0].Path != "touchpointId" {
		t.Fatalf("a touchpoint the report does not recommend: %v", err)
	}
}

func TestActions_MoveRefuses(t *testing.T) {
	cases := []struct {
		name   string
		to     audit.ActionStatus
		reason string
		code   audit.ErrorCode
	}{
		{"open to verified skips done", audit.ActionVerified, "seen it fixed", audit.Conflict},
		{"reopened needs a reason", audit.ActionReopened, "", audit.Invalid},
		{"an unknown status", "closed", "", audit.Invalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.minusTwo(t, "res-1", "2026-11-20T10:00:00Z")
			f.newAction(t, "res-1")
			_, err := f.wf.Actions.Move(f.ctx, MoveAction{CompanyID: "bank-pl", ID: "act-1", Status: tc.to, Reason: tc.reason, Actor: "s-001"})
			if !audit.IsCode(err, tc.code) {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
			if _, err := f.wf.Actions.Move(f.ctx, MoveAction{CompanyID: "siec-przykladowa", ID: "act-1", Status: audit.ActionDone, Actor: "s-01"}); !audit.IsCode(err, audit.NotFound) {
				t.Fatalf("another company's move: %v, want not found", err)
			}
		})
	}
}

// The fixture walk of acc.ivr-info is valued −1 (v2), so the Score step
// reopens the action done before it.
func TestScore_ReopensTheTouchpointsDoneActionWhenStillNegative(t *testing.T) {
	f := newFixture(t)
	f.clock.t = at("2026-10-02T09:00:00Z")
	f.minusTwo(t, "res-1", "2026-10-01T10:00:00Z")
	f.newAction(t, "res-1")
	f.move(t, "2026-10-10T14:00:00Z", audit.ActionDone, "")

	f.clock.t = t0
	a := f.assigned(t, "tok-1")
	if _, err := f.wf.Auditors.Submit(f.ctx, f.own(t, "s-010", a.ID), "sub-1", walk()); err != nil {
		t.Fatal(err)
	}
	out, err := f.wf.Audits.Score(f.ctx, ScoreInput{AssignmentID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.wf.Actions.Get(f.ctx, "bank-pl", "act-1")
	if err != nil || out.Valuation != -1 || got.Status != audit.ActionReopened || got.CheckedBy != "w-r1.acc.ivr-info.w1.sub-1" {
		t.Fatalf("walk valued %+d; action %s checked by %q (%v), want -1 and reopened by w-r1.acc.ivr-info.w1.sub-1", out.Valuation, got.Status, got.CheckedBy, err)
	}
}

// The review's sweep tells every lead of a corrective action past its due
// day, under one message key per action and due day, so however often it
// runs the senders (SES, the outbox) send each lead one message.
func TestReconcile_TellsLeadsOfOverdueActions(t *testing.T) {
	f := newFixture(t)
	f.clock.t = at("2026-11-25T09:00:00Z")
	f.minusTwo(t, "res-1", "2026-11-20T10:00:00Z")
	f.newAction(t, "res-1") // due 2026-12-15
	a := f.assigned(t, "tok-1")
	overdue := func() []Notification {
		var out []Notification
		for _, n := range f.note.sent {
			if n.Kind == NotifyActionOverdue {
				out = append(out, n)
			}
		}
		return out
	}
	if _, err := f.wf.Reviews.Reconcile(f.ctx, ReviewRef{ReviewID: a.ReviewID}); err != nil {
		t.Fatal(err)
	}
	if n := len(overdue()); n != 0 {
		t.Fatalf("%d overdue messages before the due day", n)
	}
	f.clock.t = at("2026-12-16T09:00:00Z")
	for range 2 {
		if _, err := f.wf.Reviews.Reconcile(f.ctx, ReviewRef{ReviewID: a.ReviewID}); err != nil {
			t.Fatal(err)
		}
	}
	got := overdue()
	if len(got) == 0 || len(got)%2 != 0 {
		t.Fatalf("%d overdue messages after two sweeps, want the same set twice", len(got))
	}
	keys := map[string]int{}
	for _, n := range got {
		if n.ActionID != "act-1" || !f.isLead(t, n.To) || n.Due.Format("2006-01-02") != "2026-12-15" {
			t.Errorf("message %+v, want act-1 due 2026-12-15 to a lead", n)
		}
		keys[n.Key()]++
	}
	for k, c := range keys {
		if c != 2 {
			t.Errorf("key %s made %d times in two sweeps, want 2 (one per sweep, sent once)", k, c)
		}
	}
	if len(keys) != len(got)/2 {
		t.Errorf("%d distinct keys for %d leads", len(keys), len(got)/2)
	}
}
