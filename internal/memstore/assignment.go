package memstore

import (
	"context"

	"touchaudit/internal/audit"
)

// PutAssignments implements audit.AssignmentStore. All assignments are
// validated first: an invalid one stores none.
func (s *Store) PutAssignments(_ context.Context, as []audit.Assignment) error {
	for i := range as {
		if err := as[i].Validate(); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range as {
		s.state.Assignments[a.ID] = clone(a)
	}
	return nil
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
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkVersion(*a); err != nil {
		return err
	}
	next := clone(*a)
	next.Version++
	s.state.Assignments[a.ID] = next
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

// RecordSubmission implements audit.AssignmentStore: under the one lock the
// idempotency record is checked first (a retry carries the version it read
// before the first attempt bumped it), then the version, then the
// walkthrough id; all three are written together or not at all.
func (s *Store) RecordSubmission(_ context.Context, sub audit.Submission) (audit.Receipt, error) {
	if err := sub.Validate(); err != nil {
		return audit.Receipt{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if rc, ok := s.state.Submissions[sub.ID]; ok {
		if rc.PayloadHash != sub.PayloadHash {
			return audit.Receipt{}, audit.Errorf(audit.Conflict, "submission %q was recorded with another payload", sub.ID)
		}
		rc.Replayed = true
		return rc, nil
	}
	if err := s.checkVersion(sub.Assignment); err != nil {
		return audit.Receipt{}, err
	}
	if _, ok := s.state.Walkthroughs[sub.Walkthrough.ID]; ok {
		return audit.Receipt{}, audit.Errorf(audit.Conflict, "walkthrough %q is already recorded", sub.Walkthrough.ID)
	}
	at := sub.At
	if at.IsZero() {
		at = s.now()
	}
	next := clone(sub.Assignment)
	next.Version++
	rc := audit.Receipt{
		SubmissionID: sub.ID, AssignmentID: next.ID, WalkthroughID: sub.Walkthrough.ID,
		AssignmentVersion: next.Version, PayloadHash: sub.PayloadHash, RecordedAt: at.UTC(),
	}
	rc = clone(rc)
	s.state.Assignments[next.ID] = next
	s.state.Walkthroughs[sub.Walkthrough.ID] = clone(sub.Walkthrough)
	s.state.Submissions[sub.ID] = rc
	return rc, nil
}

// GetReceipt implements audit.AssignmentStore.
func (s *Store) GetReceipt(_ context.Context, submissionID string) (audit.Receipt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rc, ok := s.state.Submissions[submissionID]
	if !ok {
		return audit.Receipt{}, notFound("submission", submissionID)
	}
	return clone(rc), nil
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
