package audit

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Corrective actions: what a company does about a −1 or −2 touchpoint (or a
// chosen recommendation). A lead creates one with an owner, a due date and
// a cost estimate; marking it done starts the −2 touchpoint's one-month
// re-verification, and the next scored walk of the touchpoint verifies it
// (valued 0 or better) or reopens it (still negative). Its history is the
// audit trail (object kind "action").

// ActionStatus is where an action is in its life.
type ActionStatus string

const (
	ActionOpen       ActionStatus = "open"
	ActionInProgress ActionStatus = "in_progress"
	ActionDone       ActionStatus = "done"
	ActionVerified   ActionStatus = "verified"
	ActionReopened   ActionStatus = "reopened"
)

// ActionStatuses lists every status, in life-cycle order.
var ActionStatuses = []ActionStatus{ActionOpen, ActionInProgress, ActionDone, ActionVerified, ActionReopened}

// actionTransitions is the action life cycle: the only legal moves.
//
//	open → in_progress → done → verified
//	open → done                 (a quick win finished at once)
//	in_progress → open          (work stopped)
//	done → reopened             (a walk still found it negative, or the lead)
//	reopened → in_progress|done
//
// Verified is final: a new problem is a new action.
var actionTransitions = map[ActionStatus][]ActionStatus{
	ActionOpen:       {ActionInProgress, ActionDone},
	ActionInProgress: {ActionOpen, ActionDone},
	ActionDone:       {ActionVerified, ActionReopened},
	ActionReopened:   {ActionInProgress, ActionDone},
	ActionVerified:   nil,
}

// ActionTransition checks the move from one status to another. It is the
// one place the action life cycle is decided: an unknown status is
// Invalid, an illegal move a Conflict naming both.
func ActionTransition(from, to ActionStatus) error {
	next, known := actionTransitions[from]
	if !known {
		return Errorf(Invalid, "unknown action status %q", from)
	}
	if _, ok := actionTransitions[to]; !ok {
		return &Error{Code: Invalid, Message: "invalid status", Problems: []Problem{{Path: "status",
			Reason: fmt.Sprintf("must be one of %s, not %q", joinStatuses(ActionStatuses), to)}}}
	}
	for _, s := range next {
		if s == to {
			return nil
		}
	}
	return Errorf(Conflict, "an action cannot go from %s to %s (from %s: %s)", from, to, from, joinStatuses(next))
}

func joinStatuses(ss []ActionStatus) string {
	if len(ss) == 0 {
		return "nothing, it is final"
	}
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = string(s)
	}
	return strings.Join(parts, ", ")
}

// Unfinished reports whether work on the action is still owed, so that it
// can be overdue.
func (s ActionStatus) Unfinished() bool {
	return s == ActionOpen || s == ActionInProgress || s == ActionReopened
}

// ActionSource is what an action answers: a −1 or −2 result, or a
// recommendation of a review's report (by touchpoint). Exactly one is set.
type ActionSource struct {
	ResultID string `json:"resultId,omitempty"`
	// ReviewID names the review whose report recommended fixing (or
	// lifting to +2) the action's touchpoint.
	ReviewID string `json:"reviewId,omitempty"`
}

// ActionOwner is who answers for the action: a unit of the company and a
// member of its staff.
type ActionOwner struct {
	Unit   string `json:"unit"`
	Person string `json:"person"`
}

// Money is an amount in a currency (ISO 4217 code, "PLN").
type Money struct {
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
}

// Action is one corrective action.
type Action struct {
	ID           string       `json:"id"`
	CompanyID    string       `json:"companyId"`
	TouchpointID string       `json:"touchpointId"`
	Source       ActionSource `json:"source"`
	// Valuation is the source's valuation when the action was created.
	Valuation Valuation    `json:"valuation"`
	What      string       `json:"what"`
	Owner     ActionOwner  `json:"owner"`
	Due       Date         `json:"due"`
	Cost      Money        `json:"cost"`
	Status    ActionStatus `json:"status"`
	CreatedBy string       `json:"createdBy"`
	CreatedAt time.Time    `json:"createdAt"`
	UpdatedAt time.Time    `json:"updatedAt"`
	// DoneAt is when the action was last marked done: the −2 touchpoint
	// falls due one month after it.
	DoneAt *time.Time `json:"doneAt,omitempty"`
	// VerifiedAt is when a walk (or the lead) verified it, and CheckedBy
	// the result of the walk that verified or reopened it.
	VerifiedAt *time.Time `json:"verifiedAt,omitempty"`
	CheckedBy  string     `json:"checkedBy,omitempty"`
	// Version is the optimistic lock: a store writes only over the version
	// read and bumps it by one (0: not stored yet).
	Version int `json:"version"`
}

