package httpapi_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"touchaudit/internal/audit"
	"touchaudit/internal/httpapi"
	"touchaudit/internal/memstore"
	"touchaudit/internal/workflow"
)

// objectRoutes are the routes that name an object, by fixture.
var (
	assignmentRoutes = []string{"api-assignment", "api-start", "api-draft", "api-submit", "api-promise"}
	reviewRoutes     = []string{"api-review", "api-report"}
	leadRoutes       = []string{"api-company", "api-review-start", "api-review", "api-report"}
)

// TestAccess_ObjectRoutes tries every object route as the wrong people. None
// of them learns whether the object exists, and nothing changes.
func TestAccess_ObjectRoutes(t *testing.T) {
	callers := []struct {
		name   string
		claims map[string]string
		routes []string
		status int
		code   string
	}{
		{"another auditor", claims("s-018", "bank-pl", "[auditor]"), assignmentRoutes, 404, "not_found"},
		{"an auditor-lead of the same company", claims("s-001", "bank-pl", "[auditor lead]"), assignmentRoutes, 404, "not_found"},
		// The same staff id in another company: ids are only unique per company.
		{"a lead of another company with the same staff id", claims("s-017", "siec-przykladowa", `["auditor","lead"]`), assignmentRoutes, 404, "not_found"},
		{"a lead of another company", claims("s-01", "siec-przykladowa", "[lead]"), reviewRoutes, 404, "not_found"},
		{"a lead-only member on an auditor route", claims("s-01", "siec-przykladowa", "[lead]"), assignmentRoutes, 403, "forbidden"},
		{"an auditor on a lead route", claims("s-017", "bank-pl", "[auditor]"), leadRoutes, 403, "forbidden"},
		{"no claims", nil, append(append([]string{"api-me", "api-assignments"}, assignmentRoutes...), leadRoutes...), 401, "unauthorized"},
		{"claims without a staff id", map[string]string{"sub": "x", "custom:companyId": "bank-pl", "cognito:groups": "[auditor lead]"}, append(assignmentRoutes, leadRoutes...), 401, "unauthorized"},
		{"no groups", claims("s-017", "bank-pl", ""), append(assignmentRoutes, leadRoutes...), 403, "forbidden"},
	}
	for _, c := range callers {
		for _, route := range c.routes {
			t.Run(c.name+"/"+route, func(t *testing.T) {
				f := newFixture(t, nil)
				f.invoke(t, withClaims(readEvent(t, route), c.claims)).wantError(t, c.status, c.code)
				f.unchanged(t)
			})
		}
	}
}

// TestAccess_BadBodyOnAnotherOnesAssignment sends bodies the API would
// refuse (malformed, unknown fields, invalid walks) to write routes of an
// assignment that is not the caller's, or does not exist: the answer is the
// same 404 as with a good body, never a 400 that answers for the assignment.
func TestAccess_BadBodyOnAnotherOnesAssignment(t *testing.T) {
	bodies := map[string]string{
		"malformed":     `{"x": `,
		"not an object": `[1]`,
		"unknown field": `{"status": "closed"}`,
		"empty":         ``,
		"invalid walk":  `{"submissionId": "no spaces", "walkthrough": {"resolved": true}, "version": -1, "startedAt": "yesterday", "outcome": "maybe"}`,
	}
	callers := []struct {
		name   string
		claims map[string]string
	}{
		{"another auditor", claims("s-018", "bank-pl", "[auditor]")},
		{"a lead of another company with the same staff id", claims("s-017", "siec-przykladowa", `["auditor","lead"]`)},
	}
	for _, route := range []string{"api-start", "api-draft", "api-submit", "api-promise"} {
		for _, c := range callers {
			for name, body := range bodies {
				t.Run(route+"/"+c.name+"/"+name, func(t *testing.T) {
					f := newFixture(t, nil)
					f.invoke(t, withBody(withClaims(readEvent(t, route), c.claims), body)).wantError(t, 404, "not_found")
					f.unchanged(t)
				})
			}
		}
		t.Run(route+"/no such assignment", func(t *testing.T) {
			f := newFixture(t, nil)
			ev := readEvent(t, route)
			ev.RawPath = strings.Replace(ev.RawPath, a1, a1+"-none", 1)
			ev.RawPath = strings.Replace(ev.RawPath, a2, a2+"-none", 1)
			ev.RequestContext.HTTP.Path = ev.RawPath
			f.invoke(t, withBody(ev, `{"x": `)).wantError(t, 404, "not_found")
		})
	}
}

