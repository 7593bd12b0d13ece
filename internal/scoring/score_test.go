package scoring

import (
	"slices"
	"strings"
	"testing"
	"time"

	"touchaudit/internal/audit"
)

func setAnswer(w *audit.Walkthrough, a audit.Answer) {
	for i := range w.Answers {
		if w.Answers[i].CriterionID == a.CriterionID {
			w.Answers[i] = a
			return
		}
	}
	w.Answers = append(w.Answers, a)
}

func dropAnswer(w *audit.Walkthrough, id string) {
	w.Answers = slices.DeleteFunc(w.Answers, func(a audit.Answer) bool { return a.CriterionID == id })
}

func reasonIDs(r audit.Result) []string {
	var ids []string
	for _, x := range r.Reasons {
		ids = append(ids, x.CriterionID)
	}
	return ids
}

func TestScore_Valuation(t *testing.T) {
	e := testEngine(t)
	broken := func(id string) audit.Promise {
		return audit.Promise{ID: "p1", CriterionID: id, Text: "Oddzwonimy w ciągu 24 godzin", MadeAt: t0, DueAt: t0.Add(24 * time.Hour), Outcome: audit.PromiseBroken}
	}
	cases := []struct {
		name    string
		walk    func() audit.Walkthrough
		want    audit.Valuation
		reasons []string
	}{
		{"all met is 0", branchWalk, 0, []string{"id-check"}},
		{"non-critical step missed is -1", func() audit.Walkthrough {
			w := branchWalk()
			setAnswer(&w, no("next-step"))
			return w
		}, -1, []string{"next-step"}},
		{"critical step missed is -2", func() audit.Walkthrough {
			w := branchWalk()
			setAnswer(&w, no("id-check"))
			return w
		}, -2, []string{"id-check"}},
		{"worst penalty wins, all penalties listed worst first", func() audit.Walkthrough {
			w := branchWalk()
			setAnswer(&w, no("next-step"))
			setAnswer(&w, no("id-check"))
			return w
		}, -2, []string{"id-check", "next-step"}},
		{"critical step N/A with a note is left out", func() audit.Walkthrough {
			w := branchWalk()
			setAnswer(&w, audit.Answer{CriterionID: "id-check", Value: audit.AnswerNA, Note: "existing customer, no ID asked for a balance"})
			return w
		}, 0, []string{"next-step", "docs-send", "fee-stated"}},
		{"+1 behaviour", func() audit.Walkthrough {
			w := branchWalk()
			setAnswer(&w, yes("prep-docs"))
			return w
		}, 1, []string{"prep-docs"}},
		{"+2 behaviour", func() audit.Walkthrough {
			w := branchWalk()
			setAnswer(&w, yes("remind-end"))
			return w
		}, 2, []string{"remind-end"}},
		{"+2 with +1 is +2, both listed", func() audit.Walkthrough {
			w := branchWalk()
			setAnswer(&w, yes("remind-end"))
			setAnswer(&w, yes("prep-docs"))
			return w
		}, 2, []string{"remind-end", "prep-docs"}},
		{"exceed behaviours do not lift a penalty", func() audit.Walkthrough {
			w := branchWalk()
			setAnswer(&w, yes("remind-end"))
			setAnswer(&w, no("next-step"))
			return w
		}, -1, []string{"next-step"}},
		{"effort at target is 0", func() audit.Walkthrough {
			w := ivrWalk(30 * time.Second)
			setAnswer(&w, count("no-repeat", 0))
			return w
		}, 0, []string{"ivr-reach"}},
		{"effort above target is -1", func() audit.Walkthrough {
			w := ivrWalk(30 * time.Second)
			setAnswer(&w, count("no-repeat", 1))
			return w
		}, -1, []string{"no-repeat"}},
		{"customer does the company's work is -2", func() audit.Walkthrough {
			w := branchWalk()
			setAnswer(&w, count("docs-send", 1))
			return w
		}, -2, []string{"docs-send"}},
		{"company-work effort at target is 0", func() audit.Walkthrough {
			w := branchWalk()
			setAnswer(&w, count("docs-send", 0))
			return w
		}, 0, []string{"id-check"}},
		{"timing exactly at target is 0", func() audit.Walkthrough { return ivrWalk(30 * time.Second) }, 0, []string{"ivr-reach"}},
		{"timing 1s over target is -1", func() audit.Walkthrough { return ivrWalk(31 * time.Second) }, -1, []string{"ivr-reach"}},
		{"timing exactly at limit is -1", func() audit.Walkthrough { return ivrWalk(2 * time.Minute) }, -1, []string{"ivr-reach"}},
		{"timing 1s over limit is -2", func() audit.Walkthrough { return ivrWalk(2*time.Minute + time.Second) }, -2, []string{"ivr-reach"}},
		{"pause is excluded from timing", func() audit.Walkthrough {
			w := ivrWalk(90 * time.Second)
			s := &w.Timeline[1]
			s.Pauses = []audit.Pause{{Start: st(s.Start.Client.Add(10 * time.Second)), End: st(s.Start.Client.Add(70 * time.Second))}}
			return w
		}, 0, []string{"ivr-reach"}},
		{"timing not in the timeline is unanswered", func() audit.Walkthrough {
			w := ivrWalk(5 * time.Minute)
			w.Timeline[1].Key = "other"
			return w
		}, 0, []string{"next-step", "no-repeat"}},
		{"unresolved matter is -1", func() audit.Walkthrough {
			w := branchWalk()
			w.Resolved = false
			return w
		}, -1, []string{ResolvedID}},
		{"broken promise is -1", func() audit.Walkthrough {
			w := ivrWalk(20 * time.Second)
			setAnswer(&w, yes("callback"))
			w.Promises = []audit.Promise{broken("callback")}
			return w
		}, -1, []string{"callback"}},
		{"broken promise at a moment of truth is -2", func() audit.Walkthrough {
			w := branchWalk()
			dropAnswer(&w, "callback")
			w.Promises = []audit.Promise{broken("callback")}
			return w
		}, -2, []string{"callback"}},
		{"broken promise tied to no criterion still counts", func() audit.Walkthrough {
			w := branchWalk()
			w.Promises = []audit.Promise{broken("")}
			return w
		}, -2, []string{PromiseReasonPrefix + "p1"}},
		{"pending promise is met until verified", func() audit.Walkthrough {
			w := ivrWalk(20 * time.Second)
			p := broken("callback")
			p.Outcome = audit.PromisePending
			w.Promises = []audit.Promise{p}
			return w
		}, 0, []string{"ivr-reach"}},
		{"promise not made is a missed step", func() audit.Walkthrough {
			w := ivrWalk(20 * time.Second)
			setAnswer(&w, no("callback"))
			return w
		}, -1, []string{"callback"}},
		{"fact not stated is a missed step", func() audit.Walkthrough {
			w := branchWalk()
			w.Facts = nil
			setAnswer(&w, no("fee-stated"))
			return w
		}, -1, []string{"fee-stated"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := c.walk()
			r, err := e.Score(&w, t0.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if r.Valuation != c.want {
				t.Errorf("valuation = %+d, want %+d; reasons %+v", r.Valuation, c.want, r.Reasons)
			}
			if got := reasonIDs(r); !slices.Equal(got, c.reasons) {
				t.Errorf("reasons = %v, want %v", got, c.reasons)
			}
			for _, rs := range r.Reasons {
				if rs.Detail == "" {
					t.Errorf("reason %s has no detail", rs.CriterionID)
				}
			}
		})
	}
}

// Only what cannot be answered is left unanswered: a timing whose steps are
// not in the timeline. Every answerable criterion must be answered.
func TestScore_UnansweredAndNotApplicable(t *testing.T) {
	e := testEngine(t)
	w := ivrWalk(20 * time.Second)
	w.Timeline = w.Timeline[:1] // no reach_consultant step
	r, err := e.Score(&w, t0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Unanswered, []string{"ivr-reach"}) {
		t.Errorf("unanswered = %v", r.Unanswered)
	}
	if !slices.Equal(r.NotApplicable, []string{"callback"}) {
		t.Errorf("not applicable = %v", r.NotApplicable)
	}
}

// A walk that leaves an answerable criterion unanswered is never valued.
func TestScore_RefusesIncompleteWalk(t *testing.T) {
	e := testEngine(t)
	cases := []struct {
		name   string
		walk   func() audit.Walkthrough
		path   string
		reason string // a fragment of the reason; "" = scored
	}{
		{"complete", branchWalk, "", ""},
		{"unanswered critical step", func() audit.Walkthrough {
			w := branchWalk()
			dropAnswer(&w, "id-check")
			return w
		}, "answers", "criterion id-check is not answered"},
		{"unanswered exceed", func() audit.Walkthrough {
			w := branchWalk()
			dropAnswer(&w, "remind-end")
			return w
		}, "answers", "criterion remind-end is not answered"},
		{"unanswered effort", func() audit.Walkthrough {
			w := branchWalk()
			dropAnswer(&w, "docs-send")
			return w
		}, "answers", "criterion docs-send is not answered: give a count"},
		{"promise neither recorded nor answered", func() audit.Walkthrough {
			w := branchWalk()
			dropAnswer(&w, "callback")
			return w
		}, "answers", "criterion callback is not answered"},
		{"promise recorded needs no answer", func() audit.Walkthrough {
			w := branchWalk()
			dropAnswer(&w, "callback")
			w.Promises = []audit.Promise{{ID: "p1", CriterionID: "callback", Text: "Oddzwonimy jutro", MadeAt: t0, DueAt: t0.Add(24 * time.Hour), Outcome: audit.PromisePending}}
			return w
		}, "", ""},
		{"fact neither stated nor answered", func() audit.Walkthrough {
			w := branchWalk()
			w.Facts = nil
			return w
		}, "answers", "criterion fee-stated is not answered: record the stated monthly_fee"},
		{"fact answered no instead", func() audit.Walkthrough {
			w := branchWalk()
			w.Facts = nil
			setAnswer(&w, no("fee-stated"))
			return w
		}, "", ""},
		{"critical N/A without a note", func() audit.Walkthrough {
			w := branchWalk()
			setAnswer(&w, na("id-check"))
			return w
		}, "answers[1].note", "criterion id-check is critical"},
		{"timing and channel switches need no answer", func() audit.Walkthrough {
			return audit.Walkthrough{ID: "w-app", CompanyID: "bank-test", TouchpointID: "app-card", AuditorID: "a1", StandardVersion: "v2", Resolved: true,
				Timeline: []audit.TimelineStep{step("apply", audit.ChannelMobileApp, 0, time.Hour)},
				Answers:  []audit.Answer{yes("next-step"), yes("fee-stated")}}
		}, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := c.walk()
			_, err := e.Score(&w, t0)
			if c.path == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !audit.IsCode(err, audit.Invalid) {
				t.Fatalf("err = %v, want invalid", err)
			}
			probs := audit.ProblemsOf(err)
			if len(probs) != 1 || probs[0].Path != c.path || !strings.Contains(probs[0].Reason, c.reason) {
				t.Errorf("problems = %v, want one at %s containing %q", probs, c.path, c.reason)
			}
		})
	}
}

