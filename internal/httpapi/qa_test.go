package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"touchaudit/internal/audit"
	"touchaudit/internal/workflow"
)

// callQA is a request of method on path (under the prod stage) by who.
func callQA(t *testing.T, method, path string, who map[string]string, body string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	ev := withClaims(readEvent(t, "api-review"), who)
	ev.RawPath, ev.RequestContext.HTTP.Path, ev.RequestContext.HTTP.Method = "/prod"+path, "/prod"+path, method
	return withBody(ev, body)
}

// pendingResult stores a −2 result of acc.ivr-info (owned by the contact
// centre, whose manager is s-158) waiting for QA.
func pendingResult(t *testing.T, f *fixture) audit.Result {
	t.Helper()
	r := audit.Result{ID: "w-qa", CompanyID: "bank-pl", ReviewID: reviewID, TouchpointID: "acc.ivr-info", JourneyID: "account-opening",
		Channel: audit.ChannelIVR, WalkthroughID: "w-qa", AssignmentID: a1, AuditorID: "s-017", StandardVersion: "v2", Valuation: -2,
		Reasons:  []audit.Reason{{CriterionID: "ivr-to-consultant", Kind: audit.KindTiming, Effect: -2, Detail: "5m over the 3m limit"}},
		ScoredAt: testNow.Add(-time.Hour), WalkedAt: testNow.Add(-2 * time.Hour), NextDue: testNow.AddDate(0, 1, 0),
		QA: &audit.QA{Status: audit.QAPending, Since: testNow.Add(-time.Hour), Why: []string{"valuation -2 is below -1"}}}
	if err := f.store.PutResults(context.Background(), []audit.Result{r}); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestQAQueue_LeadsOfTheCompanyOnly(t *testing.T) {
	f := newFixture(t, nil)
	pendingResult(t, f)
	lead := claims("s-001", "bank-pl", "[lead]")
	var q struct {
		Items []workflow.QueueItem `json:"items"`
	}
	f.invoke(t, callQA(t, "GET", "/api/qa", lead, "")).decode(t, &q)
	if len(q.Items) != 1 || q.Items[0].ResultID != "w-qa" || q.Items[0].QA.Why[0] != "valuation -2 is below -1" || !q.Items[0].Since.Equal(testNow.Add(-time.Hour)) {
		t.Fatalf("queue %+v", q.Items)
	}
	f.invoke(t, callQA(t, "GET", "/api/qa", claims("s-01", "siec-przykladowa", "[lead]"), "")).decode(t, &q)
	if len(q.Items) != 0 {
		t.Fatalf("another company's lead sees %d results", len(q.Items))
	}
	f.invoke(t, callQA(t, "GET", "/api/qa", claims("s-017", "bank-pl", "[auditor]"), "")).wantError(t, http.StatusForbidden, "forbidden")
}

func TestQADecision_OverHTTP(t *testing.T) {
	cases := []struct {
		name   string
		who    map[string]string
		path   string
		body   string
		status int
		code   string
		field  string
	}{
		{"reject without a reason", claims("s-001", "bank-pl", "[lead]"), "/api/results/w-qa/reject", `{}`, http.StatusBadRequest, "invalid", "reason"},
		{"unknown field", claims("s-001", "bank-pl", "[lead]"), "/api/results/w-qa/hold", `{"note":"x"}`, http.StatusBadRequest, "invalid", "note"},
		{"another company's lead", claims("s-01", "siec-przykladowa", "[lead]"), "/api/results/w-qa/approve", ``, http.StatusNotFound, "not_found", ""},
		{"an auditor", claims("s-017", "bank-pl", "[auditor]"), "/api/results/w-qa/approve", ``, http.StatusForbidden, "forbidden", ""},
		{"approve", claims("s-001", "bank-pl", "[lead]"), "/api/results/w-qa/approve", ``, http.StatusOK, "", ""},
		{"hold with a note", claims("s-001", "bank-pl", "[lead]"), "/api/results/w-qa/hold", `{"reason":"asking the contact centre"}`, http.StatusOK, "", ""},
		{"reject with a reason", claims("s-001", "bank-pl", "[lead]"), "/api/results/w-qa/reject", `{"reason":"the queue was not timed"}`, http.StatusOK, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, nil)
			pendingResult(t, f)
			resp := f.invoke(t, callQA(t, "POST", c.path, c.who, c.body))
			if c.status != http.StatusOK {
				var paths []string
				if c.field != "" {
					paths = append(paths, c.field)
				}
				resp.wantError(t, c.status, c.code, paths...)
				return
			}
			var item workflow.QueueItem
			resp.decode(t, &item)
			verb := map[audit.QAStatus]string{audit.QAApproved: "/approve", audit.QAHeld: "/hold", audit.QARejected: "/reject"}[item.QA.Status]
			if item.ResultID != "w-qa" || item.QA.DecidedBy != "s-001" || verb == "" || !strings.HasSuffix(c.path, verb) {
				t.Fatalf("decided %+v", item.QA)
			}
		})
	}
}