// unchanged checks that the seeded objects are as seeded and nothing was
// signalled or started.
func (f *fixture) unchanged(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	for _, id := range []string{a1, a2, a3} {
		a, err := f.store.GetAssignment(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if a.Version != 1 || a.Draft != nil || a.StartedAt != nil || (id == a1 && a.Status != audit.StatusAssigned) {
			t.Errorf("assignment %s changed: %+v", id, a)
		}
	}
	if len(f.exec.success) > 0 || len(f.exec.started) > 0 {
		t.Errorf("the workflow was told something: %v %v", f.exec.success, f.exec.started)
	}
}

func TestAccess_ListShowsOnlyOwnAssignments(t *testing.T) {
	f := newFixture(t, nil)
	var list struct {
		Assignments []workflow.AssignmentView `json:"assignments"`
		NextCursor  *string                   `json:"nextCursor"`
	}
	f.invoke(t, readEvent(t, "api-assignments")).decode(t, &list)
	if len(list.Assignments) != 2 || list.NextCursor == nil {
		t.Fatalf("s-017 sees %d assignments: %+v", len(list.Assignments), list)
	}
	for _, v := range list.Assignments {
		if v.Assignment.AuditorID != "s-017" || v.Assignment.TaskToken != "" || v.Assignment.PromiseTokens != nil {
			t.Errorf("listed %+v", v.Assignment)
		}
	}
	bad := readEvent(t, "api-assignments")
	bad.QueryStringParameters = map[string]string{"cursor": "not-a-cursor!"}
	f.invoke(t, bad).wantError(t, 400, "invalid", "cursor")
	// s-017 of the other company has the same staff id and sees nothing.
	f.invoke(t, withClaims(readEvent(t, "api-assignments"), claims("s-017", "siec-przykladowa", "[auditor]"))).decode(t, &list)
	if len(list.Assignments) != 0 {
		t.Errorf("another company's s-017 sees %d assignments", len(list.Assignments))
	}
}

// TestAccess_GroupsExactlyAsCognitoSendsThem: cognito:groups is a JSON
// array in the ID token, flattened by API Gateway into "[a b]"; no other
// shape grants a role, and a group is never split into two.
func TestAccess_GroupsExactlyAsCognitoSendsThem(t *testing.T) {
	cases := []struct {
		groups  string
		company int // GET /api/company needs lead
		roles   []string
	}{
		{"[auditor lead]", 200, []string{"auditor", "lead"}}, // two groups, as API Gateway flattens them
		{"[lead auditor]", 200, []string{"lead", "auditor"}},
		{`["auditor","lead"]`, 200, []string{"auditor", "lead"}},
		{`["lead", "auditor"]`, 200, []string{"lead", "auditor"}},
		{"[lead]", 200, []string{"lead"}},
		{"auditor lead", 403, []string{}},     // no shape Cognito or API Gateway sends
		{"lead", 403, []string{}},             // the same: a bare string
		{`["auditor lead"]`, 403, []string{}}, // one group named "auditor lead"
		{"[auditor,lead]", 403, []string{}},   // one group named "auditor,lead"
		{`[auditor lead`, 403, []string{}},    // unbalanced
		{`["lead"`, 403, []string{}},          // broken JSON
		{`[]`, 403, []string{}},
	}
	for _, c := range cases {
		t.Run(c.groups, func(t *testing.T) {
			f := newFixture(t, nil)
			r := f.invoke(t, withClaims(readEvent(t, "api-company"), claims("s-001", "bank-pl", c.groups)))
			if r.StatusCode != c.company {
				t.Errorf("GET /api/company: %d, want %d: %s", r.StatusCode, c.company, r.Body)
			}
			var me struct{ Roles []string }
			f.invoke(t, withClaims(readEvent(t, "api-me"), claims("s-001", "bank-pl", c.groups))).decode(t, &me)
			if !slices.Equal(me.Roles, c.roles) {
				t.Errorf("roles %q, want %q", me.Roles, c.roles)
			}
		})
	}
}

func TestRoutes_UnknownAndMisspelt(t *testing.T) {
	f := newFixture(t, nil)
	ev := readEvent(t, "api-me")
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/nothing"}, {"DELETE", "/api/me"}, {"GET", "/api"}, {"GET", "/api/assignments/" + a1 + "/extra"},
		{"GET", "/api/assignments/%2F"}, {"POST", "/api/assignments/" + a1},
	} {
		e := ev
		e.RawPath, e.RequestContext.HTTP.Method = c.path, c.method
		f.invoke(t, e).wantError(t, 404, "not_found")
		f.invoke(t, withClaims(e, nil)).wantError(t, 401, "unauthorized")
	}
}

