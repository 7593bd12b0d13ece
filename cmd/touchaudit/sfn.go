//go:build !demoonly

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"touchaudit/internal/asl"
	"touchaudit/internal/asl/awsdynamo"
	"touchaudit/internal/asl/awss3"
	"touchaudit/internal/awsclient"
	"touchaudit/internal/dynamo"
	"touchaudit/internal/lambdart"
	s3store "touchaudit/internal/s3"
)

func init() {
	register("sfn", "run a state machine locally (sfn run), or serve the Step Functions API (sfn serve)", runSFN)
}

const sfnUsage = `usage: touchaudit sfn serve [--addr 127.0.0.1:PORT] [--mock-config FILE] [--function NAME=BOOTSTRAP ...] [--virtual-time]
       touchaudit sfn run --definition FILE [--input FILE] [--mock-config FILE --test-case NAME] [--state-machine-name NAME]
         [--function NAME=BOOTSTRAP ...] [--start TIME]

Runs the state machine in virtual time and prints one JSON object:
  {"status":"SUCCEEDED","output":...} or {"status":"FAILED","error":"...","cause":"..."}
plus "historyEvents" and "stateTransitions". Exit status 0 when the execution
ended (in any status); 2 for an invalid definition, bad flags or unreadable files.

Virtual time starts now (the wall clock when the command starts), so
$$.Execution.StartTime, Wait timestamps and the one-year execution limit
behave as on AWS today; --start TIME (RFC 3339, e.g. 2024-01-01T00:00:00Z)
starts it at TIME instead, for reproducible runs.

--function binds a Lambda function name (or ARN) to a built bootstrap, run
behind a local Lambda Runtime API (repeat it for more functions; the
function sees the same environment variables as this command). With
DYNAMODB_ENDPOINT set, the dynamodb:getItem/putItem/updateItem/deleteItem
integrations call that DynamoDB API (moto, DynamoDB Local). With S3_ENDPOINT
set, a Distributed Map's ItemReader and ResultWriter use that S3 API (moto),
with credentials test/test and path-style buckets.

A Task with no mocked response and no handler fails: Lambda resources with
Lambda.ResourceNotFoundException (what Lambda answers for a missing function),
other resources with States.TaskFailed.

sfn serve serves the Step Functions API (AWS JSON 1.0) on 127.0.0.1 (default
port 8083, as Step Functions Local; port 0 picks one) and prints
"endpoint: http://127.0.0.1:PORT"; point the AWS CLI or an SDK at it with any
credentials. It runs in real time, or on the virtual clock with
--virtual-time (a call returns once executions have run as far as they can),
and stops on Ctrl-C or SIGTERM. --mock-config, --function, DYNAMODB_ENDPOINT
and S3_ENDPOINT are as for sfn run; start an execution on ARN#TestCase to
use a mock test case. DescribeMapRun, ListMapRuns and ListExecutions with
mapRunArn show a Distributed Map's runs and child executions.
`

// sfnResult is the one JSON object sfn run prints.
type sfnResult struct {
	Status           string          `json:"status"`
	Output           json.RawMessage `json:"output,omitempty"`
	Error            *string         `json:"error,omitempty"`
	Cause            *string         `json:"cause,omitempty"`
	HistoryEvents    int             `json:"historyEvents"`
	StateTransitions int64           `json:"stateTransitions"`
}

