package asl

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"time"
)

// maxTaskTokenLen is the API's taskToken length constraint (API reference,
// SendTaskSuccess: "Length Constraints: Minimum length of 1. Maximum length
// of 2048").
const maxTaskTokenLen = 2048

// tokenPrefix marks tokens minted by this engine; anything else is malformed.
const tokenPrefix = "AQB"

// pendingTask is a Task waiting for SendTaskSuccess/Failure (a
// .waitForTaskToken task).
type pendingTask struct {
	ex        *execution
	w         *waiter
	closed    bool
	heartbeat time.Duration
	hb        *timer
	path      string // the waiting thread's checkpoint
}

type callbackSuccess struct{ output any }
type callbackFailure struct{ err *StatesError }
type timeoutReason struct{ name, cause string }

// tokenBytes is the random part of a task token: 192 bits from crypto/rand,
// so that tokens are unique across runs and engines, as AWS's are, and a
// token kept by a client from an earlier run can never name a task of this
// one (it answers InvalidToken). Options.Seed does not apply to tokens.
const tokenBytes = 24

// newToken mints an opaque, unique task token.
func (e *Engine) newToken() string {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		panic("asl: crypto/rand: " + err.Error()) // never fails on supported platforms
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
}

func validToken(token string) bool {
	if len(token) == 0 || len(token) > maxTaskTokenLen || !strings.HasPrefix(token, tokenPrefix) {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(token[len(tokenPrefix):])
	return err == nil && len(b) == tokenBytes
}

// callback runs a .waitForTaskToken task: it invokes the resource (the
// submission), records TaskSubmitted and waits for the token to come back,
// for the timeout, or for a missed heartbeat.
//
// Resumed after a restart (c.resume), it keeps the token it had: it answers
// at once with a reply that arrived before the restart, waits again without
// invoking the resource if the resource had taken the token, and keeps the
// deadlines it had.
func (t *thread) callback(ctx context.Context, c taskCall) (any, *StatesError) {
	e := t.ex.e
	token := t.state.token
	r := c.resume
	e.mu.Lock()
	// A resumed task finds the waiter Resume made for its token, which a
	// SendTaskSuccess may already have woken: it must park on it, so that
	// the wake is consumed.
	pt := e.tokens[token]
	if pt == nil || pt.w == nil || pt.ex != t.ex {
		if r != nil && r.Reply != nil { // answered before the restart
			e.mu.Unlock()
			return r.Reply.result()
		}
		pt = &pendingTask{ex: t.ex, w: e.clock.newWaiter()}
		e.tokens[token] = pt
	}
	pt.heartbeat, pt.path = c.heartbeat, t.path
	w := pt.w
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		pt.closed = true
		hb := pt.hb
		e.mu.Unlock()
		e.clock.stop(hb)
	}()
	var timeoutAt, heartbeatAt time.Time
	if r != nil && r.Reply != nil {
		// Answered on this engine after the restart, before the task got
		// here: the SendTask call that stored the reply wakes w. No
		// deadline applies (the checkpoint may not have recorded one if
		// the engine stopped before TaskSubmitted was saved, and a zero
		// deadline would race the answer).
		return parkedResult(t.sc.park(w))
	}
	if r != nil && r.Submitted {
		timeoutAt, heartbeatAt = r.TimeoutAt, r.HeartbeatAt
		if m := t.ex.resumeMark(t.path); m != nil {
			heartbeatAt = m.HeartbeatAt // a heartbeat may have come since
		}
	} else {
		ref := c.state.resource
		ref.pattern = ""
		sub, err := e.integrate(ctx, t, ref, c.params)
		if err != nil {
			return nil, err
		}
		now := e.clock.Now()
		timeoutAt = now.Add(c.timeout)
		if c.heartbeat > 0 {
			heartbeatAt = now.Add(c.heartbeat)
		}
		// The event and the checkpoint that says the resource took the
		// token are kept together.
		if err := t.emitCheckpoint(HistoryEvent{Type: EventTaskSubmitted, TaskSubmittedEventDetails: &TaskOutputDetails{
			ResourceType: c.state.resource.resourceType(), Resource: c.state.resource.resourceName(), Output: compact(sub)}}, func(m *mark) {
			m.Submitted, m.TimeoutAt = true, timeoutAt
			m.HeartbeatSeconds, m.HeartbeatAt = int64(c.heartbeat/time.Second), heartbeatAt
		}); err != nil {
			return nil, err
		}
	}
	now := e.clock.Now()
	// A deadline that passed while the engine was down fires at once.
	to := e.clock.afterFunc(max(timeoutAt.Sub(now), 0), true, func() { w.wake(timeoutReason{ErrTimeout, "The task timed out."}) })
	defer e.clock.stop(to)
	if c.heartbeat > 0 {
		e.mu.Lock()
		pt.hb = e.clock.afterFunc(max(heartbeatAt.Sub(now), 0), true, func() { w.wake(timeoutReason{ErrHeartbeatTimeout, "The task did not send a heartbeat in time."}) })
		e.mu.Unlock()
	}
	return parkedResult(t.sc.park(w))
}

