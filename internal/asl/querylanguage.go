package asl

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"touchaudit/internal/asl/jsonvalue"

	"touchaudit/internal/asl/jsonata"
)

// Query languages (developer guide, "QueryLanguage"): a state machine's
// top-level field sets the default for its states; a state may set its
// own, but a state machine whose top-level QueryLanguage is JSONata can
// have no JSONPath state.
const (
	langJSONPath = "JSONPath"
	langJSONata  = "JSONata"
)

// jsonPathOnlyFields cannot be used in a JSONata state ("After selecting
// JSONata, your workflow fields will be reduced from five JSONPath fields
// (InputPath, Parameters, ResultSelector, ResultPath, and OutputPath) to
// only two fields: Arguments and Output", developer guide, "Transforming
// data with JSONata"); nor can the *Path variants of other fields.
var jsonPathOnlyFields = []string{"InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "Result",
	"ItemsPath", "MaxConcurrencyPath", "TimeoutSecondsPath", "HeartbeatSecondsPath", "SecondsPath", "TimestampPath",
	"ErrorPath", "CausePath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath"}

// jsonataOnlyFields are the fields only a JSONata state has.
var jsonataOnlyFields = []string{"Arguments", "Output", "Items"}

// expressionFields are the fields of each state type that a JSONata state
// may give as a "{% %}" expression instead of a literal.
var expressionFields = map[string][]string{
	"Wait": {"Seconds", "Timestamp"},
	"Task": {"TimeoutSeconds", "HeartbeatSeconds"},
	"Map":  {"MaxConcurrency", "ToleratedFailureCount", "ToleratedFailurePercentage"},
	"Fail": {"Error", "Cause"},
}

// variableName is what a workflow variable may be called (developer
// guide, "Passing data between states with variables": names start with
// a letter or underscore, then letters, digits and underscores).
var variableName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// machineLanguage reads the QueryLanguage of a state machine, Parallel
// branch or Map processor and makes it the default of its states; the
// returned function restores the enclosing default.
func (p *parser) machineLanguage(f fields, top bool) func() {
	prevLang, prevTop := p.lang, p.top
	if top || p.lang == "" {
		p.lang, p.top = langJSONPath, langJSONPath
	}
	if f.has("QueryLanguage") {
		switch ql := f.str("QueryLanguage", false); ql {
		case langJSONPath, langJSONata:
			if ql == langJSONPath && p.top == langJSONata {
				f.bad("QueryLanguage", "cannot be \"JSONPath\" when the state machine's top-level QueryLanguage is \"JSONata\"")
				break
			}
			p.lang = ql
			if top {
				p.top = ql
			}
		default:
			f.bad("QueryLanguage", "must be \"JSONPath\" or \"JSONata\", not %q", ql)
		}
	}
	return func() { p.lang, p.top = prevLang, prevTop }
}

// stateLang is what stateLanguage took out of a state for the query
// language and variables; apply puts it into the parsed state.
type stateLang struct {
	jsonata                          bool
	arguments, output, items, assign *Template
	exprs                            map[string]string
}

func (l stateLang) apply(b *StateBase) {
	b.JSONata = l.jsonata
	b.Arguments, b.Output, b.Items, b.Assign = l.arguments, l.output, l.items, l.assign
	b.exprs = l.exprs
}

