package scoring

import (
	"testing"
	"time"

	"touchaudit/internal/audit"
)

func TestDrift_AgainstPreviousReviewAndBothStandards(t *testing.T) {
	e := testEngine(t)
	// Previous review under v1: 45 s to a consultant is within v1's 60 s.
	prevWalk := ivrWalk(45 * time.Second)
	prevWalk.ID, prevWalk.StandardVersion = "w-prev", "v1"
	prevWalk.Answers = []audit.Answer{yes("next-step"), count("ivr-levels", 2), na("callback")}
	prev, err := e.Score(&prevWalk, t0)
	if err != nil {
		t.Fatal(err)
	}
	// Current review under v2: the same 45 s is now over the 30 s target.
	curWalk := ivrWalk(45 * time.Second)
	cur, err := e.Score(&curWalk, t0)
	if err != nil {
		t.Fatal(err)
	}
	branch := res("b1", "branch-open", "a1", 1, t0)
	ds := e.Drift([]audit.Result{cur, branch}, []audit.Result{prev}, []audit.Walkthrough{curWalk}, []audit.Walkthrough{prevWalk}, t0)
	if len(ds) != 2 {
		t.Fatalf("drift = %+v", ds)
	}
	d := ds[0]
	// Like for like unchanged: the −1 is the new standard's, a re-baseline.
	if d.TouchpointID != "ivr-hotline" || d.Status != DriftRebaselined || *d.Delta != -1 || *d.Rebaseline != -1 || !d.StandardChanged {
		t.Errorf("drift = %+v", d)
	}
	// Against the old standard the current walk is still 0: the standard moved, not the service.
	if d.CurrentUnderPrevious == nil || d.CurrentUnderPrevious.Median != 0 || d.CurrentUnderPrevious.StandardVersion != "v1" || *d.LikeForLike != 0 {
		t.Errorf("current under previous = %+v, like for like %v", d.CurrentUnderPrevious, d.LikeForLike)
	}
	if d.PreviousUnderCurrent == nil || d.PreviousUnderCurrent.Median != -1 {
		t.Errorf("previous under current = %+v", d.PreviousUnderCurrent)
	}
	if ds[1].TouchpointID != "branch-open" || ds[1].Status != DriftNew || ds[1].Delta != nil {
		t.Errorf("new touchpoint = %+v", ds[1])
	}
	gone := e.Drift(nil, []audit.Result{prev}, nil, nil, t0)
	if len(gone) != 1 || gone[0].Status != DriftNotWalked {
		t.Errorf("not walked = %+v", gone)
	}
}

func TestRevalue_BrokenPromiseAtVerification(t *testing.T) {
	e := testEngine(t)
	cases := []struct {
		name    string
		walk    func() audit.Walkthrough
		outcome audit.PromiseOutcome
		want    audit.Valuation
		changed bool
	}{
		{"broken at a moment of truth is -2", func() audit.Walkthrough {
			w := branchWalk()
			dropAnswer(&w, "callback")
			return w
		}, audit.PromiseBroken, -2, true},
		{"broken elsewhere is -1", func() audit.Walkthrough {
			w := ivrWalk(20 * time.Second)
			dropAnswer(&w, "callback")
			return w
		}, audit.PromiseBroken, -1, true},
		{"kept stays", func() audit.Walkthrough {
			w := ivrWalk(20 * time.Second)
			dropAnswer(&w, "callback")
			return w
		}, audit.PromiseKept, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := c.walk()
			w.Promises = []audit.Promise{{ID: "p1", CriterionID: "callback", Text: "Doradca oddzwoni jutro do 12:00", MadeAt: t0, DueAt: t0.Add(24 * time.Hour), Outcome: audit.PromisePending}}
			stored, err := e.Score(&w, t0)
			if err != nil {
				t.Fatal(err)
			}
			if stored.Valuation != 0 || stored.PendingPromises != 1 {
				t.Fatalf("stored = %+d pending %d", stored.Valuation, stored.PendingPromises)
			}
			verified := t0.Add(25 * time.Hour)
			r, updated, err := e.Revalue(&stored, &w, PromiseCheck{PromiseID: "p1", Outcome: c.outcome, VerifiedAt: verified})
			if err != nil {
				t.Fatal(err)
			}
			if r.Valuation != c.want || r.ID != stored.ID || r.PendingPromises != 0 {
				t.Errorf("revalued = %+d id %s pending %d", r.Valuation, r.ID, r.PendingPromises)
			}
			if (r.RevaluedFrom != nil) != c.changed || c.changed && *r.RevaluedFrom != 0 {
				t.Errorf("revaluedFrom = %v", r.RevaluedFrom)
			}
			if updated.Promises[0].Outcome != c.outcome || w.Promises[0].Outcome != audit.PromisePending {
				t.Errorf("the update must be on a copy: %v / %v", updated.Promises[0].Outcome, w.Promises[0].Outcome)
			}
			if !r.ScoredAt.Equal(verified) {
				t.Errorf("scoredAt = %s", r.ScoredAt)
			}
		})
	}
	t.Run("unknown promise", func(t *testing.T) {
		w := ivrWalk(20 * time.Second)
		stored, _ := e.Score(&w, t0)
		_, _, err := e.Revalue(&stored, &w, PromiseCheck{PromiseID: "nope", Outcome: audit.PromiseBroken, VerifiedAt: t0})
		if !audit.IsCode(err, audit.Invalid) {
			t.Errorf("err = %v", err)
		}
	})
}