func TestHandle_NotAnHTTPAPIEvent(t *testing.T) {
	f := newFixture(t, nil)
	_, err := f.h.Handle(context.Background(), events.APIGatewayV2HTTPRequest{})
	if !audit.IsCode(err, audit.Invalid) {
		t.Errorf("empty event: %v, want an invalid-input error", err)
	}
}

func TestDecode_StrictJSON(t *testing.T) {
	submit := readEvent(t, "api-submit")
	var body map[string]any
	if err := json.Unmarshal([]byte(submit.Body), &body); err != nil {
		t.Fatal(err)
	}
	mutate := func(change func(b map[string]any)) string {
		var b map[string]any
		raw, _ := json.Marshal(body)
		json.Unmarshal(raw, &b)
		change(b)
		out, _ := json.Marshal(b)
		return string(out)
	}
	walk := func(b map[string]any) map[string]any { return b["walkthrough"].(map[string]any) }
	step := func(b map[string]any, i int) map[string]any {
		return walk(b)["timeline"].([]any)[i].(map[string]any)
	}
	cases := []struct {
		name, body string
		code       string
		status     int
		paths      []string
	}{
		{"malformed JSON", `{"submissionId": "x", `, "invalid", 400, nil},
		{"not an object", `[1,2,3]`, "invalid", 400, nil},
		{"trailing data", submit.Body + `{}`, "invalid", 400, nil},
		{"empty body", ``, "invalid", 400, nil},
		{"mass assignment: auditorId", mutate(func(b map[string]any) { b["auditorId"] = "s-018" }), "invalid", 400, []string{"auditorId"}},
		{"mass assignment: the walk's id", mutate(func(b map[string]any) { walk(b)["id"] = "w-mine" }), "invalid", 400, []string{"walkthrough.id"}},
		{"mass assignment: a server stamp", mutate(func(b map[string]any) {
			step(b, 0)["start"].(map[string]any)["server"] = "2026-11-22T08:00:00Z"
		}), "invalid", 400, []string{"walkthrough.timeline[0].start.server"}},
		{"mass assignment: a promise's outcome", mutate(func(b map[string]any) {
			walk(b)["promises"].([]any)[0].(map[string]any)["outcome"] = "kept"
		}), "invalid", 400, []string{"walkthrough.promises[0].outcome"}},
		{"wrong type", mutate(func(b map[string]any) { walk(b)["resolved"] = "yes" }), "invalid", 400, []string{"walkthrough.resolved"}},
		{"unknown channel", mutate(func(b map[string]any) { step(b, 0)["channel"] = "fax" }), "invalid", 400, []string{"walkthrough.timeline[0].channel"}},
		{"bad time", mutate(func(b map[string]any) { step(b, 1)["end"] = map[string]any{"client": "yesterday"} }), "invalid", 400, []string{"walkthrough.timeline[1].end.client"}},
		{"several problems at once", mutate(func(b map[string]any) {
			delete(b, "clientSentAt")
			b["submissionId"] = "no spaces allowed"
			walk(b)["answers"].([]any)[0].(map[string]any)["value"] = "maybe"
			walk(b)["timeline"] = []any{}
		}), "invalid", 400, []string{"clientSentAt", "submissionId", "walkthrough.answers[0].value", "walkthrough.timeline"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, nil)
			e := f.invoke(t, withBody(submit, c.body)).wantError(t, c.status, c.code, c.paths...)
			if strings.Contains(c.name, "mass assignment") && !strings.Contains(e.Error.Message, "unknown field") {
				t.Errorf("message %q does not say the field is unknown", e.Error.Message)
			}
			f.unchanged(t)
		})
	}
}

