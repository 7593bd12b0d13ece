// Package simulate stands in for the people of a local review (make run and
// the end-to-end tests): auditors who answer the workflow's notifications
// and a CX lead who decides at the QA gate, in the engine's virtual time.
package simulate

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/workflow"
)

// The Simulator stands in for the auditors of a local review: it listens to
// the workflow's notifications and answers them the way people do, some on
// time, some late, one never. Recorded walkthroughs from testdata are what
// they submit. It also stands in for the CX lead at the QA gate: the first
// result that waits for a lead is rejected (its auditor walks it again),
// the second is never decided (the wait times out and escalates), the rest
// are approved a day later.

// behaviour is how one simulated auditor treats one assignment.
type behaviour int

const (
	onTime behaviour = iota // submits a day or three after being told
	late                    // misses the deadline, submits after the reminder
	never                   // never submits: the walk is reassigned
)

func (b behaviour) String() string { return [...]string{"on time", "late", "never"}[b] }

// Action is something a simulated person will do at a moment of virtual time.
type Action struct {
	At   time.Time
	Desc string
	Do   func(ctx context.Context) error
	seq  int
}

// Simulator is the people of one local review. It is the workflow's
// Notifier; Bind gives it the workflow to answer through.
type Simulator struct {
	mu         sync.Mutex
	companyID  string
	now        func() time.Time // the engine's clock; actions are scheduled relative to it
	wf         *workflow.Audits
	qa         *workflow.QA
	qaSeen     int
	recordings map[string][]audit.Walkthrough // by touchpoint id
	plan       func(n int) behaviour          // the n-th assignment's behaviour
	seen       map[string]behaviour           // by assignment id
	queue      []Action
	seq        int
	brokenSet  bool
	stats      Stats
}

// Stats counts what the simulated people did.
type Stats struct {
	Notifications, Submitted, Late, Never, Reassigned, PromisesKept, PromisesBroken int
	// At the QA gate: results a lead approved, rejected or left undecided,
	// escalations, and walks submitted again after a rejection.
	QAApproved, QARejected, QAUndecided, QAEscalated, Resubmitted int
}

// The simulated lead's QA decisions, by the order results wait for one.
const (
	simRejectedResult  = 1 // rejected: the walk goes back to its auditor
	simUndecidedResult = 2 // never decided: the wait times out
)

// New is the people of a review of company companyID, who submit the
// recorded walks (by touchpoint id).
func New(companyID string, recordings map[string][]audit.Walkthrough) *Simulator {
	return &Simulator{companyID: companyID, recordings: recordings, seen: map[string]behaviour{}, plan: func(n int) behaviour {
		switch {
		case n == 4:
			return never
		case n%4 == 2:
			return late
		}
		return onTime
	}}
}

// Bind gives the simulator the workflow it acts through and the clock of
// the engine that runs it.
func (s *Simulator) Bind(audits *workflow.Audits, qa *workflow.QA, now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wf, s.qa, s.now = audits, qa, now
}

// Stats is what the simulated people did so far.
func (s *Simulator) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Notify receives the workflow's notifications (the Simulator is the
// workflow's Notifier in a local run). It only queues; the run loop acts.
func (s *Simulator) Notify(_ context.Context, n workflow.Notification) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Notifications++
	if n.Kind.ForLeads() && n.To != simLead {
		return nil // every lead is told; the simulated lead acts
	}
	switch n.Kind {
	case workflow.NotifyAssigned, workflow.NotifyReassigned:
		if _, known := s.seen[n.AssignmentID]; known {
			return nil // told twice (reassigned, then dispatched): act once
		}
		b := s.plan(len(s.seen))
		if n.Kind == workflow.NotifyReassigned {
			b = onTime // the colleague who takes the walk over does it
			s.stats.Reassigned++
		}
		s.seen[n.AssignmentID] = b
		switch b {
		case onTime:
			days := 1 + len(s.seen)%3
			s.enqueue(time.Duration(days)*audit.Day, fmt.Sprintf("%s submits %s", n.To, n.AssignmentID), s.submit(n.AssignmentID, n.To, false))
		case late:
			s.stats.Late++
		case never:
			s.stats.Never++
		}
	case workflow.NotifyOverdue:
		if s.seen[n.AssignmentID] == late {
			s.enqueue(audit.Day, fmt.Sprintf("%s submits %s after a reminder", n.To, n.AssignmentID), s.submit(n.AssignmentID, n.To, true))
		}
	case workflow.NotifyPromiseDue:
		s.enqueue(2*time.Hour, fmt.Sprintf("%s answers promise %s of %s", n.To, n.PromiseID, n.AssignmentID), s.answer(n))
	case workflow.NotifyQAWaiting:
		s.qaSeen++
		switch s.qaSeen {
		case simRejectedResult:
			s.enqueue(audit.Day, "the lead rejects "+n.ResultID, s.decide(n.ResultID, audit.DecideReject, "the timeline misses the queue: walk it again"))
		case simUndecidedResult:
			s.stats.QAUndecided++
		default:
			s.enqueue(audit.Day, "the lead approves "+n.ResultID, s.decide(n.ResultID, audit.DecideApprove, ""))
		}
	case workflow.NotifyQAEscalated:
		s.stats.QAEscalated++
	case workflow.NotifyReturned:
		s.stats.Resubmitted++
		s.enqueue(audit.Day, fmt.Sprintf("%s submits %s again", n.To, n.AssignmentID), s.resubmit(n.AssignmentID, n.To))
	}
	return nil
}

