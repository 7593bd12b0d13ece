package asl

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"touchaudit/internal/atomicfile"
)

// journalVersion is the format of an execution file; a file of another
// version is refused by Resume.
const journalVersion = 1

// journal keeps one JSON file per execution in a directory, replaced
// atomically (temp file, fsync, rename) at every checkpoint.
type journal struct {
	dir string

	mu     sync.RWMutex // writers hold it shared; close holds it exclusively
	closed bool
	errMu  sync.Mutex
	err    error // the first failed write
}

func newJournal(dir string) *journal { return &journal{dir: dir} }

func (j *journal) fail(err error) {
	j.errMu.Lock()
	defer j.errMu.Unlock()
	if j.err == nil {
		j.err = err
	}
}

func (j *journal) firstErr() error {
	j.errMu.Lock()
	defer j.errMu.Unlock()
	return j.err
}

// file is where an execution is kept: a hash of its ARN, as execution
// names may hold characters some file systems refuse.
func (j *journal) file(arn string) string {
	sum := sha256.Sum256([]byte(arn))
	return filepath.Join(j.dir, hex.EncodeToString(sum[:16])+".json")
}

// write replaces an execution's file. After close it writes nothing, so a
// closed engine leaves the directory as it was when it stopped.
func (j *journal) write(arn string, b []byte) {
	j.mu.RLock()
	defer j.mu.RUnlock()
	if j.closed {
		return
	}
	if err := writeAtomic(j.file(arn), b); err != nil {
		j.fail(err)
	}
}

func (j *journal) close() {
	j.mu.Lock()
	j.closed = true
	j.mu.Unlock()
}

func writeAtomic(path string, b []byte) error {
	return atomicfile.Write(path, b, 0o644)
}

// mark is a checkpoint of one thread (the execution's top level, a Parallel
// branch or a Map iteration), keyed by the thread's path: "" for the top
// level, "ENTERED:INDEX" for branch or iteration INDEX of the Map or
// Parallel state entered at event ENTERED. While the thread runs it names
// the state it is in, with the state's raw input; once the thread has
// ended it holds the outcome (Done).
type mark struct {
	State     string    `json:"state,omitempty"`
	Input     string    `json:"input,omitempty"`
	Entered   time.Time `json:"entered,omitzero"`
	EnteredID int64     `json:"enteredId,omitempty"`
	Prev      int64     `json:"prev,omitempty"` // the thread's last event

	// A Wait state: when it ends.
	WaitUntil *time.Time `json:"waitUntil,omitempty"`

	// A .waitForTaskToken task: its token (recorded before the resource is
	// invoked), whether the resource took it (TaskSubmitted), its
	// deadlines, and the answer SendTaskSuccess/Failure gave.
	Token            string    `json:"token,omitempty"`
	Submitted        bool      `json:"submitted,omitempty"`
	TimeoutAt        time.Time `json:"timeoutAt,omitzero"`
	HeartbeatSeconds int64     `json:"heartbeatSeconds,omitempty"`
	HeartbeatAt      time.Time `json:"heartbeatAt,omitzero"`
	Reply            *reply    `json:"reply,omitempty"`

	// An ended thread.
	Done   bool    `json:"done,omitempty"`
	Output *string `json:"output,omitempty"`
	Error  string  `json:"error,omitempty"`
	Cause  string  `json:"cause,omitempty"`
}

// reply is what SendTaskSuccess or SendTaskFailure answered for a token.
type reply struct {
	Output *string `json:"output,omitempty"`
	Error  string  `json:"error,omitempty"`
	Cause  string  `json:"cause,omitempty"`
}

func (r *reply) result() (any, *StatesError) {
	if r.Output == nil {
		return nil, &StatesError{Name: r.Error, Cause: r.Cause}
	}
	v, err := decodeJSON([]byte(*r.Output))
	if err != nil {
		return nil, &StatesError{Name: ErrRuntime, Cause: "stored task output: " + err.Error()}
	}
	return v, nil
}