func TestDecode_BodyLimits(t *testing.T) {
	submit := readEvent(t, "api-submit")
	pad := func(n int) string { return submit.Body[:len(submit.Body)-1] + strings.Repeat(" ", n) + "}" }
	t.Run("over 64 KiB is 413", func(t *testing.T) {
		f := newFixture(t, nil)
		f.invoke(t, withBody(submit, pad(httpapi.MaxBody))).wantError(t, 413, "too_large")
		f.unchanged(t)
	})
	t.Run("over 64 KiB once decoded from base64 is 413", func(t *testing.T) {
		f := newFixture(t, nil)
		e := submit
		e.Body, e.IsBase64Encoded = base64.StdEncoding.EncodeToString([]byte(pad(httpapi.MaxBody))), true
		f.invoke(t, e).wantError(t, 413, "too_large")
		f.unchanged(t)
	})
	t.Run("base64 of a body under the limit is served", func(t *testing.T) {
		f := newFixture(t, nil)
		body := pad(httpapi.MaxBody - len(submit.Body) - 10)
		e := submit
		e.Body, e.IsBase64Encoded = base64.StdEncoding.EncodeToString([]byte(body)), true
		if len(e.Body) <= httpapi.MaxBody {
			t.Fatal("the encoded body should be over the limit")
		}
		if r := f.invoke(t, e); r.StatusCode != 200 {
			t.Errorf("%d %s", r.StatusCode, r.Body)
		}
	})
	t.Run("not base64", func(t *testing.T) {
		f := newFixture(t, nil)
		e := submit
		e.Body, e.IsBase64Encoded = "%%%not base64%%%", true
		f.invoke(t, e).wantError(t, 400, "invalid")
	})
	t.Run("a body on a GET is bounded too", func(t *testing.T) {
		f := newFixture(t, nil)
		f.invoke(t, withBody(readEvent(t, "api-me"), strings.Repeat("x", httpapi.MaxBody+1))).wantError(t, 413, "too_large")
	})
	t.Run("the company import takes the sample bank", func(t *testing.T) {
		f := newFixture(t, nil)
		b, _ := companies(t)
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		if len(raw) <= httpapi.MaxBody {
			t.Fatalf("the sample bank is %d bytes: the test needs it over 64 KiB", len(raw))
		}
		e := readEvent(t, "api-company")
		e.RequestContext.HTTP.Method, e.Body = "PUT", string(raw)
		var sum audit.ImportSummary
		f.invoke(t, e).decode(t, &sum)
		if sum.CompanyID != "bank-pl" || sum.Touchpoints == 0 {
			t.Errorf("summary %+v", sum)
		}
		e.Body = string(raw[:len(raw)-1]) + strings.Repeat(" ", httpapi.MaxCompanyBody) + "}"
		f.invoke(t, e).wantError(t, 413, "too_large")
	})
}

func TestSubmit_Idempotent(t *testing.T) {
	f := newFixture(t, nil)
	ev := readEvent(t, "api-submit")
	var first, again submitJSON
	f.invoke(t, ev).decode(t, &first)
	if !first.Signalled || first.Replayed {
		t.Errorf("first submission: %+v", first)
	}
	// A retry a few minutes later, from a phone whose clock moved on (the
	// server clock of the fixture stands still, so within the skew bound):
	// same receipt.
	retry := ev
	var body map[string]any
	json.Unmarshal([]byte(ev.Body), &body)
	body["clientSentAt"] = "2026-11-22T09:25:00+01:00"
	b, _ := json.Marshal(body)
	retry.Body = string(b)
	f.invoke(t, retry).decode(t, &again)
	if again.Receipt != first.Receipt || !again.Replayed || again.Signalled {
		t.Errorf("retry: %+v, want %+v replayed", again, first)
	}
	if n := f.exec.successes("tok-a1"); n != 1 {
		t.Errorf("SendTaskSuccess sent %d times", n)
	}
	t.Run("the same id with another payload is 409", func(t *testing.T) {
		body["walkthrough"].(map[string]any)["notes"] = "a different walk"
		b, _ := json.Marshal(body)
		f.invoke(t, withBody(ev, string(b))).wantError(t, 409, "conflict")
	})
	t.Run("another id for a submitted walk is 409", func(t *testing.T) {
		body["submissionId"] = "a-second-submission"
		b, _ := json.Marshal(body)
		f.invoke(t, withBody(ev, string(b))).wantError(t, 409, "conflict")
	})
	if n := f.exec.successes("tok-a1"); n != 1 {
		t.Errorf("SendTaskSuccess sent %d times", n)
	}
}

