package workflow

import (
	"context"
	"encoding/json"
	"strings"

	"touchaudit/internal/audit"
)

// Appeals: the manager of the unit that owns a touchpoint, or a lead, may
// appeal an approved valuation within the standard set's appeal window
// (counted from approval), with a reason. A lead upholds it or changes the
// valuation; either is recorded in the audit trail with who and why, and
// a changed valuation moves the touchpoint's schedule and, when the
// review is complete, its report.

// Appeals is the appeals use case. File: appeal.go.
type Appeals struct{ *deps }

// AppealInput is an appeal of a result's valuation.
type AppealInput struct {
	CompanyID string `json:"companyId"`
	ResultID  string `json:"resultId"`
	// By is the appellant's staff id, and Role the role they appeal in
	// (manager or lead).
	By     string     `json:"by"`
	Role   audit.Role `json:"role"`
	Reason string     `json:"reason"`
}

// File records an appeal. A manager may appeal only results of
// touchpoints their home unit owns (others are not found to them); a
// result is appealed at most once, and only while it counts and its
// appeal window is open. The same appeal again changes nothing.
func (s *Appeals) File(ctx context.Context, in AppealInput) (QueueItem, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	if err := checkNote(in.Reason, true); err != nil {
		return QueueItem{}, err
	}
	if in.Role != audit.RoleManager && in.Role != audit.RoleLead {
		return QueueItem{}, audit.Errorf(audit.Forbidden, "only a unit manager or a lead may appeal")
	}
	r, err := s.companyResult(ctx, in.CompanyID, in.ResultID)
	if err != nil {
		return QueueItem{}, err
	}
	rule, eng, err := s.qaRule(ctx, r)
	if err != nil {
		return QueueItem{}, err
	}
	if in.Role == audit.RoleManager {
		c := eng.Company()
		me, ok := c.Member(in.By)
		tp, tok := c.Touchpoint(r.TouchpointID)
		if !ok || !me.Has(audit.RoleManager) || !tok || tp.OwnerUnit != me.HomeUnit {
			return QueueItem{}, audit.Errorf(audit.NotFound, "result %s not found", r.ID)
		}
	}
	if a := r.Appeal; a != nil {
		if a.By == in.By && a.Reason == in.Reason {
			return queueItem(r), nil
		}
		return QueueItem{}, conflict("result %s was already appealed (%s)", r.ID, a.Status)
	}
	if !r.Counts() {
		return QueueItem{}, conflict("result %s is not approved: only approved valuations can be appealed", r.ID)
	}
	now := s.clock.Now()
	from := r.ScoredAt
	if r.QA != nil {
		from = r.QA.DecidedAt
	}
	if closes := from.Add(rule.AppealWindow.D()); now.After(closes) {
		return QueueItem{}, conflict("the appeal window of result %s (%s from approval) closed on %s", r.ID, rule.AppealWindow, closes.Format("2006-01-02"))
	}
	before := appealState(r)
	r.Appeal = &audit.Appeal{By: in.By, Role: in.Role, At: now, Reason: in.Reason, Status: audit.AppealOpen, From: r.Valuation}
	if err := s.record(ctx, trailEntry(r, audit.TrailAppeal, "appealed", in.By, now, before, appealState(r), in.Reason)); err != nil {
		return QueueItem{}, err
	}
	if err := s.store.PutResults(ctx, []audit.Result{*r}); err != nil {
		return QueueItem{}, err
	}
	s.tellLeads(ctx, Notification{Kind: NotifyAppealed, CompanyID: r.CompanyID, ResultID: r.ID, TouchpointID: r.TouchpointID,
		Subject: audit.Label{PL: "Odwołanie od oceny", EN: "A valuation was appealed"}})
	return queueItem(r), err
}

// Appeal decisions.
const (
	AppealUphold = "uphold"
	AppealChange = "change"
)

