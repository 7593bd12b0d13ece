package memstore

import (
	"context"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/storable"
)

// The audit trail and corrective actions, keyed by company and id so that
// ids repeat safely across companies.

func setTrail(st *state, e audit.TrailEntry) { st.Trail[pairKey(e.CompanyID, e.ID)] = e }
func setAction(st *state, a audit.Action)    { st.Actions[pairKey(a.CompanyID, a.ID)] = a }

// trailKey orders entries by time, then id: the dynamo store's sort key.
func trailKey(e audit.TrailEntry) string { return sortTime(e.At) + "#" + e.ID }

// AppendTrail implements audit.TrailStore. An entry is never replaced: a
// second append of its id changes nothing.
func (s *Store) AppendTrail(_ context.Context, e audit.TrailEntry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if err := storable.Check("trail entry "+e.ID, e); err != nil {
		return err
	}
	ch, err := put(bucketTrail, pairKey(e.CompanyID, e.ID), e, setTrail)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.state.Trail[pairKey(e.CompanyID, e.ID)]; ok {
		return nil
	}
	return s.commit(ch)
}

// ListTrail implements audit.TrailStore.
func (s *Store) ListTrail(_ context.Context, companyID string, o audit.TrailObject, p audit.Page) ([]audit.TrailEntry, string, error) {
	if companyID == "" || o.Kind == "" || o.ID == "" {
		return nil, "", required("company id, object kind and object id")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var items []keyed[audit.TrailEntry]
	for _, e := range s.state.Trail {
		if e.CompanyID == companyID && e.Object == o {
			items = append(items, keyed[audit.TrailEntry]{trailKey(e), e})
		}
	}
	return page(items, "trail#"+companyID+"#"+o.Kind+"#"+o.ID, p, false)
}

// ListCompanyTrail implements audit.TrailStore.
func (s *Store) ListCompanyTrail(_ context.Context, companyID string, p audit.Page) ([]audit.TrailEntry, string, error) {
	if companyID == "" {
		return nil, "", required("company id")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var items []keyed[audit.TrailEntry]
	for _, e := range s.state.Trail {
		if e.CompanyID == companyID {
			items = append(items, keyed[audit.TrailEntry]{trailKey(e), e})
		}
	}
	return page(items, "trail#"+companyID, p, true)
}

// actionKey orders actions by due day, then id.
func actionKey(a audit.Action) string { return a.Due.String() + "#" + a.ID }

// PutAction implements audit.ActionStore.
func (s *Store) PutAction(_ context.Context, a *audit.Action) error {
	if a == nil {
		return required("action")
	}
	if err := a.Validate(); err != nil {
		return err
	}
	if err := storable.Check("action "+a.ID, a); err != nil {
		return err
	}
	next := *a
	next.Version++
	ch, err := put(bucketActions, pairKey(a.CompanyID, a.ID), next, setAction)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.state.Actions[pairKey(a.CompanyID, a.ID)]
	switch {
	case a.Version == 0 && ok:
		return audit.Errorf(audit.Conflict, "action %q already exists", a.ID)
	case a.Version > 0 && !ok:
		return notFound("action", a.ID)
	case a.Version > 0 && old.Version != a.Version:
		return audit.Errorf(audit.Conflict, "action %q changed: version %d, not %d", a.ID, old.Version, a.Version)
	}
	if err := s.commit(ch); err != nil {
		return err
	}
	a.Version = next.Version
	return nil
}

// GetAction implements audit.ActionStore.
func (s *Store) GetAction(_ context.Context, companyID, id string) (*audit.Action, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.state.Actions[pairKey(companyID, id)]
	if !ok {
		return nil, notFound("action", id)
	}
	a = clone(a)
	return &a, nil
}

// ListActions implements audit.ActionStore.
func (s *Store) ListActions(_ context.Context, companyID string, status audit.ActionStatus, p audit.Page) ([]audit.Action, string, error) {
	if companyID == "" {
		return nil, "", required("company id")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var items []keyed[audit.Action]
	for _, a := range s.state.Actions {
		if a.CompanyID == companyID && (status == "" || a.Status == status) {
			items = append(items, keyed[audit.Action]{actionKey(a), a})
		}
	}
	return page(items, "actions#"+companyID+"#"+string(status), p, false)
}

// ListOverdueActions implements audit.ActionStore.
func (s *Store) ListOverdueActions(_ context.Context, companyID string, now time.Time, p audit.Page) ([]audit.Action, string, error) {
	if companyID == "" {
		return nil, "", required("company id")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var items []keyed[audit.Action]
	for _, a := range s.state.Actions {
		if a.CompanyID == companyID && a.Overdue(now) {
			items = append(items, keyed[audit.Action]{actionKey(a), a})
		}
	}
	return page(items, "overdue#"+companyID, p, false)
}
