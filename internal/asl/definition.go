package asl

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"touchaudit/internal/asl/jsonvalue"

	"touchaudit/internal/asl/intrinsic"
	"touchaudit/internal/asl/jsonpath"
)

// Limits that CreateStateMachine enforces on a definition (Step Functions
// developer guide, "Service quotas" and each state's field reference).
const (
	maxDefinitionBytes = 1 << 20  // "Maximum size of state machine definition: 1 MB" (hard quota)
	maxStateNameLen    = 80       // "State machine ... and state names must not exceed 80 characters"
	maxTimeoutSeconds  = 99999999 // Task/Wait/Retrier integer fields: "maximum value is 99999999"
	maxDelaySecondsCap = 31622400 // Retrier MaxDelaySeconds: "must be less than 31622401"
	defaultTaskTimeout = 99999999 // Task TimeoutSeconds default ("The default is 99999999")
	maxBranchesDepth   = 100      // not an AWS quota: bounds recursion on hostile input
)

// Definition is a parsed, validated state machine (or a Parallel branch, or
// a Map item processor).
type Definition struct {
	Comment        string
	StartAt        string
	States         map[string]State
	TimeoutSeconds int64 // 0: no execution timeout
	Version        string
}

// State is one parsed state; the concrete types are *PassState, *TaskState,
// *ChoiceState, *WaitState, *SucceedState, *FailState, *ParallelState and
// *MapState, each in its own file.
type State interface {
	base() *StateBase
}

// StateBase holds the fields shared by state types. Fields a type does not
// allow are rejected by the parser, so they stay zero.
type StateBase struct {
	Name    string
	Type    string
	Comment string
	Next    string
	End     bool

	InputPath  OptionalPath
	OutputPath OptionalPath
	ResultPath OptionalPath

	Parameters     *Template
	ResultSelector *Template

	Retry []Retrier
	Catch []Catcher

	// Query language and variables (querylanguage.go): JSONata marks a
	// state whose QueryLanguage is JSONata; Arguments, Output and Items
	// are its JSONata fields, exprs its other fields that hold a "{% %}"
	// expression (Seconds, TimeoutSeconds, Error, ...). Assign is in both
	// languages.
	JSONata   bool
	Arguments *Template
	Output    *Template
	Items     *Template
	Assign    *Template
	exprs     map[string]string
}

func (b *StateBase) base() *StateBase { return b }

// OptionalPath is an InputPath, OutputPath, ResultPath or ItemsPath: absent
// (default "$"), explicitly null, or a path.
type OptionalPath struct {
	Set  bool
	Null bool
	Path *jsonpath.Path
}

// Template is a payload template (Parameters, ResultSelector, ItemSelector):
// JSON in which keys ending ".$" are evaluated as paths or intrinsic calls.
type Template struct {
	Value any
}

// Retrier is one element of a Retry array.
type Retrier struct {
	ErrorEquals     []string
	IntervalSeconds int64
	MaxAttempts     int64
	BackoffRate     float64
	MaxDelaySeconds int64 // 0: no cap
	JitterFull      bool
}

// Catcher is one element of a Catch array.
type Catcher struct {
	ErrorEquals []string
	Next        string
	ResultPath  OptionalPath
	Output      *Template // JSONata
	Assign      *Template
}

// DefinitionError lists every problem found in a definition. Each problem
// names the state and the field.
type DefinitionError struct {
	Problems []string
}

func (e *DefinitionError) Error() string {
	return "invalid state machine definition: " + strings.Join(e.Problems, "; ")
}

// Parse decodes and validates an Amazon States Language definition written
// in the JSONPath query language. It returns a *DefinitionError listing all
// problems, or the parsed definition.
func Parse(definition []byte) (*Definition, error) {
	if len(definition) > maxDefinitionBytes {
		return nil, &DefinitionError{Problems: []string{fmt.Sprintf("definition is %d bytes; the maximum is %d", len(definition), maxDefinitionBytes)}}
	}
	doc, err := decodeJSON(definition)
	if err != nil {
		return nil, &DefinitionError{Problems: []string{"definition is not valid JSON: " + err.Error()}}
	}
	obj, ok := doc.(*jsonvalue.Object)
	if !ok {
		return nil, &DefinitionError{Problems: []string{"definition must be a JSON object"}}
	}
	p := &parser{}
	def := p.machine(obj, "", true, 0)
	if len(p.problems) > 0 {
		return nil, &DefinitionError{Problems: p.problems}
	}
	return def, nil
}