// AppealDecision is a lead's decision on an open appeal.
type AppealDecision struct {
	CompanyID string `json:"companyId"`
	ResultID  string `json:"resultId"`
	By        string `json:"by"`
	// Decision is uphold (the valuation stands) or change (to Valuation).
	Decision  string           `json:"decision"`
	Valuation *audit.Valuation `json:"valuation,omitempty"`
	Reason    string           `json:"reason"`
}

// Decide upholds or changes an appealed valuation. A change needs a
// valuation other than the current one; both need a reason. The same
// decision again changes nothing.
func (s *Appeals) Decide(ctx context.Context, in AppealDecision) (QueueItem, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	if err := checkNote(in.Reason, true); err != nil {
		return QueueItem{}, err
	}
	switch in.Decision {
	case AppealUphold:
		if in.Valuation != nil {
			return QueueItem{}, invalidField("valuation", "only a change names a valuation")
		}
	case AppealChange:
		if in.Valuation == nil || *in.Valuation < audit.MinValuation || *in.Valuation > audit.MaxValuation {
			return QueueItem{}, invalidField("valuation", "a change needs a valuation between -2 and +2")
		}
	default:
		return QueueItem{}, invalidField("decision", "must be uphold or change")
	}
	r, err := s.companyResult(ctx, in.CompanyID, in.ResultID)
	if err != nil {
		return QueueItem{}, err
	}
	a := r.Appeal
	if a == nil {
		return QueueItem{}, audit.Errorf(audit.NotFound, "result %s has no appeal", r.ID)
	}
	status := map[string]audit.AppealStatus{AppealUphold: audit.AppealUpheld, AppealChange: audit.AppealChanged}[in.Decision]
	if a.Status != audit.AppealOpen {
		if a.Status == status && a.DecidedBy == in.By && a.Decision == in.Reason {
			if status == audit.AppealChanged {
				// A retry: finish what the first call may not have.
				if err := s.rescheduleResults(ctx, *r); err != nil {
					return QueueItem{}, err
				}
			}
			return queueItem(r), nil
		}
		return QueueItem{}, conflict("the appeal of result %s was already decided (%s)", r.ID, a.Status)
	}
	if in.Decision == AppealChange && *in.Valuation == r.Valuation {
		return QueueItem{}, invalidField("valuation", "is already the valuation: uphold the appeal instead")
	}
	now := s.clock.Now()
	before := appealState(r)
	a.Status, a.DecidedBy, a.DecidedAt, a.Decision = status, in.By, now, in.Reason
	if in.Decision == AppealChange {
		v := *in.Valuation
		a.To, r.Valuation = &v, v
		eng, err := s.scorer(ctx, r.CompanyID)
		if err != nil {
			return QueueItem{}, err
		}
		eng.Reschedule(r)
	}
	if err := s.record(ctx, trailEntry(r, audit.TrailAppeal, string(status), in.By, now, before, appealState(r), in.Reason)); err != nil {
		return QueueItem{}, err
	}
	if err := s.store.PutResults(ctx, []audit.Result{*r}); err != nil {
		return QueueItem{}, err
	}
	if in.Decision == AppealChange {
		if err := s.rescheduleResults(ctx, *r); err != nil {
			return QueueItem{}, err
		}
		if err := s.recompile(ctx, r.ReviewID); err != nil {
			return QueueItem{}, err
		}
	}
	return queueItem(r), nil
}

// Queue lists the company's open appeals, longest waiting first.
func (s *Appeals) Queue(ctx context.Context, companyID string, page audit.Page) ([]QueueItem, string, error) {
	return s.queue(ctx, companyID, audit.QueueAppeals, page)
}

// appealState is the part of a result an appeal's trail entry shows.
func appealState(r *audit.Result) json.RawMessage {
	st := struct {
		Valuation audit.Valuation `json:"valuation"`
		NextDue   string          `json:"nextDue"`
		Appeal    *audit.Appeal   `json:"appeal,omitempty"`
	}{r.Valuation, r.NextDue.UTC().Format("2006-01-02"), r.Appeal}
	b, _ := json.Marshal(st)
	return b
}
