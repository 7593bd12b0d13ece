// Package asl is touchaudit's local AWS Step Functions engine: it parses and
// validates Amazon States Language definitions (JSONPath query language) and
// runs them with the semantics, error names, history events and quotas of
// Step Functions STANDARD workflows, with Task states bound to in-process Go
// handlers, so a whole workflow runs inside one test.
//
// # API
//
// Engine mirrors the Step Functions API: CreateStateMachine,
// DescribeStateMachine, ListStateMachines, StartExecution,
// DescribeExecution, GetExecutionHistory, ListExecutions, StopExecution,
// SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat. API failures are
// *APIError values whose Code is the AWS exception name
// (ExecutionAlreadyExists, ExecutionDoesNotExist, StateMachineDoesNotExist,
// StateMachineAlreadyExists, InvalidDefinition, InvalidToken, TaskTimedOut,
// TaskDoesNotExist, InvalidName, InvalidExecutionInput, InvalidArn,
// InvalidOutput). An InvalidDefinition error wraps a *DefinitionError that
// lists every problem, each naming the state and the field. The Engine is
// safe for concurrent use.
//
// Parse validates a definition on its own. Resources are bound with a
// Registry (Register, RegisterInvoker, TypedHandler); DynamoDB integrations
// use Options.DynamoDB; Step Functions Local mock files load with
// ParseMockConfig and apply to executions started on "ARN#TestCase".
//
// # Time
//
// By default time is virtual: it stands still while any execution can make
// progress and jumps to the next timer when none can, so a six-month Wait
// ends at once. WaitForExecution and Settle drive it; they stop when the
// only way forward is an outside call (a task token, or the timeout of a
// task waiting for one), and Advance moves time explicitly. In virtual time
// goroutines run one at a time in a fixed order, so histories are
// reproducible. Options.RealTime uses wall-clock timers instead.
//
// # Semantics
//
//   - Data flow: InputPath → Parameters → resource → ResultSelector →
//     ResultPath → OutputPath; Catch output {"Error","Cause"} goes to the
//     catcher's ResultPath applied to the state's raw input.
//   - Errors follow what AWS executions show: States.Runtime is never
//     retried or caught; States.ALL does not match it, nor a state's input
//     or output over the payload quota (States.DataLimitExceeded, which can
//     still be caught by name), but does match an oversized task result,
//     which fails the task; States.TaskFailed in a Task's Retry/Catch
//     matches any task error except States.Timeout. A Choice with no match
//     and no Default fails with States.NoChoiceMatched. Runtime causes
//     carry AWS's prefix "An error occurred while executing the state
//     'NAME' (entered at the event id #N). " and AWS's wording for path and
//     intrinsic failures; testdata/conformance holds the recorded cases.
//   - Go handler errors reach the state machine as ErrorName(err): the
//     ErrorName() method if present, else the Go type name ("NotFound" for
//     *mypkg.NotFound), as aws-lambda-go reports errorType.
//   - A Task with no mocked response and no handler fails: a Lambda resource
//     with Lambda.ResourceNotFoundException (what Lambda answers for a
//     missing function), any other resource with States.TaskFailed.
//   - Quotas: 256 KiB state input/output (States.DataLimitExceeded); 25,000
//     history events, past which the execution fails with States.Runtime;
//     StateTransitions counts states entered plus retries.
//   - StartExecution is idempotent for the same name and input while the
//     execution runs; otherwise a reused name is ExecutionAlreadyExists.
//
// Not supported: JSONata, variables (Assign), Distributed Map, activities,
// Express workflows, redrive.
package asl
