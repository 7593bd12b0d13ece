package memstore_test

import (
	"path/filepath"
	"testing"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/memstore"
	"touchaudit/internal/storetest"
)

// embedded names the backend in the contract suite's log.
type embedded struct{ *memstore.Store }

func (embedded) Backend() string { return "embedded (memstore, in memory)" }

func TestStore_Contract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) audit.Store { return embedded{memstore.New()} })
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
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	r := &audit.Review{ID: "r1", CompanyID: "bank", StandardVersion: "v2", Status: audit.ReviewPlanned,
		Window: audit.Window{Opens: now, Closes: now.Add(audit.Day)}, Assignments: 2, CreatedAt: now}
	if err := empty.CreateReview(ctx, r); err != nil {
		t.Fatal(err)
	}
	if _, err := empty.MarkAssignmentDone(ctx, "r1", "a1"); err != nil {
		t.Fatal(err)
	}
	if err := empty.SaveFile(path); err != nil {
		t.Fatalf("SaveFile: %v", err)
	}
	loaded, err := memstore.LoadFile(path)
	if err != nil {
		t.Fatalf("LoadFile: %v", err)
	}
	// The done marker survived: marking a1 again counts nothing.
	got, err := loaded.MarkAssignmentDone(ctx, "r1", "a1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Done != 1 || got.Version != 1 {
		t.Fatalf("loaded review done=%d version=%d, want 1, 1", got.Done, got.Version)
	}
}
