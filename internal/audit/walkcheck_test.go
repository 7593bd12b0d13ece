package audit

import (
	"slices"
	"strings"
	"testing"
	"time"
)

var walkNow = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

// walk is a valid three-step walk received at walkNow with a 3 s skew.
func walk() Walkthrough {
	s := func(t time.Time) Stamp { return Stamp{Client: t, Server: t.Add(3 * time.Second)} }
	at := walkNow.Add(-10 * time.Minute)
	one := 1
	return Walkthrough{ID: "w1", CompanyID: "bank-pl", TouchpointID: "acc.ivr", AuditorID: "s-001", StandardVersion: "v2",
		Timeline: []TimelineStep{
			{Key: "menu", Channel: ChannelIVR, Start: s(at), End: s(at.Add(time.Minute))},
			{Key: "queue", Channel: ChannelIVR, Start: s(at.Add(time.Minute)), End: s(at.Add(3 * time.Minute)),
				Pauses: []Pause{{Start: s(at.Add(90 * time.Second)), End: s(at.Add(100 * time.Second))}}},
			{Key: "card", Channel: ChannelBranch, Start: s(at.Add(4 * time.Minute)), End: s(at.Add(5 * time.Minute))},
		},
		Answers:  []Answer{{CriterionID: "a", Value: AnswerYes}, {CriterionID: "b", Count: &one}},
		Facts:    []FactRecord{{Key: "fee", Value: "9 zł", Channel: ChannelIVR}},
		Promises: []Promise{{ID: "p1", Text: "oddzwonimy", MadeAt: at, DueAt: at.Add(24 * time.Hour), Outcome: PromisePending}},
	}
}

func problemPaths(err error) []string {
	var out []string
	for _, p := range ProblemsOf(err) {
		out = append(out, p.Path)
	}
	return out
}