// Limits of an action's free text and amount.
const (
	MaxActionWhat = 2000
	// MaxActionCost bounds the estimate: a fix costing more than a billion
	// is a typing error, not a plan.
	MaxActionCost = 1e9
)

// MoveTo applies a legal status transition at time at, stamping DoneAt
// when it becomes done and VerifiedAt when verified.
func (a *Action) MoveTo(to ActionStatus, at time.Time) error {
	if err := ActionTransition(a.Status, to); err != nil {
		return err
	}
	a.Status, a.UpdatedAt = to, at
	switch to {
	case ActionDone:
		a.DoneAt = &at
	case ActionVerified:
		a.VerifiedAt = &at
	}
	return nil
}

// Overdue reports whether the action is unfinished and its due day has
// passed by the day of now.
func (a *Action) Overdue(now time.Time) bool {
	return a.Status.Unfinished() && a.Due.Before(DateOf(now))
}

// Validate checks the action on its own; CheckAgainst checks it against
// the company's configuration.
func (a *Action) Validate() error {
	v := &validator{}
	v.nonEmpty(a.ID, "id")
	if a.ID != "" {
		v.require(validID(a.ID), "id", "must be lower-case letters, digits, dashes, dots and underscores, at most 64")
	}
	v.nonEmpty(a.CompanyID, "companyId")
	v.nonEmpty(a.TouchpointID, "touchpointId")
	switch {
	case a.Source.ResultID == "" && a.Source.ReviewID == "":
		v.add("source", "name a result (resultId) or a review's recommendation (reviewId)")
	case a.Source.ResultID != "" && a.Source.ReviewID != "":
		v.add("source", "name either a result or a recommendation, not both")
	}
	v.nonEmpty(a.What, "what")
	v.require(len(a.What) <= MaxActionWhat, "what", "at most %d characters", MaxActionWhat)
	v.nonEmpty(a.Owner.Unit, "owner.unit")
	v.nonEmpty(a.Owner.Person, "owner.person")
	v.require(!a.Due.IsZero(), "due", "is required")
	v.require(a.Cost.Amount >= 0 && a.Cost.Amount <= MaxActionCost, "cost.amount", "must be between 0 and %.0f", MaxActionCost)
	v.require(currencyCode(a.Cost.Currency), "cost.currency", "must be a 3-letter ISO 4217 code such as PLN, not %q", a.Cost.Currency)
	if _, ok := actionTransitions[a.Status]; !ok {
		v.add("status", "must be one of %s, not %q", joinStatuses(ActionStatuses), a.Status)
	}
	v.require(a.Valuation >= MinValuation && a.Valuation <= MaxValuation, "valuation", "must be between -2 and +2, not %d", a.Valuation)
	v.nonEmpty(a.CreatedBy, "createdBy")
	v.require(!a.CreatedAt.IsZero(), "createdAt", "is required")
	v.require(a.Version >= 0, "version", "must not be negative")
	return v.err("action " + a.ID)
}

func currencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// CheckAgainst checks what the action names against the company: the
// touchpoint exists, the owner unit is one of its units and the owner
// person one of its staff.
func (a *Action) CheckAgainst(c *Company) error {
	v := &validator{}
	if _, ok := c.Touchpoint(a.TouchpointID); !ok {
		v.add("touchpointId", "company %s has no touchpoint %q", c.ID, a.TouchpointID)
	}
	if _, ok := c.Unit(a.Owner.Unit); !ok && a.Owner.Unit != "" {
		v.add("owner.unit", "company %s has no unit %q", c.ID, a.Owner.Unit)
	}
	if _, ok := c.Member(a.Owner.Person); !ok && a.Owner.Person != "" {
		v.add("owner.person", "company %s has no member of staff %q", c.ID, a.Owner.Person)
	}
	return v.err("action " + a.ID)
}

// ActionStore keeps corrective actions.
type ActionStore interface {
	// PutAction stores a. Version 0 creates it (an existing id is a
	// Conflict); otherwise the stored version must equal a.Version (stale
	// is a Conflict, missing NotFound). Either way a.Version is bumped.
	PutAction(ctx context.Context, a *Action) error
	// GetAction reads one action of a company; another company's id is
	// NotFound.
	GetAction(ctx context.Context, companyID, id string) (*Action, error)
	// ListActions lists a company's actions in one status ("" for all),
	// by due date then id.
	ListActions(ctx context.Context, companyID string, status ActionStatus, page Page) ([]Action, string, error)
	// ListOverdueActions lists a company's unfinished actions (open, in
	// progress, reopened) due before the day of now, soonest first.
	ListOverdueActions(ctx context.Context, companyID string, now time.Time, page Page) ([]Action, string, error)
}
