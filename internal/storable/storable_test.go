package storable_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/storable"
)

func TestCheck_NamesTheFieldThatCannotBeReadBack(t *testing.T) {
	far := time.Date(10026, 3, 2, 9, 0, 0, 0, time.UTC)
	ok := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name     string
		v        any
		path     string
		reasonIn string
	}{
		{"year 10026 in a nested slice", audit.Walkthrough{ID: "w1", Timeline: []audit.TimelineStep{{Key: "k", Start: audit.Stamp{Client: ok, Server: far}}}},
			"timeline[0].start.server", "year 10026 is outside 0001-9999"},
		{"year 0", audit.Assignment{ID: "a1", Due: time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)}, "due", "year 0 is outside 0001-9999"},
		{"in range locally, year 10000 in UTC", audit.Assignment{ID: "a1", Due: time.Date(9999, 12, 31, 23, 0, 0, 0, time.FixedZone("-02", -2*3600))},
			"due", "year 10000 is outside"},
		{"a pointer to a time", audit.Assignment{ID: "a1", Due: ok, StartedAt: &far}, "startedAt", "year 10026"},
		{"a NaN in a map", audit.Review{ID: "r1", FixCosts: map[string]float64{"people": math.NaN()}}, "fixCosts.people", "NaN is not a number"},
		{"a date that would not parse", audit.StandardSet{Version: "v1", EffectiveFrom: audit.DateOf(far)}, "effectiveFrom", "would not read back"},
		{"a submission's receipt time", audit.Submission{ID: "s1", At: far}, "at", "year 10026"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := storable.Check("thing", c.v)
			if !audit.IsCode(err, audit.Invalid) {
				t.Fatalf("Check = %v, want invalid", err)
			}
			probs := audit.ProblemsOf(err)
			if len(probs) != 1 || probs[0].Path != c.path || !strings.Contains(probs[0].Reason, c.reasonIn) {
				t.Fatalf("problems %v, want one at %q containing %q", probs, c.path, c.reasonIn)
			}
			if !strings.Contains(err.Error(), "cannot store thing") {
				t.Fatalf("message %q does not name the value", err)
			}
		})
	}
}

func TestCheck_AcceptsTheEdgesOfTheRange(t *testing.T) {
	first := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
	a := audit.Assignment{ID: "a1", Due: last, UpdatedAt: first, StartedAt: nil}
	if err := storable.Check("assignment", a); err != nil {
		t.Fatalf("Check(years 1 and 9999) = %v, want nil", err)
	}
	if err := storable.Check("zero walkthrough", audit.Walkthrough{}); err != nil {
		t.Fatalf("Check(zero value) = %v, want nil", err)
	}
}
