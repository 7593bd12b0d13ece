package httpapi_test

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"touchaudit/internal/audit"
	"touchaudit/internal/consoleapi"
	"touchaudit/internal/httpapi"
	"touchaudit/internal/workflow"
)

// call is the sample's lead event (api-company) sent as method to path
// with the query and body, by the given claims (nil: the lead s-001).
func call(t *testing.T, method, path string, query url.Values, body string, cl map[string]string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	ev := readEvent(t, "api-company")
	ev.RawPath, ev.RequestContext.HTTP.Path, ev.RequestContext.HTTP.Method = path, path, method
	ev.RawQueryString, ev.QueryStringParameters = query.Encode(), map[string]string{}
	for k := range query {
		ev.QueryStringParameters[k] = query.Get(k)
	}
	ev.Body = body
	if cl == nil {
		cl = claims("s-001", "bank-pl", "[lead]")
	}
	return withClaims(ev, cl)
}

// minusTwo stores a −2 result of acc.ivr-info in the sample bank.
func minusTwo(t *testing.T, f *fixture, id string) {
	t.Helper()
	walked := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	r := audit.Result{ID: id, CompanyID: "bank-pl", ReviewID: reviewID, TouchpointID: "acc.ivr-info", JourneyID: "account-opening",
		Channel: audit.ChannelIVR, WalkthroughID: "w-" + id, AuditorID: "s-017", StandardVersion: "v2", Valuation: -2,
		WalkedAt: walked, ScoredAt: walked, NextDue: walked.AddDate(0, 1, 0), DueReason: "awaitingFix"}
	if err := f.store.PutResults(t.Context(), []audit.Result{r}); err != nil {
		t.Fatal(err)
	}
}

const newActionBody = `{"id":"act-1","resultId":"res-1","what":"Put 'talk to a consultant' first in the IVR menu",
	"owner":{"unit":"dep-contact-centre","person":"s-002"},"due":"2026-12-15","cost":{"amount":4000,"currency":"PLN"},
	"reason":"the worst touchpoint of the review"}`

func TestActions_LifeThroughTheAPI(t *testing.T) {
	f := newFixture(t, nil)
	minusTwo(t, f, "res-1")
	var a audit.Action
	created := f.invoke(t, call(t, "POST", "/api/actions", nil, newActionBody, nil))
	if created.StatusCode != 201 {
		t.Fatalf("create: %d %s", created.StatusCode, created.Body)
	}
	created.decode(t, &a)
	if a.Status != audit.ActionOpen || a.TouchpointID != "acc.ivr-info" || a.Valuation != -2 || a.CreatedBy != "s-001" {
		t.Fatalf("created %+v", a)
	}
	f.invoke(t, call(t, "POST", "/api/actions", nil, newActionBody, nil)).wantError(t, 409, "conflict")

	for _, to := range []string{"in_progress", "done"} {
		f.invoke(t, call(t, "POST", "/api/actions/act-1/status", nil, `{"status":"`+to+`"}`, nil)).decode(t, &a)
	}
	if a.Status != audit.ActionDone || a.DoneAt == nil || !a.DoneAt.Equal(testNow) {
		t.Fatalf("after done: %+v", a)
	}
	f.invoke(t, call(t, "POST", "/api/actions/act-1/status", nil, `{"status":"open"}`, nil)).wantError(t, 409, "conflict")
	f.invoke(t, call(t, "POST", "/api/actions/act-1/status", nil, `{"status":"reopened"}`, nil)).wantError(t, 400, "invalid", "reason")
	f.invoke(t, call(t, "POST", "/api/actions/act-1/status", nil, `{"status":"closed","reason":"x"}`, nil)).wantError(t, 400, "invalid", "status")
	f.invoke(t, call(t, "POST", "/api/actions/act-1/status", nil, `{"status":"done","note":"x"}`, nil)).wantError(t, 400, "invalid", "note")

	var list struct {
		Actions []audit.Action `json:"actions"`
	}
	f.invoke(t, call(t, "GET", "/api/actions", url.Values{"status": {"done"}}, "", nil)).decode(t, &list)
	if len(list.Actions) != 1 || list.Actions[0].ID != "act-1" {
		t.Fatalf("done actions %+v", list.Actions)
	}
	f.invoke(t, call(t, "GET", "/api/actions", url.Values{"status": {"open"}}, "", nil)).decode(t, &list)
	if len(list.Actions) != 0 {
		t.Fatalf("open actions %+v", list.Actions)
	}
	f.invoke(t, call(t, "GET", "/api/actions", url.Values{"status": {"finished"}}, "", nil)).wantError(t, 400, "invalid", "status")

	var trail struct {
		Entries []audit.TrailEntry `json:"entries"`
	}
	f.invoke(t, call(t, "GET", "/api/trail", url.Values{"kind": {"action"}, "id": {"act-1"}}, "", nil)).decode(t, &trail)
	var verbs []string
	for _, e := range trail.Entries {
		verbs = append(verbs, e.Action+" by "+e.Actor)
	}
	if got := strings.Join(verbs, ", "); got != "created by s-001, in_progress by s-001, done by s-001" {
		t.Fatalf("action trail: %s", got)
	}
	// The company's trail is newest first: the result rescheduled by "done" leads.
	f.invoke(t, call(t, "GET", "/api/trail", nil, "", nil)).decode(t, &trail)
	if len(trail.Entries) != 4 || trail.Entries[0].Object != (audit.TrailObject{Kind: "result", ID: "res-1"}) || trail.Entries[0].Action != "rescheduled" {
		t.Fatalf("company trail %+v", trail.Entries)
	}
	f.invoke(t, call(t, "GET", "/api/trail", url.Values{"kind": {"action"}}, "", nil)).wantError(t, 400, "invalid", "id")
	f.invoke(t, call(t, "GET", "/api/trail", url.Values{"kind": {"invoice"}, "id": {"x"}}, "", nil)).wantError(t, 400, "invalid", "kind")
}

