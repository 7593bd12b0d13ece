package asl

import "time"

// maxHistoryEvents is the execution history quota: "AWS Step Functions has a
// hard quota of 25,000 entries in the execution event history. ... If the
// event number 25,000 isn't ExecutionSucceeded, the ExecutionFailed event is
// logged" (developer guide, "Avoid reaching the history quota").
const maxHistoryEvents = 25000

// History event types (API reference, HistoryEvent "type" valid values).
const (
	EventExecutionStarted   = "ExecutionStarted"
	EventExecutionSucceeded = "ExecutionSucceeded"
	EventExecutionFailed    = "ExecutionFailed"
	EventExecutionAborted   = "ExecutionAborted"
	EventExecutionTimedOut  = "ExecutionTimedOut"

	EventTaskScheduled = "TaskScheduled"
	EventTaskStarted   = "TaskStarted"
	EventTaskSubmitted = "TaskSubmitted"
	EventTaskSucceeded = "TaskSucceeded"
	EventTaskFailed    = "TaskFailed"
	EventTaskTimedOut  = "TaskTimedOut"

	EventLambdaFunctionScheduled = "LambdaFunctionScheduled"
	EventLambdaFunctionStarted   = "LambdaFunctionStarted"
	EventLambdaFunctionSucceeded = "LambdaFunctionSucceeded"
	EventLambdaFunctionFailed    = "LambdaFunctionFailed"
	EventLambdaFunctionTimedOut  = "LambdaFunctionTimedOut"

	EventParallelStateStarted   = "ParallelStateStarted"
	EventParallelStateSucceeded = "ParallelStateSucceeded"
	EventParallelStateFailed    = "ParallelStateFailed"
	EventParallelStateAborted   = "ParallelStateAborted"

	EventMapStateStarted       = "MapStateStarted"
	EventMapStateSucceeded     = "MapStateSucceeded"
	EventMapStateFailed        = "MapStateFailed"
	EventMapStateAborted       = "MapStateAborted"
	EventMapIterationStarted   = "MapIterationStarted"
	EventMapIterationSucceeded = "MapIterationSucceeded"
	EventMapIterationFailed    = "MapIterationFailed"
	EventMapIterationAborted   = "MapIterationAborted"

	EventFailStateEntered = "FailStateEntered"
)

// HistoryEvent is one entry of GetExecutionHistory, with the field names of
// the Step Functions API.
type HistoryEvent struct {
	Timestamp       time.Time `json:"timestamp"`
	Type            string    `json:"type"`
	ID              int64     `json:"id"`
	PreviousEventID int64     `json:"previousEventId"`

	ExecutionStartedEventDetails   *ExecutionStartedDetails `json:"executionStartedEventDetails,omitempty"`
	ExecutionSucceededEventDetails *OutputDetails           `json:"executionSucceededEventDetails,omitempty"`
	ExecutionFailedEventDetails    *ErrorDetails            `json:"executionFailedEventDetails,omitempty"`
	ExecutionAbortedEventDetails   *ErrorDetails            `json:"executionAbortedEventDetails,omitempty"`
	ExecutionTimedOutEventDetails  *ErrorDetails            `json:"executionTimedOutEventDetails,omitempty"`

	StateEnteredEventDetails *StateEnteredDetails `json:"stateEnteredEventDetails,omitempty"`
	StateExitedEventDetails  *StateExitedDetails  `json:"stateExitedEventDetails,omitempty"`

	TaskScheduledEventDetails *TaskScheduledDetails `json:"taskScheduledEventDetails,omitempty"`
	TaskStartedEventDetails   *TaskDetails          `json:"taskStartedEventDetails,omitempty"`
	TaskSubmittedEventDetails *TaskOutputDetails    `json:"taskSubmittedEventDetails,omitempty"`
	TaskSucceededEventDetails *TaskOutputDetails    `json:"taskSucceededEventDetails,omitempty"`
	TaskFailedEventDetails    *TaskErrorDetails     `json:"taskFailedEventDetails,omitempty"`
	TaskTimedOutEventDetails  *TaskErrorDetails     `json:"taskTimedOutEventDetails,omitempty"`

	LambdaFunctionScheduledEventDetails *LambdaScheduledDetails `json:"lambdaFunctionScheduledEventDetails,omitempty"`
	LambdaFunctionSucceededEventDetails *OutputDetails          `json:"lambdaFunctionSucceededEventDetails,omitempty"`
	LambdaFunctionFailedEventDetails    *ErrorDetails           `json:"lambdaFunctionFailedEventDetails,omitempty"`
	LambdaFunctionTimedOutEventDetails  *ErrorDetails           `json:"lambdaFunctionTimedOutEventDetails,omitempty"`

	MapStateStartedEventDetails       *MapStateStartedDetails `json:"mapStateStartedEventDetails,omitempty"`
	MapRunStartedEventDetails         *MapRunStartedDetails   `json:"mapRunStartedEventDetails,omitempty"`
	MapRunFailedEventDetails          *ErrorDetails           `json:"mapRunFailedEventDetails,omitempty"`
	MapIterationStartedEventDetails   *MapIterationDetails    `json:"mapIterationStartedEventDetails,omitempty"`
	MapIterationSucceededEventDetails *MapIterationDetails    `json:"mapIterationSucceededEventDetails,omitempty"`
	MapIterationFailedEventDetails    *MapIterationDetails    `json:"mapIterationFailedEventDetails,omitempty"`
	MapIterationAbortedEventDetails   *MapIterationDetails    `json:"mapIterationAbortedEventDetails,omitempty"`
}

