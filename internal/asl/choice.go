package asl

import (
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"touchaudit/internal/asl/jsonvalue"

	"touchaudit/internal/asl/jsonpath"
)

// ChoiceState picks the Next state of the first rule that matches.
type ChoiceState struct {
	StateBase
	Choices []*ChoiceRule
	Default string
}

// ChoiceRule is a top-level choice rule (with Next) or a nested one.
type ChoiceRule struct {
	Next string

	// A boolean combination: exactly one of And, Or, Not.
	And []*ChoiceRule
	Or  []*ChoiceRule
	Not *ChoiceRule

	// A comparison.
	Variable  *jsonpath.Path
	Operator  string         // e.g. "NumericLessThan", "StringEqualsPath", "IsPresent"
	Value     any            // the literal operand
	ValuePath *jsonpath.Path // the operand of a *Path operator

	// A JSONata rule: its Condition expression, and Output; Assign in
	// both languages (querylanguage.go).
	Condition string
	Output    *Template
	Assign    *Template
}

// comparison operators and the JSON type of their literal operand.
var choiceOperators = map[string]string{
	"StringEquals": "string", "StringLessThan": "string", "StringGreaterThan": "string",
	"StringLessThanEquals": "string", "StringGreaterThanEquals": "string", "StringMatches": "string",
	"NumericEquals": "number", "NumericLessThan": "number", "NumericGreaterThan": "number",
	"NumericLessThanEquals": "number", "NumericGreaterThanEquals": "number",
	"BooleanEquals":   "boolean",
	"TimestampEquals": "timestamp", "TimestampLessThan": "timestamp", "TimestampGreaterThan": "timestamp",
	"TimestampLessThanEquals": "timestamp", "TimestampGreaterThanEquals": "timestamp",
	"IsNull": "boolean", "IsPresent": "boolean", "IsNumeric": "boolean", "IsString": "boolean",
	"IsBoolean": "boolean", "IsTimestamp": "boolean",
}

// pathOperators are the *Path variants, whose operand is a path.
var pathOperators = func() map[string]bool {
	m := map[string]bool{}
	for op := range choiceOperators {
		if strings.HasPrefix(op, "String") || strings.HasPrefix(op, "Numeric") || strings.HasPrefix(op, "Boolean") || strings.HasPrefix(op, "Timestamp") {
			if op != "StringMatches" {
				m[op+"Path"] = true
			}
		}
	}
	return m
}()

func (p *parser) choice(f fields) *ChoiceState {
	f.unknown(allowed("Choices", "Default", "InputPath", "OutputPath"), "Choice")
	s := &ChoiceState{}
	f.io(&s.StateBase, false)
	s.Default = f.str("Default", false)
	v, ok := f.obj.Get("Choices")
	if !ok {
		f.bad("Choices", "is required in a Choice state")
		return s
	}
	arr, ok := v.([]any)
	if !ok || len(arr) == 0 {
		f.bad("Choices", "must be a non-empty array of choice rules")
		return s
	}
	for i, e := range arr {
		if r := f.choiceRule(fmt.Sprintf("Choices[%d]", i), e, true, 0); r != nil {
			s.Choices = append(s.Choices, r)
		}
	}
	return s
}