// simLead is the simulated CX lead (s-001 of the sample bank).
const simLead = "s-001"

func (s *Simulator) decide(resultID string, d audit.QADecision, reason string) func(context.Context) error {
	return func(ctx context.Context) error {
		err := retryTransient(func() error {
			_, err := s.qa.Decide(ctx, workflow.DecideInput{CompanyID: s.companyID, ResultID: resultID, By: simLead, Decision: d, Reason: reason})
			return err
		})
		s.mu.Lock()
		if d == audit.DecideReject {
			s.stats.QARejected++
		} else {
			s.stats.QAApproved++
		}
		s.mu.Unlock()
		return err
	}
}

func (s *Simulator) resubmit(assignmentID, auditorID string) func(context.Context) error {
	return func(ctx context.Context) error {
		w, wait, err := s.recording(ctx, assignmentID)
		if err != nil {
			return err
		}
		if wait > 0 {
			s.mu.Lock()
			s.enqueue(wait, fmt.Sprintf("%s submits %s again once its days-long walk ends", auditorID, assignmentID), s.resubmit(assignmentID, auditorID))
			s.mu.Unlock()
			return nil
		}
		return retryTransient(func() error {
			_, err := s.wf.Submit(ctx, workflow.SubmitRequest{SubmissionID: "sim-" + assignmentID + "-again", AssignmentID: assignmentID, AuditorID: auditorID, Walkthrough: w})
			return err
		})
	}
}

func (s *Simulator) enqueue(after time.Duration, desc string, do func(context.Context) error) {
	s.seq++
	s.queue = append(s.queue, Action{At: s.now().Add(after), seq: s.seq, Desc: desc, Do: do})
}

// Due removes and returns the actions due at or before now, in order.
func (s *Simulator) Due(now time.Time) []Action {
	s.mu.Lock()
	defer s.mu.Unlock()
	sort.Slice(s.queue, func(i, j int) bool {
		if !s.queue[i].At.Equal(s.queue[j].At) {
			return s.queue[i].At.Before(s.queue[j].At)
		}
		return s.queue[i].seq < s.queue[j].seq
	})
	n := 0
	for n < len(s.queue) && !s.queue[n].At.After(now) {
		n++
	}
	out := slices.Clone(s.queue[:n])
	s.queue = s.queue[n:]
	return out
}

// Next is when the next queued action falls due.
func (s *Simulator) Next() (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.queue) == 0 {
		return time.Time{}, false
	}
	t := s.queue[0].At
	for _, a := range s.queue {
		if a.At.Before(t) {
			t = a.At
		}
	}
	return t, true
}

func (s *Simulator) submit(assignmentID, auditorID string, wasLate bool) func(context.Context) error {
	return func(ctx context.Context) error {
		w, wait, err := s.recording(ctx, assignmentID)
		if err != nil {
			return err
		}
		if wait > 0 {
			// A walk over several days (apply, then wait for the card) ends
			// that long after it was assigned: submit it then.
			s.mu.Lock()
			s.enqueue(wait, fmt.Sprintf("%s submits %s once its days-long walk ends", auditorID, assignmentID), s.submit(assignmentID, auditorID, wasLate))
			s.mu.Unlock()
			return nil
		}
		err = retryTransient(func() error {
			_, err := s.wf.Submit(ctx, workflow.SubmitRequest{SubmissionID: "sim-" + assignmentID, AssignmentID: assignmentID, AuditorID: auditorID, Walkthrough: w})
			return err
		})
		s.mu.Lock()
		s.stats.Submitted++
		s.mu.Unlock()
		return err
	}
}

