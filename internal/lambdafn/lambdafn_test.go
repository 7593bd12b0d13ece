package lambdafn_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"

	"touchaudit/internal/audit"
	"touchaudit/internal/lambdafn"
)

type visit struct {
	Touchpoint string `json:"touchpoint"`
	Minutes    int    `json:"minutes"`
}

type receipt struct {
	Touchpoint string `json:"touchpoint"`
	Accepted   bool   `json:"accepted"`
}

// errorType is the errorType Lambda reports for err: aws-lambda-go takes the
// Go type name with the pointer stripped (lambda/errors.go), except for
// messages.InvokeResponse_Error, which carries its own.
func errorType(err error) string {
	if ire, ok := err.(messages.InvokeResponse_Error); ok {
		return ire.Type
	}
	t := reflect.TypeOf(err)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}

// stateMachineError chooses its own errorType, as a workflow step might.
type stateMachineError struct{}

func (stateMachineError) Error() string     { return "assignment expired before submission" }
func (stateMachineError) ErrorType() string { return "AssignmentExpired" }

func TestHandler_Success(t *testing.T) {
	h := lambda.NewHandler(lambdafn.Handler(func(_ context.Context, v visit) (receipt, error) {
		return receipt{Touchpoint: v.Touchpoint, Accepted: v.Minutes <= 5}, nil
	}))
	out, err := h.Invoke(context.Background(), []byte(`{"touchpoint":"tp-ivr-menu","minutes":3}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.TrimSpace(string(out)), `{"touchpoint":"tp-ivr-menu","accepted":true}`; got != want {
		t.Errorf("response = %s, want %s", got, want)
	}
}

func TestHandler_ErrorTypes(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		wantType string
		wantMsg  string
	}{
		{"invalid", &audit.Error{Code: audit.Invalid, Message: "invalid company bank-pl",
			Problems: []audit.Problem{{Path: "units[2].region", Reason: "unknown region \"r-west\""}}},
			"InvalidInput", `invalid company bank-pl: units[2].region: unknown region "r-west"`},
		{"not found", audit.Errorf(audit.NotFound, "company %q not found", "bank-pl"), "NotFound", `company "bank-pl" not found`},
		{"conflict", audit.Errorf(audit.Conflict, "assignment a-1: stale version 3"), "Conflict", "assignment a-1: stale version 3"},
		{"forbidden", audit.Errorf(audit.Forbidden, "auditor s-7 may not audit own branch"), "Forbidden", "auditor s-7 may not audit own branch"},
		// A %w wrapper would reach Step Functions as "wrapError"; the
		// translation unwraps it.
		{"wrapped domain error", fmt.Errorf("import: %w", audit.Errorf(audit.Conflict, "exists")), "Conflict", "import: exists"},
		{"unknown error is internal", errors.New("dial tcp 10.0.0.1:443: i/o timeout"), "InternalError", "internal error"},
		{"domain internal error", &audit.Error{Code: audit.Internal, Message: "store", Err: errors.New("throttled")}, "InternalError", "internal error"},
		{"already named", &lambdafn.NotFound{Message: "no review r-9"}, "NotFound", "no review r-9"},
		{"names its own type", fmt.Errorf("step: %w", stateMachineError{}), "AssignmentExpired", "assignment expired before submission"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&logs, nil))
			h := lambda.NewHandler(lambdafn.Handler(func(context.Context, visit) (receipt, error) {
				return receipt{}, tt.err
			}, lambdafn.WithLogger(logger)))
			_, err := h.Invoke(context.Background(), []byte(`{"touchpoint":"tp-1"}`))
			if err == nil {
				t.Fatal("want an error")
			}
			if got := errorType(err); got != tt.wantType {
				t.Errorf("errorType = %q, want %q", got, tt.wantType)
			}
			msg := err.Error()
			if ire, ok := err.(messages.InvokeResponse_Error); ok {
				msg = ire.Message
			}
			if msg != tt.wantMsg {
				t.Errorf("errorMessage = %q, want %q", msg, tt.wantMsg)
			}
			if tt.wantType == "InternalError" {
				// The detail is logged, never sent.
				if !strings.Contains(logs.String(), `"level":"ERROR"`) || !strings.Contains(logs.String(), strings.SplitN(tt.err.Error(), ":", 2)[0]) {
					t.Errorf("internal error detail not logged: %s", logs.String())
				}
			} else if logs.Len() > 0 {
				t.Errorf("a client error was logged as an internal one: %s", logs.String())
			}
		})
	}
}

// Payloads that are not JSON at all never reach a function: Lambda's Invoke
// API refuses them (InvalidRequestContentException).
func TestHandler_BadEventIsInvalidInput(t *testing.T) {
	tests := []struct {
		name    string
		event   string
		opts    []lambdafn.Option
		wantMsg string
	}{
		{"wrong type names the field", `{"touchpoint":"tp-1","minutes":"three"}`, nil, "invalid event: minutes: cannot be a JSON string"},
		{"unknown field when strict", `{"touchpoint":"tp-1","minuets":3}`, []lambdafn.Option{lambdafn.DisallowUnknownFields()}, `invalid event: unknown field "minuets"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			called := false
			h := lambda.NewHandler(lambdafn.Handler(func(context.Context, visit) (receipt, error) {
				called = true
				return receipt{}, nil
			}, tt.opts...))
			_, err := h.Invoke(context.Background(), []byte(tt.event))
			if got := errorType(err); got != "InvalidInput" {
				t.Fatalf("errorType = %q (%v), want InvalidInput", got, err)
			}
			if err.Error() != tt.wantMsg {
				t.Errorf("errorMessage = %q, want %q", err.Error(), tt.wantMsg)
			}
			if called {
				t.Error("the handler ran on an event that did not decode")
			}
		})
	}
}

func TestHandler_UnknownFieldsAllowedByDefault(t *testing.T) {
	// Step Functions passes whole states that carry more than a step needs.
	h := lambda.NewHandler(lambdafn.Handler(func(_ context.Context, v visit) (receipt, error) {
		return receipt{Touchpoint: v.Touchpoint}, nil
	}))
	if _, err := h.Invoke(context.Background(), []byte(`{"touchpoint":"tp-1","reviewId":"r-1"}`)); err != nil {
		t.Fatal(err)
	}
}