// A recorded walkthrough whose promise was already verified broken carries
// the valuation before the verification, and its cadence runs from the
// verification.
func TestScoreVerified_BrokenPromiseRevalues(t *testing.T) {
	e := testEngine(t)
	mk := func(outcome audit.PromiseOutcome, verified time.Duration) audit.Walkthrough {
		w := branchWalk() // a moment of truth
		dropAnswer(&w, "callback")
		p := audit.Promise{ID: "p1", CriterionID: "callback", Text: "Oddzwonimy jutro", MadeAt: t0, DueAt: t0.Add(audit.Day), Outcome: outcome}
		if verified > 0 {
			at := t0.Add(verified)
			p.VerifiedAt = &at
		}
		w.Promises = []audit.Promise{p}
		return w
	}
	cases := []struct {
		name    string
		w       audit.Walkthrough
		want    audit.Valuation
		from    *audit.Valuation
		due     time.Time
		reason  string
		pending int
	}{
		{"pending: as at the walk", mk(audit.PromisePending, 0), 0, nil, t0.Add(30*time.Minute).AddDate(0, 6, 0), DueDefault, 1},
		{"kept: unchanged", mk(audit.PromiseKept, 2*audit.Day), 0, nil, t0.Add(30*time.Minute).AddDate(0, 6, 0), DueDefault, 0},
		{"broken at a moment of truth: -2 from 0, due from the verification", mk(audit.PromiseBroken, 2*audit.Day), -2, ptr(audit.Valuation(0)), t0.Add(2*audit.Day).AddDate(0, 1, 0), DueAwaitingFix, 0},
		{"broken, verification time unknown: due from the walk", mk(audit.PromiseBroken, 0), -2, ptr(audit.Valuation(0)), t0.Add(30*time.Minute).AddDate(0, 1, 0), DueAwaitingFix, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := e.ScoreVerified(&c.w, t0.Add(3*audit.Day))
			if err != nil {
				t.Fatal(err)
			}
			if r.Valuation != c.want || (r.RevaluedFrom == nil) != (c.from == nil) || c.from != nil && *r.RevaluedFrom != *c.from {
				t.Errorf("valuation %+d from %v; want %+d from %v", r.Valuation, r.RevaluedFrom, c.want, c.from)
			}
			if !r.NextDue.Equal(c.due) || r.DueReason != c.reason || r.PendingPromises != c.pending {
				t.Errorf("due %s (%s), pending %d; want %s (%s), %d", r.NextDue, r.DueReason, r.PendingPromises, c.due, c.reason, c.pending)
			}
		})
	}
}

