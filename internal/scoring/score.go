package scoring

import (
	"fmt"
	"time"

	"touchaudit/internal/audit"
)

// KindResolution is the kind of the reason given when the customer's matter
// was left unresolved. It is no criterion of the standard: every walkthrough
// records whether the matter was settled.
const KindResolution audit.CriterionKind = "resolution"

// ResolvedID is the criterion id of the unresolved-matter reason.
const ResolvedID = "resolved"

// PromiseReasonPrefix prefixes the reason id of a broken promise that is tied
// to no criterion of the standard ("promise:" + the promise id).
const PromiseReasonPrefix = "promise:"

var resolvedLabel = audit.Label{PL: "Sprawa klienta załatwiona", EN: "The customer's matter was settled"}

// state is what one criterion came to in one walkthrough.
type state uint8

const (
	unanswered    state = iota // no answer: listed, not counted
	notApplicable              // answered N/A: left out
	met                        // counted, as expected
	missed                     // counted, a penalty
	observed                   // an exceed behaviour seen
	notObserved                // an exceed behaviour not seen
)

// why says which rule applied; reason turns it into text only when the
// outcome becomes a reason, so evaluation allocates nothing.
type why uint8

const (
	whyNone why = iota
	whyStepDone
	whyStepMissed
	whyCriticalMissed
	whyWithinTarget
	whyOverTarget
	whyOverLimit
	whyEffortOK
	whyEffortOver
	whyCompanyWork
	whyExceed
	whyPromiseHeld
	whyPromiseBroken
	whyFactStated
	whyFactDiffers
)

type outcome struct {
	c       *audit.Criterion
	st      state
	effect  audit.Valuation
	why     why
	txt     *texts
	mot     bool // a broken promise at a moment of truth
	measure time.Duration
	count   int
	promise *audit.Promise
	fact    *audit.FactRecord
}

// Score values one walkthrough against its own standard version
// (w.StandardVersion). at is the scoring time, recorded as ScoredAt and used
// as the base of the next due date. Invalid input is an *audit.Error with
// code invalid whose problems name the field path and the reason.
func (e *Engine) Score(w *audit.Walkthrough, at time.Time) (audit.Result, error) {
	var r audit.Result
	err := e.ScoreInto(&r, w, at)
	return r, err
}

// ScoreInto is Score writing into r, reusing r's slices and map so a caller
// scoring many walkthroughs allocates little. r is overwritten.
func (e *Engine) ScoreInto(r *audit.Result, w *audit.Walkthrough, at time.Time) error {
	st, err := e.check(w)
	if err != nil {
		return err
	}
	return e.score(r, w, st, nil, at)
}

// ScoreAgainst values the walkthrough against another standard version,
// wherever the criteria allow: only criteria whose id exists both in version
// and in the walkthrough's own version are evaluated, with version's
// definitions and rules. Drift uses it to show a touchpoint under the old
// and the new standard. The result id gets "@version".
func (e *Engine) ScoreAgainst(w *audit.Walkthrough, version string, at time.Time) (audit.Result, error) {
	own, err := e.check(w)
	if err != nil {
		return audit.Result{}, err
	}
	st, ok := e.standards[version]
	if !ok {
		return audit.Result{}, invalid(w.ID, audit.Problem{Path: "standardVersion", Reason: fmt.Sprintf("unknown standard version %q", version)})
	}
	var r audit.Result
	if st == own {
		err = e.score(&r, w, st, nil, at)
	} else {
		err = e.score(&r, w, st, own, at)
	}
	if err == nil {
		r.ID = w.ID + "@" + version
	}
	return r, err
}