func TestScore_GapsDurationsAndResultFields(t *testing.T) {
	e := testEngine(t)
	w := ivrWalk(100 * time.Second)
	setAnswer(&w, no("next-step"))
	r, err := e.Score(&w, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []audit.Gap{{CriterionID: "next-step", Category: audit.GapProcess, Weight: 2}, {CriterionID: "ivr-reach", Category: audit.GapTechnology, Weight: 2}}
	if !slices.Equal(r.Gaps, want) {
		t.Errorf("gaps = %+v, want %+v", r.Gaps, want)
	}
	if r.Durations["ivr-reach"] != audit.Duration(100*time.Second) {
		t.Errorf("ivr-reach duration = %s", r.Durations["ivr-reach"])
	}
	if r.EndToEnd != audit.Duration(40*time.Second+100*time.Second+4*time.Minute) {
		t.Errorf("end to end = %s", r.EndToEnd)
	}
	if len(r.Steps) != 3 || r.Steps[2].Channel != audit.ChannelPhone {
		t.Errorf("steps = %+v", r.Steps)
	}
	if r.JourneyID != "acct" || r.StageID != "sale" || r.Channel != audit.ChannelIVR || r.StandardVersion != "v2" {
		t.Errorf("result refs = %+v", r)
	}
	// −1 is due again 3 calendar months after the walk.
	if want := r.WalkedAt.AddDate(0, 3, 0); !r.NextDue.Equal(want) || r.DueReason != DueMinusOne {
		t.Errorf("next due = %s, want %s", r.NextDue, want)
	}
}

func TestScore_ChannelSwitchesFromTimeline(t *testing.T) {
	e := testEngine(t)
	w := audit.Walkthrough{ID: "w-app", CompanyID: "bank-test", TouchpointID: "app-card", AuditorID: "a1", StandardVersion: "v2", Resolved: true,
		Timeline: []audit.TimelineStep{
			step("apply", audit.ChannelMobileApp, 0, 10*time.Minute),
			step("verify", audit.ChannelPhone, 11*time.Minute, 20*time.Minute),
			step("sign", audit.ChannelMobileApp, 21*time.Minute, 25*time.Minute),
			step("card_delivery", audit.ChannelBranch, 2*audit.Day, 2*audit.Day+10*time.Minute),
		},
		Answers: []audit.Answer{yes("next-step"), yes("fee-stated")},
	}
	r, err := e.Score(&w, t0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Valuation != -1 || r.Reasons[0].CriterionID != "switches" || !strings.Contains(r.Reasons[0].Detail, "3 channel switches") {
		t.Errorf("got %+d %+v", r.Valuation, r.Reasons)
	}
	if r.Durations["e2e"] != audit.Duration(2*audit.Day+10*time.Minute) {
		t.Errorf("e2e = %s", r.Durations["e2e"])
	}
}

func TestScore_ConfigurableRules(t *testing.T) {
	c := testCompany()
	c.Standards[1].Rules = &audit.ValuationRules{MissedStep: -2, Unresolved: -2}
	e, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	w := branchWalk()
	setAnswer(&w, no("next-step"))
	if r, _ := e.Score(&w, t0); r.Valuation != -2 {
		t.Errorf("missed step with missedStep -2 = %+d", r.Valuation)
	}
	w = branchWalk()
	w.Resolved = false
	if r, _ := e.Score(&w, t0); r.Valuation != -2 {
		t.Errorf("unresolved with unresolved -2 = %+d", r.Valuation)
	}
	// Unset fields keep their defaults.
	w = ivrWalk(31 * time.Second)
	if r, _ := e.Score(&w, t0); r.Valuation != -1 {
		t.Errorf("over target = %+d, want the default -1", r.Valuation)
	}
}

func problemPaths(err error) []string {
	var out []string
	for _, p := range audit.ProblemsOf(err) {
		out = append(out, p.Path)
	}
	return out
}

func TestScore_InvalidTimeline(t *testing.T) {
	e := testEngine(t)
	cases := []struct {
		name, path, reason string
		edit               func(w *audit.Walkthrough)
	}{
		{"end before start", "timeline[1].end.client", "before the step starts", func(w *audit.Walkthrough) {
			w.Timeline[1].End = st(w.Timeline[1].Start.Client.Add(-time.Second))
		}},
		{"steps out of order", "timeline[1].start.client", "steps out of order", func(w *audit.Walkthrough) {
			w.Timeline[1].Start = st(t0.Add(-time.Minute))
		}},
		{"step over 90 days", "timeline[1].end.client", "over the 90d bound", func(w *audit.Walkthrough) {
			w.Timeline[1].End = st(w.Timeline[1].Start.Client.Add(90*audit.Day + time.Second))
		}},
		{"task over 90 days", "timeline[2].end.client", "the task spans", func(w *audit.Walkthrough) {
			w.Timeline[2] = step("card", audit.ChannelBranch, 89*audit.Day, 90*audit.Day+time.Second)
		}},
		{"client clock ahead of the server", "timeline[0].start.client", "clock skew", func(w *audit.Walkthrough) {
			w.Timeline[0].Start.Server = w.Timeline[0].Start.Client.Add(-11 * time.Minute)
		}},
		{"client clock behind the server", "timeline[2].end.client", "clock skew", func(w *audit.Walkthrough) {
			w.Timeline[2].End.Server = w.Timeline[2].End.Client.Add(10*time.Minute + time.Second)
		}},
		{"pause resumes before it starts", "timeline[1].pauses[0].end.client", "before the pause starts", func(w *audit.Walkthrough) {
			s := w.Timeline[1].Start.Client
			w.Timeline[1].Pauses = []audit.Pause{{Start: st(s.Add(20 * time.Second)), End: st(s.Add(10 * time.Second))}}
		}},
		{"pause outside its step", "timeline[1].pauses[0].end.client", "after its step ends", func(w *audit.Walkthrough) {
			s := w.Timeline[1].Start.Client
			w.Timeline[1].Pauses = []audit.Pause{{Start: st(s.Add(20 * time.Second)), End: st(s.Add(time.Hour))}}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := ivrWalk(time.Minute)
			c.edit(&w)
			_, err := e.Score(&w, t0)
			if !audit.IsCode(err, audit.Invalid) {
				t.Fatalf("err = %v, want invalid", err)
			}
			if !slices.Contains(problemPaths(err), c.path) || !strings.Contains(err.Error(), c.reason) {
				t.Errorf("err = %v, want path %s with %q", err, c.path, c.reason)
			}
		})
	}
	t.Run("skew within the bound is fine", func(t *testing.T) {
		w := ivrWalk(time.Minute)
		w.Timeline[0].Start.Server = w.Timeline[0].Start.Client.Add(10 * time.Minute)
		if _, err := e.Score(&w, t0); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("exactly 90 days is fine", func(t *testing.T) {
		w := ivrWalk(time.Minute)
		w.Timeline[2] = step("card", audit.ChannelBranch, 89*audit.Day, 90*audit.Day)
		if _, err := e.Score(&w, t0); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("configured skew bound", func(t *testing.T) {
		c := testCompany()
		c.Standards[1].Rules = &audit.ValuationRules{MaxClockSkew: dur("1h")}
		e2, _ := New(c)
		w := ivrWalk(time.Minute)
		w.Timeline[0].Start.Server = w.Timeline[0].Start.Client.Add(30 * time.Minute)
		if _, err := e2.Score(&w, t0); err != nil {
			t.Fatal(err)
		}
	})
}

func TestScore_InvalidReferences(t *testing.T) {
	e := testEngine(t)
	cases := []struct {
		name, path string
		edit       func(w *audit.Walkthrough)
	}{
		{"unknown touchpoint", "touchpointId", func(w *audit.Walkthrough) { w.TouchpointID = "nope" }},
		{"unknown standard", "standardVersion", func(w *audit.Walkthrough) { w.StandardVersion = "v9" }},
		{"other company", "companyId", func(w *audit.Walkthrough) { w.CompanyID = "other" }},
		{"unknown criterion", "answers[1].criterionId", func(w *audit.Walkthrough) { w.Answers[1].CriterionID = "ghost" }},
		{"criterion of another version", "answers[1].criterionId", func(w *audit.Walkthrough) { w.Answers[1].CriterionID = "ivr-levels" }},
		{"bad answer value", "answers[0].value", func(w *audit.Walkthrough) { w.Answers[0].Value = "maybe" }},
		{"missing stamp", "timeline[0].start.client", func(w *audit.Walkthrough) { w.Timeline[0].Start.Client = time.Time{} }},
		{"effort answered yes/no", "answers[1].count", func(w *audit.Walkthrough) { w.Answers[1] = no("no-repeat") }},
		{"step answered with a count", "answers[0].count", func(w *audit.Walkthrough) { w.Answers[0] = count("next-step", 1) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := ivrWalk(time.Minute)
			c.edit(&w)
			_, err := e.Score(&w, t0)
			if !audit.IsCode(err, audit.Invalid) || !slices.Contains(problemPaths(err), c.path) {
				t.Errorf("err = %v, want invalid at %s", err, c.path)
			}
		})
	}
}

func TestScore_NAFitsEveryKind(t *testing.T) {
	e := testEngine(t)
	w := ivrWalk(time.Minute)
	w.Answers = []audit.Answer{na("next-step"), na("no-repeat"), na("callback"), na("ivr-reach")}
	r, err := e.Score(&w, t0)
	if err != nil {
		t.Fatal(err)
	}
	// A timing answered N/A is left out even though the timeline measures it.
	if r.Valuation != 0 || !slices.Equal(r.NotApplicable, []string{"next-step", "ivr-reach", "callback", "no-repeat"}) {
		t.Errorf("valuation %+d, not applicable %v", r.Valuation, r.NotApplicable)
	}
}

func TestScore_Deterministic(t *testing.T) {
	e := testEngine(t)
	w := branchWalk()
	setAnswer(&w, no("next-step"))
	setAnswer(&w, count("docs-send", 2))
	a, _ := e.Score(&w, t0)
	var r audit.Result
	for range 5 {
		if err := e.ScoreInto(&r, &w, t0); err != nil {
			t.Fatal(err)
		}
		if r.Valuation != a.Valuation || !slices.Equal(reasonIDs(r), reasonIDs(a)) || !slices.Equal(r.Gaps, a.Gaps) {
			t.Fatalf("rescoring differs: %+v vs %+v", r, a)
		}
	}
}

func TestScoreAgainst_CommonCriteriaOnly(t *testing.T) {
	e := testEngine(t)
	// 45 s to a consultant: over v2's 30 s target, within v1's 60 s.
	w := ivrWalk(45 * time.Second)
	setAnswer(&w, count("no-repeat", 2)) // v2 only: ignored under v1
	now, err := e.Score(&w, t0)
	if err != nil {
		t.Fatal(err)
	}
	old, err := e.ScoreAgainst(&w, "v1", t0)
	if err != nil {
		t.Fatal(err)
	}
	if now.Valuation != -1 || old.Valuation != 0 {
		t.Errorf("v2 = %+d, v1 = %+d; want -1 and 0", now.Valuation, old.Valuation)
	}
	if old.StandardVersion != "v1" || old.ID != "w-ivr@v1" {
		t.Errorf("old result = %s %s", old.ID, old.StandardVersion)
	}
	// ivr-levels exists only in v1: not evaluated, not even unanswered.
	if slices.Contains(old.Unanswered, "ivr-levels") {
		t.Errorf("v1-only criterion listed as unanswered: %v", old.Unanswered)
	}
}
