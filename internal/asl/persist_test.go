package asl

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// notifier is a callback resource shared by the engines of one test, as the
// phones and the store outlive a restart: it keeps the token each key was
// given and counts invocations.
type notifier struct {
	mu     sync.Mutex
	tokens map[string]string
	calls  int
}

func newNotifier() *notifier { return &notifier{tokens: map[string]string{}} }

func (n *notifier) handler(_ context.Context, raw json.RawMessage) (json.RawMessage, error) {
	var in struct{ Key, Token string }
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.tokens[in.Key] = in.Token
	n.calls++
	return json.RawMessage(`{"sent":true}`), nil
}

func (n *notifier) token(t *testing.T, key string) string {
	t.Helper()
	n.mu.Lock()
	defer n.mu.Unlock()
	tok, ok := n.tokens[key]
	if !ok {
		t.Fatalf("no token handed out for %q", key)
	}
	return tok
}

func (n *notifier) invocations() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.calls
}

// durable returns an engine on dir with the notifier bound to "Notify".
func durable(dir string, n *notifier, o Options) *Engine {
	o.StateDir = dir
	e := NewEngine(o)
	e.Registry().Register("Notify", n.handler)
	return e
}

// ask is a callback task handing its token to Notify with the input's key.
const ask = `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
	"Parameters":{"FunctionName":"Notify","Payload":{"Key.$":"$.key","Token.$":"$$.Task.Token"}}`

// checkHistory asserts that ids run 1..n and every event follows an earlier
// one, i.e. the resumed history continues the old one.
func checkHistory(t *testing.T, h []HistoryEvent) {
	t.Helper()
	for i, ev := range h {
		if ev.ID != int64(i+1) || ev.PreviousEventID >= ev.ID {
			t.Fatalf("event %d: id %d previous %d (%s)", i, ev.ID, ev.PreviousEventID, ev.Type)
		}
	}
}

// savedHistory is the history kept in dir's one execution file (none yet:
// empty).
func savedHistory(t *testing.T, dir string) []HistoryEvent {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) > 1 {
		t.Fatalf("state files %v: %v", files, err)
	}
	if len(files) == 0 {
		return nil
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r.Events
}

func countTypes(h []HistoryEvent) map[string]int {
	c := map[string]int{}
	for _, ev := range h {
		c[ev.Type]++
	}
	return c
}