// check validates the walkthrough with audit.CheckWalk, the rule the API
// applies at the door (with the standard's clock-skew bound, and no bound
// relative to now: walks are valued long after they were received), then
// its references to the company and the standard.
func (e *Engine) check(w *audit.Walkthrough) (*standard, error) {
	rules := audit.WalkRules{MaxClockSkew: audit.DefaultValuationRules().MaxClockSkew.D()}
	if st, ok := e.standards[w.StandardVersion]; ok {
		rules.MaxClockSkew = st.rules.MaxClockSkew.D()
	}
	if err := audit.CheckWalk(w, rules); err != nil {
		return nil, err
	}
	var probs []audit.Problem
	if w.CompanyID != e.company.ID {
		probs = append(probs, audit.Problem{Path: "companyId", Reason: fmt.Sprintf("walkthrough of company %q scored with company %q", w.CompanyID, e.company.ID)})
	}
	if _, ok := e.touchpoints[w.TouchpointID]; !ok {
		probs = append(probs, audit.Problem{Path: "touchpointId", Reason: fmt.Sprintf("unknown touchpoint %q", w.TouchpointID)})
	}
	st, ok := e.standards[w.StandardVersion]
	if !ok {
		probs = append(probs, audit.Problem{Path: "standardVersion", Reason: fmt.Sprintf("unknown standard version %q", w.StandardVersion)})
	} else {
		for i := range w.Answers {
			a := &w.Answers[i]
			c, known := st.ids[a.CriterionID]
			switch {
			case !known:
				probs = append(probs, audit.Problem{Path: fmt.Sprintf("answers[%d].criterionId", i),
					Reason: fmt.Sprintf("unknown criterion %q in standard %s", a.CriterionID, st.set.Version)})
			case a.Value == audit.AnswerNA:
				// N/A fits every kind.
			case c.Kind == audit.KindEffort && a.Count == nil:
				probs = append(probs, audit.Problem{Path: fmt.Sprintf("answers[%d].count", i),
					Reason: fmt.Sprintf("%s is an effort criterion: give a count (or \"value\": \"na\"), not %q", c.ID, a.Value)})
			case c.Kind != audit.KindEffort && a.Count != nil:
				probs = append(probs, audit.Problem{Path: fmt.Sprintf("answers[%d].count", i),
					Reason: fmt.Sprintf("%s is a %s criterion: answer it with \"value\": yes, no or na, not a count", c.ID, c.Kind)})
			}
		}
		for i := range w.Promises {
			if id := w.Promises[i].CriterionID; id != "" {
				if _, known := st.ids[id]; !known {
					probs = append(probs, audit.Problem{Path: fmt.Sprintf("promises[%d].criterionId", i),
						Reason: fmt.Sprintf("unknown criterion %q in standard %s", id, st.set.Version)})
				}
			}
		}
	}
	if len(probs) > 0 {
		return nil, invalid(w.ID, probs...)
	}
	// An incomplete walk is never valued: an unanswered critical step would
	// otherwise pass as a 0.
	if err := st.set.CheckComplete(&e.touchpoints[w.TouchpointID].ref.Touchpoint, w); err != nil {
		return nil, err
	}
	return st, nil
}

func invalid(id string, probs ...audit.Problem) error {
	return &audit.Error{Code: audit.Invalid, Message: "invalid walkthrough " + id, Problems: probs}
}

// maxStack is how many criteria per touchpoint are evaluated without a heap
// allocation; larger plans still work.
const maxStack = 48

