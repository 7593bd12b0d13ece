package audit

import (
	"encoding/json"
	"slices"
	"testing"
	"time"
)

func TestQARule_NotAutoApproved(t *testing.T) {
	minusOne := Valuation(-1)
	rule := &QARule{AutoApprove: &AutoApprove{MinValuation: &minusOne, NoDisagreement: true, NoEvidenceFlag: true}}
	cases := []struct {
		name  string
		rule  *QARule
		facts QAFacts
		want  []string
	}{
		{"clean 0", rule, QAFacts{Valuation: 0}, nil},
		{"-1 passes", rule, QAFacts{Valuation: -1}, nil},
		{"-2 waits", rule, QAFacts{Valuation: -2}, []string{"valuation -2 is below -1"}},
		{"disagreement", rule, QAFacts{Valuation: 1, Disagreement: true}, []string{"auditors of this touchpoint disagree by 2 or more"}},
		{"evidence", rule, QAFacts{Valuation: 2, EvidenceFlags: []string{"gps-far", "no-photo"}}, []string{"evidence flag: gps-far", "evidence flag: no-photo"}},
		{"no rule", nil, QAFacts{Valuation: 2}, []string{"no auto-approve rule: every result waits for a lead"}},
		{"rule without auto-approval", &QARule{ReviewTimeout: Duration(Day)}, QAFacts{}, []string{"no auto-approve rule: every result waits for a lead"}},
		{"flags ignored when not asked", &QARule{AutoApprove: &AutoApprove{}}, QAFacts{Valuation: -2, Disagreement: true, EvidenceFlags: []string{"x"}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.rule.NotAutoApproved(c.facts); !slices.Equal(got, c.want) {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestQARule_DefaultsAndValidation(t *testing.T) {
	d := (*QARule)(nil).WithDefaults()
	if d.ReviewTimeout.D() != 7*Day || d.ResubmitTimeout.D() != 7*Day || d.AppealWindow.D() != 30*Day || d.AutoApprove != nil {
		t.Fatalf("defaults %+v", d)
	}
	var r QARule
	if err := json.Unmarshal([]byte(`{"autoApprove":{"minValuation":-3},"reviewTimeout":"400d"}`), &r); err != nil {
		t.Fatal(err)
	}
	err := r.Validate()
	for _, want := range []string{"autoApprove.minValuation", "reviewTimeout"} {
		if !hasProblem(err, want) {
			t.Errorf("%v does not name %s", err, want)
		}
	}
}

func hasProblem(err error, path string) bool {
	e, ok := err.(*Error)
	if !ok {
		return false
	}
	for _, p := range e.Problems {
		if p.Path == path {
			return true
		}
	}
	return false
}

func TestResult_CountsAndQueue(t *testing.T) {
	at := time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		r      Result
		counts bool
		queue  Queue
	}{
		{"before the gate", Result{}, true, ""},
		{"pending", Result{QA: &QA{Status: QAPending, Since: at}}, false, QueueQA},
		{"held", Result{QA: &QA{Status: QAHeld, Since: at}}, false, QueueQA},
		{"rejected", Result{QA: &QA{Status: QARejected}}, false, ""},
		{"approved", Result{QA: &QA{Status: QAApproved}}, true, ""},
		{"appealed", Result{QA: &QA{Status: QAApproved}, Appeal: &Appeal{Status: AppealOpen, At: at}}, true, QueueAppeals},
		{"appeal decided", Result{QA: &QA{Status: QAApproved}, Appeal: &Appeal{Status: AppealUpheld, At: at}}, true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, since := c.r.Queued()
			if c.r.Counts() != c.counts || q != c.queue || (q != "" && !since.Equal(at)) {
				t.Fatalf("counts %v queue %q since %s", c.r.Counts(), q, since)
			}
		})
	}
}
