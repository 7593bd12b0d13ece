package memstore_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/memstore"
)

// snapshot reads back everything the durability test wrote, as JSON.
func snapshot(t *testing.T, s *memstore.Store) string {
	t.Helper()
	ctx := t.Context()
	var parts []any
	add := func(v any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("read back: %v", err)
		}
		parts = append(parts, v)
	}
	add(s.GetCompany(ctx, "bank"))
	add(s.GetReview(ctx, "r1"))
	add(s.GetAssignment(ctx, "a1"))
	add(s.GetAssignment(ctx, "a2"))
	add(s.GetWalkthrough(ctx, "w1"))
	add(s.GetReceipt(ctx, "sub-1"))
	add(s.GetResult(ctx, "res-1"))
	add(s.ListDueTouchpoints(ctx, "bank", t0.Add(365*audit.Day)))
	add(s.GetReport(ctx, "r1"))
	mine, _, err := s.ListAssignmentsByAuditor(ctx, "bank", "staff-001", audit.Page{})
	add(mine, err)
	hist, _, err := s.ListResultHistory(ctx, "bank", "tp-1", audit.Page{})
	add(hist, err)
	b, err := json.Marshal(parts)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestOpen_KeepsEverythingAcrossRestart(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	clock := &testClock{now: t0}
	s, err := memstore.Open(dir, memstore.WithClock(clock.Now))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	c, err := audit.LoadCompanyDir("../../testdata/company")
	if err != nil {
		t.Fatalf("load the sample company: %v", err)
	}
	c.ID = "bank"
	must(t, s.SaveCompany(ctx, c))
	r := &audit.Review{ID: "r1", CompanyID: "bank", StandardVersion: "v2", Status: audit.ReviewPlanned,
		Window: audit.Window{Opens: t0, Closes: t0.Add(audit.Day)}, Assignments: 3, CreatedAt: t0}
	must(t, s.CreateReview(ctx, r))
	for _, id := range []string{"a1", "a2"} {
		_, err := s.MarkAssignmentDone(ctx, "r1", id)
		must(t, err)
	}
	as := []audit.Assignment{
		{ID: "a1", CompanyID: "bank", ReviewID: "r1", TouchpointID: "tp-1", AuditorID: "staff-001", Status: audit.StatusAssigned, Due: t0.Add(audit.Day), Walk: 1, UpdatedAt: t0},
		{ID: "a2", CompanyID: "bank", ReviewID: "r1", TouchpointID: "tp-2", AuditorID: "staff-001", Status: audit.StatusAssigned, Due: t0.Add(2 * audit.Day), Walk: 1, UpdatedAt: t0},
	}
	must(t, s.PutAssignments(ctx, as))
	next := as[0]
	next.Status, next.WalkthroughID, next.SubmissionID = audit.StatusSubmitted, "w1", "sub-1"
	sub := audit.Submission{ID: "sub-1", PayloadHash: "hash-1", Assignment: next, At: t0.Add(time.Hour),
		Walkthrough: audit.Walkthrough{ID: "w1", AssignmentID: "a1", ReviewID: "r1", CompanyID: "bank", TouchpointID: "tp-1", AuditorID: "staff-001", SubmittedAt: t0.Add(time.Hour)}}
	first, err := s.RecordSubmission(ctx, sub)
	must(t, err)
	must(t, s.PutResults(ctx, []audit.Result{{ID: "res-1", CompanyID: "bank", ReviewID: "r1", TouchpointID: "tp-1", JourneyID: "j1",
		Channel: audit.ChannelPhone, WalkthroughID: "w1", AssignmentID: "a1", AuditorID: "staff-001", StandardVersion: "v2",
		Valuation: -1, ScoredAt: t0.Add(2 * time.Hour), NextDue: t0.Add(180 * audit.Day)}}))
	must(t, s.PutSchedule(ctx, []audit.DueTouchpoint{{CompanyID: "bank", TouchpointID: "tp-1", NextDue: t0.Add(180 * audit.Day),
		DueReason: "default", LastValuation: -1, LastReviewID: "r1", LastScoredAt: t0.Add(2 * time.Hour)}}))
	must(t, s.SaveReport(ctx, "r1", []byte(`{"review": "r1",  "note":"zażółć"}`)))
	before := snapshot(t, s)
	must(t, s.Close())

	s, err = memstore.Open(dir, memstore.WithClock(clock.Now))
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if after := snapshot(t, s); after != before {
		t.Fatalf("after a restart the store reads differently\nbefore: %.400s\n after: %.400s", before, after)
	}
	report, err := s.GetReport(ctx, "r1")
	must(t, err)
	if string(report) != `{"review": "r1",  "note":"zażółć"}` {
		t.Fatalf("report after restart = %s, want the bytes saved", report)
	}
	// The review counter and its marks: a1 again counts nothing, a3 counts.
	rv, err := s.MarkAssignmentDone(ctx, "r1", "a1")
	must(t, err)
	if rv.Done != 2 || rv.Version != 2 {
		t.Fatalf("after restart, marking a1 again: done %d version %d, want 2, 2", rv.Done, rv.Version)
	}
	rv, err = s.MarkAssignmentDone(ctx, "r1", "a3")
	must(t, err)
	if rv.Done != 3 || !rv.Complete() {
		t.Fatalf("after restart, marking a3: done %d, want 3 (complete)", rv.Done)
	}
	// The idempotency receipt: a retry is replayed, not recorded twice.
	again, err := s.RecordSubmission(ctx, sub)
	must(t, err)
	if !again.Replayed || again.AssignmentVersion != 1 || !again.RecordedAt.Equal(first.RecordedAt) {
		t.Fatalf("retry after restart: %+v, want the first receipt (version 1) replayed", again)
	}
	// The schedule: the touchpoint is due 180 days after t0.
	due, err := s.ListDueTouchpoints(ctx, "bank", t0.Add(181*audit.Day))
	must(t, err)
	if len(due) != 1 || due[0].TouchpointID != "tp-1" || !due[0].NextDue.Equal(time.Date(2026, 8, 29, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("schedule after restart: %+v, want tp-1 due 2026-08-29T09:00Z", due)
	}
}

func TestOpen_ASecondOpenOfTheSameDirectoryIsRefused(t *testing.T) {
	dir := t.TempDir()
	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	start := time.Now()
	second, err := memstore.Open(dir)
	waited := time.Since(start)
	if err == nil {
		second.Close()
		t.Fatal("a second Open of an open directory succeeded")
	}
	if !strings.Contains(err.Error(), "in use by another process") || !strings.Contains(err.Error(), filepath.Join(dir, "touchaudit.db")) {
		t.Fatalf("second Open: %q, want it to say the file is in use and name it", err)
	}
	if waited > 5*time.Second {
		t.Fatalf("second Open waited %s, want about the 2s lock timeout", waited)
	}
	t.Logf("second Open refused after %s", waited.Round(10*time.Millisecond))
	must(t, s.Close())
	again, err := memstore.Open(dir)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	must(t, again.Close())
}

func TestOpen_AFailedWriteChangesNothing(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	good := audit.Assignment{ID: "a1", CompanyID: "bank", ReviewID: "r1", TouchpointID: "tp-1", AuditorID: "staff-001", Status: audit.StatusAssigned, Due: t0, Walk: 1, UpdatedAt: t0}
	huge := good
	huge.ID = strings.Repeat("x", 40000) // over bbolt's 32768-byte keys
	err = s.PutAssignments(ctx, []audit.Assignment{good, huge})
	if !audit.IsCode(err, audit.Invalid) || !strings.Contains(err.Error(), "32768") {
		t.Fatalf("PutAssignments(40000-byte id) = %v, want invalid naming the 32768-byte limit", err)
	}
	if _, err := s.GetAssignment(ctx, "a1"); !audit.IsCode(err, audit.NotFound) {
		t.Fatalf("a1 of the failed batch: %v, want not found in memory", err)
	}
	must(t, s.Close())
	if err := s.PutAssignments(ctx, []audit.Assignment{good}); err == nil {
		t.Fatal("PutAssignments on a closed store succeeded")
	}
	if _, err := s.GetAssignment(ctx, "a1"); !audit.IsCode(err, audit.NotFound) {
		t.Fatalf("a1 written to a closed store: %v, want not found", err)
	}
	s, err = memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.GetAssignment(ctx, "a1"); !audit.IsCode(err, audit.NotFound) {
		t.Fatalf("a1 after reopen: %v, want not found", err)
	}
}

func TestStore_SaveFileLoadFile(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "state.json")
	empty, err := memstore.LoadFile(path)
	if err != nil {
		t.Fatalf("LoadFile(no file): %v", err)
	}
	if _, err := empty.GetReview(ctx, "r1"); !audit.IsCode(err, audit.NotFound) {
		t.Fatalf("fresh store GetReview: %v, want not found", err)
	}
	r := &audit.Review{ID: "r1", CompanyID: "bank", StandardVersion: "v2", Status: audit.ReviewPlanned,
		Window: audit.Window{Opens: t0, Closes: t0.Add(audit.Day)}, Assignments: 2, CreatedAt: t0}
	must(t, empty.CreateReview(ctx, r))
	_, err = empty.MarkAssignmentDone(ctx, "r1", "a1")
	must(t, err)
	if err := empty.SaveFile(path); err != nil {
		t.Fatalf("SaveFile: %v", err)
	}
	loaded, err := memstore.LoadFile(path)
	if err != nil {
		t.Fatalf("LoadFile: %v", err)
	}
	// The done marker survived: marking a1 again counts nothing.
	got, err := loaded.MarkAssignmentDone(ctx, "r1", "a1")
	must(t, err)
	if got.Done != 1 || got.Version != 1 {
		t.Fatalf("loaded review done=%d version=%d, want 1, 1", got.Done, got.Version)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkOpen_PutAssignment measures one written-through mutation: a
// bbolt transaction with its fsync, on this machine's disk.
func BenchmarkOpen_PutAssignment(b *testing.B) {
	s, err := memstore.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	a := audit.Assignment{ID: "a1", CompanyID: "bank", ReviewID: "r1", TouchpointID: "tp-1", AuditorID: "staff-001", Status: audit.StatusAssigned, Due: t0, Walk: 1, UpdatedAt: t0}
	for b.Loop() {
		if err := s.PutAssignments(b.Context(), []audit.Assignment{a}); err != nil {
			b.Fatal(err)
		}
	}
}