func (e *Engine) score(r *audit.Result, w *audit.Walkthrough, st *standard, own *standard, at time.Time) error {
	tp := e.touchpoints[w.TouchpointID]
	p := st.plans[w.TouchpointID]
	rules := &st.rules

	// The timeline was checked (audit.CheckWalk): measure it.
	steps := r.Steps[:0]
	if cap(steps) < len(w.Timeline) {
		steps = make([]audit.StepDuration, len(w.Timeline))
	}
	steps = steps[:len(w.Timeline)]
	endToEnd := measureTimeline(w.Timeline, steps)

	var obuf [maxStack]outcome
	var abuf [maxStack]int32
	outs, ans := obuf[:0], abuf[:0]
	if n := len(p.criteria); n > maxStack {
		outs, ans = make([]outcome, 0, n), make([]int32, 0, n)
	}
	ans = ans[:len(p.criteria)]
	for i := range ans {
		ans[i] = -1
	}
	for i := range w.Answers {
		if k, ok := p.slot[w.Answers[i].CriterionID]; ok {
			ans[k] = int32(i)
		}
	}

	for k, c := range p.criteria {
		if own != nil {
			if _, common := own.ids[c.ID]; !common {
				continue
			}
		}
		var a *audit.Answer
		if ans[k] >= 0 {
			a = &w.Answers[ans[k]]
		}
		o := evaluate(c, a, w, tp, steps, rules)
		if pf := &p.published[k]; pf.want != "" && o.st == met && o.fact != nil {
			o = againstPublished(o, pf, w, rules)
		}
		o.txt = &p.texts[k]
		outs = append(outs, o)
	}

	// Promises tied to no criterion of this plan are still promises: a
	// broken one counts like any broken promise.
	var extra []outcome
	pending := 0
	for i := range w.Promises {
		pr := &w.Promises[i]
		if pr.Outcome == audit.PromisePending {
			pending++
		}
		if _, inPlan := p.slot[pr.CriterionID]; inPlan && pr.CriterionID != "" {
			continue
		}
		if pr.Outcome == audit.PromiseBroken {
			extra = append(extra, brokenPromise(nil, pr, tp, rules))
		}
	}

	// Valuation: the worst penalty if any; otherwise the best exceed level.
	var worst, best audit.Valuation
	penalties := 0
	consider := func(o *outcome) {
		switch o.st {
		case missed:
			penalties++
			worst = min(worst, o.effect)
		case observed:
			best = max(best, o.effect)
		}
	}
	for i := range outs {
		consider(&outs[i])
	}
	for i := range extra {
		consider(&extra[i])
	}
	var unresolved outcome
	if !w.Resolved {
		unresolved = outcome{st: missed, effect: audit.Valuation(rules.Unresolved)}
		consider(&unresolved)
	}
	v := best
	if penalties > 0 {
		v = worst
	}

	*r = audit.Result{
		ID: w.ID, CompanyID: w.CompanyID, ReviewID: w.ReviewID, TouchpointID: w.TouchpointID,
		JourneyID: tp.ref.JourneyID, StageID: tp.ref.StageID, Channel: tp.ref.Channel,
		WalkthroughID: w.ID, AssignmentID: w.AssignmentID, AuditorID: w.AuditorID,
		StandardVersion: st.set.Version, Valuation: v, ScoredAt: at,
		Reasons: r.Reasons[:0], Gaps: r.Gaps[:0], Durations: r.Durations,
		Steps: steps, EndToEnd: audit.Duration(endToEnd),
		Unanswered: r.Unanswered[:0], NotApplicable: r.NotApplicable[:0],
		Facts: w.Facts, PendingPromises: pending, WalkedAt: walkEnd(w.Timeline),
		// A branch visit's check-in never moves the valuation: what it
		// finds is for QA to look at.
		EvidenceFlags: audit.CheckInFlags(e.company, &tp.ref.Touchpoint, w.CheckIn),
	}
	clear(r.Durations)

	// Reasons: for a negative valuation every penalty, worst first; for a
	// positive one the behaviours seen, best first; for 0 the critical steps
	// and timings that were met (what 0 requires).
	switch {
	case v < 0:
		for _, lvl := range [...]audit.Valuation{-2, -1} {
			for i := range outs {
				if outs[i].st == missed && outs[i].effect == lvl {
					r.Reasons = append(r.Reasons, reason(&outs[i]))
				}
			}
			for i := range extra {
				if extra[i].effect == lvl {
					r.Reasons = append(r.Reasons, reason(&extra[i]))
				}
			}
			if !w.Resolved && unresolved.effect == lvl {
				r.Reasons = append(r.Reasons, audit.Reason{CriterionID: ResolvedID, Kind: KindResolution, Effect: lvl,
					Detail: "the customer's matter was left unresolved", Label: resolvedLabel})
			}
		}
	case v > 0:
		for _, lvl := range [...]audit.Valuation{2, 1} {
			for i := range outs {
				if outs[i].st == observed && outs[i].effect == lvl {
					r.Reasons = append(r.Reasons, reason(&outs[i]))
				}
			}
		}
	default:
		for i := range outs {
			if o := &outs[i]; o.st == met && (o.c.Critical && o.c.Kind == audit.KindStep || o.c.Kind == audit.KindTiming) {
				r.Reasons = append(r.Reasons, reason(o))
			}
		}
		if len(r.Reasons) == 0 {
			for i := range outs {
				if outs[i].st == met {
					r.Reasons = append(r.Reasons, reason(&outs[i]))
				}
			}
		}
	}
	if r.Reasons == nil {
		r.Reasons = []audit.Reason{}
	}

	for i := range outs {
		o := &outs[i]
		switch o.st {
		case missed:
			r.Gaps = append(r.Gaps, audit.Gap{CriterionID: o.c.ID, Category: o.c.Category, Weight: o.c.Weight})
		case unanswered:
			r.Unanswered = append(r.Unanswered, o.c.ID)
		case notApplicable:
			r.NotApplicable = append(r.NotApplicable, o.c.ID)
		}
		if o.c.Kind == audit.KindTiming && (o.st == met || o.st == missed) {
			if r.Durations == nil {
				r.Durations = make(map[string]audit.Duration, 4)
			}
			r.Durations[o.c.ID] = audit.Duration(o.measure)
		}
	}
	// Empty slices and maps are kept for reuse; JSON omits them all the same.
	r.NextDue, r.DueReason = NextDueWithReason(st.cadence, DueInput{Valuation: v, MomentOfTruth: tp.ref.MomentOfTruth, VerifiedAt: r.WalkedAt, NewStandardFrom: st.newerFrom})
	return nil
}