// outcome is an ended thread's result.
func (m *mark) outcome() branchOutcome {
	if m.Output == nil {
		return branchOutcome{err: &StatesError{Name: m.Error, Cause: m.Cause}}
	}
	v, err := decodeJSON([]byte(*m.Output))
	if err != nil {
		return branchOutcome{err: &StatesError{Name: ErrRuntime, Cause: "stored branch output: " + err.Error()}}
	}
	return branchOutcome{out: v}
}

// record is an execution's file.
type record struct {
	Version      int              `json:"version"`
	SavedAt      time.Time        `json:"savedAt"`
	StateMachine machineRecord    `json:"stateMachine"`
	Arn          string           `json:"arn"`
	Name         string           `json:"name"`
	Input        string           `json:"input"`
	TestCase     string           `json:"testCase,omitempty"`
	Status       string           `json:"status"`
	Start        time.Time        `json:"start"`
	Stop         time.Time        `json:"stop,omitzero"`
	Output       *string          `json:"output,omitempty"`
	Error        string           `json:"error,omitempty"`
	Cause        string           `json:"cause,omitempty"`
	Transitions  int64            `json:"transitions"`
	MockCalls    map[string]int   `json:"mockCalls,omitempty"`
	Tokens       []string         `json:"tokens,omitempty"`
	Marks        map[string]*mark `json:"marks,omitempty"`
	Events       []HistoryEvent   `json:"events"`
}

type machineRecord struct {
	Name       string    `json:"name"`
	Arn        string    `json:"arn"`
	Definition string    `json:"definition"`
	RoleArn    string    `json:"roleArn"`
	Created    time.Time `json:"created"`
}

// durable reports whether the execution is kept in Options.StateDir: the
// child executions of a Distributed Map are not (a resumed parent runs the
// Map state's unfinished items again in a new Map Run).
func (ex *execution) durable() bool { return ex.e.journal != nil && ex.mapRun == nil }

// save writes the execution's file if the engine has a state directory.
// Snapshots are numbered under ex.mu so that a slower writer never
// replaces a newer snapshot with an older one.
func (ex *execution) save() {
	j := ex.e.journal
	if !ex.durable() {
		return
	}
	ex.mu.Lock()
	ex.saveSeq++
	seq := ex.saveSeq
	rec := record{
		Version: journalVersion, SavedAt: ex.e.clock.Now(),
		StateMachine: machineRecord{Name: ex.sm.name, Arn: ex.sm.arn, Definition: ex.sm.definition, RoleArn: ex.sm.roleArn, Created: ex.sm.created},
		Arn:          ex.arn, Name: ex.name, Input: ex.inputRaw, TestCase: ex.testCase, Status: ex.status,
		Start: ex.start, Stop: ex.stop, Error: ex.errName, Cause: ex.cause, Transitions: ex.transitions,
		MockCalls: ex.mockCalls, Tokens: ex.tokens, Marks: ex.marks, Events: ex.events,
	}
	if ex.hasOutput {
		out := ex.output
		rec.Output = &out
	}
	b, err := json.Marshal(rec)
	ex.mu.Unlock()
	if err != nil {
		j.fail(err)
		return
	}
	ex.saveMu.Lock()
	defer ex.saveMu.Unlock()
	if seq < ex.savedSeq {
		return
	}
	j.write(ex.arn, b)
	ex.savedSeq = seq
}

// enter records that the thread entered a state with raw input.
func (t *thread) enter(name string, raw any) {
	ex := t.ex
	if !ex.durable() {
		return
	}
	ex.mu.Lock()
	ex.marks[t.path] = &mark{State: name, Input: compact(raw), Entered: t.state.entered, EnteredID: t.state.enteredID, Prev: t.prev}
	ex.mu.Unlock()
	ex.save()
}

// emitCheckpoint records ev and changes the thread's mark in one step, then
// saves: a snapshot taken meanwhile by another thread holds both or
// neither, so a resumed thread never finds an event its checkpoint does
// not account for (a second TaskSubmitted).
func (t *thread) emitCheckpoint(ev HistoryEvent, f func(m *mark)) *StatesError {
	ex := t.ex
	id, ok := ex.appendThen(ev, t.prev, func(id int64) {
		if !ex.durable() {
			return
		}
		if m := ex.marks[t.path]; m != nil && !m.Done {
			f(m)
			m.Prev = id
		}
	})
	if !ok {
		return errCancelled
	}
	t.prev = id
	ex.save()
	return nil
}

