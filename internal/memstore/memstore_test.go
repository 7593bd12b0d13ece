package memstore_test

import (
	"sync"
	"testing"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/memstore"
	"touchaudit/internal/storetest"
)

// t0 is the tests' fixed "now", the contract suite's too.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// testClock is a settable clock for WithClock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *testClock) SetNow(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// embedded is the in-memory store under the contract suite.
type embedded struct {
	*memstore.Store
	*testClock
}

func (embedded) Backend() string { return "embedded (memstore, in memory)" }

// durable is the store kept in a directory; Reopen closes and opens it, so
// the suite's reads after a write come from the file.
type durable struct {
	*memstore.Store
	*testClock
	dir string
}

var (
	_ storetest.Clocked  = embedded{}
	_ storetest.Reopener = (*durable)(nil)
	_ storetest.Clocked  = (*durable)(nil)
)

func (d *durable) Backend() string { return "embedded (memstore, bbolt file in " + d.dir + ")" }

func (d *durable) Reopen(t *testing.T) {
	t.Helper()
	if err := d.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s, err := memstore.Open(d.dir, memstore.WithClock(d.Now))
	if err != nil {
		t.Fatalf("reopen %s: %v", d.dir, err)
	}
	d.Store = s
}

func openDurable(t *testing.T) *durable {
	t.Helper()
	d := &durable{testClock: &testClock{now: t0}, dir: t.TempDir()}
	s, err := memstore.Open(d.dir, memstore.WithClock(d.Now))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	d.Store = s
	t.Cleanup(func() { d.Close() })
	return d
}

func TestStore_Contract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) audit.Store {
		c := &testClock{now: t0}
		return embedded{memstore.New(memstore.WithClock(c.Now)), c}
	})
}

func TestOpen_Contract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) audit.Store { return openDurable(t) })
}
