package audit

import (
	"fmt"
	"time"
)

// The QA gate and appeals. A scored result is pending review until a lead
// approves it, or the standard set's auto-approve rule does; only approved
// results count in reports, drift, cadence and exports. The manager of the
// unit that owns a touchpoint, or a lead, may appeal an approved valuation
// within the appeal window; a lead upholds or changes it.

// QAStatus is where a result stands in QA.
type QAStatus string

const (
	// QAUnreviewed is scored but not yet at the gate: its promises are
	// still being checked, and its valuation may change.
	QAUnreviewed QAStatus = "unreviewed"
	// QAPending waits for a lead (it was not auto-approved).
	QAPending QAStatus = "pending"
	// QAApproved counts, by a lead's decision or the auto-approve rule.
	QAApproved QAStatus = "approved"
	// QARejected never counts: its walk went back to its auditor.
	QARejected QAStatus = "rejected"
	// QAHeld waits for a lead with a note (a lead held it, or the wait for a
	// decision timed out and leads were told).
	QAHeld QAStatus = "held"
)

// QA is a result's QA state: why it waits and who decided what.
type QA struct {
	Status QAStatus `json:"status"`
	// Since is when the result started waiting (when it was scored).
	Since time.Time `json:"since"`
	// Why lists why the auto-approve rule did not approve it, one line per
	// failed condition ("valuation -2 is below -1", "auditors disagree",
	// "evidence flag: gps-far"); empty when it did.
	Why []string `json:"why,omitempty"`
	// Auto is true when the auto-approve rule approved it.
	Auto      bool      `json:"auto,omitempty"`
	DecidedBy string    `json:"decidedBy,omitempty"`
	DecidedAt time.Time `json:"decidedAt,omitzero"`
	// Reason is the lead's note: required to reject, optional to approve or hold.
	Reason string `json:"reason,omitempty"`
	// Escalated is true when the wait for a lead timed out: the result is
	// held and still on the QA queue, and leads were told.
	Escalated bool `json:"escalated,omitempty"`
}

// Counts reports whether the result counts in reports, drift, cadence and
// exports: it was approved. A result without a QA state was scored before
// the QA gate existed and counts as it always did.
func (r *Result) Counts() bool { return r.QA == nil || r.QA.Status == QAApproved }

// AwaitsQA reports whether the result is on the QA queue: pending or held.
func (r *Result) AwaitsQA() bool {
	return r.QA != nil && (r.QA.Status == QAPending || r.QA.Status == QAHeld)
}

// QADecision is what a lead decides about a pending result.
type QADecision string

const (
	DecideApprove QADecision = "approve"
	DecideReject  QADecision = "reject"
	DecideHold    QADecision = "hold"
)

// MaxNoteLength bounds a lead's or manager's note (QA reasons, appeals):
// a paragraph, not a document.
const MaxNoteLength = 2000

// AppealStatus is where an appeal stands.
type AppealStatus string

const (
	AppealOpen    AppealStatus = "open"
	AppealUpheld  AppealStatus = "upheld"
	AppealChanged AppealStatus = "changed"
)

// Appeal is a challenge of an approved result's valuation. A result is
// appealed at most once; the lead's decision is final. It is named by its
// result's id.
type Appeal struct {
	By     string       `json:"by"`
	Role   Role         `json:"role"`
	At     time.Time    `json:"at"`
	Reason string       `json:"reason"`
	Status AppealStatus `json:"status"`
	// From is the valuation appealed; To the lead's new valuation when changed.
	From      Valuation  `json:"from"`
	To        *Valuation `json:"to,omitempty"`
	DecidedBy string     `json:"decidedBy,omitempty"`
	DecidedAt time.Time  `json:"decidedAt,omitzero"`
	// Decision is the lead's reason for upholding or changing.
	Decision string `json:"decision,omitempty"`
}

// Queue names a lead's work list a result can be on.
type Queue string

const (
	// QueueQA holds results pending or held in QA, oldest first.
	QueueQA Queue = "qa"
	// QueueAppeals holds results with an open appeal, oldest first.
	QueueAppeals Queue = "appeals"
)

// Queued is the queue the result is on and since when; "" for none. A
// result waits in QA before it counts, and only counting results can be
// appealed, so it is on one queue at most.
func (r *Result) Queued() (Queue, time.Time) {
	switch {
	case r.AwaitsQA():
		return QueueQA, r.QA.Since
	case r.Appeal != nil && r.Appeal.Status == AppealOpen:
		return QueueAppeals, r.Appeal.At
	}
	return "", time.Time{}
}