// decodeJSON decodes one JSON value as the engine holds it: objects keep
// their key order (AWS prints them so), numbers are json.Number.
func decodeJSON(b []byte) (any, error) {
	return jsonvalue.Decode(b)
}

type parser struct {
	problems []string
	// lang is the default query language of the machine being parsed
	// ("JSONPath" or "JSONata"), top the top-level one; jsonata is set
	// while a JSONata state is parsed.
	lang, top string
	jsonata   bool
}

func (p *parser) add(where, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if where != "" {
		msg = where + ": " + msg
	}
	p.problems = append(p.problems, msg)
}

// fields reads the members of one JSON object, recording type problems.
type fields struct {
	p      *parser
	where  string
	obj    *jsonvalue.Object
	prefix string // prepended to field names, e.g. "Retry[0]."
}

func (f fields) has(name string) bool { _, ok := f.obj.Get(name); return ok }

func (f fields) bad(name, format string, args ...any) {
	f.p.add(f.where, "field %q: "+format, append([]any{f.prefix + name}, args...)...)
}

func (f fields) str(name string, required bool) string {
	v, ok := f.obj.Get(name)
	if !ok {
		if required {
			f.bad(name, "is required")
		}
		return ""
	}
	s, ok := v.(string)
	if !ok {
		f.bad(name, "must be a string, not %s", jsonKind(v))
		return ""
	}
	return s
}

func (f fields) boolean(name string) bool {
	v, ok := f.obj.Get(name)
	if !ok {
		return false
	}
	b, ok := v.(bool)
	if !ok {
		f.bad(name, "must be a boolean, not %s", jsonKind(v))
	}
	return b
}

// integer reads a whole number within [min, max].
func (f fields) integer(name string, min, max int64) (int64, bool) {
	v, ok := f.obj.Get(name)
	if !ok {
		return 0, false
	}
	n, ok := v.(json.Number)
	if !ok {
		f.bad(name, "must be an integer, not %s", jsonKind(v))
		return 0, false
	}
	i, err := strconv.ParseInt(n.String(), 10, 64)
	if err != nil {
		f.bad(name, "must be an integer, not %s", n)
		return 0, false
	}
	if i < min || i > max {
		f.bad(name, "must be between %d and %d, not %d", min, max, i)
		return 0, false
	}
	return i, true
}

func (f fields) number(name string) (float64, bool) {
	v, ok := f.obj.Get(name)
	if !ok {
		return 0, false
	}
	n, ok := v.(json.Number)
	if !ok {
		f.bad(name, "must be a number, not %s", jsonKind(v))
		return 0, false
	}
	x, err := n.Float64()
	if err != nil {
		f.bad(name, "must be a number, not %s", n)
		return 0, false
	}
	return x, true
}

// pathKind says which paths a field accepts.
type pathKind int

const (
	anyPath       pathKind = iota // a Path: may select several nodes
	referencePath                 // a Reference Path: one node, no $$ (ResultPath)
	variablePath                  // a Choice Variable or *Path field: one node, $$ allowed
)

func (f fields) path(name string, kind pathKind, nullable bool) OptionalPath {
	v, ok := f.obj.Get(name)
	if !ok {
		return OptionalPath{}
	}
	if v == nil {
		if !nullable {
			f.bad(name, "must be a string, not null")
			return OptionalPath{}
		}
		return OptionalPath{Set: true, Null: true}
	}
	s, ok := v.(string)
	if !ok {
		f.bad(name, "must be a JSONPath string, not %s", jsonKind(v))
		return OptionalPath{}
	}
	jp := f.checkPath(name, s, kind)
	if jp == nil {
		return OptionalPath{}
	}
	return OptionalPath{Set: true, Path: jp}
}

