package asl

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"touchaudit/internal/asl/jsonvalue"
)

// Defaults for ARNs minted by the engine.
const (
	DefaultRegion    = "us-east-1"
	DefaultAccountID = "123456789012"
)

// maxNameLen is the name limit of state machines and executions: "Names
// must not exceed 80 characters" (service quotas, general quotas).
const maxNameLen = 80

// Options configure an Engine. The zero value is a virtual-time engine with
// an empty registry.
type Options struct {
	// RealTime makes timers wall-clock timers (interactive use). By default
	// time is virtual and starts at Start (DefaultVirtualStart if zero).
	RealTime bool
	Start    time.Time
	// Seed seeds the engine's random source (JitterStrategy FULL, execution
	// names, request ids), so a virtual run is reproducible.
	Seed      uint64
	Registry  *Registry
	DynamoDB  DynamoDB
	S3        S3 // a Distributed Map's ItemReader and ResultWriter
	Mocks     *MockConfig
	Region    string
	AccountID string
	// StateDir, if set, is where the engine keeps its executions (one JSON
	// file each, replaced atomically at every checkpoint), so that a later
	// engine on the same directory can Resume them. See the package
	// documentation, "Durable executions".
	StateDir string
}

// Engine is a local Step Functions service. It is safe for concurrent use.
type Engine struct {
	clock    *clock
	region   string
	account  string
	registry *Registry
	dynamo   DynamoDB
	s3       S3

	mu         sync.Mutex
	machines   map[string]*stateMachine // by name
	executions map[string]*execution    // by ARN
	order      []*execution
	tokens     map[string]*pendingTask
	mocks      *MockConfig
	journal    *journal // nil without Options.StateDir

	runs mapRuns // Distributed Map Runs

	randMu sync.Mutex
	rnd    *rand.Rand

	scopeMu sync.Mutex
}

type stateMachine struct {
	name       string
	arn        string
	definition string
	roleArn    string
	def        *Definition
	created    time.Time
	// revisionID, updated and deleting are UpdateStateMachine's and
	// DeleteStateMachine's (machines.go).
	revisionID string
	updated    time.Time
	deleting   bool
}

// NewEngine returns an engine.
func NewEngine(o Options) *Engine {
	start := o.Start
	if start.IsZero() {
		start = DefaultVirtualStart
	}
	e := &Engine{
		clock:      newClock(!o.RealTime, start.UTC()),
		region:     o.Region,
		account:    o.AccountID,
		registry:   o.Registry,
		dynamo:     o.DynamoDB,
		s3:         o.S3,
		machines:   map[string]*stateMachine{},
		executions: map[string]*execution{},
		tokens:     map[string]*pendingTask{},
		mocks:      o.Mocks,
		rnd:        rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)),
	}
	if e.region == "" {
		e.region = DefaultRegion
	}
	if e.account == "" {
		e.account = DefaultAccountID
	}
	if e.registry == nil {
		e.registry = NewRegistry()
	}
	if o.StateDir != "" {
		e.journal = newJournal(o.StateDir)
	}
	return e
}

// Registry returns the engine's resource registry.
func (e *Engine) Registry() *Registry { return e.registry }

// Clock returns the engine's clock.
func (e *Engine) Clock() Clock { return e.clock }

// SetMockConfig installs a Step Functions Local mock configuration. A test
// case is selected per execution by starting it on "STATE_MACHINE_ARN#CASE".
func (e *Engine) SetMockConfig(c *MockConfig) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.mocks = c
}

func (e *Engine) mockConfig() *MockConfig {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.mocks
}

func (e *Engine) float64() float64 {
	e.randMu.Lock()
	defer e.randMu.Unlock()
	return e.rnd.Float64()
}

// childRand returns a new random source seeded from the engine's, for one
// intrinsic evaluation (a *rand.Rand is not safe for concurrent use).
func (e *Engine) childRand() *rand.Rand {
	e.randMu.Lock()
	defer e.randMu.Unlock()
	return rand.New(rand.NewPCG(e.rnd.Uint64(), e.rnd.Uint64()))
}

func (e *Engine) newUUID() string {
	e.randMu.Lock()
	a, b := e.rnd.Uint64(), e.rnd.Uint64()
	e.randMu.Unlock()
	a = a&^(0xf<<12) | 4<<12 // version 4
	b = b&^(3<<62) | 2<<62   // RFC 4122 variant
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", a>>32, (a>>16)&0xffff, a&0xffff, b>>48, b&0xffffffffffff)
}

