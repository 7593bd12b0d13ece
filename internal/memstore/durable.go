package memstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"touchaudit/internal/audit"
)

// FileName is the bbolt file Open keeps in its directory.
const FileName = "touchaudit.db"

// lockTimeout is how long Open waits for bbolt's file lock before telling
// the caller that another process holds the directory: long enough to ride
// out a previous run that is closing, short enough that a second
// `touchaudit local` fails at once rather than hangs.
const lockTimeout = 2 * time.Second

// formatVersion is the layout of the buckets below; Open refuses a file of
// another layout instead of misreading it.
const formatVersion = "1"

// Buckets of the bbolt file, one per kind of item, each keyed as the
// in-memory map it loads into. Values are the items' JSON, as in SaveFile.
const (
	bucketMeta         = "meta"
	bucketCompanies    = "companies"
	bucketReviews      = "reviews"
	bucketDone         = "done"
	bucketAssignments  = "assignments"
	bucketWalkthroughs = "walkthroughs"
	bucketSubmissions  = "submissions"
	bucketResults      = "results"
	bucketSchedule     = "schedule"
	bucketReports      = "reports"
	bucketTrail        = "trail"
	bucketActions      = "actions"
)

// change is one item of a mutation: its bbolt bucket, key and JSON value,
// and set, which puts the value (decoded from those same bytes) into the
// in-memory state. A mutation builds all its changes first, so an item that
// cannot be encoded stops it before anything is written.
type change struct {
	bucket, key string
	value       []byte
	set         func(st *state)
}

// put encodes v for bucket/key and prepares its in-memory copy.
func put[T any](bucket, key string, v T, set func(st *state, v T)) (change, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return change{}, &audit.Error{Code: audit.Internal, Message: fmt.Sprintf("encode %s %q", bucket, key), Err: err}
	}
	var stored T
	if err := json.Unmarshal(b, &stored); err != nil {
		return change{}, &audit.Error{Code: audit.Internal, Message: fmt.Sprintf("%s %q would not read back", bucket, key), Err: err}
	}
	return change{bucket: bucket, key: key, value: b, set: func(st *state) { set(st, stored) }}, nil
}

// putRaw keeps JSON bytes as they are (a report is read back byte for byte).
func putRaw(bucket, key string, b []byte, set func(st *state, b json.RawMessage)) change {
	b = bytes.Clone(b)
	return change{bucket: bucket, key: key, value: b, set: func(st *state) { set(st, bytes.Clone(b)) }}
}

// commit writes changes through to the file in one bbolt transaction and
// only then applies them in memory, so a failed write changes nothing.
// s.mu must be held.
func (s *Store) commit(changes ...change) error {
	if s.closed {
		return audit.Errorf(audit.Internal, "the embedded store is closed")
	}
	if s.db != nil {
		err := s.db.Update(func(tx *bolt.Tx) error {
			for _, c := range changes {
				b := tx.Bucket([]byte(c.bucket))
				if b == nil {
					return fmt.Errorf("bucket %s missing", c.bucket)
				}
				if err := b.Put([]byte(c.key), c.value); err != nil {
					return err
				}
			}
			return nil
		})
		if errors.Is(err, berrors.ErrKeyTooLarge) || errors.Is(err, berrors.ErrValueTooLarge) {
			return &audit.Error{Code: audit.Invalid, Message: fmt.Sprintf("cannot store: an id or item is over bbolt's limits (%d-byte keys)", bolt.MaxKeySize), Err: err}
		}
		if err != nil {
			return &audit.Error{Code: audit.Internal, Message: "write embedded store", Err: err}
		}
	}
	for _, c := range changes {
		c.set(&s.state)
	}
	return nil
}

// pairKey joins two ids into one bucket key; ids never hold a NUL.
func pairKey(a, b string) string { return a + "\x00" + b }

// doneMark is the bbolt value of a counted assignment.
type doneMark struct {
	ReviewID     string `json:"reviewId"`
	AssignmentID string `json:"assignmentId"`
}

// Setters shared by mutations and by Open's load, so that both fill the
// in-memory state the same way.
func setReview(st *state, r audit.Review)           { st.Reviews[r.ID] = r }
func setAssignment(st *state, a audit.Assignment)   { st.Assignments[a.ID] = a }
func setWalkthrough(st *state, w audit.Walkthrough) { st.Walkthroughs[w.ID] = w }
func setReceipt(st *state, rc audit.Receipt)        { st.Submissions[rc.SubmissionID] = rc }
func setResult(st *state, r audit.Result)           { st.Results[r.ID] = r }

// setCompany and setReport are keyed by the id the caller gave.
func setCompany(id string) func(*state, json.RawMessage) {
	return func(st *state, b json.RawMessage) { st.Companies[id] = b }
}

func setReport(reviewID string) func(*state, json.RawMessage) {
	return func(st *state, b json.RawMessage) { st.Reports[reviewID] = b }
}

