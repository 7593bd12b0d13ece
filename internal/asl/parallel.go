package asl

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"touchaudit/internal/asl/jsonvalue"
)

// ParallelState runs its branches concurrently on the same input; its
// result is the array of branch outputs.
type ParallelState struct {
	StateBase
	Branches []*Definition
}

func (p *parser) parallel(f fields, depth int) *ParallelState {
	f.unknown(allowed("Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "Retry", "Catch", "Branches"), "Parallel")
	s := &ParallelState{}
	f.transition(&s.StateBase)
	f.io(&s.StateBase, true)
	s.Parameters = f.template("Parameters")
	s.ResultSelector = f.template("ResultSelector")
	f.errorHandling(&s.StateBase)
	v, ok := f.obj.Get("Branches")
	if !ok {
		f.bad("Branches", "is required in a Parallel state")
		return s
	}
	arr, ok := v.([]any)
	if !ok || len(arr) == 0 {
		f.bad("Branches", "must be a non-empty array of state machines")
		return s
	}
	for i, b := range arr {
		at := fmt.Sprintf("%s: field \"Branches[%d]\"", f.where, i)
		o, ok := b.(*jsonvalue.Object)
		if !ok {
			f.bad(fmt.Sprintf("Branches[%d]", i), "must be an object, not %s", jsonKind(b))
			continue
		}
		bf := fields{p: p, where: at, obj: o}
		bf.unknown(branchFields, "")
		s.Branches = append(s.Branches, p.machine(o, at, false, depth+1))
	}
	return s
}

// branchOutcome is the end of one branch or iteration.
type branchOutcome struct {
	out any
	err *StatesError
}

// doneOutcome is the outcome of a branch or iteration that had ended before
// a restart.
func (ex *execution) doneOutcome(path string) (any, *StatesError, bool) {
	o, ok := ex.doneMark(path)
	return o.out, o.err, ok
}

// startAttempt begins an attempt of a Map or Parallel state: it records
// the state's started event, or on the first attempt after a restart finds
// the one recorded before. A new attempt forgets the branches of the last.
func (t *thread) startAttempt(ev HistoryEvent) *StatesError {
	if t.resume != nil {
		t.resume = nil
		if id, ok := t.ex.startedEvent(t.state.enteredID, ev.Type); ok {
			t.prev = id
			return nil
		}
	}
	t.ex.forgetChildren(t.state.enteredID)
	return t.emit(ev)
}

// runConcurrently runs n threads (at most limit at once; 0 means no limit)
// and stops the rest when one fails beyond tolerated. It returns the
// outcomes in index order.
func (t *thread) runConcurrently(n, limit int, tolerated func(failures int) bool, body func(i int, sub *thread) (any, *StatesError)) []branchOutcome {
	outcomes := make([]branchOutcome, n)
	if n == 0 {
		return outcomes
	}
	if limit <= 0 || limit > n {
		limit = n
	}
	group := t.ex.newScope(t.sc)
	defer group.detach()
	c := t.ex.e.clock
	w := c.newWaiter()
	var (
		next, finished, failures int
		stopped                  bool
	)
	mu := &t.ex.e.scopeMu // guards the counters; held only briefly
	worker := func() {
		for {
			mu.Lock()
			if stopped || next >= n {
				finished++
				all := finished == limit
				mu.Unlock()
				if all {
					w.wake(nil)
				}
				return
			}
			i := next
			next++
			mu.Unlock()
			sub := &thread{ex: t.ex, sc: t.ex.newScope(group), prev: t.prev, path: t.childPath(i), vars: t.vars.child()}
			out, err, done := t.ex.doneOutcome(sub.path)
			if !done {
				out, err = body(i, sub)
				if err != errCancelled {
					t.ex.ended(sub.path, out, err)
				}
			}
			sub.sc.detach()
			mu.Lock()
			outcomes[i] = branchOutcome{out, err}
			cancelAll := false
			if err != nil && err != errCancelled {
				failures++
				if !tolerated(failures) && !stopped {
					stopped, cancelAll = true, true
				}
			}
			mu.Unlock()
			if cancelAll {
				group.cancel()
			}
		}
	}
	for i := 0; i < limit; i++ {
		c.goBusy(worker)
	}
	// Not parked through the scope: when the parent is cancelled the group
	// is cancelled with it, and the parent waits for the workers to unwind so
	// that no thread outlives its state.
	w.park()
	return outcomes
}

// run starts every branch with the effective input and waits for all.
func (s *ParallelState) run(t *thread, raw any) (any, *StatesError) {
	in, err := t.effectiveInput(&s.StateBase, raw)
	if err != nil {
		return nil, err
	}
	if err := t.startAttempt(HistoryEvent{Type: EventParallelStateStarted}); err != nil {
		return nil, err
	}
	defer t.ex.forgetChildren(t.state.enteredID)
	// Every branch enters its first state before any goes further, as on
	// AWS, where a branch that fails at once still finds its siblings
	// entered (and then stopped).
	running := 0
	for i := range s.Branches {
		if _, _, done := t.ex.doneOutcome(t.childPath(i)); !done {
			running++
		}
	}
	start := newStartLine(t.ex.e.clock, running)
	outcomes := t.runConcurrently(len(s.Branches), 0, func(int) bool { return false }, func(i int, sub *thread) (any, *StatesError) {
		sub.started = func() *StatesError { return start.arrive(sub.sc, i) }
		out, err := sub.runStates(s.Branches[i], deepCopy(in)) // resumes from sub's checkpoint, if any
		start.leave(i)
		return out, err
	})
	if t.sc.isCancelled() {
		return nil, errCancelled
	}
	results := make([]any, len(outcomes))
	for i, o := range outcomes {
		if o.err != nil && o.err != errCancelled {
			if e := t.emit(HistoryEvent{Type: EventParallelStateFailed}); e != nil {
				return nil, e
			}
			return nil, o.err
		}
		results[i] = o.out
	}
	for _, o := range outcomes {
		if o.err == errCancelled {
			return nil, errCancelled
		}
	}
	if err := t.emit(HistoryEvent{Type: EventParallelStateSucceeded}); err != nil {
		return nil, err
	}
	return t.effectiveOutput(&s.StateBase, raw, results, true)
}

// startLine holds the branches of a Parallel state until each has entered
// its first state (or ended before it could), then lets them all go on in
// branch order.
type startLine struct {
	c       *clock
	mu      sync.Mutex
	waiting int
	arrived map[int]bool
	parked  map[int]*waiter
	open    bool
}

func newStartLine(c *clock, n int) *startLine {
	return &startLine{c: c, waiting: n, arrived: map[int]bool{}, parked: map[int]*waiter{}, open: n == 0}
}

// arrive records that branch i has entered its first state and parks it
// until every branch has; it returns errCancelled if the branch's scope is
// cancelled meanwhile.
func (l *startLine) arrive(sc *scope, i int) *StatesError {
	w := l.c.newWaiter()
	l.mu.Lock()
	if l.open || l.arrived[i] {
		l.mu.Unlock()
		return nil
	}
	l.arrived[i] = true
	l.parked[i] = w
	l.waiting--
	l.releaseLocked()
	l.mu.Unlock()
	if sc.park(w) == errCancelled {
		return errCancelled
	}
	return nil
}

// leave records that branch i has ended; a branch that ended before
// entering a state no longer holds the others back.
func (l *startLine) leave(i int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open || l.arrived[i] {
		return
	}
	l.arrived[i] = true
	l.waiting--
	l.releaseLocked()
}

// releaseLocked wakes every parked branch, in branch order, once none is
// still on its way.
func (l *startLine) releaseLocked() {
	if l.waiting > 0 {
		return
	}
	l.open = true
	for _, i := range slices.Sorted(maps.Keys(l.parked)) {
		l.parked[i].wake(nil)
	}
	l.parked = nil
}
