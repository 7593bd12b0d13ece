package scoring

import (
	"fmt"
	"slices"
	"time"

	"touchaudit/internal/audit"
)

// PromiseCheck is what verification found when a promise fell due.
type PromiseCheck struct {
	PromiseID  string               `json:"promiseId"`
	Outcome    audit.PromiseOutcome `json:"outcome"`
	VerifiedAt time.Time            `json:"verifiedAt"`
}

// Revalue values a touchpoint again after a promise made during the walk was
// verified. It records the outcome on a copy of the walkthrough, scores that
// copy against the stored result's standard version at check.VerifiedAt and
// returns the new result (same id; RevaluedFrom set to the stored valuation
// when it changed) and the updated walkthrough, both for the caller to store.
// A broken promise values the touchpoint −1, or −2 at a moment of truth.
func (e *Engine) Revalue(stored *audit.Result, w *audit.Walkthrough, check PromiseCheck) (audit.Result, audit.Walkthrough, error) {
	if stored.WalkthroughID != w.ID {
		return audit.Result{}, audit.Walkthrough{}, invalid(w.ID, audit.Problem{Path: "walkthroughId",
			Reason: fmt.Sprintf("result %s is of walkthrough %q, not %q", stored.ID, stored.WalkthroughID, w.ID)})
	}
	switch check.Outcome {
	case audit.PromiseKept, audit.PromiseBroken, audit.PromisePending:
	default:
		return audit.Result{}, audit.Walkthrough{}, invalid(w.ID, audit.Problem{Path: "outcome",
			Reason: fmt.Sprintf("must be kept, broken or pending, not %q", check.Outcome)})
	}
	if check.VerifiedAt.IsZero() {
		return audit.Result{}, audit.Walkthrough{}, invalid(w.ID, audit.Problem{Path: "verifiedAt", Reason: "is required"})
	}
	updated := *w
	updated.Promises = slices.Clone(w.Promises)
	found := false
	for i := range updated.Promises {
		if updated.Promises[i].ID == check.PromiseID {
			at := check.VerifiedAt
			updated.Promises[i].Outcome, updated.Promises[i].VerifiedAt = check.Outcome, &at
			found = true
		}
	}
	if !found {
		return audit.Result{}, audit.Walkthrough{}, invalid(w.ID, audit.Problem{Path: "promiseId",
			Reason: fmt.Sprintf("walkthrough %s has no promise %q", w.ID, check.PromiseID)})
	}
	version := stored.StandardVersion
	if version == "" {
		version = w.StandardVersion
	}
	var r audit.Result
	var err error
	if version == w.StandardVersion {
		r, err = e.Score(&updated, check.VerifiedAt)
	} else {
		r, err = e.ScoreAgainst(&updated, version, check.VerifiedAt)
	}
	if err != nil {
		return audit.Result{}, audit.Walkthrough{}, err
	}
	r.ID = stored.ID
	// The verification is a fresh look at the touchpoint: the cadence runs from it.
	st := e.standards[version]
	r.NextDue, r.DueReason = NextDueWithReason(st.cadence, DueInput{Valuation: r.Valuation, MomentOfTruth: e.touchpoints[w.TouchpointID].ref.MomentOfTruth,
		VerifiedAt: check.VerifiedAt.UTC(), NewStandardFrom: st.newerFrom})
	if r.Valuation != stored.Valuation {
		prev := stored.Valuation
		if stored.RevaluedFrom != nil {
			prev = *stored.RevaluedFrom
		}
		r.RevaluedFrom = &prev
	} else {
		r.RevaluedFrom = stored.RevaluedFrom
	}
	return r, updated, nil
}

// ScoreVerified is Score for a walkthrough whose promises may already carry
// their verification, as recorded files do (a promise "broken" with its
// verifiedAt). A broken promise found at verification values the touchpoint
// again: when it changed the valuation, RevaluedFrom is the valuation at
// the walk (every broken promise still pending) and the cadence runs from
// the latest verification, as with Revalue.
func (e *Engine) ScoreVerified(w *audit.Walkthrough, at time.Time) (audit.Result, error) {
	r, err := e.Score(w, at)
	if err != nil {
		return r, err
	}
	broken := false
	var last time.Time
	for i := range w.Promises {
		pr := &w.Promises[i]
		if pr.Outcome == audit.PromiseBroken {
			broken = true
			if pr.VerifiedAt != nil && pr.VerifiedAt.After(last) {
				last = *pr.VerifiedAt
			}
		}
	}
	if !broken {
		return r, nil
	}
	before := *w
	before.Promises = slices.Clone(w.Promises)
	for i := range before.Promises {
		if before.Promises[i].Outcome == audit.PromiseBroken {
			before.Promises[i].Outcome, before.Promises[i].VerifiedAt = audit.PromisePending, nil
		}
	}
	b, err := e.Score(&before, at)
	if err != nil || b.Valuation == r.Valuation {
		return r, nil
	}
	prev := b.Valuation
	r.RevaluedFrom = &prev
	if last = last.UTC(); last.After(r.WalkedAt) {
		st := e.standards[r.StandardVersion]
		r.NextDue, r.DueReason = NextDueWithReason(st.cadence, DueInput{Valuation: r.Valuation,
			MomentOfTruth: e.touchpoints[w.TouchpointID].ref.MomentOfTruth, VerifiedAt: last, NewStandardFrom: st.newerFrom})
	}
	return r, nil
}

// MarkFixDone sets the next due date of a −2 result whose fix was marked
// done at fixDone: one month after it (audit.Cadence.AfterFix). Other
// results, and fixes marked done before the walk, leave r as it was.
func (e *Engine) MarkFixDone(r *audit.Result, fixDone time.Time) {
	st, ok := e.standards[r.StandardVersion]
	tp, tok := e.touchpoints[r.TouchpointID]
	if !ok || !tok || r.Valuation > -2 || fixDone.IsZero() {
		return
	}
	r.NextDue, r.DueReason = NextDueWithReason(st.cadence, DueInput{Valuation: r.Valuation, MomentOfTruth: tp.ref.MomentOfTruth,
		VerifiedAt: walkedAt(r), FixDoneAt: fixDone, NewStandardFrom: st.newerFrom})
}

// Reschedule sets the next due date of a result whose valuation was
// changed by hand (an upheld appeal's change), by the same rule as
// scoring, from when it was walked.
func (e *Engine) Reschedule(r *audit.Result) {
	st, ok := e.standards[r.StandardVersion]
	tp, tok := e.touchpoints[r.TouchpointID]
	if !ok || !tok {
		return
	}
	r.NextDue, r.DueReason = NextDueWithReason(st.cadence, DueInput{Valuation: r.Valuation, MomentOfTruth: tp.ref.MomentOfTruth,
		VerifiedAt: walkedAt(r), NewStandardFrom: st.newerFrom})
}