// parkedResult is the outcome of a callback task woken with reason.
func parkedResult(reason any) (any, *StatesError) {
	switch r := reason.(type) {
	case callbackSuccess:
		return r.output, nil
	case callbackFailure:
		return nil, r.err
	case timeoutReason:
		return nil, &StatesError{Name: r.name, Cause: r.cause}
	default:
		return nil, errCancelled
	}
}

// pending finds the open task of a token, or the API error to return.
func (e *Engine) pending(token string) (*pendingTask, error) {
	if !validToken(token) {
		return nil, apiErr(CodeInvalidToken, "Invalid token")
	}
	pt, ok := e.tokens[token]
	if !ok {
		return nil, apiErr(CodeInvalidToken, "Invalid token")
	}
	if pt.closed {
		// AWS: "The task token has either expired or the task associated
		// with the token has already been closed" (API reference,
		// SendTaskSuccess, TaskTimedOut).
		return nil, apiErr(CodeTaskTimedOut, "Task Timed Out: the task token has either expired or the task associated with the token has already been closed")
	}
	return pt, nil
}

// SendTaskSuccess completes a .waitForTaskToken task with output (JSON).
func (e *Engine) SendTaskSuccess(token, output string) error {
	e.mu.Lock()
	pt, err := e.pending(token)
	if err != nil {
		e.mu.Unlock()
		return err
	}
	v, jerr := decodeJSON([]byte(output))
	if jerr != nil {
		e.mu.Unlock()
		return apiErr(CodeInvalidOutput, "Invalid output: %v", jerr)
	}
	if len(output) > maxPayloadBytes {
		e.mu.Unlock()
		return apiErr(CodeInvalidOutput, "Output exceeds %d bytes", maxPayloadBytes)
	}
	pt.closed = true
	ex, path := pt.ex, pt.path
	e.mu.Unlock()
	out := compact(v)
	ex.updateMark(path, func(m *mark) {
		if m.Token == token {
			m.Reply = &reply{Output: &out}
		}
	})
	pt.w.wake(callbackSuccess{output: v})
	return nil
}

// SendTaskFailure fails a .waitForTaskToken task with an error and cause.
func (e *Engine) SendTaskFailure(token, errName, cause string) error {
	e.mu.Lock()
	pt, err := e.pending(token)
	if err != nil {
		e.mu.Unlock()
		return err
	}
	pt.closed = true
	ex, path := pt.ex, pt.path
	e.mu.Unlock()
	ex.updateMark(path, func(m *mark) {
		if m.Token == token {
			m.Reply = &reply{Error: errName, Cause: cause}
		}
	})
	pt.w.wake(callbackFailure{err: &StatesError{Name: errName, Cause: cause}})
	return nil
}

// SendTaskHeartbeat restarts a task's HeartbeatSeconds countdown.
func (e *Engine) SendTaskHeartbeat(token string) error {
	e.mu.Lock()
	pt, err := e.pending(token)
	if err != nil {
		e.mu.Unlock()
		return err
	}
	if pt.hb != nil {
		e.clock.stop(pt.hb)
		w := pt.w
		pt.hb = e.clock.afterFunc(pt.heartbeat, true, func() { w.wake(timeoutReason{ErrHeartbeatTimeout, "The task did not send a heartbeat in time."}) })
	}
	ex, path, hb := pt.ex, pt.path, pt.heartbeat
	e.mu.Unlock()
	if hb > 0 {
		at := e.clock.Now().Add(hb)
		ex.updateMark(path, func(m *mark) {
			if m.Token == token {
				m.HeartbeatAt = at
			}
		})
	}
	return nil
}

// closeTokens closes the tokens of a finished execution.
func (e *Engine) closeTokens(ex *execution) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, pt := range e.tokens {
		if pt.ex == ex {
			pt.closed = true
		}
	}
}
