package asl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"touchaudit/internal/asl/jsonvalue"

	"touchaudit/internal/asl/intrinsic"
	"touchaudit/internal/asl/jsonpath"
)

// maxPayloadBytes is the size limit of a state's input, output and task
// result: "Maximum input or output size for a task, state, or execution:
// 256 KiB of data as a UTF-8 encoded string" (Step Functions service quotas).
const maxPayloadBytes = 256 * 1024

// lookup evaluates a path against the state data, or against the context
// object when the path starts with "$$".
func (t *thread) lookup(p *jsonpath.Path, in any) (v any, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = nil, fmt.Errorf("path %s: %v", p, r)
		}
	}()
	if p.Context() {
		return p.Get(t.contextObject())
	}
	if name := p.Variable(); name != "" {
		v, ok := t.vars.get(name)
		if !ok {
			return nil, &jsonpath.NotFoundError{Path: p.String()}
		}
		return p.Get(v)
	}
	return p.Get(in)
}

// effectiveInput applies InputPath (null means {}) and then Parameters.
func (t *thread) effectiveInput(b *StateBase, raw any) (any, *StatesError) {
	if b.JSONata {
		return t.arguments(b, raw)
	}
	in := raw
	switch {
	case b.InputPath.Null:
		in = jsonvalue.NewObject(0)
	case b.InputPath.Set:
		v, err := t.lookup(b.InputPath.Path, raw)
		if err != nil {
			return nil, t.pathErr(b.InputPath.Path, err)
		}
		in = v
	}
	if b.Parameters != nil {
		v, err := t.evalTemplate(b.Name, "Parameters", b.Parameters.Value, in)
		if err != nil {
			return nil, err
		}
		in = v
		if err := checkSize(b.Name, "input", in); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// effectiveOutput applies ResultSelector (if selector), ResultPath and
// OutputPath to a result.
func (t *thread) effectiveOutput(b *StateBase, raw, result any, selector bool) (any, *StatesError) {
	if b.JSONata {
		return t.finishJSONata(b, raw, map[string]any{"result": result}, b.Output, b.Assign)
	}
	if selector && b.ResultSelector != nil {
		v, err := t.evalTemplate(b.Name, "ResultSelector", b.ResultSelector.Value, result)
		if err != nil {
			return nil, err
		}
		result = v
	}
	// Assign sees the result (after ResultSelector) and the variables as
	// they were; the new values take effect when the state ends.
	vars, err := t.evalAssignJSONPath(b.Name, b.Assign, result)
	if err != nil {
		return nil, err
	}
	out, err := applyResultPath(b.Name, b.ResultPath, raw, result)
	if err != nil {
		return nil, err
	}
	if out, err = t.outputPath(b, out); err != nil {
		return nil, err
	}
	return out, t.assign(vars)
}

// applyResultPath places result into a copy of raw.
func applyResultPath(state string, rp OptionalPath, raw, result any) (any, *StatesError) {
	switch {
	case !rp.Set:
		return result, nil
	case rp.Null:
		return raw, nil
	}
	out, err := setPath(deepCopy(raw), rp.Path, result)
	if err != nil {
		return nil, &StatesError{Name: ErrResultPathMatchFailure, Cause: fmt.Sprintf("Unable to apply ReferencePath %s to input %s", rp.Path, compact(raw))}
	}
	return out, nil
}

func setPath(doc any, p *jsonpath.Path, v any) (out any, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("%v", r)
		}
	}()
	if p.String() == "$" {
		return v, nil
	}
	return jsonpath.Set(doc, p, v)
}

// pathErr is the States.Runtime failure of a reference path (InputPath,
// OutputPath, ItemsPath, SecondsPath, ...) that selects nothing: "Invalid
// path '$.x' : No results for path: $['x']", Jayway's message as AWS shows
// it.
func (t *thread) pathErr(p *jsonpath.Path, err error) *StatesError {
	var nf *jsonpath.NotFoundError
	if errors.As(err, &nf) {
		return t.runtimeErr("%s", nf.Error())
	}
	return t.runtimeErr("Invalid path '%s' : %v", p, err)
}

// outputPath applies OutputPath (null means {}) and checks the output size.
func (t *thread) outputPath(b *StateBase, v any) (any, *StatesError) {
	switch {
	case b.OutputPath.Null:
		v = jsonvalue.NewObject(0)
	case b.OutputPath.Set:
		o, err := t.lookup(b.OutputPath.Path, v)
		if err != nil {
			return nil, t.pathErr(b.OutputPath.Path, err)
		}
		v = o
	}
	if err := checkSize(b.Name, "output", v); err != nil {
		return nil, err
	}
	return v, nil
}

