package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"touchaudit/internal/audit"
)

// The HTTP API's own error codes, beside the domain's (audit.ErrorCode): an
// HTTP error is still one *audit.Error, so it is mapped in one place.
const (
	codeUnauthorized audit.ErrorCode = "unauthorized"
	codeTooLarge     audit.ErrorCode = "too_large"
)

// statusOf is the one place an error code becomes an HTTP status.
func statusOf(code audit.ErrorCode) int {
	switch code {
	case audit.Invalid:
		return http.StatusBadRequest
	case codeUnauthorized:
		return http.StatusUnauthorized
	case audit.Forbidden:
		return http.StatusForbidden
	case audit.NotFound:
		return http.StatusNotFound
	case audit.Conflict:
		return http.StatusConflict
	case codeTooLarge:
		return http.StatusRequestEntityTooLarge
	default:
		return http.StatusInternalServerError
	}
}

// defaultMessages are shown when an error carries no message of its own.
var defaultMessages = map[audit.ErrorCode]string{
	audit.Invalid:    "invalid request",
	codeUnauthorized: "sign in first",
	audit.Forbidden:  "not allowed for your role",
	audit.NotFound:   "not found",
	audit.Conflict:   "conflict",
	codeTooLarge:     "request body too large",
}

// internalMessage is all a client learns about an internal error.
const internalMessage = "internal error"

// errorBody is the one error shape of the API (docs/API.md).
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    audit.ErrorCode `json:"code"`
	Message string          `json:"message"`
	Fields  []audit.Problem `json:"fields,omitempty"`
}

// errorOf turns any error into its status and body. Internal errors (any
// error that is not an *audit.Error with a known code) are logged with their
// detail here and answered only with "internal error".
func (h *Handler) errorOf(ctx context.Context, requestID string, err error) (int, errorBody) {
	var e *audit.Error
	if errors.As(err, &e) {
		if status := statusOf(e.Code); status != http.StatusInternalServerError {
			msg := e.Message
			if msg == "" {
				msg = defaultMessages[e.Code]
			}
			return status, errorBody{Error: errorDetail{Code: e.Code, Message: msg, Fields: e.Problems}}
		}
	}
	h.logger().ErrorContext(ctx, internalMessage, "requestId", requestID, "error", err.Error(), "errorGoType", fmt.Sprintf("%T", err))
	return http.StatusInternalServerError, errorBody{Error: errorDetail{Code: audit.Internal, Message: internalMessage}}
}

func (h *Handler) logger() *slog.Logger {
	if h.log != nil {
		return h.log
	}
	return slog.Default()
}

func errorf(code audit.ErrorCode, format string, args ...any) error {
	return audit.Errorf(code, format, args...)
}

// invalidFields is a validation failure with field paths.
func invalidFields(problems []audit.Problem) error {
	return &audit.Error{Code: audit.Invalid, Message: "invalid request", Problems: problems}
}

func invalidField(path, format string, args ...any) error {
	return invalidFields([]audit.Problem{{Path: path, Reason: fmt.Sprintf(format, args...)}})
}