func TestMarkFixDone(t *testing.T) {
	e := testEngine(t)
	w := branchWalk()
	setAnswer(&w, no("id-check"))
	walked := t0.Add(30 * time.Minute)
	cases := []struct {
		name   string
		v      audit.Walkthrough
		fix    time.Time
		due    time.Time
		reason string
	}{
		{"-2 fixed a week later: a month after the fix", w, walked.Add(7 * audit.Day), walked.Add(7*audit.Day).AddDate(0, 1, 0), DueAfterFix},
		{"-2 'fixed' before the walk: still awaiting its fix", w, walked.Add(-audit.Day), walked.AddDate(0, 1, 0), DueAwaitingFix},
		{"-2 without a fix", w, time.Time{}, walked.AddDate(0, 1, 0), DueAwaitingFix},
		{"a 0 touchpoint ignores a fix", branchWalk(), walked.Add(7 * audit.Day), walked.AddDate(0, 6, 0), DueDefault},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := e.Score(&c.v, walked)
			if err != nil {
				t.Fatal(err)
			}
			e.MarkFixDone(&r, c.fix)
			if !r.NextDue.Equal(c.due) || r.DueReason != c.reason {
				t.Errorf("due %s (%s), want %s (%s)", r.NextDue, r.DueReason, c.due, c.reason)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// A branch that did every v1 step, valued −2 only because v2 added a
// critical step, is a re-baseline, not a worsened service; a step of both
// versions missed now is worse like for like.
func TestDrift_RebaselineToldFromChangeOfService(t *testing.T) {
	co := testCompany()
	v2 := &co.Standards[1]
	v2.Criteria = append(v2.Criteria, audit.Criterion{ID: "explain-fees", Kind: audit.KindStep, Label: lbl("explained every fee before signing"),
		Weight: 3, Critical: true, Category: audit.GapPeople, Touchpoints: []string{"branch-open"}})
	e, err := New(co)
	if err != nil {
		t.Fatal(err)
	}
	prevWalk := branchWalk()
	prevWalk.ID, prevWalk.StandardVersion = "w-prev", "v1"
	prev, err := e.Score(&prevWalk, t0)
	if err != nil || prev.Valuation != 0 {
		t.Fatalf("previous = %+d, %v", prev.Valuation, err)
	}
	cases := []struct {
		name        string
		answers     []audit.Answer
		status      string
		delta, l4l  int
		rebaseline  int
		improved    int
		worsened    int
		rebaselined int
	}{
		{"every v1 step done, v2's new critical step missed", []audit.Answer{no("explain-fees")}, DriftRebaselined, -2, 0, -2, 0, 0, 1},
		{"a step of both versions missed too", []audit.Answer{no("explain-fees"), no("id-check")}, DriftWorsened, -2, -2, 0, 0, 1, 0},
		{"new step done: no change", []audit.Answer{yes("explain-fees")}, DriftUnchanged, 0, 0, 0, 0, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cur := branchWalk()
			for _, a := range c.answers {
				setAnswer(&cur, a)
			}
			r, err := e.Score(&cur, t0)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := e.Report(ReportInput{ReviewID: "rv-2026-h2", GeneratedAt: t0, Results: []audit.Result{r}, Walkthroughs: []audit.Walkthrough{cur},
				Previous: []audit.Result{prev}, PreviousWalkthroughs: []audit.Walkthrough{prevWalk}})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Drift) != 1 {
				t.Fatalf("drift = %+v", rep.Drift)
			}
			d := rep.Drift[0]
			if d.Status != c.status || *d.Delta != c.delta || *d.LikeForLike != c.l4l || *d.Rebaseline != c.rebaseline {
				t.Errorf("status %s delta %d like-for-like %d rebaseline %d; want %s %d %d %d", d.Status, *d.Delta, *d.LikeForLike, *d.Rebaseline, c.status, c.delta, c.l4l, c.rebaseline)
			}
			s := rep.Summary
			if s.Improved != c.improved || s.Worsened != c.worsened || s.Rebaselined != c.rebaselined {
				t.Errorf("summary improved %d worsened %d rebaselined %d; want %d %d %d", s.Improved, s.Worsened, s.Rebaselined, c.improved, c.worsened, c.rebaselined)
			}
		})
	}
}