// ExecutionStartedDetails is executionStartedEventDetails.
type ExecutionStartedDetails struct {
	Input   string `json:"input"`
	RoleArn string `json:"roleArn"`
}

// OutputDetails carries an output (executionSucceeded, lambdaFunctionSucceeded).
type OutputDetails struct {
	Output string `json:"output"`
}

// ErrorDetails carries an error and cause. Either may be absent: a Fail
// state with neither Error nor Cause ends the execution with neither (API
// reference, ExecutionFailedEventDetails: both optional).
type ErrorDetails struct {
	Error string `json:"error,omitempty"`
	Cause string `json:"cause,omitempty"`
}

// StateEnteredDetails is stateEnteredEventDetails.
type StateEnteredDetails struct {
	Name  string `json:"name"`
	Input string `json:"input"`
}

// StateExitedDetails is stateExitedEventDetails.
type StateExitedDetails struct {
	Name   string `json:"name"`
	Output string `json:"output"`
}

// TaskScheduledDetails is taskScheduledEventDetails.
type TaskScheduledDetails struct {
	ResourceType       string `json:"resourceType"`
	Resource           string `json:"resource"`
	Region             string `json:"region"`
	Parameters         string `json:"parameters"`
	TimeoutInSeconds   int64  `json:"timeoutInSeconds,omitempty"`
	HeartbeatInSeconds int64  `json:"heartbeatInSeconds,omitempty"`
}

// TaskDetails is taskStartedEventDetails.
type TaskDetails struct {
	ResourceType string `json:"resourceType"`
	Resource     string `json:"resource"`
}

// TaskOutputDetails is taskSubmitted/taskSucceededEventDetails.
type TaskOutputDetails struct {
	ResourceType string `json:"resourceType"`
	Resource     string `json:"resource"`
	Output       string `json:"output"`
}

// TaskErrorDetails is taskFailed/taskTimedOutEventDetails.
type TaskErrorDetails struct {
	ResourceType string `json:"resourceType"`
	Resource     string `json:"resource"`
	Error        string `json:"error"`
	Cause        string `json:"cause"`
}

// LambdaScheduledDetails is lambdaFunctionScheduledEventDetails.
type LambdaScheduledDetails struct {
	Resource         string `json:"resource"`
	Input            string `json:"input"`
	TimeoutInSeconds int64  `json:"timeoutInSeconds,omitempty"`
}

// MapStateStartedDetails is mapStateStartedEventDetails.
type MapStateStartedDetails struct {
	Length int `json:"length"`
}

// MapIterationDetails is mapIteration*EventDetails.
type MapIterationDetails struct {
	Name  string `json:"name"`
	Index int    `json:"index"`
}
