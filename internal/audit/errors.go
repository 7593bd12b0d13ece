// Package audit is touchaudit's domain: the company under audit, its journeys
// and touchpoints, versioned service standards, reviews, assignments,
// walkthroughs and results, with their validation and state rules. It imports
// no AWS code; adapters (dynamo, memstore, httpapi, asl) depend on it, never
// the other way round.
package audit

import (
	"errors"
	"fmt"
	"strings"
)

// ErrorCode classifies an error for callers. It is mapped to an HTTP status or
// a Lambda error type in exactly one place per adapter.
type ErrorCode string

const (
	Invalid   ErrorCode = "invalid"
	NotFound  ErrorCode = "not_found"
	Conflict  ErrorCode = "conflict"
	Forbidden ErrorCode = "forbidden"
	Internal  ErrorCode = "internal"
)

// Error is the one error type of the domain.
type Error struct {
	Code    ErrorCode
	Message string
	// Problems lists field-level validation failures (Code == Invalid).
	Problems []Problem
	// Err is an underlying cause, kept for logs, never shown to clients.
	Err error
}

// Problem is one validation failure: the field path and the reason.
type Problem struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

func (p Problem) String() string { return p.Path + ": " + p.Reason }

func (e *Error) Error() string {
	msg := e.Message
	if len(e.Problems) > 0 {
		parts := make([]string, len(e.Problems))
		for i, p := range e.Problems {
			parts[i] = p.String()
		}
		if msg != "" {
			msg += ": "
		}
		msg += strings.Join(parts, "; ")
	}
	if e.Err != nil && e.Code == Internal {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error with a formatted message.
func Errorf(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCodeOf returns the code of the first *Error in err's chain, or
// Internal for any other error (and "" for nil).
func ErrorCodeOf(err error) ErrorCode {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// IsCode reports whether err carries the given code.
func IsCode(err error, code ErrorCode) bool { return err != nil && ErrorCodeOf(err) == code }

// ProblemsOf returns the field problems carried by err, if any.
func ProblemsOf(err error) []Problem {
	var e *Error
	if errors.As(err, &e) {
		return e.Problems
	}
	return nil
}

// validator collects problems under a field path. Types validate themselves
// with it so that every error names the path and the reason.
type validator struct {
	problems []Problem
}

func (v *validator) add(path, format string, args ...any) {
	v.problems = append(v.problems, Problem{Path: path, Reason: fmt.Sprintf(format, args...)})
}

func (v *validator) require(ok bool, path, format string, args ...any) {
	if !ok {
		v.add(path, format, args...)
	}
}

func (v *validator) nonEmpty(s, path string) {
	if strings.TrimSpace(s) == "" {
		v.add(path, "is required")
	}
}

// nest runs another type's validation and prefixes its paths.
func (v *validator) nest(prefix string, err error) {
	if err == nil {
		return
	}
	probs := ProblemsOf(err)
	if len(probs) == 0 {
		v.add(prefix, "%v", err)
		return
	}
	for _, p := range probs {
		v.problems = append(v.problems, Problem{Path: strings.TrimPrefix(joinPath(prefix, p.Path), "."), Reason: p.Reason})
	}
}

func (v *validator) err(what string) error {
	if len(v.problems) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: "invalid " + what, Problems: v.problems}
}

func idx(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// Nest returns err with every field problem's path under prefix
// ("walkthrough" + "answers[2].note" = "walkthrough.answers[2].note"), so a
// rule checked on a part of a request names the field in the request. Any
// other error is returned as it is.
func Nest(prefix string, err error) error {
	var e *Error
	if !errors.As(err, &e) || len(e.Problems) == 0 {
		return err
	}
	out := *e
	out.Problems = make([]Problem, len(e.Problems))
	for i, p := range e.Problems {
		p.Path = joinPath(prefix, p.Path)
		out.Problems[i] = p
	}
	return &out
}

func joinPath(prefix, path string) string {
	switch {
	case path == "":
		return prefix
	case strings.HasPrefix(path, "["):
		return prefix + path
	}
	return prefix + "." + path
}