// TestSubmit_ConcurrentDuplicatesSignalOnce sends the same submission 20
// times at once: every caller gets the same receipt and the audit is
// signalled exactly once.
func TestSubmit_ConcurrentDuplicatesSignalOnce(t *testing.T) {
	const callers = 20
	f := newFixture(t, nil)
	ev := readEvent(t, "api-submit")
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		receipts  = map[audit.Receipt]int{}
		signalled int
		failures  []string
	)
	start := make(chan struct{})
	for range callers {
		wg.Go(func() {
			<-start
			resp, err := f.h.Handle(context.Background(), ev)
			mu.Lock()
			defer mu.Unlock()
			var out submitJSON
			if err != nil || resp.StatusCode != 200 || json.Unmarshal([]byte(resp.Body), &out) != nil {
				failures = append(failures, fmt.Sprintf("%v %d %s", err, resp.StatusCode, resp.Body))
				return
			}
			receipts[out.Receipt]++
			if out.Signalled {
				signalled++
			}
		})
	}
	close(start)
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d of %d failed: %v", len(failures), callers, failures)
	}
	if len(receipts) != 1 || signalled != 1 {
		t.Errorf("%d distinct receipts, %d signalled; want 1 and 1", len(receipts), signalled)
	}
	if n := f.exec.successes("tok-a1"); n != 1 {
		t.Errorf("SendTaskSuccess sent %d times, want once", n)
	}
}

type submitJSON struct {
	Receipt   audit.Receipt `json:"receipt"`
	Signalled bool          `json:"signalled"`
	Replayed  bool          `json:"replayed"`
}

// TestSubmit_ServerStamps: each stamp's server time is its client time
// shifted by serverNow − clientSentAt.
func TestSubmit_ServerStamps(t *testing.T) {
	f := newFixture(t, nil)
	var out submitJSON
	f.invoke(t, readEvent(t, "api-submit")).decode(t, &out)
	w, err := f.store.GetWalkthrough(context.Background(), out.Receipt.WalkthroughID)
	if err != nil {
		t.Fatal(err)
	}
	sent := time.Date(2026, 11, 22, 9, 20, 0, 0, time.FixedZone("CET", 3600))
	skew := testNow.Sub(sent)
	if skew != 3*time.Second {
		t.Fatalf("fixture skew %v", skew)
	}
	for i, s := range w.Timeline {
		for _, st := range []audit.Stamp{s.Start, s.End} {
			if !st.Server.Equal(st.Client.Add(skew)) {
				t.Errorf("step %d: server %v, client %v", i, st.Server, st.Client)
			}
		}
		for _, p := range s.Pauses {
			if !p.Start.Server.Equal(p.Start.Client.Add(skew)) || !p.End.Server.Equal(p.End.Client.Add(skew)) {
				t.Errorf("step %d pause: %+v", i, p)
			}
		}
	}
	if w.AuditorID != "s-017" || w.TouchpointID != "acc.ivr-info" || w.StandardVersion != "v2" || !w.SubmittedAt.Equal(testNow) {
		t.Errorf("server fields: %+v", w)
	}
	if w.Promises[0].Outcome != audit.PromisePending {
		t.Errorf("promise outcome %q", w.Promises[0].Outcome)
	}
}

func TestDraft_StaleVersionIs409(t *testing.T) {
	f := newFixture(t, nil)
	ev := readEvent(t, "api-draft")
	f.invoke(t, ev).decode(t, &workflow.AssignmentView{})
	f.invoke(t, ev).wantError(t, 409, "conflict") // version 1 again: stale
	f.invoke(t, withBody(ev, `{"draft":{}}`)).wantError(t, 400, "invalid", "version")
	f.invoke(t, withBody(ev, `{"version":2,"draft":{"timeline":[{"channel":"fax"}]}}`)).wantError(t, 400, "invalid", "draft.timeline[0].channel")
}

func TestPromise_Validation(t *testing.T) {
	f := newFixture(t, nil)
	ev := readEvent(t, "api-promise")
	f.invoke(t, withBody(ev, `{"outcome":"pending"}`)).wantError(t, 400, "invalid", "outcome")
	e := ev
	e.RawPath = strings.Replace(e.RawPath, "p-callback", "p-unknown", 1)
	f.invoke(t, e).wantError(t, 409, "conflict")
	f.unchanged(t)
}