func (f fields) checkPath(name, s string, kind pathKind) *jsonpath.Path {
	jp, err := parsePath(s)
	if err != nil {
		f.bad(name, "%q is not a valid JSONPath: %v", s, err)
		return nil
	}
	switch kind {
	case referencePath:
		// ResultPath writes into the state's data; ItemsPath may read a
		// variable ("ItemsPath": "$items", as AWS runs it).
		if jp.Variable() != "" && strings.HasSuffix(name, "ResultPath") {
			f.bad(name, "%q must be a reference path into the state's data, not a variable", s)
			return nil
		}
		if jp.Context() {
			f.bad(name, "%q must be a reference path into the state's data, not the context object", s)
			return nil
		}
		if !jp.IsReference() {
			f.bad(name, "%q must be a reference path (a single node, no wildcards or filters)", s)
			return nil
		}
	case variablePath:
		if !jp.IsDefinite() {
			f.bad(name, "%q must be a reference path (a single node, no wildcards or filters)", s)
			return nil
		}
	}
	return jp
}

// parsePath parses a path; it never lets a panic escape from the path
// package into CreateStateMachine.
func parsePath(s string) (p *jsonpath.Path, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("%v", r)
		}
	}()
	if !strings.HasPrefix(s, "$") {
		return nil, fmt.Errorf("a path must begin with '$'")
	}
	return jsonpath.Parse(s)
}

func (f fields) template(name string) *Template {
	v, ok := f.obj.Get(name)
	if !ok {
		return nil
	}
	f.checkTemplate(name, v)
	return &Template{Value: v}
}

func (f fields) checkTemplate(at string, v any) {
	switch t := v.(type) {
	case *jsonvalue.Object:
		for _, k := range slices.Sorted(slices.Values(t.Keys())) {
			child := at + "." + k
			if strings.HasSuffix(k, ".$") {
				s, ok := t.Value(k).(string)
				if !ok {
					f.bad(child, "a key ending in \".$\" must have a string value (a path or an intrinsic function), not %s", jsonKind(t.Value(k)))
					continue
				}
				if strings.HasPrefix(s, "$") {
					f.checkPath(child, s, anyPath)
				} else if !intrinsic.IsCall(s) {
					f.bad(child, "%q is neither a JSONPath nor an intrinsic function call", s)
				}
				continue
			}
			f.checkTemplate(child, t.Value(k))
		}
	case []any:
		for i, e := range t {
			f.checkTemplate(fmt.Sprintf("%s[%d]", at, i), e)
		}
	}
}