func TestResume_VirtualTime(t *testing.T) {
	t0 := DefaultVirtualStart
	tests := []struct {
		name       string
		definition string
		input      string
		before     time.Duration // virtual time run on the first engine
		answer     []string      // keys answered on the first engine
		down       time.Duration // the second engine starts at t0+down
		after      time.Duration // virtual time run on the second engine
		answerNext []string      // keys answered then
		wantOutput string
		wantEvents map[string]int
		// waitExit is when the last Wait ended, after t0 (0: no check).
		waitExit  time.Duration
		wantCalls int
	}{
		{
			name:       "Wait Seconds still running",
			definition: `{"StartAt":"Hold","States":{"Hold":{"Type":"Wait","Seconds":3600,"Next":"Done"},"Done":{"Type":"Pass","Result":"ok","End":true}}}`,
			input:      `{}`, down: 600 * time.Second,
			wantOutput: `"ok"`,
			wantEvents: map[string]int{"ExecutionStarted": 1, "WaitStateEntered": 1, "WaitStateExited": 1, "PassStateEntered": 1, "ExecutionSucceeded": 1},
			waitExit:   3600 * time.Second,
		},
		{
			name:       "Wait ended while down",
			definition: `{"StartAt":"Hold","States":{"Hold":{"Type":"Wait","Seconds":3600,"Next":"Done"},"Done":{"Type":"Pass","Result":"ok","End":true}}}`,
			input:      `{}`, down: 7200 * time.Second,
			wantOutput: `"ok"`,
			wantEvents: map[string]int{"ExecutionStarted": 1, "WaitStateEntered": 1, "WaitStateExited": 1, "PassStateEntered": 1, "ExecutionSucceeded": 1},
			waitExit:   7200 * time.Second,
		},
		{
			name:       "waitForTaskToken at the top level",
			definition: `{"StartAt":"Ask","States":{"Ask":` + ask + `,"ResultPath":"$.answer","End":true}}}`,
			input:      `{"key":"a"}`, down: 24 * time.Hour,
			answerNext: []string{"a"},
			wantOutput: `{"key":"a","answer":"answer-a"}`,
			wantEvents: map[string]int{"TaskStateEntered": 1, "TaskScheduled": 1, "TaskSubmitted": 1, "TaskSucceeded": 1, "ExecutionSucceeded": 1},
			wantCalls:  1,
		},
		{
			name:       "task timeout passed while down",
			definition: `{"StartAt":"Ask","States":{"Ask":` + ask + `,"TimeoutSeconds":600,"Catch":[{"ErrorEquals":["States.Timeout"],"ResultPath":"$.late","Next":"Late"}],"End":true},"Late":{"Type":"Pass","End":true}}}`,
			input:      `{"key":"a"}`, down: 3600 * time.Second,
			wantOutput: `{"key":"a","late":{"Error":"States.Timeout","Cause":"The task timed out."}}`,
			wantEvents: map[string]int{"TaskSubmitted": 1, "TaskTimedOut": 1, "PassStateEntered": 1, "ExecutionSucceeded": 1},
			wantCalls:  1,
		},
		{
			name: "Map iterations: Wait then waitForTaskToken",
			definition: `{"StartAt":"Walks","States":{"Walks":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"Due","States":{
				"Due":{"Type":"Wait","Seconds":60,"Next":"Ask"},"Ask":` + ask + `,"End":true}}},"End":true}}}`,
			input:  `{"items":[{"key":"a"},{"key":"b"},{"key":"c"}]}`,
			before: 60 * time.Second, answer: []string{"b"},
			down: time.Hour, answerNext: []string{"a", "c"},
			wantOutput: `["answer-a","answer-b","answer-c"]`,
			wantEvents: map[string]int{"MapStateEntered": 1, "MapStateStarted": 1, "MapIterationStarted": 3, "WaitStateEntered": 3, "TaskScheduled": 3,
				"TaskSubmitted": 3, "MapIterationSucceeded": 3, "MapStateSucceeded": 1, "ExecutionSucceeded": 1},
			waitExit:  60 * time.Second,
			wantCalls: 3,
		},
		{
			name: "Map iteration still in its Wait",
			definition: `{"StartAt":"Walks","States":{"Walks":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"Due","States":{
				"Due":{"Type":"Wait","SecondsPath":"$.after","Next":"Ask"},"Ask":` + ask + `,"End":true}}},"End":true}}}`,
			input:  `{"items":[{"key":"a","after":10},{"key":"b","after":900}]}`,
			before: 10 * time.Second,
			down:   300 * time.Second, after: 600 * time.Second, answerNext: []string{"a", "b"},
			wantOutput: `["answer-a","answer-b"]`,
			wantEvents: map[string]int{"MapIterationStarted": 2, "WaitStateEntered": 2, "WaitStateExited": 2, "TaskSubmitted": 2, "ExecutionSucceeded": 1},
			waitExit:   900 * time.Second,
			wantCalls:  2,
		},
		{
			name: "Parallel branch waiting",
			definition: `{"StartAt":"Both","States":{"Both":{"Type":"Parallel","Branches":[
				{"StartAt":"Quick","States":{"Quick":{"Type":"Pass","Result":"quick","End":true}}},
				{"StartAt":"Ask","States":{"Ask":` + ask + `,"End":true}}}],"End":true}}}`,
			input: `{"key":"p"}`, down: time.Hour,
			answerNext: []string{"p"},
			wantOutput: `["quick","answer-p"]`,
			wantEvents: map[string]int{"ParallelStateEntered": 1, "ParallelStateStarted": 1, "PassStateEntered": 1, "TaskSubmitted": 1, "ParallelStateSucceeded": 1, "ExecutionSucceeded": 1},
			wantCalls:  1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			dir, n := t.TempDir(), newNotifier()
			first := durable(dir, n, Options{Start: t0})
			sm, err := first.CreateStateMachine(CreateStateMachineInput{Name: "audit", Definition: tc.definition})
			if err != nil {
				t.Fatal(err)
			}
			st, err := first.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: "walk-1", Input: tc.input})
			if err != nil {
				t.Fatal(err)
			}
			if err := first.Advance(ctx, tc.before); err != nil {
				t.Fatal(err)
			}
			for _, k := range tc.answer {
				if err := first.SendTaskSuccess(n.token(t, k), `"answer-`+k+`"`); err != nil {
					t.Fatal(err)
				}
			}
			if err := first.Advance(ctx, 0); err != nil {
				t.Fatal(err)
			}
			if d, _ := first.DescribeExecution(st.ExecutionArn); d.Status != StatusRunning {
				t.Fatalf("first engine: %s %s %s, want RUNNING", d.Status, d.Error, d.Cause)
			}
			if err := first.Close(); err != nil {
				t.Fatal(err)
			}

			second := durable(dir, n, Options{Start: t0.Add(tc.down)})
			arns, err := second.Resume()
			if err != nil {
				t.Fatal(err)
			}
			if len(arns) != 1 || arns[0] != st.ExecutionArn {
				t.Fatalf("resumed %v, want [%s]", arns, st.ExecutionArn)
			}
			if err := second.Advance(ctx, tc.after); err != nil {
				t.Fatal(err)
			}
			for _, k := range tc.answerNext {
				if err := second.SendTaskSuccess(n.token(t, k), `"answer-`+k+`"`); err != nil {
					t.Fatalf("SendTaskSuccess %s after restart: %v", k, err)
				}
			}
			d, err := second.RunExecution(ctx, st.ExecutionArn)
			if err != nil {
				t.Fatal(err)
			}
			if d.Status != StatusSucceeded {
				t.Fatalf("got %s %s %s", d.Status, d.Error, d.Cause)
			}
			if compact(mustJSON(t, *d.Output)) != compact(mustJSON(t, tc.wantOutput)) {
				t.Errorf("output %s, want %s", *d.Output, tc.wantOutput)
			}
			h, err := second.GetExecutionHistory(GetExecutionHistoryInput{ExecutionArn: st.ExecutionArn})
			if err != nil {
				t.Fatal(err)
			}
			checkHistory(t, h)
			got := countTypes(h)
			for typ, want := range tc.wantEvents {
				if got[typ] != want {
					t.Errorf("%d %s events, want %d (history %v)", got[typ], typ, want, got)
				}
			}
			if tc.waitExit > 0 {
				var last time.Time
				for _, ev := range h {
					if ev.Type == "WaitStateExited" {
						last = ev.Timestamp
					}
				}
				if at := last.Sub(t0); at != tc.waitExit {
					t.Errorf("last Wait ended at +%v, want +%v", at, tc.waitExit)
				}
			}
			if n.invocations() != tc.wantCalls {
				t.Errorf("Notify invoked %d times, want %d", n.invocations(), tc.wantCalls)
			}
		})
	}
}

