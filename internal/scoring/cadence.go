package scoring

import (
	"time"

	"touchaudit/internal/audit"
)

// DueInput is what a touchpoint's next verification date depends on.
type DueInput struct {
	// Valuation is the touchpoint's (median) valuation.
	Valuation audit.Valuation
	// MomentOfTruth caps the interval (default 6 months).
	MomentOfTruth bool
	// Disagreement (auditors differed by 2 or more) makes it due as soon as a −1.
	Disagreement bool
	// VerifiedAt is when the touchpoint was last walked or scored.
	VerifiedAt time.Time
	// FixDoneAt is when the fix of a −2 touchpoint was marked done (zero: not yet).
	FixDoneAt time.Time
	// NewStandardFrom is when a newer standard version took effect than the
	// one the touchpoint was scored under (zero: none). It makes the
	// touchpoint due at once.
	NewStandardFrom time.Time
}

// Due reasons, as reported with the date.
const (
	DueAfterFix      = "afterFix"      // −2: one month after its fix is marked done
	DueAwaitingFix   = "awaitingFix"   // −2 with no fix marked done yet: provisional, from the verification
	DueMinusOne      = "minusOne"      // −1: 3 months
	DueDisagreement  = "disagreement"  // auditors disagreed: as soon as a −1
	DueMomentOfTruth = "momentOfTruth" // at most 6 months
	DueDefault       = "default"       // 6 months
	DueNewStandard   = "newStandard"   // a new standard version: at once
)

// NextDue is the re-verification rule. With the defaults
// (audit.DefaultCadence, configurable per standard set):
//   - −2: one month after its fix is marked done (until then, one month
//     after the verification, as a provisional date);
//   - −1: 3 months;
//   - moment of truth: at most 6 months;
//   - everything else: 6 months;
//   - auditors who disagree by 2 or more: at most the −1 interval;
//   - a newer standard version than the one scored: due at once, the day
//     the new version took effect.
//
// The earliest applicable date wins.
func NextDue(c audit.Cadence, in DueInput) time.Time {
	t, _ := NextDueWithReason(c, in)
	return t
}

// NextDueWithReason is NextDue with the rule that decided the date.
func NextDueWithReason(c audit.Cadence, in DueInput) (time.Time, string) {
	c = c.WithDefaults()
	var due time.Time
	var why string
	switch {
	case in.Valuation <= -2 && !in.FixDoneAt.IsZero():
		due, why = in.FixDoneAt.Add(c.AfterFix.D()), DueAfterFix
	case in.Valuation <= -2:
		due, why = in.VerifiedAt.Add(c.AfterFix.D()), DueAwaitingFix
	case in.Valuation == -1:
		due, why = in.VerifiedAt.Add(c.MinusOne.D()), DueMinusOne
	default:
		due, why = in.VerifiedAt.Add(c.Default.D()), DueDefault
	}
	if in.Disagreement {
		if d := in.VerifiedAt.Add(c.MinusOne.D()); d.Before(due) {
			due, why = d, DueDisagreement
		}
	}
	if in.MomentOfTruth {
		if d := in.VerifiedAt.Add(c.MomentOfTruthMax.D()); d.Before(due) {
			due, why = d, DueMomentOfTruth
		}
	}
	if !in.NewStandardFrom.IsZero() && in.NewStandardFrom.Before(due) {
		due, why = in.NewStandardFrom, DueNewStandard
	}
	return due, why
}