// QARule is a standard set's QA settings. Without one (nil) every result
// waits for a lead, with the default timeouts.
type QARule struct {
	// AutoApprove approves a result with no lead when it meets every
	// condition; nil approves nothing automatically.
	AutoApprove *AutoApprove `json:"autoApprove,omitempty"`
	// ReviewTimeout bounds the wait for a lead's decision (default 7d);
	// then the result is held, escalated and the audit ends (it counts
	// once a lead approves it).
	ReviewTimeout Duration `json:"reviewTimeout,omitempty"`
	// ResubmitTimeout bounds the wait for a rejected walk to come back
	// (default 7d); then the audit ends without a counting result.
	ResubmitTimeout Duration `json:"resubmitTimeout,omitempty"`
	// AppealWindow is how long after approval a valuation may be appealed
	// (default 30d).
	AppealWindow Duration `json:"appealWindow,omitempty"`
}

// AutoApprove are the conditions under which a result needs no lead.
type AutoApprove struct {
	// MinValuation is the lowest valuation approved automatically: -1
	// sends every −2 to a lead. Omitted: any valuation.
	MinValuation *Valuation `json:"minValuation,omitempty"`
	// NoDisagreement sends results to a lead when auditors of the same
	// touchpoint in the review disagree (2 points or more apart).
	NoDisagreement bool `json:"noDisagreement,omitempty"`
	// NoEvidenceFlag sends results with an evidence flag (photos, GPS) to a lead.
	NoEvidenceFlag bool `json:"noEvidenceFlag,omitempty"`
}

// Default QA timings: a lead decides within a week, an auditor walks a
// returned touchpoint again within a week, and a unit manager appeals
// within 30 days of approval (issue #11).
const (
	DefaultQAReviewTimeout   = 7 * Day
	DefaultQAResubmitTimeout = 7 * Day
	DefaultAppealWindow      = 30 * Day
)

// WithDefaults fills zero timings; a nil rule is the defaults with no
// auto-approval.
func (q *QARule) WithDefaults() QARule {
	var out QARule
	if q != nil {
		out = *q
	}
	if out.ReviewTimeout == 0 {
		out.ReviewTimeout = Duration(DefaultQAReviewTimeout)
	}
	if out.ResubmitTimeout == 0 {
		out.ResubmitTimeout = Duration(DefaultQAResubmitTimeout)
	}
	if out.AppealWindow == 0 {
		out.AppealWindow = Duration(DefaultAppealWindow)
	}
	return out
}

// Validate checks the rule's numbers.
func (q *QARule) Validate() error {
	v := &validator{}
	for _, d := range []struct {
		name string
		d    Duration
	}{{"reviewTimeout", q.ReviewTimeout}, {"resubmitTimeout", q.ResubmitTimeout}, {"appealWindow", q.AppealWindow}} {
		// Step Functions' task timeout is at most a year (Service quotas).
		v.require(d.d >= 0 && d.d.D() <= 365*Day, d.name, "must be between 0 and 365d, not %s", d.d)
	}
	if a := q.AutoApprove; a != nil && a.MinValuation != nil {
		m := *a.MinValuation
		v.require(m >= MinValuation && m <= MaxValuation, "autoApprove.minValuation", "must be between -2 and +2, not %d", m)
	}
	return v.err("qa rule")
}

// QAFacts are what the auto-approve rule looks at.
type QAFacts struct {
	Valuation     Valuation
	Disagreement  bool
	EvidenceFlags []string
}

// NotAutoApproved lists why the rule does not approve a result with these
// facts; empty means it does.
func (q *QARule) NotAutoApproved(f QAFacts) []string {
	if q == nil || q.AutoApprove == nil {
		return []string{"no auto-approve rule: every result waits for a lead"}
	}
	a := q.AutoApprove
	var why []string
	if a.MinValuation != nil && f.Valuation < *a.MinValuation {
		why = append(why, fmt.Sprintf("valuation %+d is below %+d", f.Valuation, *a.MinValuation))
	}
	if a.NoDisagreement && f.Disagreement {
		why = append(why, "auditors of this touchpoint disagree by 2 or more")
	}
	if a.NoEvidenceFlag {
		for _, e := range f.EvidenceFlags {
			why = append(why, "evidence flag: "+e)
		}
	}
	return why
}
