package asl

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"touchaudit/internal/asl/jsonvalue"
)

// runResult is what a test sees of one execution.
type runResult struct {
	desc    *ExecutionDescription
	history []HistoryEvent
	engine  *Engine
}

func (r runResult) output(t *testing.T) any {
	t.Helper()
	if r.desc.Output == nil {
		t.Fatalf("no output: status %s error %s cause %s", r.desc.Status, r.desc.Error, r.desc.Cause)
	}
	v, err := decodeJSON([]byte(*r.desc.Output))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (r runResult) types() []string {
	var out []string
	for _, e := range r.history {
		out = append(out, e.Type)
	}
	return out
}

// run creates the definition on a fresh virtual engine, runs it with input
// and waits until it ends or blocks.
func run(t *testing.T, definition, input string, setup ...func(*Engine)) runResult {
	t.Helper()
	e := NewEngine(Options{Seed: 1})
	for _, f := range setup {
		f(e)
	}
	return runOn(t, e, "test", definition, input)
}

func runOn(t *testing.T, e *Engine, name, definition, input string) runResult {
	t.Helper()
	sm, err := e.CreateStateMachine(CreateStateMachineInput{Name: name, Definition: definition})
	if err != nil {
		t.Fatalf("CreateStateMachine: %v", err)
	}
	st, err := e.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: input})
	if err != nil {
		t.Fatalf("StartExecution: %v", err)
	}
	d, err := e.WaitForExecution(context.Background(), st.ExecutionArn)
	if err != nil {
		t.Fatal(err)
	}
	h, err := e.GetExecutionHistory(GetExecutionHistoryInput{ExecutionArn: st.ExecutionArn})
	if err != nil {
		t.Fatal(err)
	}
	return runResult{desc: d, history: h, engine: e}
}

// handle registers a handler on the engine's registry.
func handle(arn string, h Handler) func(*Engine) {
	return func(e *Engine) { e.Registry().Register(arn, h) }
}

func jsonHandler(f func(in map[string]any) (any, error)) Handler {
	return func(ctx context.Context, raw json.RawMessage) (json.RawMessage, error) {
		var in map[string]any
		_ = json.Unmarshal(raw, &in)
		out, err := f(in)
		if err != nil {
			return nil, err
		}
		return json.Marshal(out)
	}
}

// mustJSON decodes a JSON literal for comparisons.
func mustJSON(t *testing.T, s string) any {
	t.Helper()
	v, err := decodeJSON([]byte(s))
	if err != nil {
		t.Fatalf("bad JSON %q: %v", s, err)
	}
	return v
}

func assertJSON(t *testing.T, got any, want string) {
	t.Helper()
	if compact(got) != compact(mustJSON(t, want)) {
		t.Errorf("got  %s\nwant %s", compact(got), compact(mustJSON(t, want)))
	}
}

func assertFailed(t *testing.T, r runResult, errName, causeContains string) {
	t.Helper()
	if r.desc.Status != StatusFailed || r.desc.Error != errName || !strings.Contains(r.desc.Cause, causeContains) {
		t.Errorf("got status %s error %q cause %q; want FAILED %q with cause containing %q", r.desc.Status, r.desc.Error, r.desc.Cause, errName, causeContains)
	}
}

// NotFound is a handler error type; it must arrive as "NotFound".
type NotFound struct{ ID string }

func (e *NotFound) Error() string { return "not found: " + e.ID }

// Throttled names itself through ErrorName.
type Throttled struct{}

func (Throttled) Error() string     { return "slow down" }
func (Throttled) ErrorName() string { return "Custom.Throttled" }

var errPlain = errors.New("plain")

// plain is an engine object as a Go map, for tests that pick members out.
func plain(v any) map[string]any {
	m, _ := jsonvalue.ToGo(v).(map[string]any)
	return m
}
