// Package lambdafn adapts touchaudit's service methods to AWS Lambda. Every
// functions/*/main.go ends in lambdafn.Start(method), the workflow functions
// through the table in internal/functions.
//
// Its one job beyond wiring is errors. Step Functions matches a failed Task by
// the errorType Lambda reports, and aws-lambda-go reports the Go type name of
// the returned error (pointer stripped). So domain errors are translated here,
// in exactly one place, into the named types below, which state machines can
// name in Retry and Catch:
//
//	audit.Invalid   → InvalidInput
//	audit.NotFound  → NotFound
//	audit.Conflict  → Conflict
//	audit.Forbidden → Forbidden
//	anything else   → InternalError, message "internal error" (detail logged)
//
// An error that names its own type (ErrorType() string) passes through under
// that name, as do these types when a handler returns them directly.
package lambdafn

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/aws/aws-lambda-go/lambda/messages"

	"touchaudit/internal/audit"
)

// InvalidInput: the event or a value in it is wrong; retrying won't help.
type InvalidInput struct{ Message string }

// NotFound: something the event refers to does not exist.
type NotFound struct{ Message string }

// Conflict: a condition failed (an existing id, a stale version, an illegal
// state transition); a state machine may re-read and retry.
type Conflict struct{ Message string }

// Forbidden: the caller may not do this.
type Forbidden struct{ Message string }

// InternalError: anything unexpected. Its message is always "internal error";
// the detail is in the function's log under the request id.
type InternalError struct{ Message string }

func (e *InvalidInput) Error() string  { return e.Message }
func (e *NotFound) Error() string      { return e.Message }
func (e *Conflict) Error() string      { return e.Message }
func (e *Forbidden) Error() string     { return e.Message }
func (e *InternalError) Error() string { return e.Message }

// internalMessage is all a caller learns about an internal error.
const internalMessage = "internal error"

// Option configures Handler.
type Option func(*options)

type options struct {
	strict bool
	logger *slog.Logger
}

// DisallowUnknownFields makes an event with a field the input type does not
// have an InvalidInput error, so a misspelt key in a configuration is
// reported rather than silently dropped. Leave it off for functions whose
// input is a whole Step Functions state that grows over time.
func DisallowUnknownFields() Option { return func(o *options) { o.strict = true } }

// WithLogger sets where internal errors are logged; default slog.Default().
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// Handler wraps fn so that decoding failures and domain errors reach Lambda
// as the named error types of this package. Tests pass the result to
// lambda.NewHandler to exercise the same JSON path as production.
func Handler[In, Out any](fn func(context.Context, In) (Out, error), opts ...Option) func(context.Context, json.RawMessage) (Out, error) {
	o := options{}
	for _, opt := range opts {
		opt(&o)
	}
	return func(ctx context.Context, event json.RawMessage) (Out, error) {
		var zero Out
		var in In
		if err := decode(event, &in, o.strict); err != nil {
			return zero, err
		}
		out, err := fn(ctx, in)
		if err != nil {
			return zero, named(ctx, err, o.logger)
		}
		return out, nil
	}
}

func decode(event []byte, v any, strict bool) error {
	if len(bytes.TrimSpace(event)) == 0 {
		event = []byte("null")
	}
	dec := json.NewDecoder(bytes.NewReader(event))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return &InvalidInput{Message: fmt.Sprintf("invalid event: %s: cannot be a JSON %s", typeErr.Field, typeErr.Value)}
		}
		return &InvalidInput{Message: "invalid event: " + trimJSONPrefix(err.Error())}
	}
	if dec.More() {
		return &InvalidInput{Message: "invalid event: data after the JSON value"}
	}
	return nil
}

func trimJSONPrefix(s string) string {
	const p = "json: "
	if len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}

// typed is an error that chooses the errorType Step Functions sees.
type typed interface {
	error
	ErrorType() string
}

// named translates err into the error Lambda should report. It is the one
// place a domain error becomes an errorType.
func named(ctx context.Context, err error, logger *slog.Logger) error {
	var (
		invalid   *InvalidInput
		notFound  *NotFound
		conflict  *Conflict
		forbidden *Forbidden
		t         typed
		ire       messages.InvokeResponse_Error
	)
	switch {
	case errors.As(err, &invalid):
		return invalid
	case errors.As(err, &notFound):
		return notFound
	case errors.As(err, &conflict):
		return conflict
	case errors.As(err, &forbidden):
		return forbidden
	case errors.As(err, &ire):
		return ire
	case errors.As(err, &t):
		return messages.InvokeResponse_Error{Type: t.ErrorType(), Message: t.Error()}
	}
	switch audit.ErrorCodeOf(err) {
	case audit.Invalid:
		return &InvalidInput{Message: err.Error()}
	case audit.NotFound:
		return &NotFound{Message: err.Error()}
	case audit.Conflict:
		return &Conflict{Message: err.Error()}
	case audit.Forbidden:
		return &Forbidden{Message: err.Error()}
	}
	if logger == nil {
		logger = slog.Default()
	}
	logger.ErrorContext(ctx, internalMessage, "error", err.Error(), "errorGoType", fmt.Sprintf("%T", err))
	return &InternalError{Message: internalMessage}
}