func TestActions_Overdue(t *testing.T) {
	f := newFixture(t, nil)
	minusTwo(t, f, "res-1")
	// testNow is 2026-11-22: due on the 21st is overdue, on the 22nd not yet.
	for id, due := range map[string]string{"act-late": "2026-11-21", "act-today": "2026-11-22"} {
		body := strings.NewReplacer(`"act-1"`, `"`+id+`"`, "2026-12-15", due).Replace(newActionBody)
		if r := f.invoke(t, call(t, "POST", "/api/actions", nil, body, nil)); r.StatusCode != 201 {
			t.Fatalf("create %s: %s", id, r.Body)
		}
	}
	var list struct {
		Actions []audit.Action `json:"actions"`
	}
	f.invoke(t, call(t, "GET", "/api/actions/overdue", nil, "", nil)).decode(t, &list)
	if len(list.Actions) != 1 || list.Actions[0].ID != "act-late" {
		t.Fatalf("overdue %+v", list.Actions)
	}
}

func TestActions_LeadOfOwnCompanyOnly(t *testing.T) {
	f := newFixture(t, nil)
	minusTwo(t, f, "res-1")
	if r := f.invoke(t, call(t, "POST", "/api/actions", nil, newActionBody, nil)); r.StatusCode != 201 {
		t.Fatalf("create: %s", r.Body)
	}
	auditor := claims("s-017", "bank-pl", "[auditor]")
	otherLead := claims("s-01", "siec-przykladowa", "[lead]")
	cases := []struct {
		name, method, path, body string
		query                    url.Values
	}{
		{"create", "POST", "/api/actions", newActionBody, nil},
		{"list", "GET", "/api/actions", "", nil},
		{"overdue", "GET", "/api/actions/overdue", "", nil},
		{"read", "GET", "/api/actions/act-1", "", nil},
		{"move", "POST", "/api/actions/act-1/status", `{"status":"done"}`, nil},
		{"object trail", "GET", "/api/trail", "", url.Values{"kind": {"action"}, "id": {"act-1"}}},
		{"company trail", "GET", "/api/trail", "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.invoke(t, call(t, tc.method, tc.path, tc.query, tc.body, auditor)).wantError(t, 403, "forbidden")
		})
	}
	f.invoke(t, call(t, "GET", "/api/actions/act-1", nil, "", otherLead)).wantError(t, 404, "not_found")
	f.invoke(t, call(t, "POST", "/api/actions/act-1/status", nil, `{"status":"done"}`, otherLead)).wantError(t, 404, "not_found")
	// The other company's lead cannot build on the bank's result either.
	f.invoke(t, call(t, "POST", "/api/actions", nil, strings.Replace(newActionBody, `"act-1"`, `"act-2"`, 1), otherLead)).wantError(t, 400, "invalid", "resultId")
	var trail struct {
		Entries []audit.TrailEntry `json:"entries"`
	}
	f.invoke(t, call(t, "GET", "/api/trail", url.Values{"kind": {"action"}, "id": {"act-1"}}, "", otherLead)).decode(t, &trail)
	if len(trail.Entries) != 0 {
		t.Fatalf("another company's lead read the bank's trail: %+v", trail.Entries)
	}
	a, err := f.store.GetAction(t.Context(), "bank-pl", "act-1")
	if err != nil || a.Status != audit.ActionOpen {
		t.Fatalf("the bank's action after others tried: %+v, %v", a, err)
	}
}

func TestTrail_NoRouteEditsOrDeletes(t *testing.T) {
	f := newFixture(t, nil)
	for _, c := range []struct{ method, path string }{
		{"PUT", "/api/trail"}, {"DELETE", "/api/trail"}, {"POST", "/api/trail"}, {"PATCH", "/api/trail"},
		{"GET", "/api/trail/e1"}, {"PUT", "/api/trail/e1"}, {"DELETE", "/api/trail/e1"},
	} {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			f.invoke(t, call(t, c.method, c.path, nil, `{"reason":"rewrite history"}`, nil)).wantError(t, 404, "not_found")
		})
	}
}

