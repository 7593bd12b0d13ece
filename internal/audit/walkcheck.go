package audit

import (
	"fmt"
	"time"
	"unicode/utf8"
)

// The bounds of a walk. A walk has tens of steps, a few facts and promises;
// anything far beyond is a mistake or abuse, and every walk (and every draft
// kept on its assignment) must stay well inside DynamoDB's 400 KB item
// limit. Lengths count characters (runes), not bytes.
const (
	// MaxSteps bounds a walk's timeline (issue 9, as workflow bounds a draft).
	MaxSteps = 200
	// MaxPauses bounds the pauses of one step.
	MaxPauses = 20
	// MaxAnswers bounds the answers: a touchpoint's plan has tens of criteria.
	MaxAnswers = 200
	// MaxFacts bounds the facts stated in one walk.
	MaxFacts = 50
	// MaxPromises bounds the promises made in one walk (issue 9: 596 promises
	// in one submission were accepted and fanned out into 596 checks).
	MaxPromises = 20
	// MaxEvidence bounds the evidence references of one walk.
	MaxEvidence = 20
	// MaxNotes bounds the walk's free-text notes.
	MaxNotes = 8000
	// MaxNote bounds the note of one step or answer.
	MaxNote = 2000
	// MaxText bounds a promise's text, a fact's value and an evidence reference.
	MaxText = 500
	// MaxKey bounds keys and ids: step keys, criterion ids, fact keys, promise ids.
	MaxKey = 100
	// MaxClockDistance is how far any time in a request (a device or server
	// stamp, madeAt, dueAt, clientSentAt, startedAt) may lie from the
	// server's clock. Walks happen inside a review window of weeks, a task
	// lasts at most 90 days (MaxTaskDuration) and promises fall due within
	// days; a year leaves room for all of that, while a phone set to 2000 or
	// 9999 is refused before its stamps (shifted by the skew, into year
	// 10026) reach a store that cannot encode them.
	MaxClockDistance = 365 * Day
	// MaxTaskDuration bounds every step and the whole task, end to end.
	// Longer customer tasks (issue #4: "a duration over 90 days" is an
	// error) are recording mistakes, such as a wrong year on a phone.
	MaxTaskDuration = 90 * Day
)

// WalkRules set what CheckWalk applies besides the walk's shape.
type WalkRules struct {
	// Now is the server's clock. Every time in the walk must lie within
	// MaxClockDistance of it. Zero skips that bound: the scorer values walks
	// long after they were received.
	Now time.Time
	// MaxClockSkew bounds the distance between a device stamp and its server
	// stamp (the standard's ValuationRules.MaxClockSkew); zero skips it.
	MaxClockSkew time.Duration
	// Draft checks a walk in progress: required fields may be missing and the
	// timeline rules (order, pauses, duration, skew) wait for the
	// submission, but whatever is present must satisfy every bound, because
	// a draft is stored on its assignment and must never poison it.
	Draft bool
}

// CheckWalk is the one validation of a walkthrough: its shape (Validate),
// the bounds on counts, lengths and times, and the timeline rules the
// scorer relies on. The API applies it to drafts and submissions before
// anything is stored, and the scorer applies it again, so a walk accepted at
// the door is never refused as invalid input later. Problems name field
// paths relative to the walkthrough ("timeline[2].end.client").
//
// The timeline rules: a step or pause must not end before it starts; a pause
// lies inside its step, after the previous pause; a step must not start
// before the previous step started; a step, and the whole task, last at
// most MaxTaskDuration; a device stamp lies within MaxClockSkew of its server
// stamp (stamps without a server time are not checked). Durations are
// measured on device stamps: a device clock measures intervals well even
// when it is off.
func CheckWalk(w *Walkthrough, r WalkRules) error {
	c := walkCheck{rules: r}
	c.shape(w, r.Draft)
	c.bounds(w)
	if !r.Draft && len(c.problems) == 0 {
		c.timeline(w.Timeline)
		c.checkInTimes(w.CheckIn, w.Timeline)
	}
	if len(c.problems) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: "invalid walkthrough " + w.ID, Problems: c.problems}
}

// walkCheck collects problems; paths are built only for a problem, so a
// valid walk is checked without allocating (the scorer checks 100,000 walks
// a second).
type walkCheck struct {
	rules    WalkRules
	problems []Problem
}

func (c *walkCheck) add(path, format string, args ...any) {
	c.problems = append(c.problems, Problem{Path: path, Reason: fmt.Sprintf(format, args...)})
}

func (c *walkCheck) count(n, max int, path, what string) {
	if n > max {
		c.add(path, "at most %d %s, not %d", max, what, n)
	}
}

