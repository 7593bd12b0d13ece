package httpapi_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"testing"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/workflow"
)

// Tenant-safe review ids (issue 14, item 3): companies bank and bank-pl,
// whose ids share a prefix, through the handler on both stores. Neither
// lead can take, block or see the other's reviews.

var (
	bankLead   = claims("s-001", "bank", "[lead]")
	bankPLLead = claims("s-001", "bank-pl", "[lead]")
)

// withBank saves company bank: the sample bank-pl's configuration under
// the shorter id.
func withBank(t *testing.T, f *fixture) {
	t.Helper()
	b, _ := companies(t)
	c := *b
	c.ID = "bank"
	if err := f.store.SaveCompany(t.Context(), &c); err != nil {
		t.Fatal(err)
	}
}

func TestReviews_CompaniesSharingAPrefixNeverMeet(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		withBank(t, f)
		start := readEvent(t, "api-review-start")
		for _, c := range []struct{ name, body string }{
			{"bank-pl's scheduled id", `{"reviewId":"bank-pl.h-2027-1"}`},
			{"bank-pl's id of the old shape", `{"reviewId":"bank-pl-2027-h1"}`},
			{"bank's own scheduled id", `{"reviewId":"bank.h-2027-1"}`},
		} {
			t.Run("bank's lead cannot name "+c.name, func(t *testing.T) {
				f.invoke(t, withClaims(withBody(start, c.body), bankLead)).wantError(t, 400, "invalid", "reviewId")
			})
		}
		if len(f.exec.started) != 0 {
			t.Fatalf("executions started: %v", f.exec.started)
		}

		// bank's lead names a review that reads like bank-pl's; bank-pl's
		// half-yearly schedule then starts its review all the same.
		var started struct{ ReviewID string }
		f.invoke(t, withClaims(withBody(start, `{"reviewId":"bank.pl-2027-h1"}`), bankLead)).decode(t, &started)
		if started.ReviewID != "bank.pl-2027-h1" {
			t.Fatalf("bank's review id %q", started.ReviewID)
		}
		f.invoke(t, withClaims(withBody(start, `{"reviewId":"bank-pl.pilot-2027"}`), bankPLLead)).decode(t, &started)
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		wf := workflow.New(f.store, f.exec, workflow.LogNotifier{Log: log}, fixedClock{testNow}, workflow.Config{}, log)
		sched := time.Date(2027, 1, 4, 6, 0, 0, 0, time.UTC)
		for _, company := range []string{"bank-pl", "bank"} {
			out, err := wf.Reviews.StartReview(t.Context(), workflow.ReviewRequest{CompanyID: company, ScheduledTime: &sched})
			if err != nil || out.ReviewID != company+".h-2027-1" {
				t.Fatalf("%s's scheduled review: %+v, %v", company, out, err)
			}
		}

		own := map[string][]string{
			"bank":    {"bank.h-2027-1", "bank.pl-2027-h1"},
			"bank-pl": {reviewID, "bank-pl.h-2027-1", "bank-pl.pilot-2027"}, // sorted
		}
		for _, lead := range []map[string]string{bankLead, bankPLLead} {
			company, other := lead["custom:companyId"], "bank-pl"
			if company == "bank-pl" {
				other = "bank"
			}
			t.Run(company+"'s lead lists its own reviews only", func(t *testing.T) {
				ev := readEvent(t, "api-review")
				ev.RawPath = "/api/reviews"
				var list struct {
					Reviews []struct{ ID string } `json:"reviews"`
				}
				f.invoke(t, withClaims(ev, lead)).decode(t, &list)
				var ids []string
				for _, r := range list.Reviews {
					ids = append(ids, r.ID)
				}
				slices.Sort(ids)
				if !slices.Equal(ids, own[company]) {
					t.Fatalf("listed %v, want %v", ids, own[company])
				}
			})
			t.Run(company+"'s lead reads its own reviews", func(t *testing.T) {
				for _, id := range own[company] {
					ev := readEvent(t, "api-review")
					ev.RawPath = "/api/reviews/" + id
					var r audit.Review
					f.invoke(t, withClaims(ev, lead)).decode(t, &r)
					if r.ID != id || r.CompanyID != company {
						t.Errorf("GET %s: review %s of %s", id, r.ID, r.CompanyID)
					}
				}
			})
			t.Run(company+"'s lead gets 404 for the other's", func(t *testing.T) {
				for _, id := range own[other] {
					for _, path := range []string{"/api/reviews/" + id, "/api/reviews/" + id + "/report"} {
						ev := readEvent(t, "api-review")
						ev.RawPath = path
						r := f.invoke(t, withClaims(ev, lead))
						r.wantError(t, http.StatusNotFound, "not_found")
						var body map[string]any
						if json.Unmarshal([]byte(r.Body), &body) != nil || body["id"] != nil {
							t.Errorf("GET %s shows the review: %s", path, r.Body)
						}
					}
				}
			})
		}
	})
}
