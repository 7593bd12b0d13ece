// Package intrinsic evaluates Step Functions intrinsic functions
// (States.Format, States.Array, States.Hash, ...) as they appear in ".$"
// values of Parameters and ResultSelector in JSONPath mode.
//
// Values follow the engine's data model: the Go values jsonvalue.Decode
// produces (*jsonvalue.Object, []any, json.Number, string, bool, nil), with float64, int and int64 also accepted as numbers.
// Integral results are json.Number without a decimal point.
package intrinsic

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Error names Step Functions errors raised by intrinsic functions so that
// Retry and Catch can match them by Name.
const (
	// ErrIntrinsicFailure is the ASL error for a failed intrinsic call.
	ErrIntrinsicFailure = "States.IntrinsicFailure"
	// ErrRuntime is raised where AWS reports a runtime error instead: an
	// argument path that selects nothing, or an open escape backslash
	// ("the interpreter will throw a runtime error", Step Functions
	// developer guide, "Reserved characters in intrinsic functions").
	ErrRuntime = "States.Runtime"
)

// Error is a failed evaluation. Name is the Step Functions error name and
// Cause the human-readable explanation.
type Error struct {
	Name  string
	Cause string
}

// Error returns the cause, which is what Step Functions shows.
func (e *Error) Error() string { return e.Cause }

// Env is what an intrinsic call can see.
type Env struct {
	Input   any            // the effective input ($)
	Context any            // the context object ($$)
	Vars    map[string]any // workflow variables ($name)
	Rand    *rand.Rand     // source for States.MathRandom and States.UUID; nil => a default
}

// prefix starts every intrinsic function name.
const prefix = "States."

// IsCall reports whether a ".$" value is an intrinsic function call rather
// than a path.
func IsCall(s string) bool {
	return strings.HasPrefix(strings.TrimLeft(s, " \t\r\n"), prefix)
}

// Eval parses and evaluates one intrinsic function call, for example
// "States.Format('Hello, {}', $.name)". Errors are *Error.
func Eval(expr string, env Env) (any, error) {
	c, err := parse(expr)
	if err != nil {
		return nil, err
	}
	return c.eval(&env)
}

func failf(format string, args ...any) *Error {
	return &Error{Name: ErrIntrinsicFailure, Cause: fmt.Sprintf(format, args...)}
}