func TestReviews_StartValidatesAgainstTheCompany(t *testing.T) {
	f := newFixture(t, nil)
	ev := readEvent(t, "api-review-start")
	f.invoke(t, withBody(ev, `{"scope":{"touchpoints":["acc.ivr-info","nope"]},"fixCosts":{"gone":3},"previousReviewId":"`+otherReview+`","opens":"soon"}`)).
		wantError(t, 400, "invalid", "scope.touchpoints[1]", "fixCosts.gone", "previousReviewId", "opens")
	f.invoke(t, withBody(ev, `{"reviewId":"`+otherReview+`"}`)).wantError(t, 400, "invalid", "reviewId")
	f.invoke(t, withBody(ev, `{"reviewId":"Bad Id"}`)).wantError(t, 400, "invalid", "reviewId")
	f.invoke(t, withBody(ev, `{"scope":{"walksPerTouchpoint":9}}`)).wantError(t, 400, "invalid", "scope.walksPerTouchpoint")
	f.invoke(t, withBody(ev, `{"scope":{"everything":true}}`)).wantError(t, 400, "invalid", "scope.everything")
	if len(f.exec.started) != 0 {
		t.Errorf("started %v", f.exec.started)
	}
	var out struct{ ReviewID, Status string }
	r := f.invoke(t, ev)
	r.decode(t, &out)
	if r.StatusCode != http.StatusAccepted || out.ReviewID != "bank-pl.pilot-2027-1" || len(f.exec.started) != 1 {
		t.Errorf("%d %+v, started %v", r.StatusCode, out, f.exec.started)
	}
}

func TestCompany_ImportOnlyOwnCompany(t *testing.T) {
	f := newFixture(t, nil)
	_, n := companies(t)
	raw, _ := json.Marshal(n)
	e := readEvent(t, "api-company")
	e.RequestContext.HTTP.Method, e.Body = "PUT", string(raw)
	f.invoke(t, e).wantError(t, 400, "invalid", "id")
	// Its own company with an unknown channel: the import's field paths.
	b, _ := companies(t)
	bad := *b
	bad.Journeys = append([]audit.Journey(nil), b.Journeys...)
	raw, _ = json.Marshal(bad)
	raw = []byte(strings.Replace(string(raw), `"channel":"ivr"`, `"channel":"fax"`, 1))
	e.Body = string(raw)
	r := f.invoke(t, e).wantError(t, 400, "invalid")
	if len(r.Error.Fields) == 0 || !strings.HasSuffix(r.Error.Fields[0].Path, ".channel") {
		t.Errorf("fields %+v", r.Error.Fields)
	}
}

func TestReport_NotCompiledYetIs404(t *testing.T) {
	f := newFixture(t, nil)
	ev := readEvent(t, "api-report")
	ev.RawPath = "/api/reviews/" + otherReview + "/report"
	f.invoke(t, withClaims(ev, claims("s-01", "siec-przykladowa", "[lead]"))).wantError(t, 404, "not_found")
}

// failingStore fails every company read with a cause that must stay secret.
type failingStore struct{ audit.Store }

var errSecret = errors.New("dial tcp 10.0.3.7:443: AccessDeniedException for arn:aws:dynamodb:eu-central-1:123456789012:table/secret")

func (failingStore) GetCompany(context.Context, string) (*audit.Company, error) {
	return nil, errSecret
}

func TestErrors_InternalIsLoggedNotShown(t *testing.T) {
	store := failingStore{memstore.New()}
	f := newFixture(t, store)
	for _, route := range []string{"api-me", "api-company", "api-assignment"} {
		r := f.invoke(t, readEvent(t, route))
		e := r.wantError(t, 500, "internal")
		if e.Error.Message != "internal error" || strings.Contains(r.Body, "secret") || strings.Contains(r.Body, "10.0.3.7") {
			t.Errorf("%s: %s", route, r.Body)
		}
		if r.Headers["Cache-Control"] != "no-store" || r.Headers["X-Content-Type-Options"] != "nosniff" {
			t.Errorf("%s headers %v", route, r.Headers)
		}
	}
	if !strings.Contains(f.logs.String(), "table/secret") || !strings.Contains(f.logs.String(), `"requestId":"CxW2ejKpFiAEM`) {
		t.Errorf("the cause is not logged with the request id:\n%s", f.logs)
	}
}

func TestErrors_OneShapeEverywhere(t *testing.T) {
	f := newFixture(t, nil)
	for _, r := range []response{
		f.invoke(t, withClaims(readEvent(t, "api-me"), nil)),
		f.invoke(t, withBody(readEvent(t, "api-submit"), "{")),
		f.invoke(t, withClaims(readEvent(t, "api-company"), claims("s-017", "bank-pl", "[auditor]"))),
		f.invoke(t, withClaims(readEvent(t, "api-assignment"), claims("s-018", "bank-pl", "[auditor]"))),
	} {
		r.err(t)
		if r.Headers["Content-Type"] != "application/json; charset=utf-8" || r.Headers["Cache-Control"] != "no-store" || r.Headers["X-Content-Type-Options"] != "nosniff" {
			t.Errorf("headers %v", r.Headers)
		}
	}
}
