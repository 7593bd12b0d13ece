package audit

import (
	"context"
	"encoding/json"
	"time"
)

// The audit trail: every change to a company's configuration, standards,
// results, QA decisions, appeals and corrective actions is recorded as one
// entry: who, when, what (before and after) and why. It is append-only: no
// API edits or deletes an entry, and a store offers no way to.

// TrailObject names what changed: its kind and id ("result" "r-…",
// "action" "act-…", "standard" "v2", "company" "bank-pl").
type TrailObject struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// Object kinds of the trail.
const (
	TrailCompany  = "company"
	TrailStandard = "standard"
	TrailResult   = "result"
	TrailQA       = "qa"
	TrailAppeal   = "appeal"
	TrailAction   = "action"
	TrailReview   = "review"
)

// TrailEntry is one recorded change.
type TrailEntry struct {
	// ID is unique per entry and derived from what caused it where a retry
	// may repeat the call (the same id records once).
	ID        string      `json:"id"`
	CompanyID string      `json:"companyId"`
	Object    TrailObject `json:"object"`
	// Action is the verb: "created", "updated", "approved", "rejected",
	// "held", "appealed", "upheld", "changed", "published", "retired"…
	Action string `json:"action"`
	// Actor is the staff id who made the change ("system" for the
	// workflow's own rules, such as auto-approval).
	Actor string    `json:"actor"`
	At    time.Time `json:"at"`
	// Before and After are the object's state (or the changed part of it)
	// as JSON; either may be empty (created, deleted).
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
	// Reason is why, in the actor's words (required for rejections,
	// appeals, changed valuations).
	Reason string `json:"reason,omitempty"`
}

// TrailActorSystem is the actor of changes the workflow makes by rule.
const TrailActorSystem = "system"

// Validate checks what a store needs to record an entry.
func (e *TrailEntry) Validate() error {
	v := &validator{}
	v.nonEmpty(e.ID, "id")
	v.nonEmpty(e.CompanyID, "companyId")
	v.nonEmpty(e.Object.Kind, "object.kind")
	v.nonEmpty(e.Object.ID, "object.id")
	v.nonEmpty(e.Action, "action")
	v.nonEmpty(e.Actor, "actor")
	v.require(!e.At.IsZero(), "at", "is required")
	v.require(len(e.Reason) <= 2000, "reason", "at most 2000 characters")
	v.require(len(e.Before)+len(e.After) <= 200_000, "before", "before and after together at most 200,000 bytes")
	v.require(len(e.Before) == 0 || json.Valid(e.Before), "before", "must be JSON")
	v.require(len(e.After) == 0 || json.Valid(e.After), "after", "must be JSON")
	return v.err("trail entry " + e.ID)
}

// TrailStore keeps the audit trail, append-only.
type TrailStore interface {
	// AppendTrail records an entry. An existing id is not an error and
	// changes nothing (a retried call records once).
	AppendTrail(ctx context.Context, e TrailEntry) error
	// ListTrail lists an object's entries, oldest first.
	ListTrail(ctx context.Context, companyID string, object TrailObject, page Page) ([]TrailEntry, string, error)
	// ListCompanyTrail lists a company's entries, newest first.
	ListCompanyTrail(ctx context.Context, companyID string, page Page) ([]TrailEntry, string, error)
}
