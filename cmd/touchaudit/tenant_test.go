package main

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/workflow"
)

// TestLocal_CompaniesSharingAPrefixNeverMeet is issue 14's check through
// the API of `touchaudit local`: companies bank and bank-pl, neither of
// which can take, block or see the other's reviews.
func TestLocal_CompaniesSharingAPrefixNeverMeet(t *testing.T) {
	s := startTestLocal(t, false)
	lead, ok := s.Company.Staff[0], false
	for _, m := range s.Company.Staff {
		if slices.Contains(m.Roles, audit.RoleLead) {
			lead, ok = m, true
			break
		}
	}
	if !ok {
		t.Fatal("the sample bank has no lead")
	}
	bankPL := s.Tokens[lead.ID]
	bank, err := s.token("bank", lead)
	if err != nil {
		t.Fatal(err)
	}
	// bank's lead imports bank's configuration (the sample's, under the
	// shorter id) through the API.
	cfg := *s.Company
	cfg.ID = "bank"
	if status, b := call(t, "PUT", s.URL+"/api/company", bank, cfg); status != http.StatusOK {
		t.Fatalf("PUT /api/company as bank: %d %s", status, b)
	}

	opens := "2027-01-11T08:00:00Z" // later than now: the executions wait
	for _, id := range []string{"bank-pl.h-2027-1", "bank-pl-2027-h1", "bank.h-2027-1"} {
		status, b := call(t, "POST", s.URL+"/api/reviews", bank, map[string]any{"reviewId": id, "opens": opens})
		wantError(t, status, b, http.StatusBadRequest, "invalid")
		if !strings.Contains(string(b), `"path":"reviewId"`) {
			t.Errorf("POST /api/reviews %s: %s does not name reviewId", id, b)
		}
	}
	started := func(token, id string) {
		t.Helper()
		status, b := call(t, "POST", s.URL+"/api/reviews", token, map[string]any{"reviewId": id, "opens": opens})
		var out struct{ ReviewID string }
		if status != http.StatusAccepted || json.Unmarshal(b, &out) != nil || out.ReviewID != id {
			t.Fatalf("POST /api/reviews %s: %d %s", id, status, b)
		}
	}
	started(bank, "bank.pl-2027-h1")
	started(bankPL, "bank-pl.pilot-2027")
	// Each half-yearly schedule starts its company's review (EventBridge in
	// AWS): bank's review above blocks nothing.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sched := time.Date(2027, 1, 4, 6, 0, 0, 0, time.UTC)
	for _, company := range []string{"bank-pl", "bank"} {
		out, err := s.stack.workflow.Reviews.StartReview(ctx, workflow.ReviewRequest{CompanyID: company, ScheduledTime: &sched})
		if err != nil || out.ReviewID != company+".h-2027-1" {
			t.Fatalf("%s's scheduled review: %+v, %v", company, out, err)
		}
	}

	own := map[string][]string{
		"bank":    {"bank.h-2027-1", "bank.pl-2027-h1"},
		"bank-pl": {"bank-pl.h-2027-1", "bank-pl.pilot-2027"},
	}
	for _, c := range []struct{ company, other, token string }{{"bank", "bank-pl", bank}, {"bank-pl", "bank", bankPL}} {
		t.Run(c.company+"'s lead lists and reads its own reviews", func(t *testing.T) {
			status, b := call(t, "GET", s.URL+"/api/reviews", c.token, nil)
			var list struct {
				Reviews []struct{ ID string } `json:"reviews"`
			}
			if status != http.StatusOK || json.Unmarshal(b, &list) != nil {
				t.Fatalf("GET /api/reviews: %d %s", status, b)
			}
			var ids []string
			for _, r := range list.Reviews {
				ids = append(ids, r.ID)
			}
			slices.Sort(ids)
			if !slices.Equal(ids, own[c.company]) {
				t.Fatalf("listed %v, want %v", ids, own[c.company])
			}
			for _, id := range own[c.company] {
				if status, b := call(t, "GET", s.URL+"/api/reviews/"+id, c.token, nil); status != http.StatusOK {
					t.Errorf("GET /api/reviews/%s: %d %s", id, status, b)
				}
			}
		})
		t.Run(c.company+"'s lead gets 404 for the other's", func(t *testing.T) {
			for _, id := range own[c.other] {
				status, b := call(t, "GET", s.URL+"/api/reviews/"+id, c.token, nil)
				wantError(t, status, b, http.StatusNotFound, "not_found")
			}
		})
	}
}
