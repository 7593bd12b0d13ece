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
	r.NextDue = NextDue(st.cadence, DueInput{Valuation: r.Valuation, MomentOfTruth: e.touchpoints[w.TouchpointID].ref.MomentOfTruth,
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