// validName applies the naming rules of state machines and executions: 1 to
// 80 characters, no whitespace, wildcards, brackets, special or control
// characters (service quotas, general quotas).
func validName(s string) bool {
	if s == "" || len([]rune(s)) > maxNameLen {
		return false
	}
	for _, r := range s {
		if r <= 0x20 || (r >= 0x7f && r <= 0x9f) || strings.ContainsRune("?*<>{}[]\"#%\\^|~`$&,;:/", r) {
			return false
		}
	}
	return true
}

// CreateStateMachineInput is the CreateStateMachine request.
type CreateStateMachineInput struct {
	Name       string
	Definition string
	RoleArn    string
}

// CreateStateMachineOutput is the CreateStateMachine response.
type CreateStateMachineOutput struct {
	StateMachineArn string
	CreationDate    time.Time
}

// CreateStateMachine validates and stores a state machine. Creating the same
// name with the same definition and role again returns the existing one.
func (e *Engine) CreateStateMachine(in CreateStateMachineInput) (*CreateStateMachineOutput, error) {
	if !validName(in.Name) {
		return nil, apiErr(CodeInvalidName, "Invalid Name: '%s'", in.Name)
	}
	def, err := Parse([]byte(in.Definition))
	if err != nil {
		return nil, &APIError{Code: CodeInvalidDefinition, Message: err.Error(), Err: err}
	}
	roleArn := in.RoleArn
	if roleArn == "" {
		roleArn = fmt.Sprintf("arn:aws:iam::%s:role/touchaudit-local", e.account)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if sm, ok := e.machines[in.Name]; ok {
		if sm.deleting {
			return nil, apiErr(CodeStateMachineDeleting, "State Machine is being deleted: '%s'", sm.arn)
		}
		if sm.definition == in.Definition && sm.roleArn == roleArn {
			return &CreateStateMachineOutput{StateMachineArn: sm.arn, CreationDate: sm.created}, nil
		}
		return nil, apiErr(CodeStateMachineAlreadyExists, "State Machine Already Exists: '%s'", sm.arn)
	}
	sm := &stateMachine{
		name:       in.Name,
		arn:        fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s", e.region, e.account, in.Name),
		definition: in.Definition,
		roleArn:    roleArn,
		def:        def,
		created:    e.clock.Now(),
	}
	sm.revisionID = revisionID(sm)
	e.machines[in.Name] = sm
	return &CreateStateMachineOutput{StateMachineArn: sm.arn, CreationDate: sm.created}, nil
}

// StateMachineDescription is the DescribeStateMachine response.
type StateMachineDescription struct {
	StateMachineArn string
	Name            string
	Definition      string
	RoleArn         string
	Status          string
	Type            string
	CreationDate    time.Time
	RevisionID      string
}

// DescribeStateMachine returns a state machine.
func (e *Engine) DescribeStateMachine(arn string) (*StateMachineDescription, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	sm, _, err := e.machineLocked(arn)
	if err != nil {
		return nil, err
	}
	return sm.description(), nil
}

// ListStateMachines lists state machines by name.
func (e *Engine) ListStateMachines() []StateMachineDescription {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []StateMachineDescription
	for _, n := range slices.Sorted(maps.Keys(e.machines)) {
		out = append(out, *e.machines[n].description())
	}
	return out
}

// machineLocked resolves a state machine ARN, with an optional
// "#TestCase" suffix as in Step Functions Local.
func (e *Engine) machineLocked(arn string) (*stateMachine, string, error) {
	base, testCase, _ := strings.Cut(arn, "#")
	prefix := fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:", e.region, e.account)
	if !strings.HasPrefix(base, "arn:") {
		return nil, "", apiErr(CodeInvalidArn, "Invalid Arn: '%s'", arn)
	}
	name := strings.TrimPrefix(base, prefix)
	sm, ok := e.machines[name]
	if !ok || name == base {
		return nil, "", apiErr(CodeStateMachineDoesNotExist, "State Machine Does Not Exist: '%s'", base)
	}
	return sm, testCase, nil
}

// StartExecutionInput is the StartExecution request. Input defaults to "{}".
type StartExecutionInput struct {
	StateMachineArn string
	Name            string
	Input           string
}

// StartExecutionOutput is the StartExecution response.
type StartExecutionOutput struct {
	ExecutionArn string
	StartDate    time.Time
}

// StartExecution starts an execution. As for STANDARD workflows, starting
// the same name with the same input while that execution runs returns it
// again; a different input, or a closed execution of that name, is
// ExecutionAlreadyExists.
func (e *Engine) StartExecution(in StartExecutionInput) (*StartExecutionOutput, error) {
	input := in.Input
	if input == "" {
		input = "{}"
	}
	if len(input) > maxPayloadBytes {
		return nil, apiErr(CodeInvalidExecutionInput, "Invalid execution input: larger than %d bytes", maxPayloadBytes)
	}
	doc, err := decodeJSON([]byte(input))
	if err != nil {
		return nil, apiErr(CodeInvalidExecutionInput, "Invalid execution input: %v", err)
	}
	e.mu.Lock()
	sm, testCase, err := e.machineLocked(in.StateMachineArn)
	if err != nil {
		e.mu.Unlock()
		return nil, err
	}
	if sm.deleting {
		e.mu.Unlock()
		return nil, apiErr(CodeStateMachineDeleting, "State Machine is being deleted: '%s'", sm.arn)
	}
	if testCase != "" {
		if _, ok := e.mocks.TestCase(sm.name, testCase); !ok {
			e.mu.Unlock()
			return nil, apiErr(CodeValidationException, "Test case %q of state machine %q is not in the mock configuration", testCase, sm.name)
		}
	}
	name := in.Name
	if name == "" {
		name = e.newUUID()
	}
	if !validName(name) {
		e.mu.Unlock()
		return nil, apiErr(CodeInvalidName, "Invalid Name: '%s'", name)
	}
	arn := fmt.Sprintf("arn:aws:states:%s:%s:execution:%s:%s", e.region, e.account, sm.name, name)
	if old, ok := e.executions[arn]; ok {
		e.mu.Unlock()
		old.mu.Lock()
		defer old.mu.Unlock()
		// The same input in another key order is the same input (compared
		// as plain maps, as before objects kept their order).
		if old.status == StatusRunning && compact(jsonvalue.ToGo(old.input)) == compact(jsonvalue.ToGo(doc)) {
			return &StartExecutionOutput{ExecutionArn: arn, StartDate: old.start}, nil
		}
		return nil, apiErr(CodeExecutionAlreadyExists, "Execution Already Exists: '%s'", arn)
	}
	ex := &execution{
		e: e, sm: sm, arn: arn, name: name, input: doc, inputRaw: input, testCase: testCase,
		done: make(chan struct{}), status: StatusRunning, start: e.clock.Now(), mockCalls: map[string]int{},
		marks: map[string]*mark{},
	}
	ex.root = ex.newScope(nil)
	e.executions[arn] = ex
	e.order = append(e.order, ex)
	e.mu.Unlock()
	ex.save()
	e.clock.goBusy(ex.run)
	return &StartExecutionOutput{ExecutionArn: arn, StartDate: ex.start}, nil
}

func (e *Engine) lookupExecution(arn string) *execution {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.executions[arn]
}

func (e *Engine) execution(arn string) (*execution, error) {
	if !strings.HasPrefix(arn, "arn:") {
		return nil, apiErr(CodeInvalidArn, "Invalid Arn: '%s'", arn)
	}
	ex := e.lookupExecution(arn)
	if ex == nil {
		return nil, apiErr(CodeExecutionDoesNotExist, "Execution Does Not Exist: '%s'", arn)
	}
	return ex, nil
}

// ExecutionDescription is the DescribeExecution response, plus the number of
// state transitions (states entered and retries), the billing unit of
// STANDARD workflows.
type ExecutionDescription struct {
	ExecutionArn     string
	StateMachineArn  string
	Name             string
	Status           string
	StartDate        time.Time
	StopDate         time.Time // zero while running
	Input            string
	Output           *string
	Error            string
	Cause            string
	RedriveCount     int
	MapRunArn        string // a Distributed Map's child execution: its Map Run
	StateTransitions int64
	HistoryEvents    int
}

func (ex *execution) describe() *ExecutionDescription {
	ex.mu.Lock()
	defer ex.mu.Unlock()
	d := &ExecutionDescription{
		ExecutionArn: ex.arn, StateMachineArn: ex.sm.arn, Name: ex.name, Status: ex.status,
		StartDate: ex.start, StopDate: ex.stop, Input: ex.inputRaw, Error: ex.errName, Cause: ex.cause,
		StateTransitions: ex.transitions, HistoryEvents: len(ex.events),
	}
	if ex.mapRun != nil {
		d.MapRunArn = ex.mapRun.arn
	}
	if ex.hasOutput {
		o := ex.output
		d.Output = &o
	}
	return d
}

// whenDone calls f when the execution closes (at once if it has).
func (ex *execution) whenDone(f func()) {
	ex.mu.Lock()
	if ex.status == StatusRunning {
		ex.onDone = append(ex.onDone, f)
		ex.mu.Unlock()
		return
	}
	ex.mu.Unlock()
	f()
}

// DescribeExecution returns an execution's status and result.
func (e *Engine) DescribeExecution(arn string) (*ExecutionDescription, error) {
	ex, err := e.execution(arn)
	if err != nil {
		return nil, err
	}
	return ex.describe(), nil
}

// GetExecutionHistoryInput is the GetExecutionHistory request (without
// paging, which the HTTP layer does).
type GetExecutionHistoryInput struct {
	ExecutionArn string
	ReverseOrder bool
}

// GetExecutionHistory returns the execution's events.
func (e *Engine) GetExecutionHistory(in GetExecutionHistoryInput) ([]HistoryEvent, error) {
	ex, err := e.execution(in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	ex.mu.Lock()
	out := append([]HistoryEvent(nil), ex.events...)
	ex.mu.Unlock()
	if in.ReverseOrder {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out, nil
}

// ListExecutionsInput is the ListExecutions request (without paging).
type ListExecutionsInput struct {
	StateMachineArn string
	StatusFilter    string
}

// ListExecutions lists a state machine's executions, newest first.
func (e *Engine) ListExecutions(in ListExecutionsInput) ([]ExecutionDescription, error) {
	e.mu.Lock()
	sm, _, err := e.machineLocked(in.StateMachineArn)
	var exs []*execution
	for _, ex := range e.order {
		if err == nil && ex.sm.arn == sm.arn {
			exs = append(exs, ex)
		}
	}
	e.mu.Unlock()
	if err != nil {
		return nil, err
	}
	var out []ExecutionDescription
	for i := len(exs) - 1; i >= 0; i-- {
		d := exs[i].describe()
		if in.StatusFilter == "" || in.StatusFilter == d.Status {
			out = append(out, *d)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].StartDate.After(out[j].StartDate) })
	return out, nil
}

// StopExecution aborts a running execution (ExecutionAborted) and returns the
// stop date. Stopping a closed execution changes nothing.
func (e *Engine) StopExecution(arn, errName, cause string) (time.Time, error) {
	ex, err := e.execution(arn)
	if err != nil {
		return time.Time{}, err
	}
	ex.mu.Lock()
	prev := int64(len(ex.events))
	ex.mu.Unlock()
	ex.finish(StatusAborted, "", errName, cause, prev)
	return ex.describe().StopDate, nil
}

// WaitForExecution drives virtual time until the execution closes, or until
// nothing can progress without an outside call (a task token, or a timer
// of a task waiting for one), and returns the execution's description. In
// real time it waits for the execution to close or ctx to end.
func (e *Engine) WaitForExecution(ctx context.Context, arn string) (*ExecutionDescription, error) {
	return e.wait(ctx, arn, false)
}

// RunExecution is WaitForExecution that also lets the timeouts of callback
// tasks fire: only an execution blocked on a token with no timeout at all
// is left running.
func (e *Engine) RunExecution(ctx context.Context, arn string) (*ExecutionDescription, error) {
	return e.wait(ctx, arn, true)
}

func (e *Engine) wait(ctx context.Context, arn string, fireCallbacks bool) (*ExecutionDescription, error) {
	ex, err := e.execution(arn)
	if err != nil {
		return nil, err
	}
	closed := func() bool {
		select {
		case <-ex.done:
			return true
		default:
			return false
		}
	}
	if e.clock.virtual {
		e.clock.drive(ctx, closed, fireCallbacks)
	} else {
		select {
		case <-ex.done:
		case <-ctx.Done():
		}
	}
	if err := ctx.Err(); err != nil && !closed() {
		return ex.describe(), err
	}
	return ex.describe(), nil
}

// Settle drives virtual time until no execution can progress without an
// outside call (every execution closed or waiting on a task token).
func (e *Engine) Settle(ctx context.Context) {
	if e.clock.virtual {
		e.clock.drive(ctx, func() bool { return false }, false)
	}
}

// Advance moves virtual time forward by d, running everything that falls
// due, for example to let a callback task's heartbeat expire.
func (e *Engine) Advance(ctx context.Context, d time.Duration) error {
	if !e.clock.virtual {
		return errors.New("asl: Advance needs a virtual clock")
	}
	e.clock.advance(ctx, d)
	return nil
}
