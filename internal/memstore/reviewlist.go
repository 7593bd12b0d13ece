package memstore

import (
	"context"

	"touchaudit/internal/audit"
)

// ListReviews implements audit.ReviewStore: newest opening first, then by id
// (descending), the order of the DynamoDB store's review index.
func (s *Store) ListReviews(_ context.Context, companyID string, p audit.Page) ([]audit.Review, string, error) {
	if companyID == "" {
		return nil, "", required("company id")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var items []keyed[audit.Review]
	for _, r := range s.state.Reviews {
		if r.CompanyID == companyID {
			items = append(items, keyed[audit.Review]{sortTime(r.Window.Opens) + "#" + r.ID, r})
		}
	}
	return page(items, "reviews#"+companyID, p, true)
}
