package asl

import (
	"errors"
	"fmt"
	"reflect"
)

// Error names defined by the Amazon States Language and the Step Functions
// developer guide ("Handling errors in Step Functions workflows").
const (
	ErrAll                          = "States.ALL"
	ErrRuntime                      = "States.Runtime"
	ErrTaskFailed                   = "States.TaskFailed"
	ErrTimeout                      = "States.Timeout"
	ErrHeartbeatTimeout             = "States.HeartbeatTimeout"
	ErrNoChoiceMatched              = "States.NoChoiceMatched"
	ErrIntrinsicFailure             = "States.IntrinsicFailure"
	ErrDataLimitExceeded            = "States.DataLimitExceeded"
	ErrParameterPathFailure         = "States.ParameterPathFailure"
	ErrResultPathMatchFailure       = "States.ResultPathMatchFailure"
	ErrBranchFailed                 = "States.BranchFailed"
	ErrItemReaderFailed             = "States.ItemReaderFailed"
	ErrExceedToleratedFailureThresh = "States.ExceedToleratedFailureThreshold"
	ErrPermissions                  = "States.Permissions"
	// ErrQueryEvaluation is a JSONata expression that failed or yielded
	// nothing where a value is needed (developer guide, error names).
	ErrQueryEvaluation = "States.QueryEvaluationError"
)

// StatesError is a runtime error inside an execution: what Retry and Catch
// match on, and what ExecutionFailed reports.
type StatesError struct {
	Name  string
	Cause string
	// terminal marks an error that States.ALL does not match although its
	// name alone would allow it: a state's input or output over the
	// payload quota.
	terminal bool
}

func (e *StatesError) Error() string {
	if e.Cause == "" {
		return e.Name
	}
	return e.Name + ": " + e.Cause
}

// runtimeErr is the States.Runtime failure of the thread's current state,
// with the prefix AWS puts on every runtime cause: "An error occurred while
// executing the state 'NAME' (entered at the event id #N). " (as seen in
// real ExecutionFailed events).
func (t *thread) runtimeErr(format string, args ...any) *StatesError {
	return &StatesError{Name: ErrRuntime, Cause: t.errorPrefix() + fmt.Sprintf(format, args...)}
}

// errorPrefix is the state part of a runtime cause.
func (t *thread) errorPrefix() string {
	if t.state == nil {
		return ""
	}
	return fmt.Sprintf("An error occurred while executing the state '%s' (entered at the event id #%d). ", t.state.name, t.state.enteredID)
}

// ErrorName is the name under which a Go error reaches Step Functions: the
// ErrorName method if the error has one, else its dynamic type name without
// package or pointer, exactly as aws-lambda-go reports errorType. A wrapper
// made by fmt.Errorf("%w") is reported as "wrapError", as on Lambda.
func ErrorName(err error) string {
	if named, ok := err.(interface{ ErrorName() string }); ok {
		return named.ErrorName()
	}
	if se, ok := err.(*StatesError); ok {
		return se.Name
	}
	t := reflect.TypeOf(err)
	if t == nil {
		return ""
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}

// API exception names returned by the Step Functions API (API reference,
// "Errors" section of each action).
const (
	CodeExecutionAlreadyExists    = "ExecutionAlreadyExists"
	CodeExecutionDoesNotExist     = "ExecutionDoesNotExist"
	CodeStateMachineDoesNotExist  = "StateMachineDoesNotExist"
	CodeStateMachineAlreadyExists = "StateMachineAlreadyExists"
	CodeInvalidDefinition         = "InvalidDefinition"
	CodeInvalidToken              = "InvalidToken"
	CodeTaskTimedOut              = "TaskTimedOut"
	CodeTaskDoesNotExist          = "TaskDoesNotExist"
	CodeInvalidName               = "InvalidName"
	CodeInvalidExecutionInput     = "InvalidExecutionInput"
	CodeInvalidArn                = "InvalidArn"
	CodeInvalidOutput             = "InvalidOutput"
	CodeValidationException       = "ValidationException"
)

// APIError is an error of an Engine API call. Code is the AWS exception name
// (the __type of an AWS JSON 1.0 error response).
type APIError struct {
	Code    string
	Message string
	Err     error // the underlying error, e.g. a *DefinitionError
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }
func (e *APIError) Unwrap() error { return e.Err }

func apiErr(code, format string, args ...any) *APIError {
	return &APIError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// IsCode reports whether err is an *APIError with the given code.
func IsCode(err error, code string) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Code == code
}
