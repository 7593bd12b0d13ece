package scoring

import (
	"strings"

	"touchaudit/internal/audit"
)

// shapeOK reports, without allocating, that the walkthrough passes
// audit.Walkthrough.Validate. It checks the same conditions, at least as
// strictly, so the hot path can skip Validate (which builds a field path
// for every element); when it says no, Validate runs and names the problems.
// TestShapeOK_AgreesWithValidate keeps the two in step.
func shapeOK(w *audit.Walkthrough) bool {
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	if blank(w.ID) || blank(w.CompanyID) || blank(w.TouchpointID) || blank(w.AuditorID) || blank(w.StandardVersion) {
		return false
	}
	if len(w.Timeline) == 0 || len(w.Notes) > 8000 || len(w.Evidence) > 20 {
		return false
	}
	for i := range w.Timeline {
		s := &w.Timeline[i]
		if blank(s.Key) || !s.Channel.Valid() || s.Start.Client.IsZero() || s.End.Client.IsZero() {
			return false
		}
		for k := range s.Pauses {
			if s.Pauses[k].Start.Client.IsZero() || s.Pauses[k].End.Client.IsZero() {
				return false
			}
		}
	}
	for i := range w.Answers {
		a := &w.Answers[i]
		if blank(a.CriterionID) {
			return false
		}
		for k := 0; k < i; k++ {
			if w.Answers[k].CriterionID == a.CriterionID {
				return false
			}
		}
		if a.Count != nil {
			if *a.Count < 0 || a.Value != "" && a.Value != audit.AnswerNA {
				return false
			}
		} else if a.Value != audit.AnswerYes && a.Value != audit.AnswerNo && a.Value != audit.AnswerNA {
			return false
		}
	}
	for i := range w.Facts {
		f := &w.Facts[i]
		if blank(f.Key) || blank(f.Value) || !f.Channel.Valid() {
			return false
		}
	}
	for i := range w.Promises {
		p := &w.Promises[i]
		if blank(p.ID) || blank(p.Text) || p.MadeAt.IsZero() || !p.DueAt.After(p.MadeAt) {
			return false
		}
		switch p.Outcome {
		case audit.PromisePending, audit.PromiseKept, audit.PromiseBroken:
		default:
			return false
		}
	}
	return true
}