func TestResume_FinishedExecutionKeepsHistoryAndRefusesTokens(t *testing.T) {
	ctx := context.Background()
	dir, n := t.TempDir(), newNotifier()
	first := durable(dir, n, Options{})
	def := `{"StartAt":"Ask","States":{"Ask":` + ask + `,"End":true}}}`
	sm, err := first.CreateStateMachine(CreateStateMachineInput{Name: "audit", Definition: def})
	if err != nil {
		t.Fatal(err)
	}
	st, err := first.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: "walk-1", Input: `{"key":"a"}`})
	if err != nil {
		t.Fatal(err)
	}
	first.Settle(ctx)
	tok := n.token(t, "a")
	if err := first.SendTaskSuccess(tok, `{"walk":"w-1"}`); err != nil {
		t.Fatal(err)
	}
	if d, _ := first.WaitForExecution(ctx, st.ExecutionArn); d.Status != StatusSucceeded {
		t.Fatalf("first engine: %s", d.Status)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	second := durable(dir, n, Options{})
	arns, err := second.Resume()
	if err != nil || len(arns) != 0 {
		t.Fatalf("Resume: %v %v, want nothing to continue", arns, err)
	}
	d, err := second.DescribeExecution(st.ExecutionArn)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != StatusSucceeded || *d.Output != `{"walk":"w-1"}` || d.HistoryEvents != 8 {
		t.Errorf("got %s %v with %d events, want SUCCEEDED {\"walk\":\"w-1\"} with 8", d.Status, d.Output, d.HistoryEvents)
	}
	h, _ := second.GetExecutionHistory(GetExecutionHistoryInput{ExecutionArn: st.ExecutionArn})
	checkHistory(t, h)
	if h[len(h)-1].Type != EventExecutionSucceeded {
		t.Errorf("last event %s", h[len(h)-1].Type)
	}
	list, err := second.ListExecutions(ListExecutionsInput{StateMachineArn: sm.StateMachineArn})
	if err == nil {
		t.Errorf("ListExecutions on a state machine not created again: %v, want StateMachineDoesNotExist", list)
	}
	for name, err := range map[string]error{
		"SendTaskSuccess":   second.SendTaskSuccess(tok, `{}`),
		"SendTaskFailure":   second.SendTaskFailure(tok, "X", "y"),
		"SendTaskHeartbeat": second.SendTaskHeartbeat(tok),
	} {
		if !IsCode(err, CodeTaskTimedOut) {
			t.Errorf("%s with the finished task's token: %v, want TaskTimedOut", name, err)
		}
	}
	if err := second.SendTaskSuccess(second.newToken(), `{}`); !IsCode(err, CodeInvalidToken) {
		t.Errorf("never issued token: %v, want InvalidToken", err)
	}
	// Creating the state machine again lists the kept execution under it.
	if _, err := second.CreateStateMachine(CreateStateMachineInput{Name: "audit", Definition: def}); err != nil {
		t.Fatal(err)
	}
	list, err = second.ListExecutions(ListExecutionsInput{StateMachineArn: sm.StateMachineArn})
	if err != nil || len(list) != 1 || list[0].ExecutionArn != st.ExecutionArn {
		t.Errorf("ListExecutions: %v %v", list, err)
	}
}

