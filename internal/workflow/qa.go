package workflow

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/scoring"
)

// The QA gate. When a walk's valuation is final (scored, and valued again
// after its promise checks), the audit execution asks the gate: a result
// the standard set's auto-approve rule accepts is approved at once;
// anything else waits for a lead on a task token (AwaitQA), with the rule's
// timeout. A lead approves (the audit closes and the result counts),
// rejects with a reason (the walk goes back to its auditor with the note,
// the audit waits for the walk again, scores it and asks the gate again)
// or holds it (it keeps waiting, with the note). When nobody decides in
// time the result is held and escalated to the leads, and the audit
// closes: the result stays on the QA queue and counts once a lead
// approves it. Every decision is recorded in the audit trail and is
// idempotent.

// QA is the QA gate's use case. Files: qa.go.
type QA struct{ *deps }

// QAInput is the qa function's input: one function serves the gate's
// steps, named by Op.
type QAInput struct {
	Op           string `json:"op"`
	AssignmentID string `json:"assignmentId"`
	TaskToken    string `json:"taskToken,omitempty"`
}

// QA ops.
const (
	QAGate           = "gate"            // the valuation is final: approve by rule, or wait for a lead
	QAAwait          = "await"           // waitForTaskToken: keep the token for the lead's decision
	QATimedOut       = "timeout"         // nobody decided in time: hold, escalate, end the audit
	QAResubmitMissed = "resubmit-missed" // a returned walk did not come back in time
)

// QAOutput tells the state machine where the gate stands.
type QAOutput struct {
	AssignmentID string         `json:"assignmentId"`
	ResultID     string         `json:"resultId"`
	Status       audit.QAStatus `json:"status"`
	// Approved is true when the result may close the audit now.
	Approved bool `json:"approved"`
	// TimeoutSeconds bounds the wait for a lead (AwaitQA).
	TimeoutSeconds int64 `json:"timeoutSeconds"`
	// For resubmit-missed: the walk came back after all.
	Submitted     bool   `json:"submitted"`
	WalkthroughID string `json:"walkthroughId"`
}

// QADecisionSignal is what a lead's decision sends the waiting audit.
type QADecisionSignal struct {
	Decision audit.QAStatus `json:"decision"` // approved or rejected
	// ResubmitSeconds bounds the wait for a rejected walk to come back.
	ResubmitSeconds int64 `json:"resubmitSeconds"`
}

// Step runs one of the gate's steps in the audit execution.
func (s *QA) Step(ctx context.Context, in QAInput) (QAOutput, error) {
	switch in.Op {
	case QAGate:
		return s.Gate(ctx, in.AssignmentID)
	case QAAwait:
		return s.Await(ctx, in.AssignmentID, in.TaskToken)
	case QATimedOut:
		return s.TimedOut(ctx, in.AssignmentID)
	case QAResubmitMissed:
		return s.ResubmitMissed(ctx, in.AssignmentID)
	}
	return QAOutput{}, invalidField("op", "must be one of gate, await, timeout, resubmit-missed")
}

// resultOf reads the assignment and the result of its current walk.
func (s *deps) resultOf(ctx context.Context, assignmentID string) (*audit.Assignment, *audit.Result, error) {
	a, err := s.store.GetAssignment(ctx, assignmentID)
	if err != nil {
		return nil, nil, err
	}
	if a.WalkthroughID == "" {
		return a, nil, conflict("assignment %s has no walk to review", a.ID)
	}
	r, err := s.store.GetResult(ctx, a.WalkthroughID)
	return a, r, err
}

// qaRule is the QA rule of the standard set a result was scored against.
func (s *deps) qaRule(ctx context.Context, r *audit.Result) (audit.QARule, *scoring.Engine, error) {
	eng, err := s.scorer(ctx, r.CompanyID)
	if err != nil {
		return audit.QARule{}, nil, err
	}
	std, ok := eng.Standard(r.StandardVersion)
	if !ok {
		return audit.QARule{}, nil, audit.Errorf(audit.Invalid, "standard version %s of result %s is not in the company configuration", r.StandardVersion, r.ID)
	}
	if std.QA == nil {
		return (*audit.QARule)(nil).WithDefaults(), eng, nil
	}
	rule := std.QA.WithDefaults()
	return rule, eng, nil
}

