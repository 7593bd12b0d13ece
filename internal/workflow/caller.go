package workflow

import (
	"context"
	"sync"

	"touchaudit/internal/audit"
)

// Own checks that assignment id belongs to the auditor staffID of company
// companyID and returns a Service for one call on it (StartWalk, SaveDraft,
// Submit, ConfirmPromise). The HTTP API knows its caller by company and staff
// id, while those methods check only the auditor, so the company is checked
// here; anything else is reported as not found, as for another auditor.
//
// The returned Service answers the method's own read of the assignment from
// the one made here, so the check costs no round trip: a submission stays at
// two (this read and the store's transaction).
func (s *Service) Own(ctx context.Context, companyID, staffID, id string) (*Service, error) {
	a, err := s.store.GetAssignment(ctx, id)
	if err != nil {
		return nil, err
	}
	if companyID == "" || staffID == "" || a.CompanyID != companyID || a.AuditorID != staffID {
		return nil, audit.Errorf(audit.NotFound, "assignment %s not found", id)
	}
	one := New(&primedStore{Store: s.store, a: a}, s.exec, s.notify, s.clock, s.cfg, s.log)
	// Share the scoring engines, so a view's criteria need no company read.
	s.scorersOnce.Do(func() { s.scorers = &scorers{byID: map[string]cachedScorer{}, store: s.store} })
	one.scorersOnce.Do(func() { one.scorers = s.scorers })
	return one, nil
}

// primedStore answers the first read of one assignment from memory and every
// other call from the store underneath.
type primedStore struct {
	audit.Store
	mu sync.Mutex
	a  *audit.Assignment
}

func (p *primedStore) GetAssignment(ctx context.Context, id string) (*audit.Assignment, error) {
	p.mu.Lock()
	a := p.a
	if a != nil && a.ID == id {
		p.a = nil
	}
	p.mu.Unlock()
	if a != nil && a.ID == id {
		return a, nil
	}
	return p.Store.GetAssignment(ctx, id)
}