// walkEnd is the latest step end: when the walk was done.
func walkEnd(tl []audit.TimelineStep) time.Time {
	var t time.Time
	for i := range tl {
		if tl[i].End.Client.After(t) {
			t = tl[i].End.Client
		}
	}
	return t.UTC()
}

func reason(o *outcome) audit.Reason {
	r := audit.Reason{Kind: KindResolution, Effect: o.effect}
	if o.c != nil {
		r.CriterionID, r.Kind, r.Label = o.c.ID, o.c.Kind, o.c.Label
	} else if o.promise != nil {
		r.CriterionID, r.Kind = PromiseReasonPrefix+o.promise.ID, audit.KindPromise
		r.Label = audit.Label{PL: o.promise.Text, EN: o.promise.Text}
	}
	r.Detail = o.text()
	return r
}

func (o *outcome) text() string {
	c := o.c
	switch o.why {
	case whyStepDone:
		return o.txt.done
	case whyStepMissed:
		return o.txt.missed
	case whyCriticalMissed:
		return o.txt.critical
	case whyWithinTarget:
		return fmt.Sprintf("took %s, within the target of %s", audit.Duration(o.measure.Round(time.Second)), c.Timing.Target)
	case whyOverTarget:
		return fmt.Sprintf("took %s, over the target of %s, within the limit of %s", audit.Duration(o.measure.Round(time.Second)), c.Timing.Target, c.Timing.Limit)
	case whyOverLimit:
		return fmt.Sprintf("took %s, over the limit of %s (target %s)", audit.Duration(o.measure.Round(time.Second)), c.Timing.Limit, c.Timing.Target)
	case whyEffortOK:
		return fmt.Sprintf("%d %s, within the target of %d", o.count, measureText(c.Effort.Measure), c.Effort.Target)
	case whyEffortOver:
		return fmt.Sprintf("%d %s, above the target of %d", o.count, measureText(c.Effort.Measure), c.Effort.Target)
	case whyCompanyWork:
		return fmt.Sprintf("the customer does the company's work: %d %s, target %d", o.count, measureText(c.Effort.Measure), c.Effort.Target)
	case whyExceed:
		return o.txt.exceed
	case whyPromiseHeld:
		return fmt.Sprintf("promise %s: %q", o.promise.Outcome, o.promise.Text)
	case whyPromiseBroken:
		where := ""
		if o.mot {
			where = " at a moment of truth"
		}
		return fmt.Sprintf("promise broken%s: %q, due %s", where, o.promise.Text, stamp(o.promise.DueAt))
	case whyFactStated:
		return fmt.Sprintf("stated %s: %s", o.fact.Key, o.fact.Value)
	case whyFactDiffers:
		return fmt.Sprintf("stated %s as %q (%s), not the published %q", o.fact.Key, o.fact.Value, o.fact.Channel, c.Fact.Published)
	}
	return ""
}