// putCompany sends the configuration through PUT /api/company.
func putCompany(t *testing.T, f *fixture, c *audit.Company, reason string) response {
	t.Helper()
	raw, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var q url.Values
	if reason != "" {
		q = url.Values{"reason": {reason}}
	}
	return f.invoke(t, call(t, "PUT", "/api/company", q, string(raw), nil))
}

// editable is a deep copy of the sample bank and the index of its v2.
func editable(t *testing.T) (*audit.Company, int) {
	t.Helper()
	b, _ := companies(t)
	raw, _ := json.Marshal(b)
	var c audit.Company
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	for i := range c.Standards {
		if c.Standards[i].Version == "v2" {
			return &c, i
		}
	}
	t.Fatal("the sample has no v2")
	return nil, 0
}

func TestCompany_PublishedStandardChangeIs409AndNothingIsStored(t *testing.T) {
	f := newFixture(t, nil)
	before, _ := f.store.GetCompany(t.Context(), "bank-pl")
	c, v2 := editable(t)
	c.Standards[v2].Criteria[0].Weight++
	e := putCompany(t, f, c, "").wantError(t, 409, "conflict", "standards["+strconv.Itoa(v2)+"].criteria[0]")
	if !strings.Contains(e.Error.Fields[0].Reason, "standard v2 is published") {
		t.Errorf("the conflict does not name v2: %+v", e.Error.Fields)
	}
	after, _ := f.store.GetCompany(t.Context(), "bank-pl")
	if a, b := mustMarshal(t, after), mustMarshal(t, before); a != b {
		t.Fatal("a refused change was stored")
	}
	entries, _, _ := f.store.ListCompanyTrail(t.Context(), "bank-pl", audit.Page{})
	if len(entries) != 0 {
		t.Fatalf("a refused change was recorded: %+v", entries)
	}
}

func TestCompany_OverlappingWindowsAre400WithThePath(t *testing.T) {
	f := newFixture(t, nil)
	c, v2 := editable(t)
	v1 := 1 - v2
	to := audit.MustDate("2026-03-01") // v1 would run two months into v2
	c.Standards[v1].EffectiveTo = &to
	putCompany(t, f, c, "").wantError(t, 400, "invalid", "standards["+strconv.Itoa(v2)+"].effectiveFrom")
}

func TestCompany_StandardLifeIsInTheTrail(t *testing.T) {
	f := newFixture(t, nil)
	// Each change a minute after the last, so "oldest first" has an order.
	now := testNow
	tick := func() time.Time { now = now.Add(time.Minute); return now }
	f.h = httpapi.New(workflow.New(f.store, f.exec, workflow.LogNotifier{}, fixedClock{testNow}, workflow.Config{}, nil), f.store, consoleapi.MustWith(httpapi.Options{Now: tick}, f.store))
	c, v2 := editable(t)
	v3 := c.Standards[v2]
	v3.Version, v3.Status, v3.EffectiveFrom, v3.EffectiveTo = "v3", audit.StandardDraft, audit.MustDate("2027-01-01"), nil
	c.Standards = append(c.Standards, v3)
	if r := putCompany(t, f, c, "draft for 2027"); r.StatusCode != 200 {
		t.Fatalf("add draft v3: %s", r.Body)
	}
	// The same configuration again records nothing.
	if r := putCompany(t, f, c, "draft for 2027"); r.StatusCode != 200 {
		t.Fatalf("again: %s", r.Body)
	}
	c.Standards[2].Status = audit.StandardPublished
	c.Standards[1-v2].Status = audit.StandardRetired
	if r := putCompany(t, f, c, "approved by the board"); r.StatusCode != 200 {
		t.Fatalf("publish v3, retire v1: %s", r.Body)
	}
	var trail struct {
		Entries []audit.TrailEntry `json:"entries"`
	}
	f.invoke(t, call(t, "GET", "/api/trail", url.Values{"kind": {"standard"}, "id": {"v3"}}, "", nil)).decode(t, &trail)
	var got []string
	for _, e := range trail.Entries {
		var b, a struct{ Status string }
		json.Unmarshal(e.Before, &b)
		json.Unmarshal(e.After, &a)
		got = append(got, e.Action+" "+b.Status+"→"+a.Status+" by "+e.Actor+": "+e.Reason)
	}
	if s := strings.Join(got, "; "); s != "created →draft by s-001: draft for 2027; published draft→published by s-001: approved by the board" {
		t.Fatalf("v3's trail: %s", s)
	}
	f.invoke(t, call(t, "GET", "/api/trail", url.Values{"kind": {"standard"}, "id": {"v1"}}, "", nil)).decode(t, &trail)
	if len(trail.Entries) != 1 || trail.Entries[0].Action != "retired" {
		t.Fatalf("v1's trail %+v", trail.Entries)
	}
	f.invoke(t, call(t, "GET", "/api/trail", nil, "", nil)).decode(t, &trail)
	if len(trail.Entries) != 3 {
		t.Fatalf("company trail has %d entries, want 3 (created v3, published v3, retired v1)", len(trail.Entries))
	}
}

func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
