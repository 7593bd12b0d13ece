package asl

import (
	"strings"

	"touchaudit/internal/asl/intrinsic"
)

// FailState stops the execution with an error name and cause.
type FailState struct {
	StateBase
	Error     string
	Cause     string
	ErrorPath string // a path or an intrinsic call
	CausePath string
}

func (p *parser) fail(f fields) *FailState {
	f.unknown(allowed("Error", "Cause", "ErrorPath", "CausePath"), "Fail")
	s := &FailState{}
	s.Error = f.str("Error", false)
	s.Cause = f.str("Cause", false)
	s.ErrorPath = f.dynamicString("ErrorPath")
	s.CausePath = f.dynamicString("CausePath")
	if f.has("Error") && f.has("ErrorPath") {
		f.bad("ErrorPath", "cannot be used together with \"Error\"")
	}
	if f.has("Cause") && f.has("CausePath") {
		f.bad("CausePath", "cannot be used together with \"Cause\"")
	}
	return s
}

// dynamicString reads a field that holds a reference path or an intrinsic
// function call (ErrorPath, CausePath).
func (f fields) dynamicString(name string) string {
	s := f.str(name, false)
	if s == "" {
		return ""
	}
	if strings.HasPrefix(s, "$") {
		f.checkPath(name, s, variablePath)
	} else if !intrinsic.IsCall(s) {
		f.bad(name, "%q is neither a reference path nor an intrinsic function call", s)
	}
	return s
}

// run returns the state's error; Fail states have no output.
func (s *FailState) run(t *thread, raw any) *StatesError {
	if s.JSONata {
		return s.runJSONata(t, raw)
	}
	e := &StatesError{Name: s.Error, Cause: s.Cause}
	for _, d := range []struct {
		expr string
		dst  *string
		fld  string
	}{{s.ErrorPath, &e.Name, "ErrorPath"}, {s.CausePath, &e.Cause, "CausePath"}} {
		if d.expr == "" {
			continue
		}
		v, err := t.evalDynamic(s.Name, d.fld, d.expr, raw)
		if err != nil {
			return err
		}
		str, ok := v.(string)
		if !ok {
			return t.runtimeErr("The value of the field '%s' must be a string, but was %s.", d.fld, jsonKind(v))
		}
		*d.dst = str
	}
	return e
}
