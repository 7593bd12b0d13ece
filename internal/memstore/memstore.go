// Package memstore is the embedded audit.Store for local runs and tests: all
// state in memory behind one mutex, with the same semantics and errors as
// the DynamoDB store (both pass internal/storetest). Values are deep-copied
// in and out through their JSON form, so callers cannot change stored state
// and times come back as DynamoDB returns them.
//
// New keeps everything in memory only. Open keeps it in a directory too:
// every mutation is encoded and checked whole, written through to a bbolt
// file in one transaction, and only then applied in memory, so a refused or
// failed write changes nothing, and the next Open finds everything.
// Idempotency records expire after audit.SubmissionTTL on the store's clock
// (WithClock), as DynamoDB's TTL deletes them. SaveFile and LoadFile, a
// JSON snapshot of the whole state, remain for callers that want one file.
package memstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"touchaudit/internal/audit"
	"touchaudit/internal/storable"
)

// Store is the embedded audit.Store. The zero value is not usable; call New
// or Open.
type Store struct {
	mu    sync.Mutex
	state state
	now   func() time.Time
	// clock is the "now" of receipt expiry: nil (no WithClock) keeps
	// receipts for ever, as moto_server does, because callers that run in
	// virtual time would see their receipts expire against the wall clock.
	clock  func() time.Time
	db     *bolt.DB // nil for a store from New
	closed bool
}

// Option configures a store from New or Open.
type Option func(*Store)

// WithClock sets the store's clock: the time of a submission without one,
// and the "now" against which idempotency records expire after
// audit.SubmissionTTL. Without it submissions default to time.Now and
// receipts never expire. Pass the clock the callers use (the local
// engine's virtual clock), so that expiry follows their time.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now, s.clock = now, now }
}

var _ audit.Store = (*Store)(nil)

// state is everything stored; it is also the JSON form of SaveFile.
type state struct {
	Companies    map[string]json.RawMessage      `json:"companies"`
	Reviews      map[string]audit.Review         `json:"reviews"`
	Done         map[string]map[string]bool      `json:"done"` // review id → assignment ids counted
	Assignments  map[string]audit.Assignment     `json:"assignments"`
	Walkthroughs map[string]audit.Walkthrough    `json:"walkthroughs"`
	Submissions  map[string]audit.Receipt        `json:"submissions"`
	Results      map[string]audit.Result         `json:"results"`
	Schedule     map[string]map[string]scheduled `json:"schedule"` // company id → touchpoint id →
	Reports      map[string]json.RawMessage      `json:"reports"`
	Trail        map[string]audit.TrailEntry     `json:"trail"`   // company id + entry id →
	Actions      map[string]audit.Action         `json:"actions"` // company id + action id →
}

// scheduled is a touchpoint's place in the schedule. (Files written before
// PutSchedule also hold the "resultKey" of the result that set it; it is
// ignored.)
type scheduled struct {
	Due audit.DueTouchpoint `json:"due"`
}

// New returns an empty store kept in memory only.
func New(opts ...Option) *Store {
	s := &Store{now: time.Now}
	for _, o := range opts {
		o(s)
	}
	s.state.init()
	return s
}

func (st *state) init() {
	if st.Companies == nil {
		st.Companies = map[string]json.RawMessage{}
	}
	if st.Reviews == nil {
		st.Reviews = map[string]audit.Review{}
	}
	if st.Done == nil {
		st.Done = map[string]map[string]bool{}
	}
	if st.Assignments == nil {
		st.Assignments = map[string]audit.Assignment{}
	}
	if st.Walkthroughs == nil {
		st.Walkthroughs = map[string]audit.Walkthrough{}
	}
	if st.Submissions == nil {
		st.Submissions = map[string]audit.Receipt{}
	}
	if st.Results == nil {
		st.Results = map[string]audit.Result{}
	}
	if st.Schedule == nil {
		st.Schedule = map[string]map[string]scheduled{}
	}
	if st.Reports == nil {
		st.Reports = map[string]json.RawMessage{}
	}
	if st.Trail == nil {
		st.Trail = map[string]audit.TrailEntry{}
	}
	if st.Actions == nil {
		st.Actions = map[string]audit.Action{}
	}
}

// clone deep-copies a stored value through JSON, the form both stores
// keep. It only copies values decoded from their own JSON at write (see
// put), which encode again; input is never cloned, so it cannot panic on
// what a caller sends.
func clone[T any](v T) T {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("memstore: stored %T does not encode: %v", v, err))
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("memstore: stored %T does not decode: %v", v, err))
	}
	return out
}

