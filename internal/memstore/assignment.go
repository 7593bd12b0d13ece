package memstore

import (
	"context"
	"fmt"

	"touchaudit/internal/audit"
	"touchaudit/internal/storable"
)

// PutAssignments implements audit.AssignmentStore. All assignments are
// validated and encoded first, then written in one transaction: an invalid
// one stores none. A repeated id keeps the last one.
func (s *Store) PutAssignments(_ context.Context, as []audit.Assignment) error {
	changes := make([]change, 0, len(as))
	for i, a := range as {
		if err := as[i].Validate(); err != nil {
			return err
		}
		if err := storable.Check(fmt.Sprintf("assignments[%d] (%s)", i, a.ID), a); err != nil {
			return err
		}
		ch, err := put(bucketAssignments, a.ID, a, setAssignment)
		if err != nil {
			return err
		}
		changes = append(changes, ch)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commit(changes...)
}

// GetAssignment implements audit.AssignmentStore.
func (s *Store) GetAssignment(_ context.Context, id string) (*audit.Assignment, error) {
	if id == "" {
		return nil, required("assignment id")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.state.Assignments[id]
	if !ok {
		return nil, notFound("assignment", id)
	}
	a = clone(a)
	return &a, nil
}

// UpdateAssignment implements audit.AssignmentStore.
func (s *Store) UpdateAssignment(_ context.Context, a *audit.Assignment) error {
	if a == nil {
		return required("assignment")
	}
	if err := a.Validate(); err != nil {
		return err
	}
	if err := storable.Check("assignment "+a.ID, a); err != nil {
		return err
	}
	next := *a
	next.Version++
	ch, err := put(bucketAssignments, a.ID, next, setAssignment)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkVersion(*a); err != nil {
		return err
	}
	if err := s.commit(ch); err != nil {
		return err
	}
	a.Version = next.Version
	return nil
}

// checkVersion is the optimistic lock; s.mu must be held.
func (s *Store) checkVersion(a audit.Assignment) error {
	old, ok := s.state.Assignments[a.ID]
	if !ok {
		return notFound("assignment", a.ID)
	}
	if old.Version != a.Version {
		return audit.Errorf(audit.Conflict, "assignment %q changed: version %d, not %d", a.ID, old.Version, a.Version)
	}
	return nil
}

// ListAssignmentsByAuditor implements audit.AssignmentStore.
func (s *Store) ListAssignmentsByAuditor(_ context.Context, companyID, auditorID string, p audit.Page) ([]audit.Assignment, string, error) {
	if companyID == "" || auditorID == "" {
		return nil, "", required("company id and auditor id")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var items []keyed[audit.Assignment]
	for _, a := range s.state.Assignments {
		if a.AuditorID != auditorID || a.CompanyID != companyID {
			continue
		}
		group := "1"
		if a.Status.Open() {
			group = "0"
		}
		items = append(items, keyed[audit.Assignment]{group + "#" + sortTime(a.Due) + "#" + a.ID, a})
	}
	return page(items, "auditor#"+companyID+"#"+auditorID, p, false)
}

// ListAssignmentsByReview implements audit.AssignmentStore.
func (s *Store) ListAssignmentsByReview(_ context.Context, reviewID string, status audit.AssignmentStatus, p audit.Page) ([]audit.Assignment, string, error) {
	if reviewID == "" || status == "" {
		return nil, "", required("review id and status")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var items []keyed[audit.Assignment]
	for _, a := range s.state.Assignments {
		if a.ReviewID == reviewID && a.Status == status {
			items = append(items, keyed[audit.Assignment]{sortTime(a.Due) + "#" + a.ID, a})
		}
	}
	return page(items, "review#"+reviewID+"#"+string(status), p, false)
}

// RecordSubmission implements audit.AssignmentStore. Everything it will
// store is checked and encoded before the lock; under the lock the
// idempotency record is checked first (a retry carries the version it read
// before the first attempt bumped it), then the version, then the
// walkthrough id; all three are written together or not at all. An expired
// idempotency record counts as none, as after DynamoDB's TTL deleted it.
func (s *Store) RecordSubmission(_ context.Context, sub audit.Submission) (audit.Receipt, error) {
	if err := sub.Validate(); err != nil {
		return audit.Receipt{}, err
	}
	if err := storable.Check("submission "+sub.ID, sub); err != nil {
		return audit.Receipt{}, err
	}
	if rc, ok, err := s.replay(sub); ok || err != nil {
		return rc, err
	}
	at := sub.At
	if at.IsZero() {
		at = s.now()
	}
	next := sub.Assignment
	next.Version++
	rc := audit.Receipt{
		SubmissionID: sub.ID, AssignmentID: next.ID, WalkthroughID: sub.Walkthrough.ID,
		AssignmentVersion: next.Version, PayloadHash: sub.PayloadHash, RecordedAt: at.UTC(),
	}
	if reason := storable.Time(rc.RecordedAt); reason != "" {
		return audit.Receipt{}, &audit.Error{Code: audit.Invalid, Message: "cannot store submission " + sub.ID,
			Problems: []audit.Problem{{Path: "at", Reason: "the store's clock: " + reason}}}
	}
	var changes []change
	for _, c := range []func() (change, error){
		func() (change, error) { return put(bucketAssignments, next.ID, next, setAssignment) },
		func() (change, error) {
			return put(bucketWalkthroughs, sub.Walkthrough.ID, sub.Walkthrough, setWalkthrough)
		},
		func() (change, error) { return put(bucketSubmissions, sub.ID, rc, setReceipt) },
	} {
		ch, err := c()
		if err != nil {
			return audit.Receipt{}, err
		}
		changes = append(changes, ch)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if rc, ok, err := s.replayLocked(sub); ok || err != nil {
		return rc, err
	}
	if err := s.checkVersion(sub.Assignment); err != nil {
		return audit.Receipt{}, err
	}
	if _, ok := s.state.Walkthroughs[sub.Walkthrough.ID]; ok {
		return audit.Receipt{}, audit.Errorf(audit.Conflict, "walkthrough %q is already recorded", sub.Walkthrough.ID)
	}
	if err := s.commit(changes...); err != nil {
		return audit.Receipt{}, err
	}
	return clone(s.state.Submissions[sub.ID]), nil
}

// replay answers a repeated submission id from its live idempotency record:
// ok with the first receipt for the same payload, a Conflict for another.
func (s *Store) replay(sub audit.Submission) (audit.Receipt, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.replayLocked(sub)
}

func (s *Store) replayLocked(sub audit.Submission) (audit.Receipt, bool, error) {
	rc, ok := s.liveReceipt(sub.ID)
	if !ok {
		return audit.Receipt{}, false, nil
	}
	if rc.PayloadHash != sub.PayloadHash {
		return audit.Receipt{}, false, audit.Errorf(audit.Conflict, "submission %q was recorded with another payload", sub.ID)
	}
	rc.Replayed = true
	return rc, true, nil
}

// liveReceipt is the stored, unexpired receipt of a submission; s.mu must
// be held.
func (s *Store) liveReceipt(id string) (audit.Receipt, bool) {
	rc, ok := s.state.Submissions[id]
	if !ok || s.expired(rc) {
		return audit.Receipt{}, false
	}
	return clone(rc), true
}

// GetReceipt implements audit.AssignmentStore.
func (s *Store) GetReceipt(_ context.Context, submissionID string) (audit.Receipt, error) {
	if submissionID == "" {
		return audit.Receipt{}, required("submission id")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rc, ok := s.liveReceipt(submissionID)
	if !ok {
		return audit.Receipt{}, notFound("submission", submissionID)
	}
	return rc, nil
}

// GetWalkthrough implements audit.AssignmentStore.
func (s *Store) GetWalkthrough(_ context.Context, id string) (*audit.Walkthrough, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := s.state.Walkthroughs[id]
	if !ok {
		return nil, notFound("walkthrough", id)
	}
	w = clone(w)
	return &w, nil
}

// GetWalkthroughs implements audit.AssignmentStore: the ones found, in the
// order asked, each once.
func (s *Store) GetWalkthroughs(_ context.Context, ids []string) ([]audit.Walkthrough, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []audit.Walkthrough{}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if w, ok := s.state.Walkthroughs[id]; ok {
			out = append(out, clone(w))
		}
	}
	return out, nil
}