// stateLanguage decides a state's query language and takes out of a copy
// of its fields the ones the type parsers do not know: Assign (both
// languages), and for JSONata Arguments, Output, Items and the fields
// given as expressions. It rejects the fields of the other language.
func (p *parser) stateLanguage(f fields, typ string) (fields, stateLang) {
	ql := p.lang
	if ql == "" {
		ql = langJSONPath
	}
	if f.has("QueryLanguage") {
		switch v := f.str("QueryLanguage", false); v {
		case langJSONPath, langJSONata:
			if v == langJSONPath && p.top == langJSONata {
				f.bad("QueryLanguage", "cannot be \"JSONPath\" when the state machine's top-level QueryLanguage is \"JSONata\"")
			}
			ql = v
		default:
			f.bad("QueryLanguage", "must be \"JSONPath\" or \"JSONata\", not %q", v)
		}
	}
	l := stateLang{jsonata: ql == langJSONata}
	obj := f.obj.Clone()
	nf := f
	nf.obj = obj
	take := func(k string) (any, bool) {
		v, ok := obj.Get(k)
		obj.Delete(k)
		return v, ok
	}
	if v, ok := take("Assign"); ok {
		if typ == "Succeed" || typ == "Fail" {
			f.bad("Assign", "is not allowed in a %s state", typ)
		} else {
			l.assign = f.assignField("Assign", v, l.jsonata)
			if l.jsonata {
				f.statesFields("Assign", v, hasResult(typ), false)
			}
		}
	}
	if !l.jsonata {
		for _, k := range jsonataOnlyFields {
			if _, ok := take(k); ok {
				f.bad(k, "is only supported when QueryLanguage is \"JSONata\"")
			}
		}
		return nf, l
	}
	for _, k := range jsonPathOnlyFields {
		if _, ok := take(k); ok {
			f.bad(k, "is not supported when QueryLanguage is \"JSONata\" (use Arguments and Output)")
		}
	}
	if v, ok := take("Arguments"); ok {
		if typ == "Task" || typ == "Parallel" {
			l.arguments = f.jsonataTemplate("Arguments", v)
			f.statesFields("Arguments", v, false, false)
		} else {
			f.bad("Arguments", "is not allowed in a %s state", typ)
		}
	}
	if v, ok := take("Output"); ok {
		if typ == "Fail" {
			f.bad("Output", "is not allowed in a Fail state")
		} else {
			l.output = f.jsonataTemplate("Output", v)
			f.statesFields("Output", v, hasResult(typ), false)
		}
	}
	if v, ok := take("Items"); ok {
		if typ != "Map" {
			f.bad("Items", "is not allowed in a %s state", typ)
		} else if s, isStr := v.(string); isStr && !jsonata.IsExpr(s) || !isStr && jsonKind(v) != "an array" {
			f.bad("Items", "must be a JSON array or a JSONata expression, not %s", jsonKind(v))
		} else {
			l.items = f.jsonataTemplate("Items", v)
			f.statesFields("Items", v, false, false)
		}
	}
	if v, ok := obj.Get("ItemSelector"); ok && typ == "Map" {
		f.jsonataTemplate("ItemSelector", v) // the Map parser keeps it
		f.statesFields("ItemSelector", v, false, false)
	}
	for _, k := range expressionFields[typ] {
		s, ok := obj.Value(k).(string)
		if !ok || !jsonata.IsExpr(s) {
			continue
		}
		if err := jsonata.Check(s); err != nil {
			f.bad(k, "%q is not a valid JSONata expression: %v", s, err)
		}
		l.exprs = setExpr(l.exprs, k, s)
		f.statesFields(k, s, false, false)
		switch k {
		case "Seconds":
			obj.Set(k, json.Number("0")) // so that the Wait parser sees one of its fields
		case "Timestamp":
			obj.Set(k, "1970-01-01T00:00:00Z")
		case "Error", "Cause":
		default:
			obj.Delete(k)
		}
	}
	return nf, l
}

func setExpr(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[k] = v
	return m
}

// jsonataTemplate checks the "{% %}" expressions of a JSONata field.
func (f fields) jsonataTemplate(name string, v any) *Template {
	if expr, err := jsonata.CheckTemplate(v); err != nil {
		f.bad(name, "%q is not a valid JSONata expression: %v", expr, err)
	}
	return &Template{Value: v}
}

// assignField checks an Assign object: variable names, and the paths and
// intrinsic calls (JSONPath, keys ending ".$") or JSONata expressions of
// the values. "$states" is reserved.
func (f fields) assignField(name string, v any, isJSONata bool) *Template {
	obj, ok := v.(*jsonvalue.Object)
	if !ok {
		f.bad(name, "must be an object, not %s", jsonKind(v))
		return nil
	}
	for _, k := range slices.Sorted(slices.Values(obj.Keys())) {
		vn := k
		if !isJSONata {
			vn = strings.TrimSuffix(k, ".$")
		}
		switch {
		case vn == "states":
			f.bad(name+"."+k, "\"$states\" is a reserved variable name and cannot be assigned")
		case !variableName.MatchString(vn):
			f.bad(name+"."+k, "%q is not a valid variable name (a letter or underscore, then letters, digits or underscores)", vn)
		}
	}
	if isJSONata {
		return f.jsonataTemplate(name, v)
	}
	f.checkTemplate(name, v)
	return &Template{Value: v}
}

