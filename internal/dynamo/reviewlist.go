package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"touchaudit/internal/audit"
)

// companyReviewsListing is a company's reviews on GSI3, newest opening first.
func companyReviewsListing(companyID string) listing {
	return listing{index: indexGSI3, pkAttr: attrGSI3PK, skAttr: attrGSI3SK, pk: "REVIEWS#" + companyID, descending: true}
}

// reviewIndexKeys puts a review into its company's listing (doc.go: GSI3
// REVIEWS#<company>, <opens>#<review>). Every write of a review sets them,
// so a review written before the index existed joins it on its next update.
func reviewIndexKeys(item map[string]types.AttributeValue, r audit.Review) {
	item[attrGSI3PK] = str(companyReviewsListing(r.CompanyID).pk)
	item[attrGSI3SK] = str(sortTime(r.Window.Opens) + "#" + r.ID)
}

// ListReviews implements audit.ReviewStore: one Query of GSI3, descending.
func (s *Store) ListReviews(ctx context.Context, companyID string, p audit.Page) ([]audit.Review, string, error) {
	if companyID == "" {
		return nil, "", required("company id")
	}
	items, next, err := s.page(ctx, companyReviewsListing(companyID), p)
	if err != nil {
		return nil, "", err
	}
	out := make([]audit.Review, len(items))
	for i, item := range items {
		if err := unmarshal(item, &out[i]); err != nil {
			return nil, "", err
		}
	}
	return out, next, nil
}
