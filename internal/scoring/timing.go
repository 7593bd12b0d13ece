package scoring

import (
	"time"

	"touchaudit/internal/audit"
)

// MaxTaskDuration bounds every step and the whole task, end to end
// (audit.CheckWalk applies it).
const MaxTaskDuration = audit.MaxTaskDuration

// measureTimeline fills steps with each step's active time and returns the
// end-to-end time (from the first step's start to the last step's end,
// across channels and days, pauses excluded). The timeline must have passed
// audit.CheckWalk. Durations are measured with the device (client) stamps: a
// device clock measures intervals well even when it is off.
func measureTimeline(tl []audit.TimelineStep, steps []audit.StepDuration) time.Duration {
	var paused time.Duration
	first, last := tl[0].Start.Client, tl[0].End.Client
	for i := range tl {
		s := &tl[i]
		st, en := s.Start.Client, s.End.Client
		var p time.Duration
		for k := range s.Pauses {
			p += s.Pauses[k].End.Client.Sub(s.Pauses[k].Start.Client)
		}
		steps[i] = audit.StepDuration{Key: s.Key, Channel: s.Channel, Active: audit.Duration(en.Sub(st) - p), Paused: audit.Duration(p)}
		paused += p
		if st.Before(first) {
			first = st
		}
		if en.After(last) {
			last = en
		}
	}
	return last.Sub(first) - paused
}

// window measures a timing criterion on measured steps. With spec.Step it is
// the summed active time of the steps with that key; otherwise it runs from
// the start of the first step keyed From (default: the first step) to the
// end of the last step keyed To (default: the last step), pauses of the steps
// in between excluded. ok is false when the steps are not in the timeline.
func window(tl []audit.TimelineStep, steps []audit.StepDuration, spec *audit.TimingSpec) (d time.Duration, ok bool) {
	if spec.Step != "" {
		for i := range steps {
			if steps[i].Key == spec.Step {
				d += time.Duration(steps[i].Active)
				ok = true
			}
		}
		return d, ok
	}
	from, to := 0, len(tl)-1
	if spec.From != "" {
		from = -1
		for i := range tl {
			if tl[i].Key == spec.From {
				from = i
				break
			}
		}
	}
	if spec.To != "" {
		to = -1
		for i := len(tl) - 1; i >= 0; i-- {
			if tl[i].Key == spec.To {
				to = i
				break
			}
		}
	}
	if from < 0 || to < 0 || to < from {
		return 0, false
	}
	d = tl[to].End.Client.Sub(tl[from].Start.Client)
	for i := from; i <= to; i++ {
		d -= time.Duration(steps[i].Paused)
	}
	if d < 0 {
		return 0, false
	}
	return d, true
}

// channelSwitches counts changes of channel along the timeline, the effort
// measure the timeline itself records.
func channelSwitches(tl []audit.TimelineStep) int {
	n := 0
	for i := 1; i < len(tl); i++ {
		if tl[i].Channel != tl[i-1].Channel {
			n++
		}
	}
	return n
}

func stamp(t time.Time) string { return t.Format(time.RFC3339) }
