package asl

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// Clock tells the engine's time. The engine's clock is either virtual (the
// default: time stands still while anything can make progress and jumps to
// the next timer when nothing can) or real (wall-clock timers, for
// interactive use).
type Clock interface {
	Now() time.Time
}

// DefaultVirtualStart is where virtual time starts unless Options.Start says
// otherwise: a fixed instant, so that histories are reproducible.
var DefaultVirtualStart = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// clock schedules the engine's goroutines. It counts goroutines that can
// make progress (busy); a goroutine that blocks parks on a waiter and stops
// counting. Whoever wakes a waiter counts the woken goroutine busy again
// before it runs, so busy == 0 means nothing can progress without a timer
// or an outside call.
type clock struct {
	mu      sync.Mutex
	cond    *sync.Cond
	virtual bool
	now     time.Time // virtual time
	busy    int
	timers  timerHeap
	seq     uint64

	// In virtual time one goroutine runs at a time, in FIFO order of being
	// started or woken (the baton), so that concurrent branches interleave
	// the same way on every run and histories are reproducible.
	held  bool
	queue []chan struct{}
}

// grantLocked lets ch's goroutine run once it holds the baton.
func (c *clock) grantLocked(ch chan struct{}) {
	if !c.virtual || !c.held {
		c.held = c.virtual
		close(ch)
		return
	}
	c.queue = append(c.queue, ch)
}

// releaseLocked passes the baton to the next goroutine in line.
func (c *clock) releaseLocked() {
	if !c.virtual {
		return
	}
	if len(c.queue) > 0 {
		ch := c.queue[0]
		c.queue = c.queue[1:]
		close(ch)
		return
	}
	c.held = false
}

func newClock(virtual bool, start time.Time) *clock {
	c := &clock{virtual: virtual, now: start}
	c.cond = sync.NewCond(&c.mu)
	return c
}

func (c *clock) Now() time.Time {
	if !c.virtual {
		return time.Now().UTC()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// catchUp moves virtual time forward to t if it is behind.
func (c *clock) catchUp(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.virtual && c.now.Before(t) {
		c.now = t
	}
}

// goBusy runs f in a new goroutine counted busy from now on.
func (c *clock) goBusy(f func()) {
	ch := make(chan struct{})
	c.mu.Lock()
	c.busy++
	c.grantLocked(ch)
	c.mu.Unlock()
	go func() {
		defer c.idle()
		<-ch
		f()
	}()
}

func (c *clock) idle() {
	c.mu.Lock()
	c.busy--
	c.releaseLocked()
	c.cond.Broadcast()
	c.mu.Unlock()
}

// waiter is a one-shot wake-up for one parked goroutine.
type waiter struct {
	c      *clock
	ch     chan struct{}
	done   bool
	reason any
}

func (c *clock) newWaiter() *waiter { return &waiter{c: c, ch: make(chan struct{})} }

// wake wakes the waiter once, with a reason; later calls do nothing.
func (w *waiter) wake(reason any) bool {
	w.c.mu.Lock()
	defer w.c.mu.Unlock()
	if w.done {
		return false
	}
	w.done = true
	w.reason = reason
	w.c.busy++
	w.c.grantLocked(w.ch)
	return true
}

// park blocks the calling (busy) goroutine until the waiter is woken and
// returns the reason.
func (w *waiter) park() any {
	w.c.mu.Lock()
	w.c.busy--
	w.c.releaseLocked()
	w.c.cond.Broadcast()
	w.c.mu.Unlock()
	<-w.ch
	return w.reason
}

// timer is a scheduled call; callback timers mark waits for an outside
// party (task tokens), where virtual time must not run ahead on its own.
type timer struct {
	when     time.Time
	seq      uint64
	f        func()
	callback bool
	// deadline marks a callback timer that fires anyway once virtual time
	// must pass it to reach a later plain timer (the one-year limit of an
	// execution waiting both for a token and on a long Wait).
	deadline bool
	index    int
	real     *time.Timer
	stopped  bool
}

type timerHeap []*timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if !h[i].when.Equal(h[j].when) {
		return h[i].when.Before(h[j].when)
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i]; h[i].index = i; h[j].index = j }
func (h *timerHeap) Push(x any)   { t := x.(*timer); t.index = len(*h); *h = append(*h, t) }
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	*h = old[:len(old)-1]
	t.index = -1
	return t
}

// afterFunc calls f once d has passed. f must not block.
func (c *clock) afterFunc(d time.Duration, callback bool, f func()) *timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &timer{seq: c.seq, f: f, callback: callback}
	if !c.virtual {
		t.real = time.AfterFunc(d, f)
		return t
	}
	t.when = c.now.Add(d)
	heap.Push(&c.timers, t)
	return t
}

// afterDeadline is afterFunc for a deadline timer (see timer.deadline).
func (c *clock) afterDeadline(d time.Duration, f func()) *timer {
	t := c.afterFunc(d, true, f)
	c.mu.Lock()
	t.deadline = true
	c.mu.Unlock()
	return t
}

// plainTimerLocked reports whether any pending timer is not a callback timer.
func (c *clock) plainTimerLocked() bool {
	for _, t := range c.timers {
		if !t.callback {
			return true
		}
	}
	return false
}

func (c *clock) stop(t *timer) {
	if t == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.real != nil {
		t.real.Stop()
		return
	}
	if !t.stopped && t.index >= 0 && t.index < len(c.timers) && c.timers[t.index] == t {
		heap.Remove(&c.timers, t.index)
	}
	t.stopped = true
}

// drive runs virtual time until done() holds or nothing can progress: it
// waits for busy == 0, then fires the earliest timer and repeats. It stops
// without firing when the earliest timer is a callback timer and
// fireCallbacks is false. It reports whether done() held.
func (c *clock) drive(ctx context.Context, done func() bool, fireCallbacks bool) bool {
	stopWake := context.AfterFunc(ctx, func() {
		c.mu.Lock()
		c.cond.Broadcast()
		c.mu.Unlock()
	})
	defer stopWake()
	for {
		c.mu.Lock()
		for c.busy > 0 && ctx.Err() == nil {
			c.cond.Wait()
		}
		if ctx.Err() != nil {
			c.mu.Unlock()
			return done()
		}
		c.mu.Unlock()
		if done() {
			return true
		}
		c.mu.Lock()
		if !c.virtual || len(c.timers) == 0 || (c.timers[0].callback && !fireCallbacks && !(c.timers[0].deadline && c.plainTimerLocked())) {
			c.mu.Unlock()
			return done()
		}
		c.fireEarliestLocked()
	}
}

// fireEarliestLocked pops the earliest timer, moves virtual time up to it and
// runs it. c.mu must be held; it is released before the timer runs, as a
// timer's function may call back into the clock.
func (c *clock) fireEarliestLocked() {
	t := heap.Pop(&c.timers).(*timer)
	t.stopped = true
	if t.when.After(c.now) {
		c.now = t.when
	}
	c.mu.Unlock()
	t.f()
}

// advance moves virtual time forward by d, firing every timer due on the way.
func (c *clock) advance(ctx context.Context, d time.Duration) {
	c.mu.Lock()
	target := c.now.Add(d)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		for c.busy > 0 && ctx.Err() == nil {
			c.cond.Wait()
		}
		if ctx.Err() != nil || len(c.timers) == 0 || c.timers[0].when.After(target) {
			if c.now.Before(target) {
				c.now = target
			}
			c.mu.Unlock()
			return
		}
		c.fireEarliestLocked()
	}
}