// checkpoint changes the thread's mark and saves it.
func (t *thread) checkpoint(f func(m *mark)) {
	t.ex.updateMark(t.path, f)
}

func (ex *execution) updateMark(path string, f func(m *mark)) {
	if !ex.durable() {
		return
	}
	ex.mu.Lock()
	m := ex.marks[path]
	if m == nil || m.Done || ex.status != StatusRunning {
		ex.mu.Unlock()
		return
	}
	f(m)
	ex.mu.Unlock()
	ex.save()
}

// resumeMark returns a copy of the running thread's checkpoint at path,
// left by an earlier engine on the same state directory.
func (ex *execution) resumeMark(path string) *mark {
	if !ex.durable() {
		return nil
	}
	ex.mu.Lock()
	defer ex.mu.Unlock()
	m := ex.marks[path]
	if m == nil || m.Done {
		return nil
	}
	c := *m
	return &c
}

// doneMark returns the outcome of the ended thread at path, if any.
func (ex *execution) doneMark(path string) (branchOutcome, bool) {
	if !ex.durable() {
		return branchOutcome{}, false
	}
	ex.mu.Lock()
	defer ex.mu.Unlock()
	m := ex.marks[path]
	if m == nil || !m.Done {
		return branchOutcome{}, false
	}
	return m.outcome(), true
}

// ended records the outcome of the thread at path.
func (ex *execution) ended(path string, out any, err *StatesError) {
	if !ex.durable() {
		return
	}
	m := &mark{Done: true}
	if err != nil {
		m.Error, m.Cause = err.Name, err.Cause
	} else {
		s := compact(out)
		m.Output = &s
	}
	ex.mu.Lock()
	if ex.status != StatusRunning {
		ex.mu.Unlock()
		return
	}
	ex.marks[path] = m
	ex.mu.Unlock()
	ex.save()
}

// forgetChildren drops the marks of the branches or iterations of the state
// entered at event entered (the state ended, or starts a new attempt).
func (ex *execution) forgetChildren(entered int64) {
	if !ex.durable() {
		return
	}
	prefix := fmt.Sprintf("%d:", entered)
	ex.mu.Lock()
	defer ex.mu.Unlock()
	for p := range ex.marks {
		if strings.HasPrefix(p, prefix) {
			delete(ex.marks, p)
		}
	}
}

// childPath is the path of branch or iteration i of the thread's current
// (Map or Parallel) state.
func (t *thread) childPath(i int) string {
	return fmt.Sprintf("%d:%d", t.state.enteredID, i)
}

// startedEvent finds the MapStateStarted or ParallelStateStarted event
// that follows the StateEntered event entered, when a resumed state had
// already recorded it.
func (ex *execution) startedEvent(entered int64, typ string) (int64, bool) {
	ex.mu.Lock()
	defer ex.mu.Unlock()
	for i := int(entered); i < len(ex.events); i++ {
		if ev := ex.events[i]; ev.PreviousEventID == entered && ev.Type == typ {
			return ev.ID, true
		}
	}
	return 0, false
}

// load reads every execution file of the directory.
func (j *journal) load() ([]record, error) {
	entries, err := os.ReadDir(j.dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []record
	for _, de := range entries {
		if de.IsDir() || !strings.HasSuffix(de.Name(), ".json") || strings.HasPrefix(de.Name(), ".") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(j.dir, de.Name()))
		if err != nil {
			return nil, err
		}
		var r record
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("asl: state file %s: %w", de.Name(), err)
		}
		if r.Version != journalVersion {
			return nil, fmt.Errorf("asl: state file %s has version %d, this engine reads %d", de.Name(), r.Version, journalVersion)
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Start.Before(out[b].Start) })
	return out, nil
}

