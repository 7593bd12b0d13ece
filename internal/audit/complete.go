package audit

import "fmt"

// CheckComplete refuses a walkthrough that leaves a criterion of the set
// unanswered: a submission must answer every criterion that applies to its
// touchpoint. What counts as an answer depends on the kind:
//
//   - step, exceed: an answer with value yes, no or na;
//   - effort: an answer with a count, or value na; except channel_switches,
//     which is counted from the timeline's channels and needs no answer;
//   - promise: a promise recorded with the criterion's id, or an answer
//     (no: the promise was not made);
//   - fact: a fact recorded with the criterion's key, or an answer (no: the
//     fact was not stated);
//   - timing: measured from the timeline, never answered (a timing answered
//     na is still allowed, as before).
//
// N/A on a critical criterion needs a note saying why it did not apply.
// Each problem names the criterion: "answers" for a missing one,
// "answers[i].note" for an unexplained N/A. tp must be the walkthrough's
// touchpoint; shape and references are Validate's and the scorer's job.
func (s *StandardSet) CheckComplete(tp *Touchpoint, w *Walkthrough) error {
	var probs []Problem
	for k := range s.Criteria {
		c := &s.Criteria[k]
		if !c.AppliesTo(tp) {
			continue
		}
		ai := -1
		for i := range w.Answers {
			if w.Answers[i].CriterionID == c.ID {
				ai = i
				break
			}
		}
		if ai >= 0 {
			a := &w.Answers[ai]
			if a.Value == AnswerNA && c.Critical && a.Note == "" {
				probs = append(probs, Problem{Path: fmt.Sprintf("answers[%d].note", ai),
					Reason: fmt.Sprintf("criterion %s is critical: say why it does not apply", c.ID)})
			}
			continue
		}
		if answeredOtherwise(c, w) {
			continue
		}
		probs = append(probs, Problem{Path: "answers", Reason: fmt.Sprintf("criterion %s is not answered: %s", c.ID, howToAnswer(c))})
	}
	if len(probs) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: fmt.Sprintf("incomplete walkthrough %s (standard %s)", w.ID, s.Version), Problems: probs}
}

// answeredOtherwise reports whether the walkthrough answers c without an
// answer record: measured from the timeline, or recorded as a fact or a promise.
func answeredOtherwise(c *Criterion, w *Walkthrough) bool {
	switch c.Kind {
	case KindTiming:
		return true
	case KindEffort:
		return c.Effort.Measure == EffortChannelSwitches
	case KindPromise:
		for i := range w.Promises {
			if w.Promises[i].CriterionID == c.ID {
				return true
			}
		}
	case KindFact:
		for i := range w.Facts {
			if w.Facts[i].Key == c.Fact.Key {
				return true
			}
		}
	}
	return false
}

func howToAnswer(c *Criterion) string {
	switch c.Kind {
	case KindEffort:
		return "give a count (or na)"
	case KindPromise:
		return "record the promise, or answer no (not made) or na"
	case KindFact:
		return fmt.Sprintf("record the stated %s, or answer no (not stated) or na", c.Fact.Key)
	}
	return "answer yes, no or na"
}
