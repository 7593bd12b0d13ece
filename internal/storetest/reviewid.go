package storetest

import (
	"testing"

	"touchaudit/internal/audit"
)

// The tenant cases of review ids join the review group: a review id with a
// dot names its company (audit.ReviewID), and the store refuses to create
// one in another company's name, whoever asks.
func init() { reviewCases = append(reviewCases, reviewIDCases...) }

var reviewIDCases = []contractCase{
	{"a dotted review id names its company: another company's is refused", func(t *testing.T, s audit.Store) {
		squat := newReview("bank-pl.h-2027-1")
		wantCode(t, s.CreateReview(ctxOf(t), squat), audit.Invalid, "CreateReview(bank's review as bank-pl.h-2027-1)")
		_, err := s.GetReview(ctxOf(t), "bank-pl.h-2027-1")
		wantCode(t, err, audit.NotFound, "GetReview after a refused create")
		own := newReview("bank-pl.h-2027-1")
		own.CompanyID = "bank-pl"
		must(t, s.CreateReview(ctxOf(t), own), "CreateReview bank-pl's own")
	}},
	{"companies whose ids share a prefix keep reviews of the same name apart", func(t *testing.T, s audit.Store) {
		mine := newReview("bank.h-2027-1")
		theirs := newReview("bank-pl.h-2027-1")
		theirs.CompanyID, theirs.Seed = "bank-pl", 7
		must(t, s.CreateReview(ctxOf(t), mine), "CreateReview bank")
		must(t, s.CreateReview(ctxOf(t), theirs), "CreateReview bank-pl")
		for _, want := range []*audit.Review{mine, theirs} {
			got, err := s.GetReview(ctxOf(t), want.ID)
			must(t, err, "GetReview "+want.ID)
			sameJSON(t, got, want, want.ID)
			listed, _, err := s.ListReviews(ctxOf(t), want.CompanyID, audit.Page{})
			must(t, err, "ListReviews "+want.CompanyID)
			sameJSON(t, listed, []audit.Review{*want}, want.CompanyID+"'s reviews")
		}
	}},
	{"a review stored before ids carried the company stays updatable", func(t *testing.T, s audit.Store) {
		// An old id of bank-pl's shape that bank took: no dot, so it names
		// no company; updates do not apply the creation rule.
		old := newReview("bank-pl-2027-h1")
		must(t, s.CreateReview(ctxOf(t), old), "CreateReview old-shaped id")
		old.Status = audit.ReviewRunning
		must(t, s.UpdateReview(ctxOf(t), old), "UpdateReview old-shaped id")
		got, err := s.GetReview(ctxOf(t), old.ID)
		must(t, err, "GetReview")
		sameJSON(t, got, old, "old review")
	}},
}
