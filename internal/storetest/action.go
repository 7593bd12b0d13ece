package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"touchaudit/internal/audit"
)

func newAction(company, id, due string, status audit.ActionStatus) *audit.Action {
	return &audit.Action{
		ID: id, CompanyID: company, TouchpointID: "tp-0-0-0", Source: audit.ActionSource{ResultID: "r1"}, Valuation: -2,
		What:  "Shorten the pre-payment form from 14 fields to 5",
		Owner: audit.ActionOwner{Unit: "dept-it", Person: "staff-001"}, Due: audit.MustDate(due),
		Cost: audit.Money{Amount: 12500.50, Currency: "PLN"}, Status: status,
		CreatedBy: "staff-000", CreatedAt: t0, UpdatedAt: t0,
	}
}

func actionIDs(as []audit.Action) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.ID
	}
	return out
}

var actionCases = []contractCase{
	{"create and get round-trip, version 1", func(t *testing.T, s audit.Store) {
		a := newAction("bank", "act-1", "2026-12-10", audit.ActionOpen)
		must(t, s.PutAction(ctxOf(t), a), "PutAction")
		if a.Version != 1 {
			t.Fatalf("version after create = %d, want 1", a.Version)
		}
		reopen(t, s)
		got, err := s.GetAction(ctxOf(t), "bank", "act-1")
		must(t, err, "GetAction")
		sameJSON(t, got, a, "stored action")
	}},
	{"creating an existing id is a conflict and changes nothing", func(t *testing.T, s audit.Store) {
		a := newAction("bank", "act-1", "2026-12-10", audit.ActionOpen)
		must(t, s.PutAction(ctxOf(t), a), "PutAction")
		b := newAction("bank", "act-1", "2027-01-10", audit.ActionOpen)
		wantCode(t, s.PutAction(ctxOf(t), b), audit.Conflict, "second create of act-1")
		got, err := s.GetAction(ctxOf(t), "bank", "act-1")
		must(t, err, "GetAction")
		sameJSON(t, got, a, "action after a refused create")
	}},
	{"update over the version read; a stale version is a conflict", func(t *testing.T, s audit.Store) {
		a := newAction("bank", "act-1", "2026-12-10", audit.ActionOpen)
		must(t, s.PutAction(ctxOf(t), a), "PutAction")
		stale := *a
		must(t, a.MoveTo(audit.ActionInProgress, t0.Add(time.Hour)), "MoveTo")
		must(t, s.PutAction(ctxOf(t), a), "update")
		if a.Version != 2 {
			t.Fatalf("version after update = %d, want 2", a.Version)
		}
		stale.What = "a write from an old read"
		wantCode(t, s.PutAction(ctxOf(t), &stale), audit.Conflict, "update from version 1")
		missing := newAction("bank", "act-9", "2026-12-10", audit.ActionOpen)
		missing.Version = 3
		wantCode(t, s.PutAction(ctxOf(t), missing), audit.NotFound, "update of a missing action")
		reopen(t, s)
		got, err := s.GetAction(ctxOf(t), "bank", "act-1")
		must(t, err, "GetAction")
		sameJSON(t, got, a, "action after a stale write")
	}},
	{"another company's action is not found, and ids repeat across companies", func(t *testing.T, s audit.Store) {
		mine := newAction("bank", "act-1", "2026-12-10", audit.ActionOpen)
		theirs := newAction("other-bank", "act-1", "2027-02-01", audit.ActionDone)
		must(t, s.PutAction(ctxOf(t), mine), "PutAction bank")
		must(t, s.PutAction(ctxOf(t), theirs), "PutAction other-bank")
		_, err := s.GetAction(ctxOf(t), "third-bank", "act-1")
		wantCode(t, err, audit.NotFound, "act-1 read as a third company")
		got, err := s.GetAction(ctxOf(t), "other-bank", "act-1")
		must(t, err, "GetAction other-bank")
		sameJSON(t, got, theirs, "other bank's act-1")
		listed, _, err := s.ListActions(ctxOf(t), "bank", "", audit.Page{})
		must(t, err, "ListActions bank")
		sameJSON(t, listed, []audit.Action{*mine}, "bank's actions")
	}},
	{"listing by status, by due day then id, across pages", func(t *testing.T, s audit.Store) {
		statuses := []audit.ActionStatus{audit.ActionOpen, audit.ActionDone}
		for i := range 8 {
			// due on the 1st..4th, two a day, alternating status
			a := newAction("bank", fmt.Sprintf("act-%d", 7-i), fmt.Sprintf("2026-12-%02d", 1+i/2), statuses[i%2])
			if a.Status == audit.ActionDone {
				at := t0
				a.DoneAt = &at
			}
			must(t, s.PutAction(ctxOf(t), a), "PutAction")
		}
		all, pages := collect(t, 3, func(p audit.Page) ([]audit.Action, string, error) {
			return s.ListActions(ctxOf(t), "bank", "", p)
		})
		if pages != 3 {
			t.Errorf("8 actions with limit 3 came in %d pages, want 3", pages)
		}
		if ids := actionIDs(all); !slices.Equal(ids, []string{"act-6", "act-7", "act-4", "act-5", "act-2", "act-3", "act-0", "act-1"}) {
			t.Fatalf("all actions = %v, want by due day then id", ids)
		}
		open, _ := collect(t, 1, func(p audit.Page) ([]audit.Action, string, error) {
			return s.ListActions(ctxOf(t), "bank", audit.ActionOpen, p)
		})
		if ids := actionIDs(open); !slices.Equal(ids, []string{"act-7", "act-5", "act-3", "act-1"}) {
			t.Fatalf("open actions = %v", ids)
		}
		// A move leaves the old status's listing and joins the new one.
		a, err := s.GetAction(ctxOf(t), "bank", "act-7")
		must(t, err, "GetAction")
		must(t, a.MoveTo(audit.ActionDone, t0), "MoveTo done")
		must(t, s.PutAction(ctxOf(t), a), "PutAction done")
		reopen(t, s)
		done, _, err := s.ListActions(ctxOf(t), "bank", audit.ActionDone, audit.Page{})
		must(t, err, "ListActions done")
		if ids := actionIDs(done); !slices.Equal(ids, []string{"act-6", "act-7", "act-4", "act-2", "act-0"}) {
			t.Fatalf("done actions = %v", ids)
		}
		verified, _, err := s.ListActions(ctxOf(t), "bank", audit.ActionVerified, audit.Page{})
		must(t, err, "ListActions verified")
		if len(verified) != 0 {
			t.Fatalf("verified actions = %v, want none", actionIDs(verified))
		}
	}},
	{"overdue lists unfinished actions due before today, soonest first", func(t *testing.T, s audit.Store) {
		now := time.Date(2026, 12, 11, 8, 0, 0, 0, time.UTC)
		for _, a := range []*audit.Action{
			newAction("bank", "late-open", "2026-12-10", audit.ActionOpen),
			newAction("bank", "late-started", "2026-11-30", audit.ActionInProgress),
			newAction("bank", "late-reopened", "2026-12-01", audit.ActionReopened),
			newAction("bank", "due-today", "2026-12-11", audit.ActionOpen),
			newAction("bank", "late-but-done", "2026-11-01", audit.ActionDone),
			newAction("bank", "late-but-verified", "2026-11-01", audit.ActionVerified),
			newAction("other-bank", "theirs", "2026-11-01", audit.ActionOpen),
		} {
			must(t, s.PutAction(ctxOf(t), a), "PutAction "+a.ID)
		}
		reopen(t, s)
		got, pages := collect(t, 2, func(p audit.Page) ([]audit.Action, string, error) {
			return s.ListOverdueActions(ctxOf(t), "bank", now, p)
		})
		if pages != 2 {
			t.Errorf("3 overdue actions with limit 2 came in %d pages, want 2", pages)
		}
		if ids := actionIDs(got); !slices.Equal(ids, []string{"late-started", "late-reopened", "late-open"}) {
			t.Fatalf("overdue on 2026-12-11 = %v", ids)
		}
		// Once done it is no longer overdue.
		a, err := s.GetAction(ctxOf(t), "bank", "late-open")
		must(t, err, "GetAction")
		must(t, a.MoveTo(audit.ActionDone, now), "MoveTo done")
		must(t, s.PutAction(ctxOf(t), a), "PutAction")
		got, _, err = s.ListOverdueActions(ctxOf(t), "bank", now, audit.Page{})
		must(t, err, "ListOverdueActions")
		if ids := actionIDs(got); !slices.Equal(ids, []string{"late-started", "late-reopened"}) {
			t.Fatalf("overdue after late-open was done = %v", ids)
		}
	}},
	{"an invalid or unstorable action is refused and nothing is stored", func(t *testing.T, s audit.Store) {
		noOwner := newAction("bank", "act-1", "2026-12-10", audit.ActionOpen)
		noOwner.Owner.Person = ""
		wantCode(t, s.PutAction(ctxOf(t), noOwner), audit.Invalid, "action without an owner")
		far := newAction("bank", "act-2", "2026-12-10", audit.ActionOpen)
		far.CreatedAt = year10026
		wantRefused(t, s.PutAction(ctxOf(t), far), "createdAt", "action created in year 10026")
		for _, id := range []string{"act-1", "act-2"} {
			_, err := s.GetAction(ctxOf(t), "bank", id)
			wantCode(t, err, audit.NotFound, id+" after a refused write")
		}
	}},
}
