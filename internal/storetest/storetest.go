// Package storetest is the contract suite of audit.Store. Every
// implementation (internal/memstore, internal/dynamo) runs the same suite, so
// they keep the same semantics and the same error codes.
package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"touchaudit/internal/audit"
)

// Backend may be implemented by a store under test to name itself in the log
// (for example "dynamodb (moto at http://127.0.0.1:41234)").
type Backend interface {
	Backend() string
}

// UnprocessedInjector is implemented by stores under test whose backend
// writes in batches that may come back partly unprocessed (DynamoDB's
// BatchWriteItem returns UnprocessedItems under load). The suite uses it to
// prove that such items are retried, not lost.
type UnprocessedInjector interface {
	// InjectUnprocessed makes each of the next calls batch writes report its
	// first perCall items as unprocessed (without writing them).
	InjectUnprocessed(perCall, calls int)
	// Unprocessed reports how many items have been reported unprocessed.
	Unprocessed() int
}

// Reopener is implemented by stores under test that keep their data outside
// the process (a file). Reopen closes the store and opens it again on the
// same data; the suite calls it after writes, so every read after it checks
// that the write survived a restart.
type Reopener interface {
	Reopen(t *testing.T)
}

// ReceiptTTLReader is implemented by stores under test whose idempotency
// records carry their expiry as a stored attribute (DynamoDB's "ttl", in
// epoch seconds), which the test reads raw.
type ReceiptTTLReader interface {
	ReceiptTTL(t *testing.T, submissionID string) int64
}

// Clocked is implemented by stores under test that expire idempotency
// records themselves, on a clock the test sets.
type Clocked interface {
	SetNow(now time.Time)
}

// reopen restarts s if it can be restarted; otherwise it does nothing.
func reopen(t *testing.T, s audit.Store) {
	t.Helper()
	if r, ok := s.(Reopener); ok {
		r.Reopen(t)
	}
}

// Run runs the contract suite. newStore must return an empty store of its
// own for every call (each subtest gets a fresh one).
func Run(t *testing.T, newStore func(t *testing.T) audit.Store) {
	t.Helper()
	t.Logf("contract suite: backend=%s", backendName(newStore(t)))
	groups := []struct {
		name  string
		cases []contractCase
	}{
		{"company", companyCases},
		{"review", reviewCases},
		{"assignment", assignmentCases},
		{"submission", submissionCases},
		{"walkthrough", walkthroughCases},
		{"result", resultCases},
		{"report", reportCases},
		{"unstorable", unstorableCases},
		{"receipt expiry", expiryCases},
		{"trail", trailCases},
		{"action", actionCases},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, c := range g.cases {
				t.Run(c.name, func(t *testing.T) {
					c.run(t, newStore(t))
				})
			}
		})
	}
}

type contractCase struct {
	name string
	run  func(t *testing.T, s audit.Store)
}

func backendName(s audit.Store) string {
	if b, ok := s.(Backend); ok {
		return b.Backend()
	}
	return fmt.Sprintf("%T", s)
}

// t0 is the suite's fixed "now": tests never depend on the wall clock.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func ctxOf(t *testing.T) context.Context { return t.Context() }

// wantCode fails the test unless err carries the code.
func wantCode(t *testing.T, err error, code audit.ErrorCode, what string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: got no error, want %s", what, code)
	}
	if got := audit.ErrorCodeOf(err); got != code {
		t.Fatalf("%s: got %s error (%v), want %s", what, got, err, code)
	}
}

func must(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// sameJSON compares values by their JSON form, which is what both backends
// store: times compare by instant and layout, nil and empty stay distinct.
func sameJSON(t *testing.T, got, want any, what string) {
	t.Helper()
	g, err := json.Marshal(got)
	must(t, err, "marshal got")
	w, err := json.Marshal(want)
	must(t, err, "marshal want")
	if string(g) != string(w) {
		t.Fatalf("%s differs\n got: %s\nwant: %s", what, g, w)
	}
}

// collect pages through a listing with the given limit and returns every
// item and the number of pages read. It fails on a cursor loop.
func collect[T any](t *testing.T, limit int, list func(audit.Page) ([]T, string, error)) ([]T, int) {
	t.Helper()
	var all []T
	p := audit.Page{Limit: limit}
	for pages := 1; ; pages++ {
		items, next, err := list(p)
		must(t, err, fmt.Sprintf("list page %d", pages))
		if limit > 0 && len(items) > limit {
			t.Fatalf("page %d has %d items, limit %d", pages, len(items), limit)
		}
		all = append(all, items...)
		if next == "" {
			return all, pages
		}
		if next == p.Cursor {
			t.Fatalf("page %d returned the cursor it was given", pages)
		}
		if pages > 1000 {
			t.Fatal("more than 1000 pages: the cursor does not advance")
		}
		p.Cursor = next
	}
}
