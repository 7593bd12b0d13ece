package asl

import (
	"encoding/json"
	"strconv"
	"time"
)

// maxWaitDelay is the longest delay AWS accepts at run time: a Wait that
// would end more than 2^31 seconds ahead fails with States.Runtime "Wait
// state delay is too long." (issue 15, as AWS answers it).
const maxWaitDelay = (1 << 31) * time.Second

// WaitState delays the execution for a duration or until a timestamp.
type WaitState struct {
	StateBase
	Seconds       int64
	HasSeconds    bool
	Timestamp     time.Time
	HasTimestamp  bool
	SecondsPath   OptionalPath
	TimestampPath OptionalPath
}

func (p *parser) wait(f fields) *WaitState {
	f.unknown(allowed("Next", "End", "InputPath", "OutputPath", "Seconds", "Timestamp", "SecondsPath", "TimestampPath"), "Wait")
	s := &WaitState{}
	f.transition(&s.StateBase)
	f.io(&s.StateBase, false)
	n := 0
	for _, k := range []string{"Seconds", "Timestamp", "SecondsPath", "TimestampPath"} {
		if f.has(k) {
			n++
		}
	}
	if n != 1 {
		f.bad("Seconds", "a Wait state needs exactly one of \"Seconds\", \"Timestamp\", \"SecondsPath\" or \"TimestampPath\", found %d", n)
	}
	s.Seconds, s.HasSeconds = f.integer("Seconds", 0, maxTimeoutSeconds)
	if f.has("Timestamp") {
		ts := f.str("Timestamp", false)
		if t, ok := parseTimestamp(ts); ok {
			s.Timestamp, s.HasTimestamp = t, true
		} else if ts != "" {
			f.bad("Timestamp", "%q is not an RFC 3339 timestamp", ts)
		}
	}
	s.SecondsPath = f.path("SecondsPath", variablePath, false)
	s.TimestampPath = f.path("TimestampPath", variablePath, false)
	return s
}

// parseTimestamp accepts the RFC 3339 profile the States Language uses:
// an uppercase T separator and an uppercase Z or a numeric offset.
func parseTimestamp(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// until returns when the wait ends.
func (s *WaitState) until(t *thread, in any, now time.Time) (time.Time, *StatesError) {
	if s.JSONata && (s.exprs["Seconds"] != "" || s.exprs["Timestamp"] != "") {
		return s.untilJSONata(t, in, now)
	}
	switch {
	case s.HasSeconds:
		return now.Add(time.Duration(s.Seconds) * time.Second), nil
	case s.HasTimestamp:
		return s.Timestamp, nil
	case s.SecondsPath.Set:
		// Causes as LocalStack words them after AWS (state_wait/wait_function).
		v, err := t.lookup(s.SecondsPath.Path, in)
		if err != nil {
			return now, t.runtimeErr("The SecondsPath parameter does not reference an input value: %s", s.SecondsPath.Path)
		}
		n, ok := v.(json.Number)
		i, perr := strconv.ParseInt(string(n), 10, 64)
		switch {
		case !ok || perr != nil:
			return now, t.runtimeErr("The SecondsPath parameter cannot be parsed as a long value: %s == %s", s.SecondsPath.Path, plainText(v))
		case i < 0:
			return now, t.runtimeErr("The SecondsPath parameter references a negative value: %s == %d", s.SecondsPath.Path, i)
		case i > maxTimeoutSeconds:
			i = maxTimeoutSeconds
		}
		return now.Add(time.Duration(i) * time.Second), nil
	default:
		v, err := t.lookup(s.TimestampPath.Path, in)
		if err != nil {
			return now, t.pathErr(s.TimestampPath.Path, err)
		}
		str, _ := v.(string)
		ts, ok := parseTimestamp(str)
		if !ok {
			return now, t.runtimeErr("The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: %s == %s", s.TimestampPath.Path, plainText(v))
		}
		return ts, nil
	}
}

// plainText is a value as an error cause shows it: a string without
// quotes, anything else as JSON.
func plainText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return compact(v)
}

// run waits on the engine clock (virtual or real), then applies OutputPath.
func (s *WaitState) run(t *thread, raw any) (any, *StatesError) {
	in, err := t.effectiveInput(&s.StateBase, raw)
	if err != nil {
		return nil, err
	}
	var end time.Time
	if r := t.resume; r != nil && r.WaitUntil != nil {
		end = *r.WaitUntil // the deadline the wait had before a restart
	} else {
		if end, err = s.until(t, in, t.now()); err != nil {
			return nil, err
		}
		t.checkpoint(func(m *mark) { m.WaitUntil = &end })
	}
	if end.Sub(t.now()) > maxWaitDelay {
		return nil, t.runtimeErr("Wait state delay is too long.")
	}
	if d := end.Sub(t.now()); d > 0 {
		if err := t.sleep(d); err != nil {
			return nil, err
		}
	}
	return t.stateOutput(&s.StateBase, in)
}
