package storetest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"touchaudit/internal/audit"
)

func newEntry(company, id string, o audit.TrailObject, at time.Time) audit.TrailEntry {
	return audit.TrailEntry{
		ID: id, CompanyID: company, Object: o, Action: "changed", Actor: "staff-000", At: at,
		Before: json.RawMessage(`{"status":"open"}`), After: json.RawMessage(`{"status":"in_progress"}`),
		Reason: "the owner started the work; zażółć gęślą jaźń",
	}
}

func trailIDs(es []audit.TrailEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

var act1 = audit.TrailObject{Kind: audit.TrailAction, ID: "act-1"}

var trailCases = []contractCase{
	{"an object's entries list oldest first across pages", func(t *testing.T, s audit.Store) {
		// appended out of order: 3, 0, 4, 1, 2 hours after t0
		for _, h := range []int{3, 0, 4, 1, 2} {
			must(t, s.AppendTrail(ctxOf(t), newEntry("bank", fmt.Sprintf("e%d", h), act1, t0.Add(time.Duration(h)*time.Hour))), "AppendTrail")
		}
		must(t, s.AppendTrail(ctxOf(t), newEntry("bank", "other", audit.TrailObject{Kind: audit.TrailAction, ID: "act-2"}, t0)), "AppendTrail act-2")
		reopen(t, s)
		got, pages := collect(t, 2, func(p audit.Page) ([]audit.TrailEntry, string, error) {
			return s.ListTrail(ctxOf(t), "bank", act1, p)
		})
		if pages != 3 {
			t.Errorf("5 entries with limit 2 came in %d pages, want 3", pages)
		}
		if ids := trailIDs(got); !slices.Equal(ids, []string{"e0", "e1", "e2", "e3", "e4"}) {
			t.Fatalf("act-1's trail = %v, want e0..e4 oldest first", ids)
		}
		sameJSON(t, got[0], newEntry("bank", "e0", act1, t0), "first entry")
	}},
	{"the company's entries list newest first across pages and objects", func(t *testing.T, s audit.Store) {
		objects := []audit.TrailObject{act1, {Kind: audit.TrailCompany, ID: "bank"}, {Kind: audit.TrailStandard, ID: "v2"}}
		for i := range 7 {
			must(t, s.AppendTrail(ctxOf(t), newEntry("bank", fmt.Sprintf("e%d", i), objects[i%3], t0.Add(time.Duration(i)*time.Minute))), "AppendTrail")
		}
		got, pages := collect(t, 3, func(p audit.Page) ([]audit.TrailEntry, string, error) {
			return s.ListCompanyTrail(ctxOf(t), "bank", p)
		})
		if pages != 3 {
			t.Errorf("7 entries with limit 3 came in %d pages, want 3", pages)
		}
		if ids := trailIDs(got); !slices.Equal(ids, []string{"e6", "e5", "e4", "e3", "e2", "e1", "e0"}) {
			t.Fatalf("company trail = %v, want e6..e0 newest first", ids)
		}
	}},
	{"a repeated id records once and keeps the first entry", func(t *testing.T, s audit.Store) {
		first := newEntry("bank", "e1", act1, t0)
		must(t, s.AppendTrail(ctxOf(t), first), "AppendTrail")
		again := first
		again.At, again.Reason, again.After = t0.Add(time.Hour), "a retry that tried to rewrite history", json.RawMessage(`{"status":"done"}`)
		must(t, s.AppendTrail(ctxOf(t), again), "AppendTrail again (the same id is not an error)")
		must(t, s.AppendTrail(ctxOf(t), first), "AppendTrail the very same entry")
		reopen(t, s)
		got, _, err := s.ListTrail(ctxOf(t), "bank", act1, audit.Page{})
		must(t, err, "ListTrail")
		sameJSON(t, got, []audit.TrailEntry{first}, "trail after re-appends")
		all, _, err := s.ListCompanyTrail(ctxOf(t), "bank", audit.Page{})
		must(t, err, "ListCompanyTrail")
		sameJSON(t, all, []audit.TrailEntry{first}, "company trail after re-appends")
	}},
	{"companies never see each other's entries, and ids repeat across them", func(t *testing.T, s audit.Store) {
		mine, theirs := newEntry("bank", "e1", act1, t0), newEntry("other-bank", "e1", act1, t0.Add(time.Minute))
		theirs.Reason = "the other bank's change"
		must(t, s.AppendTrail(ctxOf(t), mine), "AppendTrail bank")
		must(t, s.AppendTrail(ctxOf(t), theirs), "AppendTrail other-bank")
		for _, c := range []struct {
			company string
			want    audit.TrailEntry
		}{{"bank", mine}, {"other-bank", theirs}} {
			got, _, err := s.ListTrail(ctxOf(t), c.company, act1, audit.Page{})
			must(t, err, "ListTrail "+c.company)
			sameJSON(t, got, []audit.TrailEntry{c.want}, c.company+"'s object trail")
			all, _, err := s.ListCompanyTrail(ctxOf(t), c.company, audit.Page{})
			must(t, err, "ListCompanyTrail "+c.company)
			sameJSON(t, all, []audit.TrailEntry{c.want}, c.company+"'s company trail")
		}
		none, next, err := s.ListCompanyTrail(ctxOf(t), "third-bank", audit.Page{})
		must(t, err, "ListCompanyTrail third-bank")
		if len(none) != 0 || next != "" {
			t.Fatalf("a company without entries listed %d (cursor %q)", len(none), next)
		}
	}},
	{"an invalid or unstorable entry is refused and nothing is stored", func(t *testing.T, s audit.Store) {
		noActor := newEntry("bank", "e1", act1, t0)
		noActor.Actor = ""
		wantCode(t, s.AppendTrail(ctxOf(t), noActor), audit.Invalid, "entry without an actor")
		far := newEntry("bank", "e2", act1, year10026)
		wantRefused(t, s.AppendTrail(ctxOf(t), far), "at", "entry in year 10026")
		badJSON := newEntry("bank", "e3", act1, t0)
		badJSON.After = json.RawMessage(`{"status":`)
		wantCode(t, s.AppendTrail(ctxOf(t), badJSON), audit.Invalid, "entry whose after is not JSON")
		got, _, err := s.ListCompanyTrail(ctxOf(t), "bank", audit.Page{})
		must(t, err, "ListCompanyTrail")
		if len(got) != 0 {
			t.Fatalf("refused entries were stored: %v", trailIDs(got))
		}
	}},
	{"a foreign cursor is refused", func(t *testing.T, s audit.Store) {
		for i := range 3 {
			must(t, s.AppendTrail(ctxOf(t), newEntry("bank", fmt.Sprintf("e%d", i), act1, t0.Add(time.Duration(i)*time.Minute))), "AppendTrail")
		}
		_, next, err := s.ListCompanyTrail(ctxOf(t), "bank", audit.Page{Limit: 1})
		must(t, err, "ListCompanyTrail")
		_, _, err = s.ListTrail(ctxOf(t), "bank", act1, audit.Page{Limit: 1, Cursor: next})
		wantCode(t, err, audit.Invalid, "the company listing's cursor on an object's listing")
	}},
	{"the store offers no way to change or delete an entry", func(t *testing.T, s audit.Store) {
		allowed := []string{"AppendTrail", "ListTrail", "ListCompanyTrail"}
		typ := reflect.TypeOf(s)
		for i := range typ.NumMethod() {
			if name := typ.Method(i).Name; strings.Contains(name, "Trail") && !slices.Contains(allowed, name) {
				t.Errorf("%T has method %s: the trail is append-only (only %v)", s, name, allowed)
			}
		}
	}},
}