func (f fields) choiceRule(at string, v any, top bool, depth int) *ChoiceRule {
	o, ok := v.(*jsonvalue.Object)
	if !ok {
		f.bad(at, "a choice rule must be an object, not %s", jsonKind(v))
		return nil
	}
	if depth > maxBranchesDepth {
		f.bad(at, "choice rules are nested too deeply")
		return nil
	}
	if f.p.jsonata {
		return f.jsonataRule(at, o, top)
	}
	rf := f.sub(at, o)
	r := &ChoiceRule{}
	if v, ok := o.Get("Assign"); ok {
		if top {
			r.Assign = rf.assignField("Assign", v, false)
		} else {
			rf.bad("Assign", "is only allowed in a top-level choice rule")
		}
	}
	if top {
		r.Next = rf.str("Next", true)
	} else if rf.has("Next") {
		rf.bad("Next", "is only allowed in a top-level choice rule")
	}
	var ops []string
	for _, k := range slices.Sorted(slices.Values(o.Keys())) {
		switch {
		case k == "Next" || k == "Comment" || k == "Variable" || k == "Assign":
		case k == "And" || k == "Or" || k == "Not":
			ops = append(ops, k)
		case choiceOperators[k] != "" || pathOperators[k]:
			ops = append(ops, k)
		default:
			rf.bad(k, "is not a choice rule field or comparison operator")
		}
	}
	if len(ops) != 1 {
		found := "none"
		if len(ops) > 0 {
			found = strings.Join(ops, ", ")
		}
		rf.bad("Variable", "a choice rule needs exactly one comparison operator or And/Or/Not, found %s", found)
		return r
	}
	op := ops[0]
	switch op {
	case "And", "Or":
		if rf.has("Variable") {
			rf.bad("Variable", "cannot be used with %q", op)
		}
		arr, ok := o.Value(op).([]any)
		if !ok || len(arr) == 0 {
			rf.bad(op, "must be a non-empty array of choice rules")
			return r
		}
		for i, e := range arr {
			if c := rf.choiceRule(fmt.Sprintf("%s[%d]", op, i), e, false, depth+1); c != nil {
				if op == "And" {
					r.And = append(r.And, c)
				} else {
					r.Or = append(r.Or, c)
				}
			}
		}
		return r
	case "Not":
		if rf.has("Variable") {
			rf.bad("Variable", "cannot be used with \"Not\"")
		}
		r.Not = rf.choiceRule("Not", o.Value("Not"), false, depth+1)
		return r
	}
	r.Operator = op
	vp := rf.path("Variable", variablePath, false)
	if !vp.Set {
		if !rf.has("Variable") {
			rf.bad("Variable", "is required with %q", op)
		}
		return r
	}
	r.Variable = vp.Path
	if pathOperators[op] {
		s, ok := o.Value(op).(string)
		if !ok {
			rf.bad(op, "must be a path string, not %s", jsonKind(o.Value(op)))
			return r
		}
		r.ValuePath = rf.checkPath(op, s, variablePath)
		if r.ValuePath == nil {
			return r
		}
		return r
	}
	val := o.Value(op)
	switch choiceOperators[op] {
	case "string":
		if _, ok := val.(string); !ok {
			rf.bad(op, "must be a string, not %s", jsonKind(val))
			return r
		}
	case "number":
		if _, ok := val.(json.Number); !ok {
			rf.bad(op, "must be a number, not %s", jsonKind(val))
			return r
		}
	case "boolean":
		if _, ok := val.(bool); !ok {
			rf.bad(op, "must be a boolean, not %s", jsonKind(val))
			return r
		}
	case "timestamp":
		s, _ := val.(string)
		if _, ok := parseTimestamp(s); !ok {
			rf.bad(op, "must be an RFC 3339 timestamp string, not %s", compact(val))
			return r
		}
	}
	r.Value = val
	return r
}

// run evaluates the rules in order; no match and no Default fails the
// execution with States.NoChoiceMatched, the error the States Language
// defines for it ("A Choice state failed to find a match for the condition
// field extracted from its input"); a Choice state has no Catch.
func (s *ChoiceState) run(t *thread, raw any) (any, string, *StatesError) {
	in, err := t.effectiveInput(&s.StateBase, raw)
	if err != nil {
		return nil, "", err
	}
	for _, r := range s.Choices {
		ok, err := r.eval(t, s.Name, in)
		if err != nil {
			return nil, "", err
		}
		if ok {
			out, err := t.choiceOutput(s, r, in)
			return out, r.Next, err
		}
	}
	if s.Default != "" {
		out, err := t.choiceOutput(s, nil, in)
		return out, s.Default, err
	}
	return nil, "", &StatesError{Name: ErrNoChoiceMatched, Cause: t.errorPrefix() + "No Choice rule matched and the state has no Default."}
}