func TestResume_CallbackTokenNotReissued(t *testing.T) {
	// The resource was invoked and the engine stopped before it answered:
	// on resume it is invoked again with the same token, never a new one.
	ctx := context.Background()
	dir, n := t.TempDir(), newNotifier()
	block := make(chan struct{})
	first := NewEngine(Options{StateDir: dir, RealTime: true})
	first.Registry().Register("Notify", func(ctx context.Context, raw json.RawMessage) (json.RawMessage, error) {
		n.handler(ctx, raw)
		<-block // the engine stops while the resource runs
		return nil, ctx.Err()
	})
	def := `{"StartAt":"Ask","States":{"Ask":` + ask + `,"End":true}}}`
	sm, err := first.CreateStateMachine(CreateStateMachineInput{Name: "audit", Definition: def})
	if err != nil {
		t.Fatal(err)
	}
	st, err := first.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: "walk-1", Input: `{"key":"a"}`})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return n.invocations() == 1 })
	tok := n.token(t, "a")
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	close(block)

	second := durable(dir, n, Options{RealTime: true})
	if _, err := second.Resume(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return n.invocations() == 2 })
	if again := n.token(t, "a"); again != tok {
		t.Fatalf("re-invoked with token %q, want the first token %q", again, tok)
	}
	if err := second.SendTaskSuccess(tok, `"done"`); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	d, err := second.WaitForExecution(wctx, st.ExecutionArn)
	if err != nil || d.Status != StatusSucceeded || *d.Output != `"done"` {
		t.Fatalf("got %v %v", d, err)
	}
}

