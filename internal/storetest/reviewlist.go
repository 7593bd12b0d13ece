package storetest

import (
	"testing"
	"time"

	"touchaudit/internal/audit"
)

// The review listing's cases join the review group (a new file, so the
// suite's other files stay as they are).
func init() { reviewCases = append(reviewCases, reviewListCases...) }

var reviewListCases = []contractCase{
	{"reviews list newest opening first, per company, in pages", func(t *testing.T, s audit.Store) {
		opens := map[string]int{"r-2025h1": -365, "r-2025h2": -180, "r-2026h1": 0, "r-2026h2": 180}
		for _, id := range []string{"r-2026h1", "r-2025h1", "r-2026h2", "r-2025h2"} {
			r := newReview(id)
			r.Window.Opens = t0.Add(time.Duration(opens[id]) * audit.Day)
			r.Window.Closes = r.Window.Opens.Add(30 * audit.Day)
			must(t, s.CreateReview(ctxOf(t), r), "CreateReview "+id)
		}
		other := newReview("r-other")
		other.CompanyID = "insurer"
		must(t, s.CreateReview(ctxOf(t), other), "CreateReview other company")

		got, pages := collect(t, 3, func(p audit.Page) ([]audit.Review, string, error) {
			return s.ListReviews(ctxOf(t), "bank", p)
		})
		var ids []string
		for _, r := range got {
			ids = append(ids, r.ID)
		}
		sameJSON(t, ids, []string{"r-2026h2", "r-2026h1", "r-2025h2", "r-2025h1"}, "review ids")
		if pages != 2 {
			t.Fatalf("pages = %d, want 2 (4 reviews, 3 a page)", pages)
		}
	}},
	{"an updated review stays listed once with its new state", func(t *testing.T, s audit.Store) {
		r := newReview("r-2026h1")
		must(t, s.CreateReview(ctxOf(t), r), "CreateReview")
		r.Status, r.Assignments = audit.ReviewRunning, 12
		must(t, s.UpdateReview(ctxOf(t), r), "UpdateReview")
		got, next, err := s.ListReviews(ctxOf(t), "bank", audit.Page{})
		must(t, err, "ListReviews")
		if len(got) != 1 || next != "" {
			t.Fatalf("got %d reviews and cursor %q, want 1 and none", len(got), next)
		}
		sameJSON(t, got[0], r, "listed review")
	}},
	{"a company without reviews lists none; bad input is invalid", func(t *testing.T, s audit.Store) {
		got, next, err := s.ListReviews(ctxOf(t), "bank", audit.Page{})
		must(t, err, "ListReviews")
		if len(got) != 0 || next != "" {
			t.Fatalf("got %d reviews, cursor %q; want none", len(got), next)
		}
		_, _, err = s.ListReviews(ctxOf(t), "", audit.Page{})
		wantCode(t, err, audit.Invalid, "ListReviews(no company)")
		_, _, err = s.ListReviews(ctxOf(t), "bank", audit.Page{Cursor: "garbage"})
		wantCode(t, err, audit.Invalid, "ListReviews(bad cursor)")
	}},
}