func runSFN(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "serve" {
		return runSFNServe(args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "run" {
		fmt.Fprint(stderr, sfnUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return 0
		}
		return 2
	}
	fs := flag.NewFlagSet("sfn run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, sfnUsage) }
	definition := fs.String("definition", "", "state machine definition (ASL JSON) `file`")
	inputFile := fs.String("input", "", "execution input JSON `file` (default {})")
	mockFile := fs.String("mock-config", "", "Step Functions Local MockConfigFile `file`")
	testCase := fs.String("test-case", "", "test case `name` in the mock config")
	smName := fs.String("state-machine-name", "", "state machine `name` (default: definition file name without .asl.json)")
	startAt := fs.String("start", "", "start virtual time at `TIME` (RFC 3339; default now)")
	var functions functionFlags
	fs.Var(&functions, "function", "bind a Lambda function `NAME=BOOTSTRAP` (repeatable)")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "touchaudit sfn run: "+format+"\n", a...)
		return 2
	}
	if fs.NArg() > 0 {
		return fail("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if *definition == "" {
		return fail("--definition is required")
	}
	if (*mockFile == "") != (*testCase == "") {
		return fail("--mock-config and --test-case go together")
	}
	def, err := os.ReadFile(*definition)
	if err != nil {
		return fail("%v", err)
	}
	input := "{}"
	if *inputFile != "" {
		b, err := os.ReadFile(*inputFile)
		if err != nil {
			return fail("%v", err)
		}
		input = string(b)
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			return fail("--input %s is not valid JSON: %v", *inputFile, err)
		}
	}
	name := *smName
	if name == "" {
		base := filepath.Base(*definition)
		name = strings.TrimSuffix(strings.TrimSuffix(base, ".asl.json"), ".json")
	}
	start := time.Now().UTC()
	if *startAt != "" {
		t, err := time.Parse(time.RFC3339Nano, *startAt)
		if err != nil {
			return fail("--start %q is not an RFC 3339 time", *startAt)
		}
		start = t.UTC()
	}
	opts := asl.Options{Registry: asl.NewRegistry(), Start: start}
	closeFunctions, err := bindSFNResources(&opts, functions, stderr)
	defer closeFunctions()
	if err != nil {
		return fail("%v", err)
	}
	e := asl.NewEngine(opts)
	if *mockFile != "" {
		cfg, err := readMockConfig(*mockFile)
		if err != nil {
			return fail("%v", err)
		}
		if _, ok := cfg.TestCase(name, *testCase); !ok {
			return fail("%s has no test case %q for state machine %q", *mockFile, *testCase, name)
		}
		e.SetMockConfig(cfg)
	}
	sm, err := e.CreateStateMachine(asl.CreateStateMachineInput{Name: name, Definition: string(def)})
	if err != nil {
		var de *asl.DefinitionError
		if errors.As(err, &de) {
			fmt.Fprintf(stderr, "touchaudit sfn run: %s: invalid definition:\n", *definition)
			for _, p := range de.Problems {
				fmt.Fprintf(stderr, "  %s\n", p)
			}
			return 2
		}
		return fail("%v", err)
	}
	arn := sm.StateMachineArn
	if *testCase != "" {
		arn += "#" + *testCase
	}
	started, err := e.StartExecution(asl.StartExecutionInput{StateMachineArn: arn, Input: input})
	if err != nil {
		return fail("%v", err)
	}
	ctx := context.Background()
	d, err := e.RunExecution(ctx, started.ExecutionArn)
	if err != nil {
		return fail("%v", err)
	}
	if d.Status == asl.StatusRunning {
		// Nothing can send the task token this execution waits for.
		if _, err := e.StopExecution(started.ExecutionArn, "touchaudit.Blocked", "the execution waits for a task token that nothing can send (no mocked response, no timeout)"); err != nil {
			return fail("%v", err)
		}
		d, _ = e.DescribeExecution(started.ExecutionArn)
	}
	res := sfnResult{Status: d.Status, HistoryEvents: d.HistoryEvents, StateTransitions: d.StateTransitions}
	if d.Output != nil {
		res.Output = json.RawMessage(*d.Output)
	}
	// As DescribeExecution shows them: an execution that a Fail state with
	// neither Error nor Cause ended has neither.
	if d.Status != asl.StatusSucceeded && d.Error != "" {
		res.Error = &d.Error
	}
	if d.Status != asl.StatusSucceeded && d.Cause != "" {
		res.Cause = &d.Cause
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(res); err != nil {
		return fail("%v", err)
	}
	return 0
}

// bindSFNResources gives the engine what sfn run and sfn serve share: the
// DynamoDB API of DYNAMODB_ENDPOINT and the --function bootstraps, each run
// behind a local Lambda Runtime API. The returned func stops them.
func bindSFNResources(opts *asl.Options, functions functionFlags, stderr io.Writer) (func(), error) {
	var started []*lambdart.Function
	stop := func() {
		for _, fn := range started {
			fn.Close()
		}
	}
	if ep := os.Getenv("DYNAMODB_ENDPOINT"); ep != "" {
		client, err := dynamo.NewLocalClient(context.Background(), ep)
		if err != nil {
			return stop, fmt.Errorf("DYNAMODB_ENDPOINT: %w", err)
		}
		opts.DynamoDB = awsdynamo.New(client)
	}
	if ep := os.Getenv("S3_ENDPOINT"); ep != "" {
		opts.S3 = awss3.New(s3store.NewClient(sfnS3Limits, sfnS3Limits.Local(), ep))
	}
	for _, f := range functions {
		fn, err := lambdart.Start(lambdart.Config{Bootstrap: f.bootstrap, FunctionName: f.name, Env: os.Environ(), Logs: stderr})
		if err != nil {
			return stop, fmt.Errorf("--function %s: %w", f.name, err)
		}
		started = append(started, fn)
		opts.Registry.RegisterInvoker(f.name, runtimeInvoker{fn})
	}
	return stop, nil
}

// sfnS3Limits bound the S3 client of a Distributed Map's ItemReader and
// ResultWriter: the Lambda limits without a per-attempt timeout, which
// would cut an object's body read after the attempt; awss3.CallTimeout
// bounds each call instead.
var sfnS3Limits = func() awsclient.Limits {
	l := awsclient.Lambda
	l.AttemptTimeout = 0
	return l
}()

// functionFlags are the --function NAME=BOOTSTRAP bindings.
type functionFlags []struct{ name, bootstrap string }

func (f *functionFlags) String() string { return fmt.Sprint(len(*f), " functions") }

func (f *functionFlags) Set(v string) error {
	name, bootstrap, ok := strings.Cut(v, "=")
	if !ok || name == "" || bootstrap == "" {
		return fmt.Errorf("want NAME=BOOTSTRAP, not %q", v)
	}
	if _, err := os.Stat(bootstrap); err != nil {
		return err
	}
	*f = append(*f, struct{ name, bootstrap string }{name, bootstrap})
	return nil
}

// runtimeInvoker runs a built bootstrap behind the local Lambda Runtime API
// for the engine: a function error keeps its errorType, as Step Functions
// sees it.
type runtimeInvoker struct{ fn *lambdart.Function }

func (r runtimeInvoker) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	out, err := r.fn.Invoke(ctx, payload)
	var fe *lambdart.FunctionError
	if errors.As(err, &fe) {
		return nil, &asl.FunctionError{ErrorType: fe.Type, ErrorMessage: fe.Message}
	}
	return out, err
}

// readMockConfig reads a Step Functions Local MockConfigFile; an error
// names the file.
func readMockConfig(path string) (*asl.MockConfig, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	cfg, err := asl.ParseMockConfig(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}