// text bounds a string's length; path is built only when it is too long.
func (c *walkCheck) text(s string, max int, path func() string) {
	if len(s) > max && utf8.RuneCountInString(s) > max {
		c.add(path(), "at most %d characters, not %d", max, utf8.RuneCountInString(s))
	}
}

// near bounds a time to MaxClockDistance from the server's clock.
func (c *walkCheck) near(t time.Time, path func() string) {
	if t.IsZero() || c.rules.Now.IsZero() {
		return
	}
	if d := t.Sub(c.rules.Now); d > MaxClockDistance || d < -MaxClockDistance {
		c.add(path(), "%s is more than %s from the server's clock (%s): check the device's date", stamp(t), Duration(MaxClockDistance), stamp(c.rules.Now))
	}
}

func (c *walkCheck) stampNear(s Stamp, path func() string) {
	c.near(s.Client, func() string { return path() + ".client" })
	c.near(s.Server, func() string { return path() + ".server" })
}

func (c *walkCheck) bounds(w *Walkthrough) {
	before := len(c.problems)
	c.count(len(w.Timeline), MaxSteps, "timeline", "steps")
	c.count(len(w.Answers), MaxAnswers, "answers", "answers")
	c.count(len(w.Facts), MaxFacts, "facts", "facts")
	c.count(len(w.Promises), MaxPromises, "promises", "promises")
	c.count(len(w.Evidence), MaxEvidence, "evidence", "references")
	c.text(w.Notes, MaxNotes, func() string { return "notes" })
	if len(c.problems) > before {
		// Counts over their bound: naming every element would only flood
		// the answer.
		return
	}
	for i := range w.Timeline {
		s := &w.Timeline[i]
		p := func() string { return fmt.Sprintf("timeline[%d]", i) }
		c.text(s.Key, MaxKey, func() string { return p() + ".key" })
		c.text(s.Note, MaxNote, func() string { return p() + ".note" })
		c.stampNear(s.Start, func() string { return p() + ".start" })
		c.stampNear(s.End, func() string { return p() + ".end" })
		if len(s.Pauses) > MaxPauses {
			c.count(len(s.Pauses), MaxPauses, p()+".pauses", "pauses")
			continue
		}
		for k := range s.Pauses {
			pp := func() string { return fmt.Sprintf("timeline[%d].pauses[%d]", i, k) }
			c.stampNear(s.Pauses[k].Start, func() string { return pp() + ".start" })
			c.stampNear(s.Pauses[k].End, func() string { return pp() + ".end" })
		}
	}
	for i := range w.Answers {
		a := &w.Answers[i]
		c.text(a.CriterionID, MaxKey, func() string { return idx("answers", i) + ".criterionId" })
		c.text(a.Note, MaxNote, func() string { return idx("answers", i) + ".note" })
	}
	for i := range w.Facts {
		f := &w.Facts[i]
		c.text(f.Key, MaxKey, func() string { return idx("facts", i) + ".key" })
		c.text(f.Value, MaxText, func() string { return idx("facts", i) + ".value" })
	}
	for i := range w.Promises {
		pr := &w.Promises[i]
		p := func() string { return idx("promises", i) }
		c.text(pr.ID, MaxKey, func() string { return p() + ".id" })
		c.text(pr.CriterionID, MaxKey, func() string { return p() + ".criterionId" })
		c.text(pr.Text, MaxText, func() string { return p() + ".text" })
		c.near(pr.MadeAt, func() string { return p() + ".madeAt" })
		c.near(pr.DueAt, func() string { return p() + ".dueAt" })
		if pr.VerifiedAt != nil {
			c.near(*pr.VerifiedAt, func() string { return p() + ".verifiedAt" })
		}
	}
	for i, e := range w.Evidence {
		c.text(e, MaxText, func() string { return idx("evidence", i) })
	}
	c.checkIn(w.CheckIn)
}