// Resume loads the executions kept in Options.StateDir by an earlier engine
// and continues every one that was running, where it was. Register the
// resources (Registry) before calling it; state machines need not be
// created again, as each execution runs the definition it started with.
// Call it once, before starting new executions: an execution already known
// to this engine is left alone. It returns the ARNs of the executions that
// continue. Without a StateDir it does nothing.
func (e *Engine) Resume() ([]string, error) {
	if e.journal == nil {
		return nil, nil
	}
	recs, err := e.journal.load()
	if err != nil {
		return nil, err
	}
	var (
		resumed []*execution
		latest  time.Time
	)
	e.mu.Lock()
	for _, r := range recs {
		if _, ok := e.executions[r.Arn]; ok {
			continue
		}
		sm, err := e.machineForRecordLocked(r.StateMachine)
		if err != nil {
			e.mu.Unlock()
			return nil, fmt.Errorf("asl: resume %s: %w", r.Arn, err)
		}
		input, err := decodeJSON([]byte(r.Input))
		if err != nil {
			e.mu.Unlock()
			return nil, fmt.Errorf("asl: resume %s: input: %w", r.Arn, err)
		}
		ex := &execution{
			e: e, sm: sm, arn: r.Arn, name: r.Name, input: input, inputRaw: r.Input, testCase: r.TestCase,
			done: make(chan struct{}), status: r.Status, start: r.Start, stop: r.Stop, errName: r.Error, cause: r.Cause,
			events: r.Events, transitions: r.Transitions, mockCalls: r.MockCalls, tokens: r.Tokens, marks: r.Marks,
		}
		if r.Output != nil {
			ex.output, ex.hasOutput = *r.Output, true
		}
		if ex.mockCalls == nil {
			ex.mockCalls = map[string]int{}
		}
		if ex.marks == nil {
			ex.marks = map[string]*mark{}
		}
		ex.root = ex.newScope(nil)
		for _, tok := range ex.tokens {
			e.tokens[tok] = &pendingTask{ex: ex, closed: true}
		}
		if ex.status == StatusRunning {
			for path, m := range ex.marks {
				if m.Token != "" && !m.Done && m.Reply == nil {
					e.tokens[m.Token] = &pendingTask{ex: ex, w: e.clock.newWaiter(), path: path, heartbeat: time.Duration(m.HeartbeatSeconds) * time.Second}
				}
			}
			resumed = append(resumed, ex)
		} else {
			close(ex.done)
		}
		e.executions[ex.arn] = ex
		e.order = append(e.order, ex)
		if r.SavedAt.After(latest) {
			latest = r.SavedAt
		}
	}
	e.mu.Unlock()
	// Virtual time does not run backwards across a restart.
	e.clock.catchUp(latest)
	arns := make([]string, 0, len(resumed))
	for _, ex := range resumed {
		arns = append(arns, ex.arn)
		e.clock.goBusy(ex.run)
	}
	return arns, nil
}

// machineForRecordLocked returns the state machine a kept execution runs:
// the registered one if its definition is unchanged, else one made from the
// kept definition, as a running execution keeps the definition it started
// with.
func (e *Engine) machineForRecordLocked(r machineRecord) (*stateMachine, error) {
	if sm, ok := e.machines[r.Name]; ok && sm.definition == r.Definition && sm.arn == r.Arn {
		return sm, nil
	}
	def, err := Parse([]byte(r.Definition))
	if err != nil {
		return nil, err
	}
	return &stateMachine{name: r.Name, arn: r.Arn, definition: r.Definition, roleArn: r.RoleArn, def: def, created: r.Created}, nil
}

// Close stops the engine: running executions stop where they are, without
// closing (their files in Options.StateDir still show them running, for
// Resume on a later engine), and nothing is written any more. It returns
// the first error writing the state directory, if any. The engine must not
// be used afterwards.
func (e *Engine) Close() error {
	if e.journal != nil {
		e.journal.close()
	}
	e.mu.Lock()
	running := append([]*execution(nil), e.order...)
	e.mu.Unlock()
	for _, ex := range running {
		ex.mu.Lock()
		tm, live := ex.timeout, ex.status == StatusRunning
		ex.mu.Unlock()
		if live {
			e.clock.stop(tm)
			ex.root.cancel()
		}
	}
	if e.journal != nil {
		return e.journal.firstErr()
	}
	return nil
}