func TestCheckWalk_Refusals(t *testing.T) {
	rules := WalkRules{Now: walkNow, MaxClockSkew: 10 * time.Minute}
	good := walk()
	if err := CheckWalk(&good, rules); err != nil {
		t.Fatalf("valid walk refused: %v", err)
	}
	n := -1
	cases := []struct {
		name, path, reason string
		edit               func(w *Walkthrough)
	}{
		{"no id", "id", "is required", func(w *Walkthrough) { w.ID = " " }},
		{"no timeline", "timeline", "at least one", func(w *Walkthrough) { w.Timeline = nil }},
		{"step key", "timeline[0].key", "is required", func(w *Walkthrough) { w.Timeline[0].Key = "" }},
		{"step channel", "timeline[0].channel", "unknown channel", func(w *Walkthrough) { w.Timeline[0].Channel = "fax" }},
		{"missing end", "timeline[1].end.client", "is required", func(w *Walkthrough) { w.Timeline[1].End.Client = time.Time{} }},
		{"pause without end", "timeline[1].pauses[0].end.client", "is required", func(w *Walkthrough) { w.Timeline[1].Pauses[0].End = Stamp{} }},
		{"answer twice", "answers[1].criterionId", "answered twice", func(w *Walkthrough) { w.Answers[1].CriterionID = "a" }},
		{"answer value", "answers[0].value", "must be yes, no or na", func(w *Walkthrough) { w.Answers[0].Value = "tak" }},
		{"negative count", "answers[1].count", "negative", func(w *Walkthrough) { w.Answers[1].Count = &n }},
		{"fact channel", "facts[0].channel", "unknown channel", func(w *Walkthrough) { w.Facts[0].Channel = "" }},
		{"promise due before made", "promises[0].dueAt", "after madeAt", func(w *Walkthrough) { w.Promises[0].DueAt = w.Promises[0].MadeAt }},
		{"promise outcome", "promises[0].outcome", "pending, kept or broken", func(w *Walkthrough) { w.Promises[0].Outcome = "late" }},
		// Bounds on counts and lengths.
		{"201 steps", "timeline", "at most 200 steps, not 201", func(w *Walkthrough) { w.Timeline = make([]TimelineStep, 201) }},
		{"21 pauses", "timeline[1].pauses", "at most 20 pauses, not 21", func(w *Walkthrough) {
			w.Timeline[1].Pauses = slices.Repeat(w.Timeline[1].Pauses, 21)
		}},
		{"201 answers", "answers", "at most 200 answers", func(w *Walkthrough) { w.Answers = make([]Answer, 201) }},
		{"51 facts", "facts", "at most 50 facts", func(w *Walkthrough) { w.Facts = make([]FactRecord, 51) }},
		{"596 promises", "promises", "at most 20 promises, not 596", func(w *Walkthrough) { w.Promises = make([]Promise, 596) }},
		{"21 evidence", "evidence", "at most 20 references", func(w *Walkthrough) { w.Evidence = make([]string, 21) }},
		{"notes", "notes", "at most 8000 characters, not 8001", func(w *Walkthrough) { w.Notes = strings.Repeat("ż", 8001) }},
		{"step note", "timeline[2].note", "at most 2000", func(w *Walkthrough) { w.Timeline[2].Note = strings.Repeat("x", 2001) }},
		{"promise text", "promises[0].text", "at most 500", func(w *Walkthrough) { w.Promises[0].Text = strings.Repeat("x", 501) }},
		{"evidence reference", "evidence[0]", "at most 500", func(w *Walkthrough) { w.Evidence = []string{strings.Repeat("x", 501)} }},
		{"criterion id", "answers[0].criterionId", "at most 100", func(w *Walkthrough) { w.Answers[0].CriterionID = strings.Repeat("c", 101) }},
		// Times within a year of the server's clock.
		{"a device stamp in 9999", "timeline[2].end.client", "more than 365d", func(w *Walkthrough) {
			w.Timeline[2].End.Client = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
		}},
		{"a server stamp in 10026", "timeline[0].start.server", "more than 365d", func(w *Walkthrough) {
			w.Timeline[0].Start.Server = time.Date(10026, 1, 1, 0, 0, 0, 0, time.UTC)
		}},
		{"a promise due in 2028", "promises[0].dueAt", "more than 365d", func(w *Walkthrough) {
			w.Promises[0].DueAt = time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)
		}},
		// The timeline rules the scorer relies on.
		{"end before start", "timeline[0].end.client", "before the step starts", func(w *Walkthrough) {
			w.Timeline[0].End.Client = w.Timeline[0].Start.Client.Add(-time.Second)
		}},
		{"steps out of order", "timeline[2].start.client", "steps out of order", func(w *Walkthrough) {
			w.Timeline[2].Start.Client = w.Timeline[1].Start.Client.Add(-time.Second)
		}},
		{"pause outside its step", "timeline[1].pauses[0].end.client", "after its step ends", func(w *Walkthrough) {
			w.Timeline[1].Pauses[0].End.Client = w.Timeline[1].End.Client.Add(time.Second)
		}},
		{"pause before its step", "timeline[1].pauses[0].start.client", "before its step starts", func(w *Walkthrough) {
			w.Timeline[1].Pauses[0].Start.Client = w.Timeline[1].Start.Client.Add(-time.Second)
		}},
		{"a step over 90 days", "timeline[0].end.client", "over the 90d bound", func(w *Walkthrough) {
			w.Timeline[0].Start.Client = w.Timeline[0].End.Client.Add(-90*Day - time.Second)
			w.Timeline[0].Start.Server = w.Timeline[0].Start.Client
		}},
		{"clock an hour ahead", "timeline[0].start.client", "clock skew", func(w *Walkthrough) {
			w.Timeline[0].Start.Server = w.Timeline[0].Start.Client.Add(-time.Hour)
		}},
		{"clock 10m1s behind", "timeline[2].end.client", "beyond the 10m0s bound", func(w *Walkthrough) {
			w.Timeline[2].End.Server = w.Timeline[2].End.Client.Add(10*time.Minute + time.Second)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := walk()
			c.edit(&w)
			err := CheckWalk(&w, rules)
			if !IsCode(err, Invalid) || !slices.Contains(problemPaths(err), c.path) || !strings.Contains(err.Error(), c.reason) {
				t.Errorf("err = %v, want invalid at %s with %q", err, c.path, c.reason)
			}
		})
	}
}

func TestCheckWalk_Limits(t *testing.T) {
	cases := []struct {
		name  string
		rules WalkRules
		edit  func(w *Walkthrough)
	}{
		{"skew of exactly 10m", WalkRules{MaxClockSkew: 10 * time.Minute}, func(w *Walkthrough) {
			w.Timeline[0].Start.Server = w.Timeline[0].Start.Client.Add(10 * time.Minute)
		}},
		{"no skew bound", WalkRules{}, func(w *Walkthrough) {
			w.Timeline[0].Start.Server = w.Timeline[0].Start.Client.Add(time.Hour)
		}},
		{"a step of exactly 90 days", WalkRules{}, func(w *Walkthrough) {
			w.Timeline = w.Timeline[:1]
			w.Timeline[0].End.Client = w.Timeline[0].Start.Client.Add(90 * Day)
			w.Timeline[0].End.Server = time.Time{}
		}},
		{"a promise due in 365 days", WalkRules{Now: walkNow}, func(w *Walkthrough) { w.Promises[0].DueAt = walkNow.Add(365 * Day) }},
		{"without Now, a walk of 2020 is scored", WalkRules{}, func(w *Walkthrough) {
			for i := range w.Timeline {
				w.Timeline[i].Start.Client = w.Timeline[i].Start.Client.AddDate(-6, 0, 0)
				w.Timeline[i].End.Client = w.Timeline[i].End.Client.AddDate(-6, 0, 0)
				w.Timeline[i].Pauses = nil
			}
		}},
		{"20 promises, 200 steps, 8000 characters", WalkRules{Now: walkNow}, func(w *Walkthrough) {
			w.Promises = slices.Repeat(w.Promises, 20)
			for i := range w.Promises {
				w.Promises[i].ID = string(rune('a' + i))
			}
			w.Timeline = slices.Repeat(w.Timeline[:1], 200)
			w.Notes = strings.Repeat("ż", 8000)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := walk()
			c.edit(&w)
			if err := CheckWalk(&w, c.rules); err != nil {
				t.Errorf("refused: %v", err)
			}
		})
	}
}