// Gate approves a result the auto-approve rule accepts and puts any other
// on the QA queue with the reasons it was not approved. A retry answers
// from the stored state.
func (s *QA) Gate(ctx context.Context, assignmentID string) (QAOutput, error) {
	a, r, err := s.resultOf(ctx, assignmentID)
	if err != nil {
		return QAOutput{}, err
	}
	rule, _, err := s.qaRule(ctx, r)
	if err != nil {
		return QAOutput{}, err
	}
	out := QAOutput{AssignmentID: a.ID, ResultID: r.ID, TimeoutSeconds: int64(rule.ReviewTimeout.D() / time.Second)}
	if r.QA != nil && r.QA.Status != audit.QAUnreviewed {
		out.Status, out.Approved = r.QA.Status, r.QA.Status == audit.QAApproved
		if out.Approved {
			// A retry: finish what the first call may not have.
			return out, s.rescheduleResults(ctx, *r)
		}
		return out, nil
	}
	disagree, err := s.disagreement(ctx, r)
	if err != nil {
		return QAOutput{}, err
	}
	now := s.clock.Now()
	why := rule.NotAutoApproved(audit.QAFacts{Valuation: r.Valuation, Disagreement: disagree, EvidenceFlags: r.EvidenceFlags})
	before := qaState(r)
	if len(why) == 0 {
		r.QA = &audit.QA{Status: audit.QAApproved, Since: now, Auto: true, DecidedBy: audit.TrailActorSystem, DecidedAt: now}
	} else {
		r.QA = &audit.QA{Status: audit.QAPending, Since: now, Why: why}
	}
	action := map[audit.QAStatus]string{audit.QAApproved: "approved", audit.QAPending: "queued"}[r.QA.Status]
	if err := s.record(ctx, qaEntry(r, action, audit.TrailActorSystem, now, before, strings.Join(why, "; "))); err != nil {
		return QAOutput{}, err
	}
	if err := s.store.PutResults(ctx, []audit.Result{*r}); err != nil {
		return QAOutput{}, err
	}
	out.Status, out.Approved = r.QA.Status, r.QA.Auto
	if out.Approved {
		// Approved, it counts: its touchpoint's schedule moves.
		if err := s.rescheduleResults(ctx, *r); err != nil {
			return QAOutput{}, err
		}
	}
	if !out.Approved {
		s.tellLeads(ctx, Notification{Kind: NotifyQAWaiting, CompanyID: r.CompanyID, ResultID: r.ID, AssignmentID: a.ID,
			TouchpointID: r.TouchpointID, Subject: audit.Label{PL: "Wynik czeka na kontrolę jakości", EN: "A result waits for QA"}})
	}
	return out, err
}

// disagreement reports whether another auditor's walk of the same
// touchpoint in the same review, not rejected, is
// scoring.DisagreementSpread or more points away from r.
func (s *deps) disagreement(ctx context.Context, r *audit.Result) (bool, error) {
	rs, err := listAll(ctx, func(p audit.Page) ([]audit.Result, string, error) {
		return s.store.ListResultHistory(ctx, r.CompanyID, r.TouchpointID, p)
	})
	if err != nil {
		return false, err
	}
	for _, o := range rs {
		if o.ReviewID != r.ReviewID || o.AuditorID == r.AuditorID || o.ID == r.ID || o.QA != nil && o.QA.Status == audit.QARejected {
			continue
		}
		if d := o.Valuation - r.Valuation; d >= scoring.DisagreementSpread || -d >= scoring.DisagreementSpread {
			return true, nil
		}
	}
	return false, nil
}

// Await keeps the audit's QA task token on the assignment. A decision made
// before the token was kept (the lead was quick) is signalled at once:
// whichever of Await and the decision writes second sees the other.
func (s *QA) Await(ctx context.Context, assignmentID, token string) (QAOutput, error) {
	if assignmentID == "" || token == "" {
		return QAOutput{}, invalid("assignmentId and taskToken are required")
	}
	a, err := s.updateAssignment(ctx, assignmentID, func(a *audit.Assignment) (bool, error) {
		if a.QAToken == token || a.Status != audit.StatusScored {
			return false, nil
		}
		a.QAToken = token
		return true, nil
	})
	if err != nil {
		return QAOutput{}, err
	}
	if a.Status == audit.StatusReturned {
		// Rejected before the token was kept: the walk is already back.
		r, err := s.store.GetResult(ctx, a.Return.ResultID)
		if err != nil {
			return QAOutput{}, err
		}
		return QAOutput{AssignmentID: a.ID, ResultID: r.ID, Status: r.QA.Status}, s.signalDecision(ctx, token, r, audit.QARejected)
	}
	_, r, err := s.resultOf(ctx, assignmentID)
	if err != nil {
		return QAOutput{}, err
	}
	out := QAOutput{AssignmentID: a.ID, ResultID: r.ID, Status: r.QA.Status}
	if r.QA.Status == audit.QAApproved {
		return out, s.signalDecision(ctx, token, r, audit.QAApproved)
	}
	return out, nil
}