func notFound(what, id string) error {
	return audit.Errorf(audit.NotFound, "%s %q not found", what, id)
}

func required(what string) error { return audit.Errorf(audit.Invalid, "%s is required", what) }

// SaveCompany implements audit.CompanyStore.
func (s *Store) SaveCompany(_ context.Context, c *audit.Company) error {
	if c == nil {
		return required("company")
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if err := storable.Check("company "+c.ID, c); err != nil {
		return err
	}
	b, err := json.Marshal(c)
	if err != nil {
		return &audit.Error{Code: audit.Internal, Message: "encode company", Err: err}
	}
	ch := putRaw(bucketCompanies, c.ID, b, setCompany(c.ID))
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commit(ch)
}

// GetCompany implements audit.CompanyStore.
func (s *Store) GetCompany(_ context.Context, id string) (*audit.Company, error) {
	s.mu.Lock()
	b, ok := s.state.Companies[id]
	s.mu.Unlock()
	if !ok {
		return nil, notFound("company", id)
	}
	var c audit.Company
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, &audit.Error{Code: audit.Internal, Message: "decode company " + id, Err: err}
	}
	return &c, nil
}

// CreateReview implements audit.ReviewStore.
func (s *Store) CreateReview(_ context.Context, r *audit.Review) error {
	if r == nil {
		return required("review")
	}
	if err := r.ValidateNew(); err != nil {
		return err
	}
	if err := storable.Check("review "+r.ID, r); err != nil {
		return err
	}
	ch, err := put(bucketReviews, r.ID, *r, setReview)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.state.Reviews[r.ID]; ok {
		return audit.Errorf(audit.Conflict, "review %q already exists", r.ID)
	}
	return s.commit(ch)
}

// GetReview implements audit.ReviewStore.
func (s *Store) GetReview(_ context.Context, id string) (*audit.Review, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.state.Reviews[id]
	if !ok {
		return nil, notFound("review", id)
	}
	r = clone(r)
	return &r, nil
}

// UpdateReview implements audit.ReviewStore.
func (s *Store) UpdateReview(_ context.Context, r *audit.Review) error {
	if r == nil {
		return required("review")
	}
	if err := r.Validate(); err != nil {
		return err
	}
	if err := storable.Check("review "+r.ID, r); err != nil {
		return err
	}
	next := *r
	next.Version++
	ch, err := put(bucketReviews, r.ID, next, setReview)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.state.Reviews[r.ID]
	if !ok {
		return notFound("review", r.ID)
	}
	if old.Version != r.Version {
		return audit.Errorf(audit.Conflict, "review %q changed: version %d, not %d", r.ID, old.Version, r.Version)
	}
	if err := s.commit(ch); err != nil {
		return err
	}
	r.Version = next.Version
	return nil
}

// MarkAssignmentDone implements audit.ReviewStore. Like the DynamoDB store
// it bumps the review's version, so an UpdateReview from an earlier read
// cannot write an old Done count back.
func (s *Store) MarkAssignmentDone(_ context.Context, reviewID, assignmentID string) (*audit.Review, error) {
	if reviewID == "" || assignmentID == "" {
		return nil, required("review id and assignment id")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.state.Reviews[reviewID]
	if !ok {
		return nil, notFound("review", reviewID)
	}
	if !s.state.Done[reviewID][assignmentID] {
		// The mark and the counter are written together, so a retry after
		// a failed write counts once and a counted id is never lost.
		r.Done++
		r.Version++
		mark, err := put(bucketDone, pairKey(reviewID, assignmentID), doneMark{ReviewID: reviewID, AssignmentID: assignmentID}, setDone)
		if err != nil {
			return nil, err
		}
		rev, err := put(bucketReviews, reviewID, r, setReview)
		if err != nil {
			return nil, err
		}
		if err := s.commit(mark, rev); err != nil {
			return nil, err
		}
	}
	r = clone(s.state.Reviews[reviewID])
	return &r, nil
}

// SaveReport implements audit.ResultStore.
func (s *Store) SaveReport(_ context.Context, reviewID string, report []byte) error {
	if reviewID == "" {
		return required("review id")
	}
	if !json.Valid(report) {
		return audit.Errorf(audit.Invalid, "report of review %q is not JSON", reviewID)
	}
	ch := putRaw(bucketReports, reviewID, report, setReport(reviewID))
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commit(ch)
}

// GetReport implements audit.ResultStore.
func (s *Store) GetReport(_ context.Context, reviewID string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.state.Reports[reviewID]
	if !ok {
		return nil, notFound("report of review", reviewID)
	}
	return bytes.Clone(b), nil
}
