package jsonpath

import (
	"touchaudit/internal/asl/jsonvalue"
)

// Get evaluates the path against doc. For a definite path it returns the
// selected value, or a *NotFoundError when a member or index is missing.
// For an indefinite path it returns a []any of all matches, empty when
// nothing matches. The returned value shares structure with doc.
func (p *Path) Get(doc any) (any, error) {
	if p.IsDefinite() {
		return getDefinite(p.segs, doc, doc, p.expr)
	}
	return collect(p.segs, doc, doc), nil
}

// getDefinite walks a definite path; expr names the path in errors.
func getDefinite(segs []segment, doc, root any, expr string) (any, error) {
	cur := doc
	where := "$"
	for i, s := range segs {
		leaf := i == len(segs)-1
		switch s.kind {
		case segName:
			m, ok := cur.(*jsonvalue.Object)
			if len(s.names) > 1 && leaf {
				if !ok {
					return nil, &NotFoundError{Path: expr, Missing: where + multiName(s.names)}
				}
				return mergeMembers(m, s.names), nil
			}
			name := s.names[0]
			where += normName(name)
			v, found := m.Get(name)
			if !ok || !found {
				return nil, &NotFoundError{Path: expr, Missing: where}
			}
			cur = v
		case segIndex:
			idx := s.indices[0]
			where += normIndex(idx)
			a, ok := cur.([]any)
			if !ok {
				return nil, &NotFoundError{Path: expr, Missing: where}
			}
			j := idx
			if j < 0 {
				j += len(a)
			}
			if j < 0 || j >= len(a) {
				return nil, &NotFoundError{Path: expr, Missing: where, IndexOutOfRange: leaf}
			}
			cur = a[j]
		}
	}
	return cur, nil
}

func multiName(names []string) string {
	s := "["
	for i, n := range names {
		if i > 0 {
			s += ","
		}
		q := normName(n)
		s += q[1 : len(q)-1]
	}
	return s + "]"
}

// mergeMembers builds the object Jayway returns for a trailing
// multi-property selection: the selected members that exist.
func mergeMembers(m *jsonvalue.Object, names []string) *jsonvalue.Object {
	out := jsonvalue.NewObject(len(names))
	for _, n := range names {
		if v, ok := m.Get(n); ok {
			out.Set(n, v)
		}
	}
	return out
}

// collect evaluates any path as a list of matches, skipping branches that
// do not exist as Jayway does for indefinite paths.
func collect(segs []segment, doc, root any) []any {
	out := []any{}
	nodes := []any{doc}
	for i, s := range segs {
		leaf := i == len(segs)-1
		var next []any
		for _, n := range nodes {
			if s.deep {
				for _, d := range descendants(n, nil) {
					next = applyStep(s, d, root, leaf, next)
				}
				continue
			}
			next = applyStep(s, n, root, leaf, next)
		}
		nodes = next
		if len(nodes) == 0 {
			return out
		}
	}
	return append(out, nodes...)
}

// applyStep appends what one step selects from node to out.
func applyStep(s segment, node, root any, leaf bool, out []any) []any {
	switch s.kind {
	case segName:
		m, ok := node.(*jsonvalue.Object)
		if !ok {
			return out
		}
		if len(s.names) > 1 && leaf && !s.deep {
			return append(out, mergeMembers(m, s.names))
		}
		for _, name := range s.names {
			if v, ok := m.Get(name); ok {
				out = append(out, v)
			}
		}
	case segWildcard:
		out = append(out, children(node)...)
	case segIndex:
		a, ok := node.([]any)
		if !ok {
			return out
		}
		for _, idx := range s.indices {
			if idx < 0 {
				idx += len(a)
			}
			if idx >= 0 && idx < len(a) {
				out = append(out, a[idx])
			}
		}
	case segSlice:
		a, ok := node.([]any)
		if !ok {
			return out
		}
		for _, j := range sliceIndices(s.slice, len(a)) {
			out = append(out, a[j])
		}
	case segFilter:
		cond := truth(s.filter)
		switch x := node.(type) {
		case []any:
			for _, item := range x {
				if cond.test(item, root) {
					out = append(out, item)
				}
			}
		case *jsonvalue.Object:
			// Jayway applies a filter on an object to the object itself.
			if cond.test(x, root) {
				out = append(out, x)
			}
		}
	}
	return out
}

// children lists the members of an object (in key order) or the elements
// of an array.
func children(node any) []any {
	switch x := node.(type) {
	case *jsonvalue.Object:
		out := make([]any, 0, x.Len())
		for _, k := range x.Keys() {
			v, _ := x.Get(k)
			out = append(out, v)
		}
		return out
	case []any:
		return append([]any(nil), x...)
	}
	return nil
}

// descendants lists node and everything below it in pre-order, the order
// in which Jayway's deep scan visits nodes.
func descendants(node any, out []any) []any {
	out = append(out, node)
	switch x := node.(type) {
	case *jsonvalue.Object:
		for _, k := range x.Keys() {
			v, _ := x.Get(k)
			out = descendants(v, out)
		}
	case []any:
		for _, v := range x {
			out = descendants(v, out)
		}
	}
	return out
}

// sliceIndices resolves [start:end:step] against an array of length n
// with Python semantics: negative bounds count from the end and bounds
// are clamped.
func sliceIndices(s sliceSpec, n int) []int {
	step := 1
	if s.step != nil {
		step = *s.step
	}
	norm := func(v *int, def int, lo, hi int) int {
		if v == nil {
			return def
		}
		x := *v
		if x < 0 {
			x += n
		}
		return max(lo, min(hi, x))
	}
	var idx []int
	if step > 0 {
		start := norm(s.start, 0, 0, n)
		end := norm(s.end, n, 0, n)
		for i := start; i < end; i += step {
			idx = append(idx, i)
		}
		return idx
	}
	start := norm(s.start, n-1, -1, n-1)
	end := norm(s.end, -1, -1, n-1)
	for i := start; i > end; i += step {
		idx = append(idx, i)
	}
	return idx
}