// recording picks the recorded walk for an assignment's touchpoint (walk k
// takes the k-th recording, round robin) and moves its timeline so that it
// ends half an hour before now, as if walked just before submitting. When
// the walk lasts longer than the assignment has existed, it could not have
// started yet: wait says how much later it can be submitted.
func (s *Simulator) recording(ctx context.Context, assignmentID string) (_ audit.Walkthrough, wait time.Duration, _ error) {
	var a *audit.Assignment
	err := retryTransient(func() (err error) { a, err = s.wf.Assignment(ctx, assignmentID); return err })
	if err != nil {
		return audit.Walkthrough{}, 0, err
	}
	recs := s.recordings[a.TouchpointID]
	if len(recs) == 0 {
		return audit.Walkthrough{}, 0, fmt.Errorf("no recorded walkthrough for touchpoint %s", a.TouchpointID)
	}
	w := cloneWalk(recs[(a.Walk-1)%len(recs)])
	var first, last time.Time
	for _, st := range w.Timeline {
		if st.End.Client.After(last) {
			last = st.End.Client
		}
		if first.IsZero() || st.Start.Client.Before(first) {
			first = st.Start.Client
		}
	}
	for _, p := range w.Promises {
		if !p.MadeAt.IsZero() && p.MadeAt.Before(first) {
			first = p.MadeAt
		}
	}
	shift := s.now().Add(-30 * time.Minute).Sub(last)
	if !a.AssignedAt.IsZero() {
		if early := a.AssignedAt.Add(5 * time.Minute).Sub(first.Add(shift)); early > 0 {
			return w, early, nil
		}
	}
	mv := func(t time.Time) time.Time {
		if t.IsZero() {
			return t
		}
		return t.Add(shift)
	}
	for i := range w.Timeline {
		st := &w.Timeline[i]
		st.Start.Client, st.Start.Server, st.End.Client, st.End.Server = mv(st.Start.Client), mv(st.Start.Server), mv(st.End.Client), mv(st.End.Server)
		for k := range st.Pauses {
			p := &st.Pauses[k]
			p.Start.Client, p.Start.Server, p.End.Client, p.End.Server = mv(p.Start.Client), mv(p.Start.Server), mv(p.End.Client), mv(p.End.Server)
		}
	}
	if c := w.CheckIn; c != nil {
		ci := *c
		for _, pos := range []**audit.Position{&ci.Start, &ci.End} {
			if *pos != nil {
				moved := **pos
				moved.At = mv(moved.At)
				*pos = &moved
			}
		}
		w.CheckIn = &ci
	}
	for i := range w.Promises {
		p := &w.Promises[i]
		p.MadeAt, p.DueAt = mv(p.MadeAt), mv(p.DueAt)
		if p.DueAt.Before(s.now()) {
			p.DueAt = s.now().Add(24 * time.Hour) // still ahead, so it is checked when due
		}
		p.Outcome, p.VerifiedAt = audit.PromisePending, nil // found out when it falls due
	}
	return w, 0, nil
}

// answer tells the workflow whether a promise was kept: broken where the
// recording found it broken (at least one broken in a run), kept otherwise.
func (s *Simulator) answer(n workflow.Notification) func(context.Context) error {
	return func(ctx context.Context) error {
		var a *audit.Assignment
		err := retryTransient(func() (err error) { a, err = s.wf.Assignment(ctx, n.AssignmentID); return err })
		if err != nil {
			return err
		}
		outcome := audit.PromiseKept
		for _, rec := range s.recordings[a.TouchpointID] {
			for _, p := range rec.Promises {
				if p.ID == n.PromiseID && p.Outcome == audit.PromiseBroken {
					outcome = audit.PromiseBroken
				}
			}
		}
		s.mu.Lock()
		if !s.brokenSet {
			outcome, s.brokenSet = audit.PromiseBroken, true
		}
		if outcome == audit.PromiseBroken {
			s.stats.PromisesBroken++
		} else {
			s.stats.PromisesKept++
		}
		s.mu.Unlock()
		return retryTransient(func() error {
			_, err := s.wf.ConfirmPromise(ctx, workflow.PromiseAnswer{AssignmentID: n.AssignmentID, AuditorID: n.To, PromiseID: n.PromiseID, Outcome: outcome})
			return err
		})
	}
}

func cloneWalk(w audit.Walkthrough) audit.Walkthrough {
	w.Timeline = slices.Clone(w.Timeline)
	for i := range w.Timeline {
		w.Timeline[i].Pauses = slices.Clone(w.Timeline[i].Pauses)
	}
	w.Answers = slices.Clone(w.Answers)
	w.Facts = slices.Clone(w.Facts)
	w.Promises = slices.Clone(w.Promises)
	w.Evidence = slices.Clone(w.Evidence)
	return w
}

// phoneRetries is how often a simulated phone sends a request again after
// an internal error, as the form's outbox does (with the same submission id,
// so a retry is a replay).
const phoneRetries = 6

// retryTransient calls f again while it fails with an internal error (the
// store or Step Functions unreachable), as a phone retries.
func retryTransient(f func() error) error {
	var err error
	for range phoneRetries {
		if err = f(); err == nil || !audit.IsCode(err, audit.Internal) {
			return err
		}
	}
	return err
}
