// Package asl is touchaudit's local AWS Step Functions engine: it parses and
// validates Amazon States Language definitions (JSONPath and JSONata query
// languages, with workflow variables) and runs them with the semantics,
// error names, history events and quotas of Step Functions STANDARD
// workflows, with Task states bound to in-process Go handlers, so a whole
// workflow runs inside one test.
//
// # API
//
// Engine mirrors the Step Functions API: CreateStateMachine,
// DescribeStateMachine, ListStateMachines, StartExecution,
// DescribeExecution, GetExecutionHistory, ListExecutions, StopExecution,
// SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat, and
// UpdateStateMachine, DeleteStateMachine and TestState; Validate gives
// ValidateStateMachineDefinition's diagnostics. API failures are
// *APIError values whose Code is the AWS exception name
// (ExecutionAlreadyExists, ExecutionDoesNotExist, StateMachineDoesNotExist,
// StateMachineAlreadyExists, InvalidDefinition, InvalidToken, TaskTimedOut,
// TaskDoesNotExist, InvalidName, InvalidExecutionInput, InvalidArn,
// InvalidOutput). An InvalidDefinition error wraps a *DefinitionError that
// lists every problem, each naming the state and the field. The Engine is
// safe for concurrent use.
//
// DescribeMapRun, ListMapRuns and ListMapRunExecutions (ListExecutions by
// mapRunArn) show Distributed Map runs.
//
// Parse validates a definition on its own. Resources are bound with a
// Registry (Register, RegisterInvoker, TypedHandler); DynamoDB integrations
// use Options.DynamoDB; Step Functions Local mock files load with
// ParseMockConfig and apply to executions started on "ARN#TestCase". A
// Distributed Map reads and writes S3 through Options.S3.
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
//   - Parallel branches all enter their first state before any goes on
//     (in virtual and in real time), as on AWS; the first branch to fail
//     fails the state and stops the others.
//   - Limits at run time: a Wait that would end more than 2^31 seconds
//     ahead fails with States.Runtime ("Wait state delay is too long."); a
//     Standard execution times out (States.Timeout) one year after its
//     start, or earlier by TimeoutSeconds. The one-year limit does not make
//     virtual time run ahead while an execution only waits for a token.
//   - A Fail state with neither Error nor Cause ends the execution with
//     neither (empty in DescribeExecution, omitted in history events).
//   - StartExecution is idempotent for the same name and input while the
//     execution runs; otherwise a reused name is ExecutionAlreadyExists.
//   - A Distributed Map (ProcessorConfig Mode DISTRIBUTED) runs a Map Run:
//     one child execution per item or ItemBatcher batch, of the state
//     machine PARENT/LABEL, at most MaxConcurrency at once. Items come from
//     ItemsPath or an S3 ItemReader (getObject JSON, JSONL, CSV;
//     listObjectsV2), capped by MaxItems. Without ToleratedFailureCount or
//     Percentage no child may fail; past the threshold the state fails with
//     States.ExceedToleratedFailureThreshold and running children are
//     aborted. An unreadable item source is States.ItemReaderFailed; a
//     ResultWriter writes manifest.json and SUCCEEDED/FAILED/PENDING_0.json
//     to S3 (States.ResultWriterFailed if it cannot), shaped by its
//     WriterConfig, which alone shapes the state's result instead. The
//     parent's history has MapRunStarted and MapRunSucceeded or
//     MapRunFailed. Children are not kept in StateDir: a resumed parent
//     runs the Map state's unfinished items again in a new Map Run. Not
//     supported: the ItemReader's MANIFEST and PARQUET inputs, Express
//     children's own API shape (they run like Standard ones, with a
//     five-minute limit), redriving a Map Run.
//
// # Task tokens
//
// Task tokens carry 192 bits from crypto/rand (Options.Seed does not apply),
// so they are unique across runs and engines, as AWS's are. A token this
// engine never issued (for example one a phone kept from an earlier run
// without a state directory) answers InvalidToken and wakes nothing; the
// token of a task that has closed (answered, timed out, or its execution
// finished or stopped) answers TaskTimedOut, AWS's "The task token has
// either expired or the task associated with the token has already been
// closed" (API reference, SendTaskSuccess).
//
// # Durable executions
//
// With Options.StateDir the engine keeps every execution in that
// directory, one JSON file per execution (named by a hash of its ARN),
// replaced atomically (temp file, fsync, rename) at each checkpoint. A file
// holds the state machine's name, ARN and definition, the input, status,
// output or error, the whole history, the task tokens minted for the
// execution, and one checkpoint per running thread (the top level, each
// Parallel branch, each Map iteration, keyed "" or "ENTERED:INDEX" by the
// StateEntered event of their Map or Parallel state):
//
//   - the state the thread is in and its raw input, written when the state
//     is entered;
//   - for a Wait, the absolute time it ends;
//   - for a .waitForTaskToken task, its token (written before the resource
//     is invoked), whether the resource took it (TaskSubmitted), the
//     absolute timeout and heartbeat deadlines (moved by
//     SendTaskHeartbeat), and the answer of SendTaskSuccess/Failure
//     (written before the call returns);
//   - for an ended branch or iteration, its output or error.
//
// Close stops an engine without closing its executions. Resume, on a new
// engine with the same StateDir and with the resources registered, loads
// every file and continues each running execution from its checkpoints,
// on the definition it started with:
//
//   - the state a thread was in is not entered again (no second
//     StateEntered); the history continues with the next event id;
//   - a Wait keeps its end: one that fell due while the engine was down
//     ends at once, one still ahead waits for the rest;
//   - a callback task that had its token keeps it: if the resource had
//     taken it the task waits again without invoking it, so the phone's
//     later SendTaskSuccess with that token wakes it; if the engine stopped
//     while the resource ran, the resource is invoked again with the same
//     token; an answer accepted before the stop is used, and so is one
//     accepted after Resume but before the task got going again (no
//     deadline races it); TaskSubmitted and the checkpoint saying the
//     resource took the token are saved together; a timeout that
//     passed while down fires States.Timeout (or HeartbeatTimeout) at once;
//   - a Map or Parallel state keeps the outputs of branches and iterations
//     that had ended and resumes the others;
//   - any other Task in flight runs again, as Lambda tasks are
//     at-least-once on AWS (handlers must be idempotent), and so does a
//     Pass, Choice, Succeed or Fail state; events a thread recorded after
//     its last checkpoint may appear twice;
//   - retry counts and the delay of a retry in progress start again;
//   - an execution's TimeoutSeconds counts from its start date;
//   - virtual time starts no earlier than the last checkpoint.
//
// Finished executions keep their status, output and history
// (DescribeExecution, GetExecutionHistory, ListExecutions once their state
// machine is created again), and their tokens answer TaskTimedOut.
//
// # JSONata and variables
//
// QueryLanguage is read at the top, per Parallel branch or Map processor,
// and per state; under a top-level JSONata no state may be JSONPath. A
// JSONata state has Arguments (Task, Parallel), Output (all but Fail),
// Items (Map) and "{% %}" expressions in those, in Assign, ItemSelector,
// a Choice rule's Condition, a Wait's Seconds or Timestamp, a Task's
// TimeoutSeconds or HeartbeatSeconds, a Map's MaxConcurrency and
// tolerances, and a Fail's Error and Cause (package jsonata evaluates
// them). JSONPath-only fields are refused in it, and the JSONata-only
// fields in a JSONPath state. $states holds input, context, result (Output
// and Assign of Task, Map and Parallel) and errorOutput (a catcher's
// Output and Assign); any other use is refused at create time. A failing
// or undefined expression raises States.QueryEvaluationError after an
// EvaluationFailed event. The output defaults to the result, the error
// output in a catcher, else the input.
//
// Assign works in both languages (JSONPath: keys ending ".$" take a path or
// intrinsic call over the state's result, as after ResultSelector; for
// Wait and Choice the effective input; in a catcher the error output).
// Every expression of a state sees the variables as they were when it was
// entered; the new values are stored when the state ends and listed in its
// StateExited event. JSONPath reads a variable as "$name" or "$name.path".
// A Parallel branch or Map iteration has its own scope over the enclosing
// ones: it reads outer variables and keeps what it assigns to itself, so
// an outer variable is never changed from inside (assigning an outer name
// makes an inner variable). Limits:
// 256 KiB per variable, 256 KiB per Assign, 10 MiB per execution
// (States.Runtime). A thread's own variables are part of its checkpoint,
// so Resume restores them.
//
// Key order: objects are jsonvalue.Object, which keeps its keys in order,
// because AWS prints them in order (outputs, history, States.JsonToString
// and so States.Hash of it, States.Format). Input and definition JSON keep
// the order they were written in; ResultPath replaces an existing key in
// place and appends a new one; the error output is {"Error","Cause"}; a
// JSONPath template's object (Parameters, ResultSelector, ItemSelector,
// Assign) comes out in Java HashMap order, as executions recorded on AWS
// print it. JSONata results pass through jsonata-go's Go maps; an object
// passed through and an object constructor's literal keys keep their order
// across them, and only an object jsonata-go builds otherwise ($merge, a
// transform) has sorted keys (internal/asl/jsonata).
//
// Not supported: activities, Express workflows, redrive.
package asl