// waitFor polls cond for up to 10 seconds (real-time engines only).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestResume_RealTime(t *testing.T) {
	tests := []struct {
		name       string
		definition string
		input      string
		ready      func(h map[string]int) bool // the first engine has reached the suspension
		down       time.Duration
		answerNext []string
		wantOutput string
		wantEvents map[string]int
	}{
		{
			name:       "waitForTaskToken at the top level",
			definition: `{"StartAt":"Ask","States":{"Ask":` + ask + `,"ResultPath":"$.answer","End":true}}}`,
			input:      `{"key":"a"}`,
			ready:      func(h map[string]int) bool { return h["TaskSubmitted"] == 1 },
			answerNext: []string{"a"},
			wantOutput: `{"key":"a","answer":"answer-a"}`,
			wantEvents: map[string]int{"TaskStateEntered": 1, "TaskSubmitted": 1, "TaskSucceeded": 1},
		},
		{
			name:       "Wait ended while down",
			definition: `{"StartAt":"Hold","States":{"Hold":{"Type":"Wait","Seconds":1,"Next":"Done"},"Done":{"Type":"Pass","Result":"ok","End":true}}}`,
			input:      `{}`,
			ready:      func(h map[string]int) bool { return h["WaitStateEntered"] == 1 },
			down:       1100 * time.Millisecond,
			wantOutput: `"ok"`,
			wantEvents: map[string]int{"WaitStateEntered": 1, "WaitStateExited": 1},
		},
		{
			name: "Map iterations: Wait then waitForTaskToken",
			definition: `{"StartAt":"Walks","States":{"Walks":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"Due","States":{
				"Due":{"Type":"Wait","Seconds":0,"Next":"Ask"},"Ask":` + ask + `,"End":true}}},"End":true}}}`,
			input:      `{"items":[{"key":"a"},{"key":"b"}]}`,
			ready:      func(h map[string]int) bool { return h["TaskSubmitted"] == 2 },
			answerNext: []string{"b", "a"},
			wantOutput: `["answer-a","answer-b"]`,
			wantEvents: map[string]int{"MapStateStarted": 1, "MapIterationStarted": 2, "TaskSubmitted": 2, "MapIterationSucceeded": 2},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, n := t.TempDir(), newNotifier()
			first := durable(dir, n, Options{RealTime: true})
			sm, err := first.CreateStateMachine(CreateStateMachineInput{Name: "audit", Definition: tc.definition})
			if err != nil {
				t.Fatal(err)
			}
			st, err := first.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: "walk-1", Input: tc.input})
			if err != nil {
				t.Fatal(err)
			}
			// The suspension must be on disk, not only in memory: Close
			// may come between an event and the save that keeps it.
			waitFor(t, func() bool { return tc.ready(countTypes(savedHistory(t, dir))) })
			if err := first.Close(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(tc.down)

			second := durable(dir, n, Options{RealTime: true})
			if _, err := second.CreateStateMachine(CreateStateMachineInput{Name: "audit", Definition: tc.definition}); err != nil {
				t.Fatal(err)
			}
			if _, err := second.Resume(); err != nil {
				t.Fatal(err)
			}
			for _, k := range tc.answerNext {
				if err := second.SendTaskSuccess(n.token(t, k), `"answer-`+k+`"`); err != nil {
					t.Fatalf("SendTaskSuccess %s after restart: %v", k, err)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			d, err := second.WaitForExecution(ctx, st.ExecutionArn)
			if err != nil || d.Status != StatusSucceeded {
				t.Fatalf("got %v: %+v", err, d)
			}
			if compact(mustJSON(t, *d.Output)) != compact(mustJSON(t, tc.wantOutput)) {
				t.Errorf("output %s, want %s", *d.Output, tc.wantOutput)
			}
			h, _ := second.GetExecutionHistory(GetExecutionHistoryInput{ExecutionArn: st.ExecutionArn})
			checkHistory(t, h)
			got := countTypes(h)
			for typ, want := range tc.wantEvents {
				if got[typ] != want {
					t.Errorf("%d %s events, want %d", got[typ], typ, want)
				}
			}
			if err := second.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestResume_StateFiles(t *testing.T) {
	t.Run("no directory yet", func(t *testing.T) {
		e := NewEngine(Options{StateDir: filepath.Join(t.TempDir(), "absent")})
		if arns, err := e.Resume(); err != nil || len(arns) != 0 {
			t.Errorf("got %v %v", arns, err)
		}
	})
	t.Run("other version refused", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "x.json"), []byte(`{"version":99}`), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := NewEngine(Options{StateDir: dir}).Resume()
		if err == nil || !strings.Contains(err.Error(), "version 99") {
			t.Errorf("got %v, want a version error", err)
		}
	})
	t.Run("closed engine writes nothing", func(t *testing.T) {
		dir := t.TempDir()
		e := NewEngine(Options{StateDir: dir})
		if err := e.Close(); err != nil {
			t.Fatal(err)
		}
		sm, _ := e.CreateStateMachine(CreateStateMachineInput{Name: "p", Definition: `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`})
		st, _ := e.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn})
		e.WaitForExecution(context.Background(), st.ExecutionArn)
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("%d files written after Close", len(entries))
		}
	})
}