// signalDecision completes the audit's wait with the decision; a wait that
// already ended (it timed out) is no error.
func (s *deps) signalDecision(ctx context.Context, token string, r *audit.Result, decision audit.QAStatus) error {
	if token == "" {
		return nil
	}
	sig := QADecisionSignal{Decision: decision}
	if decision == audit.QARejected {
		rule, _, err := s.qaRule(ctx, r)
		if err != nil {
			return err
		}
		sig.ResubmitSeconds = int64(rule.ResubmitTimeout.D() / time.Second)
	}
	out, _ := json.Marshal(sig)
	if err := s.exec.SendTaskSuccess(ctx, token, out); err != nil && !isGoneTask(err) {
		return err
	}
	return nil
}

// TimedOut handles a wait for a lead that timed out: the result is held
// and escalated (it stays on the queue and counts once approved), the
// leads are told, and the audit goes on to close.
func (s *QA) TimedOut(ctx context.Context, assignmentID string) (QAOutput, error) {
	a, r, err := s.resultOf(ctx, assignmentID)
	if err != nil {
		return QAOutput{}, err
	}
	out := QAOutput{AssignmentID: a.ID, ResultID: r.ID, Status: r.QA.Status, Approved: r.QA.Status == audit.QAApproved}
	if !r.AwaitsQA() || r.QA.Escalated {
		return out, nil
	}
	rule, _, err := s.qaRule(ctx, r)
	if err != nil {
		return QAOutput{}, err
	}
	now, before := s.clock.Now(), qaState(r)
	r.QA.Status, r.QA.Escalated = audit.QAHeld, true
	reason := fmt.Sprintf("no QA decision within %s: held and escalated to the leads", rule.ReviewTimeout)
	if err := s.record(ctx, qaEntry(r, "escalated", audit.TrailActorSystem, now, before, reason)); err != nil {
		return QAOutput{}, err
	}
	if err := s.store.PutResults(ctx, []audit.Result{*r}); err != nil {
		return QAOutput{}, err
	}
	out.Status = r.QA.Status
	s.tellLeads(ctx, Notification{Kind: NotifyQAEscalated, CompanyID: r.CompanyID, ResultID: r.ID, AssignmentID: a.ID,
		TouchpointID: r.TouchpointID, Subject: audit.Label{PL: "Wynik czeka na decyzję zbyt długo", EN: "A result has waited too long for QA"}})
	return out, err
}

// ResubmitMissed handles a returned walk that did not come back in time:
// the assignment closes with the cause, and its rejected result does not
// count. A walk that arrived meanwhile is scored instead.
func (s *QA) ResubmitMissed(ctx context.Context, assignmentID string) (QAOutput, error) {
	a, err := s.updateAssignment(ctx, assignmentID, func(a *audit.Assignment) (bool, error) {
		if a.WalkthroughID != "" || a.Status.Final() {
			return false, nil
		}
		a.Failure = "returned walk not submitted again in time"
		a.TaskToken = ""
		return true, a.MoveTo(audit.StatusClosed, s.clock.Now())
	})
	if err != nil {
		return QAOutput{}, err
	}
	if a.WalkthroughID != "" && !a.Status.Final() {
		return QAOutput{AssignmentID: a.ID, Submitted: true, WalkthroughID: a.WalkthroughID}, nil
	}
	return QAOutput{AssignmentID: a.ID, Status: audit.QARejected}, nil
}

// DecideInput is a lead's QA decision on a result.
type DecideInput struct {
	CompanyID string           `json:"companyId"`
	ResultID  string           `json:"resultId"`
	By        string           `json:"by"`
	Decision  audit.QADecision `json:"decision"`
	Reason    string           `json:"reason"`
}

