package asl

import (
	"strconv"
	"strings"
)

// Diagnostic codes of ValidateStateMachineDefinition (API reference,
// ValidateStateMachineDefinitionDiagnostic, "List of error codes").
const (
	DiagInvalidJSON           = "INVALID_JSON_DESCRIPTION"
	DiagMissingDescription    = "MISSING_DESCRIPTION"
	DiagSchemaValidation      = "SCHEMA_VALIDATION_FAILED"
	DiagInvalidResource       = "INVALID_RESOURCE"
	DiagInvalidStateName      = "INVALID_STATE_NAME"
	DiagMissingTransition     = "MISSING_TRANSITION_TARGET"
	DiagTooDeeplyNested       = "TOO_DEEPLY_NESTED"
	DiagnosticSeverityError   = "ERROR"
	DiagnosticSeverityWarning = "WARNING"
)

// Diagnostic is one problem of a definition as ValidateStateMachineDefinition
// reports it: a code, a message and, for a problem in a state or field, its
// location ("/States/<State>/<Field>", as the API reference shows).
type Diagnostic struct {
	Severity string
	Code     string
	Message  string
	Location string
}

// Validate checks a definition as ValidateStateMachineDefinition does and
// returns its diagnostics (none for a definition CreateStateMachine takes).
func Validate(definition string) []Diagnostic {
	if strings.TrimSpace(definition) == "" {
		return []Diagnostic{{Severity: DiagnosticSeverityError, Code: DiagMissingDescription, Message: "Received a null or empty workflow input"}}
	}
	_, err := Parse([]byte(definition))
	de, ok := err.(*DefinitionError)
	if !ok {
		return nil
	}
	return de.Diagnostics()
}

// Diagnostics gives each problem an AWS diagnostic code and location. The
// problems are the parser's own messages, whose prefixes ("state \"X\": ",
// "field \"F\": ", nested for Parallel branches and Map processors) name
// the place; AWS's wording is used where AWS's is known (missing targets,
// unreachable states, unsupported fields).
func (e *DefinitionError) Diagnostics() []Diagnostic {
	out := make([]Diagnostic, 0, len(e.Problems))
	for _, p := range e.Problems {
		out = append(out, diagnose(p))
	}
	return out
}

func diagnose(problem string) Diagnostic {
	d := Diagnostic{Severity: DiagnosticSeverityError, Code: DiagSchemaValidation}
	var stateLoc, loc, field, state string
	rest := problem
	for {
		var seg string
		switch {
		case strings.HasPrefix(rest, `state "`):
			seg = "state"
		case strings.HasPrefix(rest, `field "`):
			seg = "field"
		}
		if seg == "" {
			break
		}
		q, err := strconv.QuotedPrefix(rest[len(seg)+1:])
		if err != nil || !strings.HasPrefix(rest[len(seg)+1+len(q):], ": ") {
			break
		}
		name, _ := strconv.Unquote(q)
		rest = rest[len(seg)+1+len(q)+2:]
		if seg == "state" {
			loc += "/States/" + name
			stateLoc, field, state = loc, "", name
			continue
		}
		field = name
		stateLoc = loc
		loc += "/" + fieldPointer(name)
	}
	d.Message, d.Location = rest, loc
	switch {
	case strings.HasPrefix(rest, "definition is not valid JSON"), rest == "definition must be a JSON object":
		d.Code = DiagInvalidJSON
	case strings.HasPrefix(rest, "target "):
		d.Code = DiagMissingTransition
		if to, err := strconv.QuotedPrefix(strings.TrimPrefix(rest, "target ")); err == nil {
			to, _ = strconv.Unquote(to)
			d.Message = "Missing 'Next' target: " + to
		}
	case strings.HasPrefix(rest, "state is not reachable"):
		d.Code = DiagMissingTransition
		d.Message = "State " + strconv.Quote(state) + " is not reachable."
	case rest == "states are nested too deeply":
		d.Code = DiagTooDeeplyNested
	case strings.HasPrefix(rest, "state names must be"):
		d.Code = DiagInvalidStateName
	case field == "Resource":
		d.Code = DiagInvalidResource
	case strings.HasPrefix(rest, "is not allowed in a "), rest == "is not a valid top-level field", rest == "is not allowed here":
		d.Message, d.Location = "Field '"+field+"' is not supported", stateLoc
		if d.Location == "" {
			d.Location = "/"
		}
	}
	return d
}

// fieldPointer turns a field path of the parser ("Retry[0].MaxAttempts",
// "Parameters.a.$") into location segments ("Retry[0]/MaxAttempts",
// "Parameters/a.$").
func fieldPointer(f string) string {
	parts := strings.Split(f, ".")
	var out []string
	for _, p := range parts {
		if p == "$" && len(out) > 0 {
			out[len(out)-1] += ".$"
			continue
		}
		out = append(out, p)
	}
	return strings.Join(out, "/")
}
