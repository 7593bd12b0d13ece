package scoring

import (
	"strings"
	"testing"
	"time"

	"touchaudit/internal/audit"
)

// Every walkthrough Validate refuses, shapeOK must refuse too, or Score
// would skip a validation problem.
func TestShapeOK_AgreesWithValidate(t *testing.T) {
	n := -1
	edits := map[string]func(w *audit.Walkthrough){
		"no id":             func(w *audit.Walkthrough) { w.ID = " " },
		"no company":        func(w *audit.Walkthrough) { w.CompanyID = "" },
		"no touchpoint":     func(w *audit.Walkthrough) { w.TouchpointID = "" },
		"no auditor":        func(w *audit.Walkthrough) { w.AuditorID = "" },
		"no version":        func(w *audit.Walkthrough) { w.StandardVersion = "" },
		"no timeline":       func(w *audit.Walkthrough) { w.Timeline = nil },
		"step key":          func(w *audit.Walkthrough) { w.Timeline[0].Key = "" },
		"step channel":      func(w *audit.Walkthrough) { w.Timeline[0].Channel = "fax" },
		"start":             func(w *audit.Walkthrough) { w.Timeline[1].Start.Client = time.Time{} },
		"end":               func(w *audit.Walkthrough) { w.Timeline[1].End.Client = time.Time{} },
		"pause":             func(w *audit.Walkthrough) { w.Timeline[0].Pauses = []audit.Pause{{Start: st(t0)}} },
		"answer id":         func(w *audit.Walkthrough) { w.Answers[0].CriterionID = "" },
		"answer twice":      func(w *audit.Walkthrough) { w.Answers = append(w.Answers, w.Answers[0]) },
		"answer value":      func(w *audit.Walkthrough) { w.Answers[0].Value = "tak" },
		"negative count":    func(w *audit.Walkthrough) { w.Answers[1].Count = &n },
		"count and value":   func(w *audit.Walkthrough) { w.Answers[1].Value = audit.AnswerYes },
		"fact key":          func(w *audit.Walkthrough) { w.Facts = []audit.FactRecord{{Value: "1", Channel: audit.ChannelIVR}} },
		"fact value":        func(w *audit.Walkthrough) { w.Facts = []audit.FactRecord{{Key: "k", Channel: audit.ChannelIVR}} },
		"fact channel":      func(w *audit.Walkthrough) { w.Facts = []audit.FactRecord{{Key: "k", Value: "1"}} },
		"promise id":        func(w *audit.Walkthrough) { w.Promises[0].ID = "" },
		"promise text":      func(w *audit.Walkthrough) { w.Promises[0].Text = "" },
		"promise made":      func(w *audit.Walkthrough) { w.Promises[0].MadeAt = time.Time{} },
		"promise due":       func(w *audit.Walkthrough) { w.Promises[0].DueAt = w.Promises[0].MadeAt },
		"promise outcome":   func(w *audit.Walkthrough) { w.Promises[0].Outcome = "late" },
		"notes too long":    func(w *audit.Walkthrough) { w.Notes = strings.Repeat("x", 8001) },
		"too much evidence": func(w *audit.Walkthrough) { w.Evidence = make([]string, 21) },
	}
	base := func() audit.Walkthrough {
		w := ivrWalk(time.Minute)
		w.Promises = []audit.Promise{{ID: "p", Text: "Oddzwonimy", MadeAt: t0, DueAt: t0.Add(time.Hour), Outcome: audit.PromisePending}}
		return w
	}
	w := base()
	if !shapeOK(&w) || w.Validate() != nil {
		t.Fatalf("base walkthrough: shapeOK %v, Validate %v", shapeOK(&w), w.Validate())
	}
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			w := base()
			edit(&w)
			if w.Validate() == nil {
				t.Fatalf("Validate accepts the edit, so the case tests nothing: fix the edit")
			}
			if shapeOK(&w) {
				t.Errorf("shapeOK accepts what Validate refuses: %v", w.Validate())
			}
		})
	}
}
