package storetest

import (
	"encoding/base64"
	"fmt"
	"slices"
	"testing"
	"time"

	"touchaudit/internal/audit"
)

var assignmentCases = []contractCase{
	{"put and get round-trip", func(t *testing.T, s audit.Store) {
		a := newAssignment("a1", "r1", "staff-001", audit.StatusAssigned, t0.Add(48*time.Hour))
		a.TaskToken, a.Reminders, a.ReplacesID = "token-1", 1, "a0"
		must(t, s.PutAssignments(ctxOf(t), []audit.Assignment{a}), "PutAssignments")
		got, err := s.GetAssignment(ctxOf(t), "a1")
		must(t, err, "GetAssignment")
		sameJSON(t, got, a, "assignment")
	}},
	{"put overwrites by id", func(t *testing.T, s audit.Store) {
		a := newAssignment("a1", "r1", "staff-001", audit.StatusPlanned, t0)
		must(t, s.PutAssignments(ctxOf(t), []audit.Assignment{a}), "PutAssignments")
		a.Status, a.AuditorID = audit.StatusAssigned, "staff-002"
		must(t, s.PutAssignments(ctxOf(t), []audit.Assignment{a}), "PutAssignments again")
		got, err := s.GetAssignment(ctxOf(t), "a1")
		must(t, err, "GetAssignment")
		sameJSON(t, got, a, "assignment")
		old, _, err := s.ListAssignmentsByAuditor(ctxOf(t), "bank", "staff-001", audit.Page{})
		must(t, err, "ListAssignmentsByAuditor(previous auditor)")
		if len(old) != 0 {
			t.Fatalf("previous auditor still lists %d assignments", len(old))
		}
	}},
	{"batches of more than 25 are all stored, retrying unprocessed items", func(t *testing.T, s audit.Store) {
		const n = 60 // three BatchWriteItem calls of at most 25
		var as []audit.Assignment
		for i := range n {
			as = append(as, newAssignment(fmt.Sprintf("a%03d", i), "r1", "staff-001", audit.StatusAssigned, t0.Add(time.Duration(i)*time.Hour)))
		}
		inj, injecting := s.(UnprocessedInjector)
		if injecting {
			inj.InjectUnprocessed(7, 4)
		} else {
			t.Logf("%s writes no batches: checking only that all %d items are stored", backendName(s), n)
		}
		must(t, s.PutAssignments(ctxOf(t), as), "PutAssignments")
		if injecting {
			if got := inj.Unprocessed(); got != 28 {
				t.Fatalf("backend reported %d items unprocessed, want 28 (7 in each of 4 calls)", got)
			}
		}
		got, pages := collect(t, 25, func(p audit.Page) ([]audit.Assignment, string, error) {
			return s.ListAssignmentsByReview(ctxOf(t), "r1", audit.StatusAssigned, p)
		})
		sameJSON(t, got, as, "stored assignments")
		t.Logf("%d assignments stored, read back in %d pages", len(got), pages)
	}},
	{"an invalid assignment in a batch stores nothing", func(t *testing.T, s audit.Store) {
		good := newAssignment("a1", "r1", "staff-001", audit.StatusAssigned, t0)
		bad := newAssignment("a2", "r1", "", audit.StatusAssigned, t0) // assigned needs an auditor
		wantCode(t, s.PutAssignments(ctxOf(t), []audit.Assignment{good, bad}), audit.Invalid, "PutAssignments(invalid)")
		_, err := s.GetAssignment(ctxOf(t), "a1")
		wantCode(t, err, audit.NotFound, "GetAssignment of the valid one")
	}},
	{"missing assignment is not found", func(t *testing.T, s audit.Store) {
		_, err := s.GetAssignment(ctxOf(t), "nope")
		wantCode(t, err, audit.NotFound, "GetAssignment(missing)")
		a := newAssignment("nope", "r1", "staff-001", audit.StatusAssigned, t0)
		wantCode(t, s.UpdateAssignment(ctxOf(t), &a), audit.NotFound, "UpdateAssignment(missing)")
		_, err = s.GetAssignment(ctxOf(t), "nope")
		wantCode(t, err, audit.NotFound, "GetAssignment after a failed update")
	}},
	{"update bumps the version", func(t *testing.T, s audit.Store) {
		a := newAssignment("a1", "r1", "staff-001", audit.StatusAssigned, t0)
		must(t, s.PutAssignments(ctxOf(t), []audit.Assignment{a}), "PutAssignments")
		for want := 1; want <= 2; want++ {
			a.Reminders++
			must(t, s.UpdateAssignment(ctxOf(t), &a), "UpdateAssignment")
			if a.Version != want {
				t.Fatalf("version = %d, want %d", a.Version, want)
			}
		}
		got, err := s.GetAssignment(ctxOf(t), "a1")
		must(t, err, "GetAssignment")
		sameJSON(t, got, a, "assignment")
	}},
	{"stale version is refused and nothing changes", func(t *testing.T, s audit.Store) {
		a := newAssignment("a1", "r1", "staff-001", audit.StatusAssigned, t0)
		must(t, s.PutAssignments(ctxOf(t), []audit.Assignment{a}), "PutAssignments")
		stale := a
		must(t, a.MoveTo(audit.StatusStarted, t0.Add(time.Minute)), "MoveTo")
		must(t, s.UpdateAssignment(ctxOf(t), &a), "UpdateAssignment")
		stale.AuditorID = "staff-009"
		must(t, stale.MoveTo(audit.StatusReassigned, t0.Add(2*time.Minute)), "MoveTo")
		wantCode(t, s.UpdateAssignment(ctxOf(t), &stale), audit.Conflict, "UpdateAssignment(stale)")
		if stale.Version != 0 {
			t.Fatalf("a refused update bumped the caller's version to %d", stale.Version)
		}
		got, err := s.GetAssignment(ctxOf(t), "a1")
		must(t, err, "GetAssignment")
		sameJSON(t, got, a, "stored assignment")
		other, _, err := s.ListAssignmentsByAuditor(ctxOf(t), "bank", "staff-009", audit.Page{})
		must(t, err, "ListAssignmentsByAuditor")
		if len(other) != 0 {
			t.Fatalf("the refused update's auditor lists %d assignments", len(other))
		}
	}},
	{"by auditor stays within the auditor's company (staff ids repeat across companies)", func(t *testing.T, s audit.Store) {
		mine := newAssignment("a1", "r1", "staff-001", audit.StatusAssigned, t0)
		theirs := newAssignment("a2", "r9", "staff-001", audit.StatusAssigned, t0)
		theirs.CompanyID = "other-company"
		must(t, s.PutAssignments(ctxOf(t), []audit.Assignment{mine, theirs}), "PutAssignments")
		got, _, err := s.ListAssignmentsByAuditor(ctxOf(t), "bank", "staff-001", audit.Page{})
		must(t, err, "ListAssignmentsByAuditor")
		if len(got) != 1 || got[0].ID != "a1" {
			t.Fatalf("bank's staff-001 sees %v, want only a1", ids(got))
		}
		_, _, err = s.ListAssignmentsByAuditor(ctxOf(t), "", "staff-001", audit.Page{})
		wantCode(t, err, audit.Invalid, "listing without a company")
	}},
	{"by auditor lists open ones first, each group by due, across pages", func(t *testing.T, s audit.Store) {
		statuses := []audit.AssignmentStatus{audit.StatusScored, audit.StatusAssigned, audit.StatusClosed, audit.StatusStarted, audit.StatusSubmitted, audit.StatusPlanned, audit.StatusExpired}
		var as []audit.Assignment
		for i := range 14 {
			// due times run backwards so insertion order is not the answer
			a := newAssignment(fmt.Sprintf("a%02d", i), "r1", "staff-001", statuses[i%len(statuses)], t0.Add(time.Duration(20-i)*time.Hour))
			as = append(as, a)
		}
		as = append(as, newAssignment("other", "r1", "staff-002", audit.StatusAssigned, t0))
		must(t, s.PutAssignments(ctxOf(t), as), "PutAssignments")

		got, pages := collect(t, 3, func(p audit.Page) ([]audit.Assignment, string, error) {
			return s.ListAssignmentsByAuditor(ctxOf(t), "bank", "staff-001", p)
		})
		if pages < 5 {
			t.Fatalf("14 items with limit 3 came in %d pages, want at least 5", pages)
		}
		want := slices.Clone(as[:14])
		slices.SortStableFunc(want, func(x, y audit.Assignment) int {
			if x.Status.Open() != y.Status.Open() {
				if x.Status.Open() {
					return -1
				}
				return 1
			}
			return x.Due.Compare(y.Due)
		})
		sameJSON(t, ids(got), ids(want), "order of the auditor's assignments")
		sameJSON(t, got, want, "auditor's assignments")
	}},
	{"by review lists one status across pages", func(t *testing.T, s audit.Store) {
		var as, want []audit.Assignment
		for i := range 16 {
			st := audit.StatusAssigned
			if i%4 == 0 {
				st = audit.StatusExpired
			}
			a := newAssignment(fmt.Sprintf("a%02d", i), "r1", fmt.Sprintf("staff-%03d", i), st, t0.Add(time.Duration(i%5)*time.Hour))
			as = append(as, a)
			if st == audit.StatusAssigned {
				want = append(want, a)
			}
		}
		as = append(as, newAssignment("x", "r2", "staff-001", audit.StatusAssigned, t0))
		must(t, s.PutAssignments(ctxOf(t), as), "PutAssignments")
		got, pages := collect(t, 4, func(p audit.Page) ([]audit.Assignment, string, error) {
			return s.ListAssignmentsByReview(ctxOf(t), "r1", audit.StatusAssigned, p)
		})
		if pages < 3 {
			t.Fatalf("12 items with limit 4 came in %d pages, want at least 3", pages)
		}
		slices.SortStableFunc(want, func(x, y audit.Assignment) int {
			if c := x.Due.Compare(y.Due); c != 0 {
				return c
			}
			return compareStrings(x.ID, y.ID)
		})
		sameJSON(t, got, want, "review's assigned assignments")
		expired, _ := collect(t, 0, func(p audit.Page) ([]audit.Assignment, string, error) {
			return s.ListAssignmentsByReview(ctxOf(t), "r1", audit.StatusExpired, p)
		})
		if len(expired) != 4 {
			t.Fatalf("expired: %d, want 4", len(expired))
		}
		none, next, err := s.ListAssignmentsByReview(ctxOf(t), "r3", audit.StatusAssigned, audit.Page{})
		must(t, err, "ListAssignmentsByReview(empty)")
		if len(none) != 0 || next != "" {
			t.Fatalf("empty listing: %d items, cursor %q", len(none), next)
		}
	}},
	{"bad page requests are invalid", func(t *testing.T, s audit.Store) {
		var as []audit.Assignment
		for i := range 4 {
			as = append(as, newAssignment(fmt.Sprintf("a%d", i), "r1", "staff-001", audit.StatusAssigned, t0))
			as = append(as, newAssignment(fmt.Sprintf("b%d", i), "r1", "staff-002", audit.StatusAssigned, t0))
		}
		must(t, s.PutAssignments(ctxOf(t), as), "PutAssignments")
		_, next, err := s.ListAssignmentsByAuditor(ctxOf(t), "bank", "staff-001", audit.Page{Limit: 2})
		must(t, err, "first page")
		if next == "" {
			t.Fatal("first page of 4 with limit 2 has no cursor")
		}
		for name, p := range map[string]audit.Page{
			"garbage cursor":         {Cursor: "not a cursor!"},
			"base64 of junk":         {Cursor: base64.RawURLEncoding.EncodeToString([]byte("{junk"))},
			"negative limit":         {Limit: -1},
			"other auditor's cursor": {Cursor: next},
		} {
			_, _, err := s.ListAssignmentsByAuditor(ctxOf(t), "bank", "staff-002", p)
			wantCode(t, err, audit.Invalid, name)
		}
		_, _, err = s.ListAssignmentsByReview(ctxOf(t), "r1", audit.StatusAssigned, audit.Page{Cursor: next})
		wantCode(t, err, audit.Invalid, "auditor cursor used for a review listing")
	}},
}

func ids(as []audit.Assignment) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.ID
	}
	return out
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