func setDone(st *state, m doneMark) {
	done := st.Done[m.ReviewID]
	if done == nil {
		done = map[string]bool{}
		st.Done[m.ReviewID] = done
	}
	done[m.AssignmentID] = true
}

func setScheduled(st *state, e scheduled) {
	sched := st.Schedule[e.Due.CompanyID]
	if sched == nil {
		sched = map[string]scheduled{}
		st.Schedule[e.Due.CompanyID] = sched
	}
	sched[e.Due.TouchpointID] = e
}

// loaders decode each bucket's values into the state at Open.
var loaders = map[string]func(st *state, key string, value []byte) error{
	bucketCompanies:    load(func(st *state, k string, b json.RawMessage) { setCompany(k)(st, b) }),
	bucketReviews:      load(func(st *state, _ string, r audit.Review) { setReview(st, r) }),
	bucketDone:         load(func(st *state, _ string, m doneMark) { setDone(st, m) }),
	bucketAssignments:  load(func(st *state, _ string, a audit.Assignment) { setAssignment(st, a) }),
	bucketWalkthroughs: load(func(st *state, _ string, w audit.Walkthrough) { setWalkthrough(st, w) }),
	bucketSubmissions:  load(func(st *state, _ string, rc audit.Receipt) { setReceipt(st, rc) }),
	bucketResults:      load(func(st *state, _ string, r audit.Result) { setResult(st, r) }),
	bucketSchedule:     load(func(st *state, _ string, e scheduled) { setScheduled(st, e) }),
	bucketReports:      load(func(st *state, k string, b json.RawMessage) { setReport(k)(st, b) }),
	bucketTrail:        load(func(st *state, _ string, e audit.TrailEntry) { setTrail(st, e) }),
	bucketActions:      load(func(st *state, _ string, a audit.Action) { setAction(st, a) }),
}

func load[T any](set func(st *state, key string, v T)) func(*state, string, []byte) error {
	return func(st *state, key string, value []byte) error {
		var v T
		if err := json.Unmarshal(value, &v); err != nil {
			return err
		}
		set(st, key, v)
		return nil
	}
}

// Open returns a store kept in dir (created if missing): everything stored
// is written through to dir/touchaudit.db before the call returns, and read
// back at the next Open. Expired idempotency records are dropped at Open.
// A directory another process (or another Store) has open is refused with
// an error after lockTimeout, never shared. Call Close when done.
func Open(dir string, opts ...Option) (*Store, error) {
	if dir == "" {
		return nil, errors.New("memstore: open: a directory is required")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("memstore: open: %w", err)
	}
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("memstore: %s is in use by another process (is another touchaudit running on %s?); waited %s for its lock", path, dir, lockTimeout)
	}
	if err != nil {
		return nil, fmt.Errorf("memstore: open %s: %w", path, err)
	}
	s := New(opts...)
	if err := s.loadFrom(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("memstore: open %s: %w", path, err)
	}
	s.db = db
	return s, nil
}

// loadFrom creates the buckets of a new file, checks the layout of an old
// one, reads every item into memory and deletes expired receipts.
func (s *Store) loadFrom(db *bolt.DB) error {
	return db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists([]byte(bucketMeta))
		if err != nil {
			return err
		}
		switch v := meta.Get([]byte("format")); {
		case v == nil:
			if err := meta.Put([]byte("format"), []byte(formatVersion)); err != nil {
				return err
			}
		case string(v) != formatVersion:
			return fmt.Errorf("file format %q, this build reads %q", v, formatVersion)
		}
		for name, decode := range loaders {
			b, err := tx.CreateBucketIfNotExists([]byte(name))
			if err != nil {
				return err
			}
			if err := b.ForEach(func(k, v []byte) error {
				if err := decode(&s.state, string(k), v); err != nil {
					return fmt.Errorf("decode %s %q: %w", name, k, err)
				}
				return nil
			}); err != nil {
				return err
			}
		}
		subs := tx.Bucket([]byte(bucketSubmissions))
		for id, rc := range s.state.Submissions {
			if s.expired(rc) {
				delete(s.state.Submissions, id)
				if err := subs.Delete([]byte(id)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Close closes the file of a store from Open (and releases its lock); on a
// store from New it does nothing. The store must not be used after.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return nil
	}
	err := s.db.Close()
	s.db = nil
	s.closed = true
	if err != nil {
		return fmt.Errorf("memstore: close: %w", err)
	}
	return nil
}

// receiptExpiry is the instant DynamoDB's TTL would delete the idempotency
// record of rc, in epoch seconds: the dynamo store's "ttl" attribute.
func receiptExpiry(rc audit.Receipt) int64 { return rc.RecordedAt.Add(audit.SubmissionTTL).Unix() }

// expired reports whether rc's idempotency record is past its TTL on the
// store's clock (never without WithClock). DynamoDB deletes an item once
// its ttl is before the current epoch second.
func (s *Store) expired(rc audit.Receipt) bool {
	return s.clock != nil && receiptExpiry(rc) < s.clock().Unix()
}