// catcherLanguage reads the fields of a Catch element that depend on the
// state's query language: ResultPath (JSONPath) or Output (JSONata), and
// Assign.
func (f fields) catcherLanguage(c *Catcher) {
	if f.p.jsonata {
		if f.has("ResultPath") {
			f.bad("ResultPath", "is not supported when QueryLanguage is \"JSONata\" (use Output)")
		}
		if v, ok := f.obj.Get("Output"); ok {
			c.Output = f.jsonataTemplate("Output", v)
			f.statesFields("Output", v, false, true)
		}
		if v, ok := f.obj.Get("Assign"); ok {
			f.statesFields("Assign", v, false, true)
		}
	} else {
		c.ResultPath = f.path("ResultPath", referencePath, true)
		if f.has("Output") {
			f.bad("Output", "is only supported when QueryLanguage is \"JSONata\"")
		}
	}
	if v, ok := f.obj.Get("Assign"); ok {
		c.Assign = f.assignField("Assign", v, f.p.jsonata)
	}
}

// jsonataRule parses a JSONata choice rule: Condition, Next, and
// optionally Output and Assign.
func (f fields) jsonataRule(at string, o *jsonvalue.Object, top bool) *ChoiceRule {
	rf := f.sub(at, o)
	r := &ChoiceRule{}
	rf.unknownIn(set("Condition", "Next", "Output", "Assign", "Comment"))
	if !top {
		rf.bad("Condition", "JSONata choice rules cannot be nested")
		return r
	}
	r.Next = rf.str("Next", true)
	r.Condition = rf.str("Condition", true)
	rf.statesFields("Condition", r.Condition, false, false)
	if r.Condition != "" {
		if !jsonata.IsExpr(r.Condition) {
			rf.bad("Condition", "must be a JSONata expression \"{%% ... %%}\", not %q", r.Condition)
		} else if err := jsonata.Check(r.Condition); err != nil {
			rf.bad("Condition", "%q is not a valid JSONata expression: %v", r.Condition, err)
		}
	}
	if v, ok := o.Get("Output"); ok {
		r.Output = rf.jsonataTemplate("Output", v)
		rf.statesFields("Output", v, false, false)
	}
	if v, ok := o.Get("Assign"); ok {
		r.Assign = rf.assignField("Assign", v, true)
		rf.statesFields("Assign", v, false, false)
	}
	return r
}

// hasResult reports whether a state type has a result ($states.result in
// its Output and Assign): Task, Map and Parallel.
func hasResult(typ string) bool { return typ == "Task" || typ == "Map" || typ == "Parallel" }

// statesFields rejects expressions that read $states.result or
// $states.errorOutput where the state has none: the result exists only in
// the Output and Assign of a Task, Map or Parallel state, the error output
// only in a catcher's Output and Assign.
func (f fields) statesFields(name string, v any, result, errorOutput bool) {
	var walk func(any) bool
	found := ""
	walk = func(x any) bool {
		switch t := x.(type) {
		case string:
			if !jsonata.IsExpr(t) {
				return false
			}
			for _, ref := range []struct {
				name string
				ok   bool
			}{{"$states.result", result}, {"$states.errorOutput", errorOutput}} {
				if !ref.ok && strings.Contains(t, ref.name) {
					found = ref.name
					return true
				}
			}
		case *jsonvalue.Object:
			for _, k := range slices.Sorted(slices.Values(t.Keys())) {
				if walk(t.Value(k)) {
					return true
				}
			}
		case []any:
			for _, e := range t {
				if walk(e) {
					return true
				}
			}
		}
		return false
	}
	if walk(v) {
		f.bad(name, "%s is not available here (the result only in the Output and Assign of a Task, Map or Parallel state, the error output only in a catcher)", found)
	}
}