// Decide applies a lead's decision. Approve: the result counts and the
// audit closes. Reject (a reason is required): the walk goes back to its
// auditor with the note and the audit waits for it again. Hold: it keeps
// waiting, with the note. The same decision again changes nothing;
// another decision on a decided result is a conflict. A result of another
// company is not found.
func (s *QA) Decide(ctx context.Context, in DecideInput) (QueueItem, error) {
	status, ok := map[audit.QADecision]audit.QAStatus{audit.DecideApprove: audit.QAApproved, audit.DecideReject: audit.QARejected, audit.DecideHold: audit.QAHeld}[in.Decision]
	if !ok {
		return QueueItem{}, invalidField("decision", "must be approve, reject or hold")
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if err := checkNote(in.Reason, in.Decision == audit.DecideReject); err != nil {
		return QueueItem{}, err
	}
	r, err := s.companyResult(ctx, in.CompanyID, in.ResultID)
	if err != nil {
		return QueueItem{}, err
	}
	if r.QA == nil || r.QA.Status == audit.QAUnreviewed {
		return QueueItem{}, conflict("result %s is not waiting for QA yet", r.ID)
	}
	now := s.clock.Now()
	switch repeated := r.QA.Status == status && r.QA.DecidedBy == in.By && r.QA.Reason == in.Reason; {
	case repeated:
		// A retry: finish what the first call may not have.
	case !r.AwaitsQA():
		return QueueItem{}, conflict("result %s is already %s", r.ID, r.QA.Status)
	default:
		before := qaState(r)
		r.QA.Status, r.QA.DecidedBy, r.QA.DecidedAt, r.QA.Reason = status, in.By, now, in.Reason
		if err := s.record(ctx, qaEntry(r, string(status), in.By, now, before, in.Reason)); err != nil {
			return QueueItem{}, err
		}
		if err := s.store.PutResults(ctx, []audit.Result{*r}); err != nil {
			return QueueItem{}, err
		}
	}
	switch status {
	case audit.QAApproved:
		if err := s.rescheduleResults(ctx, *r); err != nil {
			return QueueItem{}, err
		}
		a, err := s.store.GetAssignment(ctx, r.AssignmentID)
		if err != nil {
			return QueueItem{}, err
		}
		if a.WalkthroughID == r.WalkthroughID && a.Status == audit.StatusScored {
			if err := s.signalDecision(ctx, a.QAToken, r, audit.QAApproved); err != nil {
				return QueueItem{}, err
			}
		}
		if err := s.recompile(ctx, r.ReviewID); err != nil {
			return QueueItem{}, err
		}
	case audit.QARejected:
		if err := s.returnWalk(ctx, r, in.By, now, in.Reason); err != nil {
			return QueueItem{}, err
		}
	}
	return queueItem(r), nil
}

// returnWalk sends a rejected walk back to its auditor and tells the
// waiting audit. After the audit has ended (its QA wait timed out) the
// walk stays closed: the rejection only keeps the result from counting.
func (s *QA) returnWalk(ctx context.Context, r *audit.Result, by string, at time.Time, reason string) error {
	var token string
	a, err := s.updateAssignment(ctx, r.AssignmentID, func(a *audit.Assignment) (bool, error) {
		if a.Status != audit.StatusScored || a.WalkthroughID != r.WalkthroughID {
			return false, nil
		}
		token = a.QAToken
		a.Return = &audit.ReturnNote{ResultID: r.ID, By: by, At: at, Reason: reason}
		a.Returns++
		a.WalkthroughID, a.SubmissionID, a.TaskToken, a.QAToken, a.Draft, a.PromiseTokens = "", "", "", "", nil, nil
		return true, a.MoveTo(audit.StatusReturned, s.clock.Now())
	})
	if err != nil {
		return err
	}
	if a.Status != audit.StatusReturned {
		return nil
	}
	// The audit's wait for the walk again (Dispatch, returned) tells the auditor.
	return s.signalDecision(ctx, token, r, audit.QARejected)
}

// recompile compiles a completed review's report again, so a decision
// made after the review ended reaches its report.
func (s *deps) recompile(ctx context.Context, reviewID string) error {
	rv, err := s.store.GetReview(ctx, reviewID)
	if err != nil || rv.Status != audit.ReviewCompleted {
		return err
	}
	_, err = (&Reviews{deps: s}).CompileReport(ctx, ReviewRef{ReviewID: reviewID})
	return err
}

// companyResult reads a result of the caller's company; another
// company's is not found.
func (s *deps) companyResult(ctx context.Context, companyID, id string) (*audit.Result, error) {
	r, err := s.store.GetResult(ctx, id)
	if err != nil {
		return nil, err
	}
	if companyID == "" || r.CompanyID != companyID {
		return nil, audit.Errorf(audit.NotFound, "result %s not found", id)
	}
	return r, nil
}

func checkNote(note string, required bool) error {
	switch {
	case required && note == "":
		return invalidField("reason", "is required")
	case len(note) > audit.MaxNoteLength:
		return invalidField("reason", fmt.Sprintf("at most %d characters", audit.MaxNoteLength))
	}
	return nil
}

// QueueItem is one result on a lead's queue: what waits, since when, why.
type QueueItem struct {
	ResultID      string          `json:"resultId"`
	ReviewID      string          `json:"reviewId"`
	AssignmentID  string          `json:"assignmentId"`
	TouchpointID  string          `json:"touchpointId"`
	AuditorID     string          `json:"auditorId"`
	Valuation     audit.Valuation `json:"valuation"`
	Reasons       []audit.Reason  `json:"reasons"`
	EvidenceFlags []string        `json:"evidenceFlags,omitempty"`
	QA            *audit.QA       `json:"qa,omitempty"`
	Appeal        *audit.Appeal   `json:"appeal,omitempty"`
	// Since is when it started waiting on its queue.
	Since time.Time `json:"since,omitzero"`
}

func queueItem(r *audit.Result) QueueItem {
	_, since := r.Queued()
	reasons := r.Reasons
	if reasons == nil {
		reasons = []audit.Reason{}
	}
	return QueueItem{ResultID: r.ID, ReviewID: r.ReviewID, AssignmentID: r.AssignmentID, TouchpointID: r.TouchpointID, AuditorID: r.AuditorID,
		Valuation: r.Valuation, Reasons: reasons, EvidenceFlags: r.EvidenceFlags, QA: r.QA, Appeal: r.Appeal, Since: since}
}

// Queue lists the company's results waiting for QA, longest first.
func (s *QA) Queue(ctx context.Context, companyID string, page audit.Page) ([]QueueItem, string, error) {
	return s.queue(ctx, companyID, audit.QueueQA, page)
}

func (s *deps) queue(ctx context.Context, companyID string, q audit.Queue, page audit.Page) ([]QueueItem, string, error) {
	rs, next, err := s.store.ListResultsQueued(ctx, companyID, q, page)
	if err != nil {
		return nil, "", err
	}
	out := make([]QueueItem, 0, len(rs))
	for i := range rs {
		out = append(out, queueItem(&rs[i]))
	}
	return out, next, nil
}

// qaState is the part of a result a QA trail entry shows before and after.
func qaState(r *audit.Result) json.RawMessage {
	st := struct {
		Valuation audit.Valuation `json:"valuation"`
		QA        *audit.QA       `json:"qa,omitempty"`
	}{r.Valuation, r.QA}
	b, _ := json.Marshal(st)
	return b
}

// qaEntry is the trail entry of a QA step on result r.
func qaEntry(r *audit.Result, action, actor string, at time.Time, before json.RawMessage, reason string) audit.TrailEntry {
	return trailEntry(r, audit.TrailQA, action, actor, at, before, qaState(r), reason)
}

// trailEntry is an entry about result r. Its id is derived from the
// result, the step and the state it started from, so a step retried from
// the same stored state records once, and a later step records anew.
func trailEntry(r *audit.Result, kind, action, actor string, at time.Time, before, after json.RawMessage, reason string) audit.TrailEntry {
	h := sha256.New()
	for _, p := range [][]byte{[]byte(r.ID), []byte(kind), []byte(action), []byte(actor), before, []byte(reason)} {
		h.Write(p)
		h.Write([]byte{0})
	}
	return audit.TrailEntry{ID: kind + "." + r.ID + "." + action + "." + hex.EncodeToString(h.Sum(nil))[:16], CompanyID: r.CompanyID,
		Object: audit.TrailObject{Kind: kind, ID: r.ID}, Action: action, Actor: actor, At: at,
		Before: before, After: after, Reason: reason}
}