func TestAppeal_OverHTTP(t *testing.T) {
	f := newFixture(t, nil)
	pendingResult(t, f)
	lead := claims("s-001", "bank-pl", "[lead]")
	manager := claims("s-158", "bank-pl", "[manager]")
	body := `{"reason":"the IVR was being re-recorded that day"}`
	// Not approved yet: nothing to appeal.
	f.invoke(t, callQA(t, "POST", "/api/results/w-qa/appeal", manager, body)).wantError(t, http.StatusConflict, "conflict")
	f.invoke(t, callQA(t, "POST", "/api/results/w-qa/approve", lead, "")).decode(t, &workflow.QueueItem{})
	f.invoke(t, callQA(t, "POST", "/api/results/w-qa/appeal", claims("s-017", "bank-pl", "[auditor]"), body)).wantError(t, http.StatusForbidden, "forbidden")
	f.invoke(t, callQA(t, "POST", "/api/results/w-qa/appeal", claims("s-002", "bank-pl", "[manager]"), body)).wantError(t, http.StatusNotFound, "not_found")
	f.invoke(t, callQA(t, "POST", "/api/results/w-qa/appeal", manager, `{}`)).wantError(t, http.StatusBadRequest, "invalid", "reason")
	var item workflow.QueueItem
	f.invoke(t, callQA(t, "POST", "/api/results/w-qa/appeal", manager, body)).decode(t, &item)
	if item.Appeal == nil || item.Appeal.By != "s-158" || item.Appeal.Role != audit.RoleManager || item.Appeal.Status != audit.AppealOpen {
		t.Fatalf("appeal %+v", item.Appeal)
	}
	var q struct {
		Items []workflow.QueueItem `json:"items"`
	}
	f.invoke(t, callQA(t, "GET", "/api/appeals", lead, "")).decode(t, &q)
	if len(q.Items) != 1 || q.Items[0].ResultID != "w-qa" {
		t.Fatalf("appeals %+v", q.Items)
	}
	f.invoke(t, callQA(t, "POST", "/api/appeals/w-qa/decide", manager, `{"decision":"uphold","reason":"x"}`)).wantError(t, http.StatusForbidden, "forbidden")
	f.invoke(t, callQA(t, "POST", "/api/appeals/w-qa/decide", lead, `{"decision":"change","reason":"x"}`)).wantError(t, http.StatusBadRequest, "invalid", "valuation")
	f.invoke(t, callQA(t, "POST", "/api/appeals/w-qa/decide", lead, `{"decision":"change","valuation":-1,"reason":"the maintenance was announced"}`)).decode(t, &item)
	if item.Valuation != -1 || item.Appeal.Status != audit.AppealChanged || item.Appeal.DecidedBy != "s-001" {
		t.Fatalf("decided %d %+v", item.Valuation, item.Appeal)
	}
	f.invoke(t, callQA(t, "GET", "/api/appeals", lead, "")).decode(t, &q)
	if len(q.Items) != 0 {
		t.Fatalf("%d appeals left open", len(q.Items))
	}
}