// checkSize enforces maxPayloadBytes on a state's input or output with
// States.DataLimitExceeded, a terminal error that States.ALL does not catch
// (developer guide, "States.DataLimitExceeded").
func checkSize(state, what string, v any) *StatesError {
	if err := sizeErr(state, v); err != nil {
		err.terminal = true
		return err
	}
	return nil
}

// sizeErr is the States.DataLimitExceeded error of a payload over the quota,
// with AWS's cause ("The state/task 'lambda' returned a result with a size
// exceeding the maximum number of bytes service limit.", LocalStack's AWS
// snapshots of test_states_errors).
func sizeErr(name string, v any) *StatesError {
	if len(compact(v)) > maxPayloadBytes {
		return &StatesError{Name: ErrDataLimitExceeded, Cause: fmt.Sprintf("The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit.", name)}
	}
	return nil
}

// evalTemplate evaluates a payload template: keys ending ".$" take the value
// of a path (into in, or "$$" into the context object) or of an intrinsic
// function call. Failures are States.Runtime, as the developer guide says
// for ParameterPathFailure and IntrinsicFailure.
func (t *thread) evalTemplate(state, field string, tpl, in any) (any, *StatesError) {
	switch v := tpl.(type) {
	case *jsonvalue.Object:
		out := jsonvalue.NewObject(v.Len())
		for _, k := range v.Keys() {
			if !strings.HasSuffix(k, ".$") {
				x, err := t.evalTemplate(state, field, v.Value(k), in)
				if err != nil {
					return nil, err
				}
				out.Set(k, x)
				continue
			}
			name := strings.TrimSuffix(k, ".$")
			expr, _ := v.Value(k).(string)
			x, err := t.evalDynamic(state, k, expr, in)
			if err != nil {
				return nil, err
			}
			out.Set(name, x)
		}
		// AWS builds the object in a Java HashMap: recorded executions
		// print its keys in that map's order, not the template's.
		return jsonvalue.HashMapOrder(out), nil
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			x, err := t.evalTemplate(state, field, e, in)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	default:
		return deepCopy(v), nil
	}
}

// evalDynamic evaluates a path or intrinsic call held by field. The causes
// are AWS's: "The JSONPath '$.x' specified for the field 'x.$' could not be
// found in the input '{...}'" and "The function 'States.Format(...)' had the
// following error: ...". A path whose last step indexes past the end of an
// array yields null, as on AWS.
func (t *thread) evalDynamic(state, field, expr string, in any) (any, *StatesError) {
	if strings.HasPrefix(expr, "$") {
		p, err := parsePath(expr)
		if err != nil {
			return nil, t.runtimeErr("The JSONPath '%s' specified for the field '%s' is invalid: %v", expr, field, err)
		}
		v, err := t.lookup(p, in)
		if err != nil {
			var nf *jsonpath.NotFoundError
			if errors.As(err, &nf) && nf.IndexOutOfRange {
				return nil, nil
			}
			src := in
			if p.Context() {
				src = t.contextObject()
			}
			return nil, t.runtimeErr("The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'", expr, field, compact(src))
		}
		return deepCopy(v), nil
	}
	v, err := t.evalIntrinsic(expr, in)
	if err != nil {
		var ie *intrinsic.Error
		cause := err.Error()
		if errors.As(err, &ie) {
			cause = ie.Cause
		}
		return nil, t.runtimeErr("The function '%s' had the following error: %s", expr, cause)
	}
	return v, nil
}

func (t *thread) evalIntrinsic(expr string, in any) (v any, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = nil, fmt.Errorf("%v", r)
		}
	}()
	return intrinsic.Eval(expr, intrinsic.Env{Input: in, Context: t.contextObject(), Vars: t.vars.all(), Rand: t.ex.e.childRand()})
}

// deepCopy copies a decoded JSON value so that later writes cannot alias.
func deepCopy(v any) any {
	switch x := v.(type) {
	case *jsonvalue.Object:
		m := jsonvalue.NewObject(x.Len())
		for _, k := range x.Keys() {
			m.Set(k, deepCopy(x.Value(k)))
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = deepCopy(e)
		}
		return a
	}
	return v
}

// compact is the JSON text of v without HTML escaping, as history events
// carry it.
func compact(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf("%v", v)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}