// evaluate applies the rules of one criterion kind to the walkthrough.
func evaluate(c *audit.Criterion, a *audit.Answer, w *audit.Walkthrough, tp *touchpoint, steps []audit.StepDuration, rules *audit.ValuationRules) outcome {
	o := outcome{c: c}
	if a != nil && a.Value == audit.AnswerNA {
		o.st = notApplicable
		return o
	}
	switch c.Kind {
	case audit.KindStep:
		if a == nil {
			return o
		}
		return stepAnswer(c, a.Value == audit.AnswerYes, rules)

	case audit.KindTiming:
		d, ok := window(w.Timeline, steps, c.Timing)
		if !ok {
			return o // not measured: the timeline lacks the steps
		}
		o.measure = d
		t := c.Timing
		switch {
		case d > t.Limit.D():
			o.st, o.effect, o.why = missed, audit.Valuation(rules.OverLimit), whyOverLimit
		case d > t.Target.D():
			o.st, o.effect, o.why = missed, audit.Valuation(rules.OverTarget), whyOverTarget
		default:
			o.st, o.why = met, whyWithinTarget
		}
		return o

	case audit.KindEffort:
		n, ok := 0, false
		if a != nil && a.Count != nil {
			n, ok = *a.Count, true
		} else if c.Effort.Measure == audit.EffortChannelSwitches {
			n, ok = channelSwitches(w.Timeline), true
		}
		if !ok {
			return o
		}
		o.count = n
		ef := c.Effort
		switch {
		case n <= ef.Target:
			o.st, o.why = met, whyEffortOK
		case ef.CompanyWork:
			o.st, o.effect, o.why = missed, audit.Valuation(rules.CompanyWork), whyCompanyWork
		default:
			o.st, o.effect, o.why = missed, audit.Valuation(rules.OverTarget), whyEffortOver
		}
		return o

	case audit.KindExceed:
		if a == nil {
			return o
		}
		if a.Value != audit.AnswerYes {
			o.st = notObserved
			return o
		}
		o.st, o.effect, o.why = observed, audit.Valuation(c.Exceed.Level), whyExceed
		return o

	case audit.KindPromise:
		var found *audit.Promise
		for i := range w.Promises {
			pr := &w.Promises[i]
			if pr.CriterionID != c.ID {
				continue
			}
			if found == nil || pr.Outcome == audit.PromiseBroken && found.Outcome != audit.PromiseBroken {
				found = pr
			}
		}
		if found != nil {
			if found.Outcome == audit.PromiseBroken {
				return brokenPromise(c, found, tp, rules)
			}
			o.st, o.promise, o.why = met, found, whyPromiseHeld
			return o
		}
		if a == nil {
			return o
		}
		return stepAnswer(c, a.Value == audit.AnswerYes, rules)

	case audit.KindFact:
		for i := range w.Facts {
			if w.Facts[i].Key == c.Fact.Key {
				f := &w.Facts[i]
				o.st, o.fact, o.why = met, f, whyFactStated
				return o
			}
		}
		if a == nil {
			return o
		}
		return stepAnswer(c, a.Value == audit.AnswerYes, rules)
	}
	return o
}

// againstPublished misses a fact criterion whose stated value differs from
// the company's published one after normalising: a wrong fee told in every
// channel is consistent, and still wrong. The first differing statement is
// the one reported. Missed like a fact not stated: −1, −2 if critical.
func againstPublished(o outcome, pf *publishedFact, w *audit.Walkthrough, rules *audit.ValuationRules) outcome {
	for i := range w.Facts {
		f := &w.Facts[i]
		if f.Key != o.c.Fact.Key || NormalizeFact(pf.kind, f.Value) == pf.want {
			continue
		}
		m := stepAnswer(o.c, false, rules)
		m.fact, m.why = f, whyFactDiffers
		return m
	}
	return o
}

// stepAnswer values a yes/no answer: no is a missed step, critical or not.
func stepAnswer(c *audit.Criterion, yes bool, rules *audit.ValuationRules) outcome {
	o := outcome{c: c}
	switch {
	case yes:
		o.st, o.why = met, whyStepDone
	case c.Critical:
		o.st, o.effect, o.why = missed, audit.Valuation(rules.MissedCriticalStep), whyCriticalMissed
	default:
		o.st, o.effect, o.why = missed, audit.Valuation(rules.MissedStep), whyStepMissed
	}
	return o
}

// brokenPromise values a promise found broken: −2 at a moment of truth, −1 elsewhere (defaults).
func brokenPromise(c *audit.Criterion, pr *audit.Promise, tp *touchpoint, rules *audit.ValuationRules) outcome {
	o := outcome{c: c, st: missed, promise: pr, effect: audit.Valuation(rules.BrokenPromise), why: whyPromiseBroken, mot: tp.ref.MomentOfTruth}
	if o.mot {
		o.effect = audit.Valuation(rules.BrokenPromiseMomentOfTruth)
	}
	return o
}

func measureText(m audit.EffortMeasure) string {
	switch m {
	case audit.EffortIVRMenuLevels:
		return "IVR menu levels"
	case audit.EffortFormFields:
		return "form fields"
	case audit.EffortChannelSwitches:
		return "channel switches"
	case audit.EffortRepeatRequests:
		return "requests to repeat data"
	case audit.EffortDocuments:
		return "documents to print or send"
	case audit.EffortLogins:
		return "logins"
	}
	return string(m)
}
