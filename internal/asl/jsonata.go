package asl

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"time"
	"touchaudit/internal/asl/jsonvalue"

	"touchaudit/internal/asl/jsonata"
)

// statesVar is $states for a JSONata expression: the state's input, the
// context object, and "result" or "errorOutput" where the state has one.
func (t *thread) statesVar(input any, extra map[string]any) map[string]any {
	m := map[string]any{"input": input, "context": t.contextObject()}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func (t *thread) jsonataEnv(states map[string]any) jsonata.Env {
	return jsonata.Env{States: states, Vars: t.vars.all(), Now: t.now(), Rand: t.ex.e.childRand()}
}

// evalJSONata evaluates a JSONata field (a value whose "{% %}" strings are
// expressions). A failure is States.QueryEvaluationError.
func (t *thread) evalJSONata(state, field string, tpl any, states map[string]any) (any, *StatesError) {
	v, err := jsonata.EvalTemplate(tpl, t.jsonataEnv(states))
	if err != nil {
		return nil, t.queryErr(field, err)
	}
	return v, nil
}

// queryErr is the States.QueryEvaluationError of a JSONata field, recorded
// first as an EvaluationFailed event naming the state and the field, as
// AWS records it.
func (t *thread) queryErr(field string, err error) *StatesError {
	msg := err.Error()
	var je *jsonata.Error
	if errors.As(err, &je) {
		// AWS names a nested place with slashes: "Output/result".
		for _, k := range je.Path {
			field += "/" + k
		}
		expr := je.Expr
		if len(expr) >= 4 {
			expr = expr[2 : len(expr)-2]
		}
		if je.Undefined {
			msg = "The JSONata expression '" + trimSpace(expr) + "' specified for the field '" + field + "' returned nothing (undefined)."
		} else {
			msg = "The JSONata expression '" + trimSpace(expr) + "' specified for the field '" + field + "' threw an error during evaluation. " + je.Err.Error()
		}
	}
	return t.queryFailure(field, msg)
}

func (t *thread) queryFailure(field, msg string) *StatesError {
	e := &StatesError{Name: ErrQueryEvaluation, Cause: t.errorPrefix() + msg}
	state := ""
	if t.state != nil {
		state = t.state.name
	}
	// AWS records the event with previousEventId 0; the failure that
	// follows points at it.
	if id, ok := t.ex.append(HistoryEvent{Type: EventEvaluationFailed, EvaluationFailedEventDetails: &EvaluationFailedDetails{Error: e.Name, Cause: e.Cause, Location: field, State: state}}, 0); ok {
		t.prev = id
	}
	return e
}

func trimSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\n' || s[0] == '\t' || s[0] == '\r') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\n' || s[len(s)-1] == '\t' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}

// arguments is a JSONata state's effective input: Arguments evaluated
// against $states.input, or the input itself.
func (t *thread) arguments(b *StateBase, raw any) (any, *StatesError) {
	if b.Arguments == nil {
		return raw, nil
	}
	v, err := t.evalJSONata(b.Name, "Arguments", b.Arguments.Value, t.statesVar(raw, nil))
	if err != nil {
		return nil, err
	}
	if err := checkSize(b.Name, "input", v); err != nil {
		return nil, err
	}
	return v, nil
}

// finishJSONata computes a JSONata state's output and assigns its
// variables. Output and Assign see the same $states and the variables as
// they were before the state; the output defaults to $states.result, else
// $states.errorOutput, else the input.
func (t *thread) finishJSONata(b *StateBase, input any, extra map[string]any, output, assign *Template) (any, *StatesError) {
	states := t.statesVar(input, extra)
	var vars map[string]any
	if assign != nil {
		v, err := t.evalJSONata(b.Name, "Assign", assign.Value, states)
		if err != nil {
			return nil, err
		}
		o, _ := v.(*jsonvalue.Object)
		vars = members(o)
	}
	out := input
	if r, ok := extra["result"]; ok {
		out = r
	} else if e, ok := extra["errorOutput"]; ok {
		out = e
	}
	if output != nil {
		v, err := t.evalJSONata(b.Name, "Output", output.Value, states)
		if err != nil {
			return nil, err
		}
		out = v
	}
	if err := checkSize(b.Name, "output", out); err != nil {
		return nil, err
	}
	return out, t.assign(vars)
}

// condition evaluates a JSONata choice rule; it must yield a boolean.
func (t *thread) condition(expr string, in any) (bool, *StatesError) {
	v, err := jsonata.Eval(expr, t.jsonataEnv(t.statesVar(in, nil)))
	if err != nil {
		return false, t.queryErr("Condition", err)
	}
	b, ok := v.(bool)
	if !ok {
		return false, t.queryFailure("Condition", "The Condition field must evaluate to a boolean, but the JSONata expression '"+trimSpace(expr[2:len(expr)-2])+"' returned "+compact(v)+".")
	}
	return b, nil
}

// expr evaluates one expression field of a JSONata state.
func (t *thread) expr(field, expr string, in any) (any, *StatesError) {
	v, err := jsonata.Eval(expr, t.jsonataEnv(t.statesVar(in, nil)))
	if err != nil {
		return nil, t.queryErr(field, err)
	}
	return v, nil
}

