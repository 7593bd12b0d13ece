package scoring

import (
	"fmt"
	"time"

	"touchaudit/internal/audit"
)

// MaxTaskDuration bounds every step and the whole task, end to end. Longer
// customer tasks (issue #4: "a duration over 90 days" is an error) are
// recording mistakes, such as a wrong year on a phone.
const MaxTaskDuration = 90 * audit.Day

// measureTimeline checks the walkthrough's timeline and fills steps with
// each step's active time. Durations are measured with the device (client)
// stamps: a device clock measures intervals well even when it is off. Server
// stamps are used only to detect skew: a client stamp further than maxSkew
// from the server's receipt time is an error. A zero server stamp (not yet
// received) is not checked.
//
// It returns the end-to-end time (from the first step's start to the last
// step's end, across channels and days, pauses excluded) and the problems
// found, each with its field path.
func measureTimeline(tl []audit.TimelineStep, maxSkew time.Duration, steps []audit.StepDuration) (time.Duration, []audit.Problem) {
	var probs []audit.Problem
	add := func(path, format string, args ...any) {
		probs = append(probs, audit.Problem{Path: path, Reason: fmt.Sprintf(format, args...)})
	}
	skew := func(s audit.Stamp, path string) {
		if maxSkew <= 0 || s.Server.IsZero() || s.Client.IsZero() {
			return
		}
		d := s.Client.Sub(s.Server)
		if d < 0 {
			d = -d
		}
		if d > maxSkew {
			add(path, "clock skew: the device stamp %s is %s from the server's receipt %s, beyond the %s bound",
				stamp(s.Client), d, stamp(s.Server), audit.Duration(maxSkew))
		}
	}
	var paused time.Duration
	first, last := tl[0].Start.Client, tl[0].End.Client
	for i := range tl {
		s := &tl[i]
		st, en := s.Start.Client, s.End.Client
		bad := false
		if en.Before(st) {
			add(stepPath(i, "end.client"), "ends at %s, before the step starts at %s", stamp(en), stamp(st))
			bad = true
		} else if en.Sub(st) > MaxTaskDuration {
			add(stepPath(i, "end.client"), "the step lasts %s, over the %s bound", days(en.Sub(st)), audit.Duration(MaxTaskDuration))
			bad = true
		}
		if i > 0 && st.Before(tl[i-1].Start.Client) {
			add(stepPath(i, "start.client"), "steps out of order: starts at %s, before step %d (%q) started at %s",
				stamp(st), i-1, tl[i-1].Key, stamp(tl[i-1].Start.Client))
		}
		skew(s.Start, stepPath(i, "start.client"))
		skew(s.End, stepPath(i, "end.client"))
		var p time.Duration
		prevEnd := st
		for k := range s.Pauses {
			ps, pe := s.Pauses[k].Start.Client, s.Pauses[k].End.Client
			path := fmt.Sprintf("timeline[%d].pauses[%d]", i, k)
			switch {
			case pe.Before(ps):
				add(path+".end.client", "resumes at %s, before the pause starts at %s", stamp(pe), stamp(ps))
				bad = true
			case ps.Before(prevEnd):
				if k == 0 {
					add(path+".start.client", "the pause starts at %s, before its step starts at %s", stamp(ps), stamp(st))
				} else {
					add(path+".start.client", "pauses out of order: starts at %s, before the previous pause ends at %s", stamp(ps), stamp(prevEnd))
				}
				bad = true
			case pe.After(en):
				add(path+".end.client", "the pause ends at %s, after its step ends at %s", stamp(pe), stamp(en))
				bad = true
			default:
				p += pe.Sub(ps)
				prevEnd = pe
			}
			skew(s.Pauses[k].Start, path+".start.client")
			skew(s.Pauses[k].End, path+".end.client")
		}
		if !bad {
			steps[i] = audit.StepDuration{Key: s.Key, Channel: s.Channel, Active: audit.Duration(en.Sub(st) - p), Paused: audit.Duration(p)}
		} else {
			steps[i] = audit.StepDuration{Key: s.Key, Channel: s.Channel}
		}
		paused += p
		if st.Before(first) {
			first = st
		}
		if en.After(last) {
			last = en
		}
	}
	span := last.Sub(first)
	if len(probs) == 0 && span > MaxTaskDuration {
		add(stepPath(len(tl)-1, "end.client"), "the task spans %s from its first step, over the %s bound", days(span), audit.Duration(MaxTaskDuration))
	}
	return span - paused, probs
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

func stepPath(i int, field string) string { return fmt.Sprintf("timeline[%d].%s", i, field) }

func stamp(t time.Time) string { return t.Format(time.RFC3339) }

// days writes a long duration with whole days first: "90d0h0m1s" reads
// better than "2160h0m1s".
func days(d time.Duration) string {
	if d < audit.Day || d%audit.Day == 0 {
		return audit.Duration(d).String()
	}
	return fmt.Sprintf("%dd%s", d/audit.Day, d%audit.Day)
}