// timeline applies the timeline rules to a walk whose stamps are all present.
func (c *walkCheck) timeline(tl []TimelineStep) {
	stepPath := func(i int, field string) string { return fmt.Sprintf("timeline[%d].%s", i, field) }
	first, last := tl[0].Start.Client, tl[0].End.Client
	for i := range tl {
		s := &tl[i]
		st, en := s.Start.Client, s.End.Client
		if en.Before(st) {
			c.add(stepPath(i, "end.client"), "ends at %s, before the step starts at %s", stamp(en), stamp(st))
		} else if en.Sub(st) > MaxTaskDuration {
			c.add(stepPath(i, "end.client"), "the step lasts %s, over the %s bound", days(en.Sub(st)), Duration(MaxTaskDuration))
		}
		if i > 0 && st.Before(tl[i-1].Start.Client) {
			c.add(stepPath(i, "start.client"), "steps out of order: starts at %s, before step %d (%q) started at %s",
				stamp(st), i-1, tl[i-1].Key, stamp(tl[i-1].Start.Client))
		}
		c.skew(s.Start, func() string { return stepPath(i, "start.client") })
		c.skew(s.End, func() string { return stepPath(i, "end.client") })
		prevEnd := st
		for k := range s.Pauses {
			ps, pe := s.Pauses[k].Start.Client, s.Pauses[k].End.Client
			path := func(field string) string { return fmt.Sprintf("timeline[%d].pauses[%d].%s", i, k, field) }
			switch {
			case pe.Before(ps):
				c.add(path("end.client"), "resumes at %s, before the pause starts at %s", stamp(pe), stamp(ps))
			case ps.Before(prevEnd):
				if k == 0 {
					c.add(path("start.client"), "the pause starts at %s, before its step starts at %s", stamp(ps), stamp(st))
				} else {
					c.add(path("start.client"), "pauses out of order: starts at %s, before the previous pause ends at %s", stamp(ps), stamp(prevEnd))
				}
			case pe.After(en):
				c.add(path("end.client"), "the pause ends at %s, after its step ends at %s", stamp(pe), stamp(en))
			default:
				prevEnd = pe
			}
			c.skew(s.Pauses[k].Start, func() string { return path("start.client") })
			c.skew(s.Pauses[k].End, func() string { return path("end.client") })
		}
		if st.Before(first) {
			first = st
		}
		if en.After(last) {
			last = en
		}
	}
	if span := last.Sub(first); len(c.problems) == 0 && span > MaxTaskDuration {
		c.add(stepPath(len(tl)-1, "end.client"), "the task spans %s from its first step, over the %s bound", days(span), Duration(MaxTaskDuration))
	}
}

// skew bounds the distance of a device stamp from its server stamp.
func (c *walkCheck) skew(s Stamp, path func() string) {
	maxSkew := c.rules.MaxClockSkew
	if maxSkew <= 0 || s.Server.IsZero() || s.Client.IsZero() {
		return
	}
	d := s.Client.Sub(s.Server)
	if d < 0 {
		d = -d
	}
	if d > maxSkew {
		c.add(path(), "clock skew: the device stamp %s is %s from the server's receipt %s, beyond the %s bound",
			stamp(s.Client), d, stamp(s.Server), Duration(maxSkew))
	}
}

func stamp(t time.Time) string { return t.Format(time.RFC3339) }

// days writes a long duration with whole days first: "90d0h0m1s" reads
// better than "2160h0m1s".
func days(d time.Duration) string {
	if d < Day || d%Day == 0 {
		return Duration(d).String()
	}
	return fmt.Sprintf("%dd%s", d/Day, d%Day)
}

// CheckWalkPeriod refuses a walk whose device stamps lie outside the time
// it could have been walked: before the walk was given to its auditor, or
// after the server received it (each with skew's leeway for the phone's
// clock). A walk dated March 2025 for an assignment made in December 2026
// is refused, never scored. A zero assigned skips the first bound (an
// assignment stored before it was recorded).
func CheckWalkPeriod(w *Walkthrough, assigned, received time.Time, skew time.Duration) error {
	c := walkCheck{}
	check := func(t time.Time, path string) {
		switch {
		case t.IsZero():
		case !assigned.IsZero() && t.Before(assigned.Add(-skew)):
			c.add(path, "%s is before the walk was assigned (%s)", t.Format(time.RFC3339), assigned.Format(time.RFC3339))
		case t.After(received.Add(skew)):
			c.add(path, "%s is after the server received the walk (%s)", t.Format(time.RFC3339), received.Format(time.RFC3339))
		}
	}
	for i, st := range w.Timeline {
		p := fmt.Sprintf("timeline[%d]", i)
		check(st.Start.Client, p+".start.client")
		check(st.End.Client, p+".end.client")
		for k, ps := range st.Pauses {
			pp := fmt.Sprintf("%s.pauses[%d]", p, k)
			check(ps.Start.Client, pp+".start.client")
			check(ps.End.Client, pp+".end.client")
		}
	}
	for i, pr := range w.Promises {
		check(pr.MadeAt, fmt.Sprintf("promises[%d].madeAt", i))
	}
	if len(c.problems) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: "implausible walkthrough " + w.ID, Problems: c.problems}
}