func (r *ChoiceRule) eval(t *thread, state string, in any) (bool, *StatesError) {
	switch {
	case r.Condition != "":
		return t.condition(r.Condition, in)
	case r.And != nil:
		for _, c := range r.And {
			ok, err := c.eval(t, state, in)
			if err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case r.Or != nil:
		for _, c := range r.Or {
			ok, err := c.eval(t, state, in)
			if err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case r.Not != nil:
		ok, err := r.Not.eval(t, state, in)
		return !ok, err
	}
	v, lerr := t.lookup(r.Variable, in)
	if r.Operator == "IsPresent" {
		return (lerr == nil) == r.Value.(bool), nil
	}
	if lerr != nil {
		return false, t.runtimeErr("Invalid path '%s': The choice state's condition path references an invalid value.", r.Variable)
	}
	switch r.Operator {
	case "IsNull":
		return (v == nil) == r.Value.(bool), nil
	case "IsNumeric":
		_, ok := v.(json.Number)
		return ok == r.Value.(bool), nil
	case "IsString":
		_, ok := v.(string)
		return ok == r.Value.(bool), nil
	case "IsBoolean":
		_, ok := v.(bool)
		return ok == r.Value.(bool), nil
	case "IsTimestamp":
		s, ok := v.(string)
		if ok {
			_, ok = parseTimestamp(s)
		}
		return ok == r.Value.(bool), nil
	}
	op, operand := r.Operator, r.Value
	if r.ValuePath != nil {
		op = strings.TrimSuffix(op, "Path")
		o, err := t.lookup(r.ValuePath, in)
		if err != nil {
			return false, t.runtimeErr("Invalid path '%s': The choice state's condition path references an invalid value.", r.ValuePath)
		}
		operand = o
	}
	return compare(op, v, operand), nil
}

// compare applies a comparison operator. Operands of the wrong type make
// the comparison false, as in Step Functions.
func compare(op string, v, operand any) bool {
	switch {
	case op == "StringMatches":
		s, ok1 := v.(string)
		pat, ok2 := operand.(string)
		return ok1 && ok2 && wildcardMatch(pat, s)
	case strings.HasPrefix(op, "String"):
		a, ok1 := v.(string)
		b, ok2 := operand.(string)
		return ok1 && ok2 && ordered(op[len("String"):], strings.Compare(a, b))
	case strings.HasPrefix(op, "Numeric"):
		a, ok1 := toRat(v)
		b, ok2 := toRat(operand)
		return ok1 && ok2 && ordered(op[len("Numeric"):], a.Cmp(b))
	case op == "BooleanEquals":
		a, ok1 := v.(bool)
		b, ok2 := operand.(bool)
		return ok1 && ok2 && a == b
	case strings.HasPrefix(op, "Timestamp"):
		as, _ := v.(string)
		bs, _ := operand.(string)
		a, ok1 := parseTimestamp(as)
		b, ok2 := parseTimestamp(bs)
		return ok1 && ok2 && ordered(op[len("Timestamp"):], a.Compare(b))
	}
	return false
}

func ordered(rel string, c int) bool {
	switch rel {
	case "Equals":
		return c == 0
	case "LessThan":
		return c < 0
	case "GreaterThan":
		return c > 0
	case "LessThanEquals":
		return c <= 0
	case "GreaterThanEquals":
		return c >= 0
	}
	return false
}

func toRat(v any) (*big.Rat, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(string(n))
	return r, ok
}

// wildcardMatch implements StringMatches: "*" matches any run of
// characters; "\*" and "\\" are a literal star and backslash.
func wildcardMatch(pattern, s string) bool {
	type tok struct {
		star bool
		r    rune
	}
	var toks []tok
	rs := []rune(pattern)
	for i := 0; i < len(rs); i++ {
		switch {
		case rs[i] == '\\' && i+1 < len(rs):
			i++
			toks = append(toks, tok{r: rs[i]})
		case rs[i] == '*':
			toks = append(toks, tok{star: true})
		default:
			toks = append(toks, tok{r: rs[i]})
		}
	}
	str := []rune(s)
	// Iterative matching with backtracking to the last star.
	ti, si, starTok, starStr := 0, 0, -1, 0
	for si < len(str) {
		switch {
		case ti < len(toks) && !toks[ti].star && toks[ti].r == str[si]:
			ti++
			si++
		case ti < len(toks) && toks[ti].star:
			starTok, starStr = ti, si
			ti++
		case starTok >= 0:
			starStr++
			ti, si = starTok+1, starStr
		default:
			return false
		}
	}
	for ti < len(toks) && toks[ti].star {
		ti++
	}
	return ti == len(toks)
}
