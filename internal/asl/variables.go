package asl

import (
	"fmt"
	"maps"
	"slices"
	"touchaudit/internal/asl/jsonvalue"
)

// Size limits of workflow variables (developer guide, "Passing data
// between states with variables", variable size limits).
const (
	maxVariableBytes       = 256 * 1024       // "The maximum size of a single variable is 256 KiB"
	maxAssignBytes         = 256 * 1024       // "The maximum combined size within a single Assign field is 256 KiB"
	maxStoredVariableBytes = 10 * 1024 * 1024 // "The maximum total size of variables stored is 10 MiB per execution"
)

// varScope holds the workflow variables of one scope: the execution's top
// level, a Parallel branch or a Map iteration. An inner scope reads the
// variables of the scopes around it; what it assigns stays in it. Only the
// scope's own thread writes to it, and the threads of inner scopes read
// outer ones only while the outer thread waits for them.
type varScope struct {
	parent *varScope
	vars   map[string]any
}

func newVarScope(parent *varScope) *varScope {
	return &varScope{parent: parent, vars: map[string]any{}}
}

// child is a new scope inside s, for a Parallel branch or Map iteration.
func (s *varScope) child() *varScope { return newVarScope(s) }

// get finds a variable in s or the scopes around it.
func (s *varScope) get(name string) (any, bool) {
	for x := s; x != nil; x = x.parent {
		if v, ok := x.vars[name]; ok {
			return v, true
		}
	}
	return nil, false
}

// all is every variable visible in s, inner scopes hiding outer ones.
func (s *varScope) all() map[string]any {
	if s == nil {
		return nil
	}
	out := s.parent.all()
	if out == nil {
		out = make(map[string]any, len(s.vars))
	}
	maps.Copy(out, s.vars)
	return out
}

// snapshot is the scope's own variables as JSON text, for a checkpoint.
func (s *varScope) snapshot() map[string]string {
	if s == nil || len(s.vars) == 0 {
		return nil
	}
	out := make(map[string]string, len(s.vars))
	for k, v := range s.vars {
		out[k] = compact(v)
	}
	return out
}

// restore sets the scope's own variables from a checkpoint.
func (s *varScope) restore(m map[string]string) error {
	if s == nil {
		return nil
	}
	for k, text := range m {
		v, err := decodeJSON([]byte(text))
		if err != nil {
			return fmt.Errorf("variable %q: %v", k, err)
		}
		s.vars[k] = v
	}
	return nil
}

// assign stores the variables a state assigned, once the state has
// computed its output, and keeps them for the StateExited event. It
// enforces the size limits with States.Runtime.
func (t *thread) assign(vars map[string]any) *StatesError {
	if len(vars) == 0 {
		return nil
	}
	if t.vars == nil {
		t.vars = newVarScope(nil)
	}
	texts := make(map[string]string, len(vars))
	total := 0
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		texts[k] = compact(vars[k])
		if n := len(texts[k]); n > maxVariableBytes {
			return t.runtimeErr("The variable '%s' is %d bytes; a variable can be at most %d bytes.", k, n, maxVariableBytes)
		}
		total += len(texts[k])
	}
	if total > maxAssignBytes {
		return t.runtimeErr("The variables assigned by the state are %d bytes together; an Assign field can assign at most %d bytes.", total, maxAssignBytes)
	}
	after := t.vars.all()
	maps.Copy(after, vars)
	stored := 0
	for _, v := range after {
		stored += len(compact(v))
	}
	if stored > maxStoredVariableBytes {
		return t.runtimeErr("The variables of the execution would be %d bytes; at most %d bytes of variables can be stored.", stored, maxStoredVariableBytes)
	}
	maps.Copy(t.vars.vars, vars)
	if t.assigned == nil {
		t.assigned = map[string]string{}
	}
	maps.Copy(t.assigned, texts)
	return nil
}

// evalAssignJSONPath evaluates a JSONPath state's Assign: keys ending ".$"
// take a path (into doc, "$$" the context object, "$name" a variable) or
// an intrinsic call, as in Parameters. Every value sees the variables as
// they were before the state.
func (t *thread) evalAssignJSONPath(state string, tpl *Template, doc any) (map[string]any, *StatesError) {
	if tpl == nil {
		return nil, nil
	}
	v, err := t.evalTemplate(state, "Assign", tpl.Value, doc)
	if err != nil {
		return nil, err
	}
	m, _ := v.(*jsonvalue.Object)
	return members(m), nil
}

// stateOutput ends a Wait, Choice or Succeed state: Assign, then
// OutputPath (JSONPath), or Output and Assign (JSONata).
func (t *thread) stateOutput(b *StateBase, in any) (any, *StatesError) {
	return t.outputWith(b, in, b.Output, b.Assign)
}

func (t *thread) outputWith(b *StateBase, in any, output, assign *Template) (any, *StatesError) {
	if b.JSONata {
		return t.finishJSONata(b, in, nil, output, assign)
	}
	vars, err := t.evalAssignJSONPath(b.Name, assign, in)
	if err != nil {
		return nil, err
	}
	out, err := t.outputPath(b, in)
	if err != nil {
		return nil, err
	}
	return out, t.assign(vars)
}

// choiceOutput ends a Choice state through rule r (nil: Default). A rule's
// own Output and Assign take the place of the state's.
func (t *thread) choiceOutput(s *ChoiceState, r *ChoiceRule, in any) (any, *StatesError) {
	output, assign := s.Output, s.Assign
	if r != nil {
		if r.Output != nil {
			output = r.Output
		}
		if r.Assign != nil {
			assign = r.Assign
		}
	}
	return t.outputWith(&s.StateBase, in, output, assign)
}

// catchOutput is the output of a state whose error a catcher caught: in
// JSONPath the error output {"Error","Cause"} placed by the catcher's
// ResultPath into the raw input; in JSONata the catcher's Output (default
// $states.errorOutput). The catcher's Assign sees the error output.
func (t *thread) catchOutput(b *StateBase, c *Catcher, raw any, serr *StatesError) (any, *StatesError) {
	// Error before Cause, as AWS prints the error output.
	errOut := jsonvalue.NewObject(2)
	errOut.Set("Error", serr.Name)
	errOut.Set("Cause", serr.Cause)
	if b.JSONata {
		return t.finishJSONata(b, raw, map[string]any{"errorOutput": errOut}, c.Output, c.Assign)
	}
	vars, err := t.evalAssignJSONPath(b.Name, c.Assign, errOut)
	if err != nil {
		return nil, err
	}
	out, err := applyResultPath(b.Name, c.ResultPath, raw, errOut)
	if err != nil {
		return nil, err
	}
	return out, t.assign(vars)
}

// members lists an Assign object's variables by name; the values keep
// their own key order.
func members(o *jsonvalue.Object) map[string]any {
	if o == nil {
		return nil
	}
	m := make(map[string]any, o.Len())
	for _, k := range o.Keys() {
		m[k] = o.Value(k)
	}
	return m
}