func TestCheckWalk_Draft(t *testing.T) {
	rules := WalkRules{Now: walkNow, MaxClockSkew: 10 * time.Minute, Draft: true}
	t.Run("incomplete is fine", func(t *testing.T) {
		w := Walkthrough{Timeline: []TimelineStep{{Start: Stamp{Client: walkNow}}}, Answers: []Answer{{CriterionID: "a"}},
			Promises: []Promise{{Text: "oddzwonimy", Outcome: PromisePending}}}
		if err := CheckWalk(&w, rules); err != nil {
			t.Errorf("draft refused: %v", err)
		}
	})
	t.Run("the timeline rules wait for the submission", func(t *testing.T) {
		w := walk()
		w.Timeline[0].Start.Server = w.Timeline[0].Start.Client.Add(time.Hour)
		w.Timeline[2].Start.Client = w.Timeline[0].Start.Client.Add(-time.Minute)
		if err := CheckWalk(&w, rules); err != nil {
			t.Errorf("draft refused: %v", err)
		}
	})
	for _, c := range []struct {
		name, path string
		edit       func(w *Walkthrough)
	}{
		{"596 promises", "promises", func(w *Walkthrough) { w.Promises = make([]Promise, 596) }},
		{"a stamp in 9999", "timeline[0].start.client", func(w *Walkthrough) {
			w.Timeline[0].Start.Client = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
		}},
		{"an unknown channel", "timeline[1].channel", func(w *Walkthrough) { w.Timeline[1].Channel = "fax" }},
		{"a long note", "timeline[1].note", func(w *Walkthrough) { w.Timeline[1].Note = strings.Repeat("x", 2001) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := walk()
			c.edit(&w)
			if err := CheckWalk(&w, rules); !slices.Contains(problemPaths(err), c.path) {
				t.Errorf("err = %v, want a problem at %s", err, c.path)
			}
		})
	}
}

// The scorer checks every walk it values: a valid one costs no allocation.
func TestCheckWalk_ValidWalkAllocatesNothing(t *testing.T) {
	w := walk()
	rules := WalkRules{MaxClockSkew: 10 * time.Minute}
	if n := testing.AllocsPerRun(100, func() { _ = CheckWalk(&w, rules) }); n != 0 {
		t.Errorf("%v allocations per valid walk, want 0", n)
	}
}

// A nested validation keeps the prefix: a problem at "id" of a nested
// value is reported as "walkthrough.id", and index paths join without a dot.
func TestValidator_NestKeepsThePrefix(t *testing.T) {
	inner := &Error{Code: Invalid, Problems: []Problem{{Path: "id", Reason: "is required"}, {Path: "[2].key", Reason: "x"}, {Path: "", Reason: "y"}}}
	v := &validator{}
	v.nest("walkthrough", inner)
	v.nest("draft.timeline[0]", &Error{Code: Invalid, Problems: []Problem{{Path: "end.client", Reason: "z"}}})
	got := problemPaths(v.err("request"))
	want := []string{"walkthrough.id", "walkthrough[2].key", "walkthrough", "draft.timeline[0].end.client"}
	if !slices.Equal(got, want) {
		t.Errorf("paths %q, want %q", got, want)
	}
}

func TestCheckNewReview_Bounds(t *testing.T) {
	d := func(y int, m time.Month, day int) *time.Time {
		t := time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
		return &t
	}
	cases := []struct {
		name          string
		title         string
		opens, closes *time.Time
		paths         []string
	}{
		{"defaults", "", nil, nil, nil},
		{"opens in year 1", "", &time.Time{}, nil, []string{"opens"}},
		{"opens in 9999", "", d(9999, 1, 1), d(9999, 2, 1), []string{"opens"}},
		{"opens in two years", "", d(2028, 11, 21), d(2028, 12, 31), nil},
		{"closes before it opens", "", d(2027, 1, 2), d(2027, 1, 1), []string{"closes"}},
		{"open 366 days", "", d(2027, 1, 1), d(2028, 1, 2), []string{"closes"}},
		{"closes in 9999 from now", "", nil, d(9999, 1, 1), []string{"closes"}},
		{"a name of 201 characters", strings.Repeat("ą", 201), nil, nil, []string{"name"}},
		{"a name of 200 characters", strings.Repeat("ą", 200), nil, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, p := range CheckNewReview(c.title, c.opens, c.closes, walkNow) {
				got = append(got, p.Path)
			}
			if !slices.Equal(got, c.paths) {
				t.Errorf("paths %q, want %q", got, c.paths)
			}
		})
	}
}
