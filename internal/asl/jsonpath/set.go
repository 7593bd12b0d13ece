package jsonpath

import (
	"fmt"
	"touchaudit/internal/asl/jsonvalue"
)

// Set returns a copy of doc with value placed at the reference path p, as
// ResultPath does: "$" replaces the whole document, missing objects along
// the way are created, and an existing array element may be replaced.
// Containers on the way are copied so doc itself is never modified.
//
// Set fails when p is not a reference path, is a context path, or when the
// way to the target passes through something that is not an object (or,
// for an index step, an array with that element). The engine reports
// such a failure as States.ResultPathMatchFailure.
func Set(doc any, p *Path, value any) (any, error) {
	if p == nil {
		return nil, fmt.Errorf("jsonpath: nil path")
	}
	if p.context {
		return nil, fmt.Errorf("jsonpath: cannot set the context path %q", p.expr)
	}
	if !p.IsReference() {
		return nil, fmt.Errorf("jsonpath: %q is not a reference path", p.expr)
	}
	return set(doc, p.segs, value, "$", p.expr)
}

func set(node any, segs []segment, value any, where, expr string) (any, error) {
	if len(segs) == 0 {
		return value, nil
	}
	s := segs[0]
	switch s.kind {
	case segName:
		name := s.names[0]
		m, ok := node.(*jsonvalue.Object)
		if !ok {
			return nil, fmt.Errorf("unable to apply ResultPath %q: %s is %s, not an object", expr, where, describe(node))
		}
		child, exists := m.Get(name)
		if !exists {
			child = jsonvalue.NewObject(0)
		}
		v, err := set(child, segs[1:], value, where+normName(name), expr)
		if err != nil {
			return nil, err
		}
		// An existing key keeps its place, a new one goes last, as on AWS.
		out := m.Clone()
		out.Set(name, v)
		return out, nil
	case segIndex:
		a, ok := node.([]any)
		if !ok {
			return nil, fmt.Errorf("unable to apply ResultPath %q: %s is %s, not an array", expr, where, describe(node))
		}
		idx := s.indices[0]
		j := idx
		if j < 0 {
			j += len(a)
		}
		if j < 0 || j >= len(a) {
			return nil, fmt.Errorf("unable to apply ResultPath %q: index %d is out of range for %s (length %d)", expr, idx, where, len(a))
		}
		v, err := set(a[j], segs[1:], value, where+normIndex(idx), expr)
		if err != nil {
			return nil, err
		}
		out := append([]any(nil), a...)
		out[j] = v
		return out, nil
	}
	return nil, fmt.Errorf("jsonpath: %q is not a reference path", expr)
}

func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case *jsonvalue.Object:
		return "an object"
	}
	if isNumber(v) {
		return "a number"
	}
	return fmt.Sprintf("a %T", v)
}