func (f fields) unknown(allowed map[string]bool, typ string) {
	for _, k := range slices.Sorted(slices.Values(f.obj.Keys())) {
		if allowed[k] {
			continue
		}
		switch k {
		case "Assign", "Output", "Arguments":
			f.bad(k, "is not supported by this engine (variables and JSONata fields)")
		case "Items", "ItemReader", "ItemBatcher", "ResultWriter", "Label":
			f.bad(k, "is not supported by this engine (Distributed Map fields)")
		default:
			if typ != "" {
				f.bad(k, "is not allowed in a %s state", typ)
			} else {
				f.bad(k, "is not a valid top-level field")
			}
		}
	}
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, float64, int, int64:
		return "a number"
	case []any:
		return "an array"
	case *jsonvalue.Object:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

var topLevelFields = set("Comment", "StartAt", "States", "TimeoutSeconds", "Version", "QueryLanguage")
var branchFields = set("Comment", "StartAt", "States", "QueryLanguage")
var processorFields = set("Comment", "StartAt", "States", "ProcessorConfig", "QueryLanguage")

// machine parses a top-level definition, a Parallel branch or a Map
// processor. where prefixes messages for nested ones.
func (p *parser) machine(obj *jsonvalue.Object, where string, top bool, depth int) *Definition {
	f := fields{p: p, where: where, obj: obj}
	def := &Definition{States: map[string]State{}}
	if depth > maxBranchesDepth {
		p.add(where, "states are nested too deeply")
		return def
	}
	if top {
		f.unknown(topLevelFields, "")
		if n, ok := f.integer("TimeoutSeconds", 1, maxTimeoutSeconds); ok {
			def.TimeoutSeconds = n
		}
		def.Version = f.str("Version", false)
	}
	def.Comment = f.str("Comment", false)
	defer p.machineLanguage(f, top)()
	def.StartAt = f.str("StartAt", true)
	rawStates, ok := obj.Get("States")
	if !ok {
		f.bad("States", "is required")
		return def
	}
	states, ok := rawStates.(*jsonvalue.Object)
	if !ok {
		f.bad("States", "must be an object, not %s", jsonKind(rawStates))
		return def
	}
	if states.Len() == 0 {
		f.bad("States", "must contain at least one state")
	}
	for _, name := range slices.Sorted(slices.Values(states.Keys())) {
		sw := "state " + strconv.Quote(name)
		if where != "" {
			sw = where + ": " + sw
		}
		if name == "" || len(name) > maxStateNameLen {
			p.add(sw, "state names must be 1 to %d characters", maxStateNameLen)
		}
		so, ok := states.Value(name).(*jsonvalue.Object)
		if !ok {
			p.add(sw, "must be an object, not %s", jsonKind(states.Value(name)))
			continue
		}
		if s := p.state(name, so, sw, depth); s != nil {
			def.States[name] = s
		}
	}
	if def.StartAt != "" {
		if _, ok := states.Get(def.StartAt); !ok {
			f.bad("StartAt", "target %q does not exist", def.StartAt)
		}
	}
	p.checkTransitions(def, where)
	return def
}

// checkTransitions reports missing targets and states unreachable from StartAt.
func (p *parser) checkTransitions(def *Definition, where string) {
	at := func(name string) string {
		s := "state " + strconv.Quote(name)
		if where != "" {
			s = where + ": " + s
		}
		return s
	}
	targets := func(name string, s State) (out []struct{ field, to string }) {
		add := func(field, to string) {
			if to != "" {
				out = append(out, struct{ field, to string }{field, to})
			}
		}
		b := s.base()
		add("Next", b.Next)
		for i, c := range b.Catch {
			add(fmt.Sprintf("Catch[%d].Next", i), c.Next)
		}
		if c, ok := s.(*ChoiceState); ok {
			add("Default", c.Default)
			for i, r := range c.Choices {
				add(fmt.Sprintf("Choices[%d].Next", i), r.Next)
			}
		}
		return out
	}
	for _, name := range slices.Sorted(maps.Keys(def.States)) {
		for _, t := range targets(name, def.States[name]) {
			if _, ok := def.States[t.to]; !ok {
				p.add(at(name), "field %q: target %q does not exist", t.field, t.to)
			}
		}
	}
	if _, ok := def.States[def.StartAt]; !ok {
		return
	}
	seen := map[string]bool{def.StartAt: true}
	queue := []string{def.StartAt}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, t := range targets(n, def.States[n]) {
			if _, ok := def.States[t.to]; ok && !seen[t.to] {
				seen[t.to] = true
				queue = append(queue, t.to)
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(def.States)) {
		if !seen[name] {
			p.add(at(name), "state is not reachable from StartAt %q", def.StartAt)
		}
	}
}

// state parses one state by its Type.
func (p *parser) state(name string, obj *jsonvalue.Object, where string, depth int) State {
	f := fields{p: p, where: where, obj: obj}
	typ := f.str("Type", true)
	f, lang := p.stateLanguage(f, typ)
	defer func(prev bool) { p.jsonata = prev }(p.jsonata)
	p.jsonata = lang.jsonata
	var s State
	switch typ {
	case "Pass":
		s = p.pass(f)
	case "Task":
		s = p.task(f)
	case "Choice":
		s = p.choice(f)
	case "Wait":
		s = p.wait(f)
	case "Succeed":
		s = p.succeed(f)
	case "Fail":
		s = p.fail(f)
	case "Parallel":
		s = p.parallel(f, depth)
	case "Map":
		s = p.mapState(f, depth)
	case "":
		return nil
	default:
		f.bad("Type", "%q is not a state type (Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map)", typ)
		return nil
	}
	b := s.base()
	b.Name = name
	b.Type = typ
	b.Comment = f.str("Comment", false)
	lang.apply(b)
	return s
}

// commonFields are allowed in every state.
var commonFields = []string{"Type", "Comment", "QueryLanguage"}

func allowed(extra ...string) map[string]bool { return set(append(extra, commonFields...)...) }

// transition reads Next/End for states that need exactly one of them.
func (f fields) transition(b *StateBase) {
	b.Next = f.str("Next", false)
	b.End = f.boolean("End")
	switch {
	case f.has("Next") && f.has("End"):
		f.bad("Next", "cannot be used together with \"End\"")
	case !f.has("Next") && !f.has("End"):
		f.bad("Next", "a non-terminal state needs \"Next\" or \"End\": true")
	case f.has("End") && !b.End:
		f.bad("End", "must be true when present without \"Next\"")
	}
}

func (f fields) io(b *StateBase, result bool) {
	b.InputPath = f.path("InputPath", anyPath, true)
	b.OutputPath = f.path("OutputPath", anyPath, true)
	if result {
		b.ResultPath = f.path("ResultPath", referencePath, true)
	}
}

// errorHandling reads Retry and Catch.
func (f fields) errorHandling(b *StateBase) {
	f.objects("Retry", func(rf fields, last bool) {
		r := Retrier{IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2.0}
		rf.unknownIn(set("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"))
		r.ErrorEquals = rf.errorEquals(last)
		if n, ok := rf.integer("IntervalSeconds", 1, maxTimeoutSeconds); ok {
			r.IntervalSeconds = n
		}
		if n, ok := rf.integer("MaxAttempts", 0, maxTimeoutSeconds); ok {
			r.MaxAttempts = n
		}
		if x, ok := rf.number("BackoffRate"); ok {
			if x < 1.0 {
				rf.bad("BackoffRate", "must be at least 1.0, not %v", x)
			} else {
				r.BackoffRate = x
			}
		}
		if n, ok := rf.integer("MaxDelaySeconds", 1, maxDelaySecondsCap); ok {
			r.MaxDelaySeconds = n
		}
		if rf.has("JitterStrategy") {
			switch js := rf.str("JitterStrategy", false); js {
			case "FULL":
				r.JitterFull = true
			case "NONE":
			default:
				rf.bad("JitterStrategy", "must be \"FULL\" or \"NONE\", not %q", js)
			}
		}
		b.Retry = append(b.Retry, r)
	})
	f.objects("Catch", func(cf fields, last bool) {
		cf.unknownIn(set("ErrorEquals", "Next", "ResultPath", "Comment", "Output", "Assign"))
		c := Catcher{}
		c.ErrorEquals = cf.errorEquals(last)
		c.Next = cf.str("Next", true)
		cf.catcherLanguage(&c)
		b.Catch = append(b.Catch, c)
	})
}

// objects reads an optional array of objects such as Retry, calling each
// with a reader for every element that is an object; last marks the final
// element, where ErrorEquals may hold States.ALL.
func (f fields) objects(field string, each func(of fields, last bool)) {
	v, ok := f.obj.Get(field)
	if !ok {
		return
	}
	arr, ok := v.([]any)
	if !ok {
		f.bad(field, "must be an array, not %s", jsonKind(v))
	}
	for i, e := range arr {
		at := fmt.Sprintf("%s[%d]", field, i)
		o, ok := e.(*jsonvalue.Object)
		if !ok {
			f.bad(at, "must be an object, not %s", jsonKind(e))
			continue
		}
		each(f.sub(at, o), i == len(arr)-1)
	}
}

// sub returns a reader for a nested object whose field names are reported
// under at (for example "Retry[0].MaxAttempts").
func (f fields) sub(at string, obj *jsonvalue.Object) fields {
	return fields{p: f.p, where: f.where, obj: obj, prefix: f.prefix + at + "."}
}

func (f fields) unknownIn(allowedFields map[string]bool) {
	for _, k := range slices.Sorted(slices.Values(f.obj.Keys())) {
		if !allowedFields[k] {
			f.bad(k, "is not allowed here")
		}
	}
}

func (f fields) errorEquals(last bool) []string {
	v, ok := f.obj.Get("ErrorEquals")
	if !ok {
		f.bad("ErrorEquals", "is required")
		return nil
	}
	arr, ok := v.([]any)
	if !ok || len(arr) == 0 {
		f.bad("ErrorEquals", "must be a non-empty array of strings")
		return nil
	}
	var out []string
	for _, e := range arr {
		s, ok := e.(string)
		if !ok {
			f.bad("ErrorEquals", "must contain only strings, not %s", jsonKind(e))
			continue
		}
		out = append(out, s)
	}
	for _, s := range out {
		if s == ErrAll {
			if len(out) != 1 {
				f.bad("ErrorEquals", "\"States.ALL\" must appear alone")
			}
			if !last {
				f.bad("ErrorEquals", "\"States.ALL\" must be in the last element")
			}
		}
	}
	return out
}
