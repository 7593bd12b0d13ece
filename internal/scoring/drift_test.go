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
	if d.TouchpointID != "ivr-hotline" || d.Status != DriftWorsened || *d.Delta != -1 || !d.StandardChanged {
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
