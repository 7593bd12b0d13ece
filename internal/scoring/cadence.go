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
	// FixDoneAt is when the fix of a −2 touchpoint was marked done (zero: not
	// yet). A fix marked done before VerifiedAt is not this −2's fix: the
	// touchpoint was still −2 after it, so it awaits a new fix.
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
//     after the verification, as a provisional date, reason awaitingFix);
//   - −1: 3 months;
//   - moment of truth: at most 6 months;
//   - everything else: 6 months;
//   - auditors who disagree by 2 or more: at most the −1 interval;
//   - a newer standard version than the one scored: due at once, the day
//     the new version took effect (or the verification, when it came later).
//
// The earliest applicable date wins. Intervals that are a whole number of
// 30-day periods are calendar months (see AddInterval), so the defaults
// 30d, 90d and 180d are one, three and six months.
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
	case in.Valuation <= -2 && !in.FixDoneAt.IsZero() && !in.FixDoneAt.Before(in.VerifiedAt):
		due, why = AddInterval(in.FixDoneAt, c.AfterFix), DueAfterFix
	case in.Valuation <= -2:
		due, why = AddInterval(in.VerifiedAt, c.AfterFix), DueAwaitingFix
	case in.Valuation == -1:
		due, why = AddInterval(in.VerifiedAt, c.MinusOne), DueMinusOne
	default:
		due, why = AddInterval(in.VerifiedAt, c.Default), DueDefault
	}
	if in.Disagreement {
		if d := AddInterval(in.VerifiedAt, c.MinusOne); d.Before(due) {
			due, why = d, DueDisagreement
		}
	}
	if in.MomentOfTruth {
		if d := AddInterval(in.VerifiedAt, c.MomentOfTruthMax); d.Before(due) {
			due, why = d, DueMomentOfTruth
		}
	}
	if !in.NewStandardFrom.IsZero() && in.NewStandardFrom.Before(due) {
		at := in.NewStandardFrom
		if at.Before(in.VerifiedAt) {
			at = in.VerifiedAt
		}
		due, why = at, DueNewStandard
	}
	return due, why
}

// month is the cadence's unit for calendar months.
const month = 30 * audit.Day

// AddInterval adds a re-verification interval to t. An interval that is a
// whole number of 30-day periods is that many calendar months ("one month
// after", "3 months", "6 months"): 5 November + 90d is 5 February, and a day
// past the end of the target month is clamped to its last day (31 August +
// 30d is 30 September). Any other interval is added as a plain duration.
func AddInterval(t time.Time, d audit.Duration) time.Time {
	if d <= 0 || d.D()%month != 0 {
		return t.Add(d.D())
	}
	n := int(d.D() / month)
	y, m, day := t.Date()
	first := time.Date(y, m+time.Month(n), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(day, last)-1)
}
