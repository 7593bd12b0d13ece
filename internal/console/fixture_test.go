package console_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/console"
	"touchaudit/internal/memstore"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// now is the console's clock in tests: eleven days into the running sample review.
var now = time.Date(2027, 1, 20, 9, 0, 0, 0, time.UTC)

const bank = "bank-pl"

// seeded returns the sample store (two recorded reviews with reports and a
// running one) and a console over it.
func seeded(t testing.TB) (*memstore.Store, *console.Console) {
	t.Helper()
	store := memstore.New()
	if _, err := console.SeedSample(context.Background(), store, "../../testdata", now.Add(-24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	c, err := console.New(store, console.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return store, c
}

func lead(lang audit.Lang) console.Viewer {
	return console.Viewer{CompanyID: bank, StaffID: "s-001", Lang: lang}
}

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file (go test -run %s -update rewrites it); got:\n%s", name, t.Name(), clip(got))
	}
}

func clip(b []byte) string {
	if len(b) > 3000 {
		return string(b[:3000]) + "…"
	}
	return string(b)
}