func TestResume_TokenAnsweredRightAfterResume(t *testing.T) {
	// The phone answers while the resumed execution is still on its way
	// back to the task: the answer must not be lost either way.
	for i := 0; i < 20; i++ {
		ctx := context.Background()
		dir, n := t.TempDir(), newNotifier()
		first := durable(dir, n, Options{})
		sm, err := first.CreateStateMachine(CreateStateMachineInput{Name: "audit", Definition: `{"StartAt":"Ask","States":{"Ask":` + ask + `,"End":true}}}`})
		if err != nil {
			t.Fatal(err)
		}
		st, _ := first.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: `{"key":"a"}`})
		first.Settle(ctx)
		if err := first.Close(); err != nil {
			t.Fatal(err)
		}
		second := durable(dir, n, Options{})
		if _, err := second.Resume(); err != nil {
			t.Fatal(err)
		}
		if err := second.SendTaskSuccess(n.token(t, "a"), `7`); err != nil {
			t.Fatal(err)
		}
		d, _ := second.RunExecution(ctx, st.ExecutionArn)
		if d.Status != StatusSucceeded || *d.Output != `7` {
			t.Fatalf("run %d: got %s %s", i, d.Status, d.Error)
		}
	}
}

// BenchmarkDurable_PassChain measures an execution of ten Pass states with
// a state directory: eleven checkpoints and the closing write.
func BenchmarkDurable_PassChain(b *testing.B) {
	var states []string
	for i := 0; i < 10; i++ {
		next := `"Next":"S` + string(rune('0'+i+1)) + `"`
		if i == 9 {
			next = `"End":true`
		}
		states = append(states, `"S`+string(rune('0'+i))+`":{"Type":"Pass",`+next+`}`)
	}
	def := `{"StartAt":"S0","States":{` + strings.Join(states, ",") + `}}`
	for _, dir := range []string{"", b.TempDir()} {
		name := "memory"
		if dir != "" {
			name = "StateDir"
		}
		b.Run(name, func(b *testing.B) {
			e := NewEngine(Options{StateDir: dir})
			sm, err := e.CreateStateMachine(CreateStateMachineInput{Name: "chain", Definition: def})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			for b.Loop() {
				st, err := e.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: `{"a":1}`})
				if err != nil {
					b.Fatal(err)
				}
				if d, _ := e.WaitForExecution(ctx, st.ExecutionArn); d.Status != StatusSucceeded {
					b.Fatal(d.Status)
				}
			}
		})
	}
}
