package audit

import (
	"testing"
	"time"
)

func TestCheckWalkPeriod_StampsBetweenAssignmentAndReceipt(t *testing.T) {
	assigned := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	received := time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)
	step := func(start, end time.Time) []TimelineStep {
		return []TimelineStep{{Key: "visit", Channel: ChannelBranch, Start: Stamp{Client: start}, End: Stamp{Client: end}}}
	}
	for _, c := range []struct {
		name     string
		timeline []TimelineStep
		assigned time.Time
		path     string
	}{
		{"walked between the two", step(assigned.Add(time.Hour), assigned.Add(2*time.Hour)), assigned, ""},
		{"within the skew before the assignment", step(assigned.Add(-9*time.Minute), assigned), assigned, ""},
		{"a March 2025 walk of a December 2026 assignment", step(time.Date(2025, 3, 10, 10, 0, 0, 0, time.UTC), time.Date(2025, 3, 10, 10, 30, 0, 0, time.UTC)), assigned, "timeline[0].start.client"},
		{"ends after the server received it", step(received.Add(-time.Hour), received.Add(11*time.Minute)), assigned, "timeline[0].end.client"},
		{"an assignment stored before AssignedAt: only the receipt bounds", step(time.Date(2025, 3, 10, 10, 0, 0, 0, time.UTC), received), time.Time{}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := &Walkthrough{ID: "w1", Timeline: c.timeline}
			err := CheckWalkPeriod(w, c.assigned, received, 10*time.Minute)
			if c.path == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			ps := ProblemsOf(err)
			if !IsCode(err, Invalid) || len(ps) == 0 || ps[0].Path != c.path {
				t.Fatalf("CheckWalkPeriod = %v, want invalid at %s", err, c.path)
			}
		})
	}
}
