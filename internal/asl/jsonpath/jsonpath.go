// Package jsonpath evaluates the JSONPath dialect that AWS Step Functions
// uses in JSONPath mode (InputPath, OutputPath, ResultPath, Parameters ".$"
// values, ItemsPath, Choice Variable, TimestampPath and friends).
//
// Step Functions evaluates paths with the Jayway JsonPath library, so this
// package follows Jayway's observable behaviour: a definite path yields one
// value or a not-found error, an indefinite path yields a (possibly empty)
// list of matches, and a trailing multi-property selector such as
// $['a','b'] yields an object holding the selected members.
//
// Documents are the Go values produced by jsonvalue.Decode:
// *jsonvalue.Object, []any, json.Number, string, bool and nil. float64, int
// and int64 are accepted as numbers too. Documents are never mutated.
package jsonpath

import (
	"fmt"
	"strconv"
	"strings"
)

// segKind says what one step of a path selects.
type segKind int

const (
	segName     segKind = iota // .name, ['name'] or ['a','b']
	segWildcard                // .* or [*]
	segIndex                   // [0], [-1] or [0,2]
	segSlice                   // [start:end:step]
	segFilter                  // [?(expr)]
)

// segment is one step of a parsed path.
type segment struct {
	kind    segKind
	deep    bool // reached through the deep-scan operator ".."
	names   []string
	indices []int
	slice   sliceSpec
	filter  expr
}

// sliceSpec holds the optional bounds of an array slice.
type sliceSpec struct {
	start, end, step *int
}

// Path is a compiled JSONPath expression.
type Path struct {
	expr    string
	context bool
	// variable is the workflow variable a "$name..." path starts from.
	variable string
	segs     []segment
}

// String returns the expression the path was parsed from.
func (p *Path) String() string { return p.expr }

// Context reports whether the path starts with "$$" and so must be
// evaluated against the context object rather than the state input.
func (p *Path) Context() bool { return p.context }

// Variable is the name of the workflow variable a path such as
// "$order.id" starts from ("order"), or "" for paths into the state input
// or the context object. Get on such a path takes the variable's value.
func (p *Path) Variable() string { return p.variable }

// IsReference reports whether p is a Reference Path as defined by the
// Amazon States Language: only "$", ".name", "['name']" and "[N]" steps,
// so that it can identify at most one node.
func (p *Path) IsReference() bool {
	for _, s := range p.segs {
		if s.deep {
			return false
		}
		switch s.kind {
		case segName:
			if len(s.names) != 1 {
				return false
			}
		case segIndex:
			if len(s.indices) != 1 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// IsDefinite reports whether the path yields a single value (Jayway's
// notion of a definite path) rather than a list of matches.
func (p *Path) IsDefinite() bool {
	for i, s := range p.segs {
		if !s.definite(i == len(p.segs)-1) {
			return false
		}
	}
	return true
}

func (s segment) definite(leaf bool) bool {
	if s.deep {
		return false
	}
	switch s.kind {
	case segName:
		// Jayway merges a trailing multi-property selection into one object.
		return len(s.names) == 1 || leaf
	case segIndex:
		return len(s.indices) == 1
	default:
		return false
	}
}

// NotFoundError reports that a definite path selected nothing. Missing is
// the normalised path of the first step that could not be resolved.
type NotFoundError struct {
	Path    string
	Missing string
	// IndexOutOfRange is set when the path's last step is an array index
	// past either end of an array. Step Functions resolves such a path to
	// null in a payload template ("x.$": "$.items[5]").
	IndexOutOfRange bool
}

// Error mirrors the message Step Functions shows for an unresolvable path.
func (e *NotFoundError) Error() string {
	return fmt.Sprintf("Invalid path '%s' : No results for path: %s", e.Path, e.Missing)
}

// SyntaxError reports a malformed path expression.
type SyntaxError struct {
	Expr string
	Pos  int // byte offset into Expr
	Msg  string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("jsonpath: invalid path %q: %s at position %d", e.Expr, e.Msg, e.Pos)
}

// MustParse is like Parse but panics on error; for static paths in tests
// and package-level variables.
func MustParse(expr string) *Path {
	p, err := Parse(expr)
	if err != nil {
		panic(err)
	}
	return p
}

// normName and normIndex render one resolved step in Jayway's bracket
// notation, as used in NotFoundError.Missing.
func normName(name string) string {
	return "['" + strings.ReplaceAll(name, "'", "\\'") + "']"
}

func normIndex(i int) string { return "[" + strconv.Itoa(i) + "]" }