// integerExpr evaluates a field that must yield a whole number in
// [lo, hi].
func (t *thread) integerExpr(field, expr string, in any, lo, hi int64) (int64, *StatesError) {
	v, err := t.expr(field, expr, in)
	if err != nil {
		return 0, err
	}
	n, ok := v.(json.Number)
	f, ferr := n.Float64()
	if !ok || ferr != nil || f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
		return 0, t.queryFailure(field, "The "+field+" field must evaluate to an integer between "+strconv.FormatInt(lo, 10)+" and "+strconv.FormatInt(hi, 10)+", but was "+compact(v)+".")
	}
	return int64(f), nil
}

// secondsExpr is a Task's TimeoutSeconds or HeartbeatSeconds expression.
func (t *thread) secondsExpr(field, expr string, raw any) (int64, *StatesError) {
	return t.integerExpr(field, expr, raw, 1, maxTimeoutSeconds)
}

// maxConcurrencyExpr is a Map's MaxConcurrency expression.
func (t *thread) maxConcurrencyExpr(expr string, in any) (int, *StatesError) {
	n, err := t.integerExpr("MaxConcurrency", expr, in, 0, math.MaxInt32)
	return int(n), err
}

// untilJSONata is the end of a JSONata Wait whose Seconds or Timestamp is
// an expression.
func (s *WaitState) untilJSONata(t *thread, in any, now time.Time) (time.Time, *StatesError) {
	if e := s.exprs["Seconds"]; e != "" {
		n, err := t.integerExpr("Seconds", e, in, 0, maxTimeoutSeconds)
		if err != nil {
			return now, err
		}
		return now.Add(time.Duration(n) * time.Second), nil
	}
	v, err := t.expr("Timestamp", s.exprs["Timestamp"], in)
	if err != nil {
		return now, err
	}
	str, _ := v.(string)
	ts, ok := parseTimestamp(str)
	if !ok {
		return now, t.queryFailure("Timestamp", "The Timestamp field must evaluate to an ISO-8601 extended offset date-time string, but was "+compact(v)+".")
	}
	return ts, nil
}

// mapItems is a JSONata Map's items: Items (a JSON array, or an
// expression that yields one), by default the state input.
func (t *thread) mapItems(b *StateBase, raw any) (any, *StatesError) {
	if b.Items == nil {
		if _, ok := raw.([]any); !ok {
			return nil, t.queryFailure("Items", "The Items field must evaluate to a JSON array, but the state input is "+jsonKind(raw)+".")
		}
		return raw, nil
	}
	v, err := t.evalJSONata(b.Name, "Items", b.Items.Value, t.statesVar(raw, nil))
	if err != nil {
		return nil, err
	}
	if _, ok := v.([]any); !ok {
		return nil, t.queryFailure("Items", "The Items field must evaluate to a JSON array, but was "+jsonKind(v)+".")
	}
	return v, nil
}

// runJSONata fails a JSONata Fail state: Error and Cause are strings or
// expressions that must yield strings.
func (s *FailState) runJSONata(t *thread, raw any) *StatesError {
	e := &StatesError{Name: s.Error, Cause: s.Cause}
	for _, d := range []struct {
		field string
		dst   *string
	}{{"Error", &e.Name}, {"Cause", &e.Cause}} {
		expr := s.exprs[d.field]
		if expr == "" {
			continue
		}
		v, err := t.expr(d.field, expr, raw)
		if err != nil {
			return err
		}
		str, ok := v.(string)
		if !ok {
			return t.queryFailure(d.field, "The "+d.field+" field must evaluate to a string, but was "+jsonKind(v)+".")
		}
		*d.dst = str
	}
	return e
}

// withTolerance is the Map state with its ToleratedFailureCount and
// ToleratedFailurePercentage expressions evaluated for this run.
func (s *MapState) withTolerance(t *thread, in any) (*MapState, *StatesError) {
	count, pct := s.exprs["ToleratedFailureCount"], s.exprs["ToleratedFailurePercentage"]
	if count == "" && pct == "" {
		return s, nil
	}
	c := *s
	if count != "" {
		n, err := t.integerExpr("ToleratedFailureCount", count, in, 0, math.MaxInt32)
		if err != nil {
			return nil, err
		}
		c.ToleratedFailureCount, c.tolerance = n, true
	}
	if pct != "" {
		v, err := t.expr("ToleratedFailurePercentage", pct, in)
		if err != nil {
			return nil, err
		}
		n, _ := v.(json.Number)
		x, ferr := n.Float64()
		if ferr != nil || x < 0 || x > 100 {
			return nil, t.queryFailure("ToleratedFailurePercentage", "The ToleratedFailurePercentage field must evaluate to a number between 0 and 100, but was "+compact(v)+".")
		}
		c.ToleratedFailurePercentage, c.tolerance = x, true
	}
	return &c, nil
}

// evalItemSelector is a Map's ItemSelector for the item t holds: JSONata
// expressions see $states.input (the Map's input) and
// $states.context.Map.Item; JSONPath keys ending ".$" select as usual.
func (t *thread) evalItemSelector(s *MapState, in any) (any, *StatesError) {
	if s.JSONata {
		return t.evalJSONata(s.Name, "ItemSelector", s.ItemSelector.Value, t.statesVar(in, nil))
	}
	return t.evalTemplate(s.Name, "ItemSelector", s.ItemSelector.Value, in)
}
