package memstore

import (
	"context"
	"fmt"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/storable"
)

// resultKey orders a touchpoint's results: by scoring time, then id.
func resultKey(r audit.Result) string { return sortTime(r.ScoredAt) + "#" + r.ID }

// GetResult implements audit.ResultStore.
func (s *Store) GetResult(_ context.Context, id string) (*audit.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.state.Results[id]
	if !ok {
		return nil, notFound("result", id)
	}
	r = clone(r)
	return &r, nil
}

// PutResults implements audit.ResultStore: every result is checked and
// encoded first, and all are written in one transaction. The schedule is
// left alone (PutSchedule moves it).
func (s *Store) PutResults(_ context.Context, rs []audit.Result) error {
	for i, r := range rs {
		if err := rs[i].Validate(); err != nil {
			return err
		}
		if err := storable.Check(fmt.Sprintf("results[%d] (%s)", i, r.ID), r); err != nil {
			return err
		}
	}
	changes := make([]change, 0, len(rs))
	for _, r := range rs {
		ch, err := put(bucketResults, r.ID, r, setResult)
		if err != nil {
			return err
		}
		changes = append(changes, ch)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commit(changes...)
}

// PutSchedule implements audit.ResultStore: each touchpoint's item is
// replaced whole, all in one transaction, after every item is checked.
func (s *Store) PutSchedule(_ context.Context, ds []audit.DueTouchpoint) error {
	for i := range ds {
		if err := ds[i].Validate(); err != nil {
			return err
		}
		if err := storable.Check(fmt.Sprintf("schedule[%d] (%s)", i, ds[i].TouchpointID), ds[i]); err != nil {
			return err
		}
	}
	changes := make([]change, 0, len(ds))
	for _, d := range ds {
		ch, err := put(bucketSchedule, pairKey(d.CompanyID, d.TouchpointID), scheduled{Due: d}, setScheduled)
		if err != nil {
			return err
		}
		changes = append(changes, ch)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commit(changes...)
}

// ListResultHistory implements audit.ResultStore.
func (s *Store) ListResultHistory(_ context.Context, companyID, touchpointID string, p audit.Page) ([]audit.Result, string, error) {
	if companyID == "" || touchpointID == "" {
		return nil, "", required("company id and touchpoint id")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var items []keyed[audit.Result]
	for _, r := range s.state.Results {
		if r.CompanyID == companyID && r.TouchpointID == touchpointID {
			items = append(items, keyed[audit.Result]{resultKey(r), r})
		}
	}
	return page(items, "history#"+companyID+"#"+touchpointID, p, true)
}

// ListResultsByReview implements audit.ResultStore, in result id order.
func (s *Store) ListResultsByReview(_ context.Context, reviewID string, p audit.Page) ([]audit.Result, string, error) {
	if reviewID == "" {
		return nil, "", required("review id")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var items []keyed[audit.Result]
	for _, r := range s.state.Results {
		if r.ReviewID == reviewID {
			items = append(items, keyed[audit.Result]{r.ID, r})
		}
	}
	return page(items, "results#"+reviewID, p, false)
}

// ListResultsQueued implements audit.ResultStore, longest waiting first.
func (s *Store) ListResultsQueued(_ context.Context, companyID string, q audit.Queue, p audit.Page) ([]audit.Result, string, error) {
	if companyID == "" || q == "" {
		return nil, "", required("company id and queue")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var items []keyed[audit.Result]
	for _, r := range s.state.Results {
		if on, since := r.Queued(); r.CompanyID == companyID && on == q {
			items = append(items, keyed[audit.Result]{sortTime(since) + "#" + r.ID, r})
		}
	}
	return page(items, "queue#"+companyID+"#"+string(q), p, false)
}

// ListDueTouchpoints implements audit.ResultStore.
func (s *Store) ListDueTouchpoints(_ context.Context, companyID string, before time.Time) ([]audit.DueTouchpoint, error) {
	if companyID == "" {
		return nil, required("company id")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var items []keyed[audit.DueTouchpoint]
	for _, e := range s.state.Schedule[companyID] {
		if e.Due.NextDue.Before(before) {
			items = append(items, keyed[audit.DueTouchpoint]{sortTime(e.Due.NextDue) + "#" + e.Due.TouchpointID, e.Due})
		}
	}
	out, _, err := page(items, "due#"+companyID, audit.Page{Limit: len(items) + 1}, false)
	return out, err
}
