package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"regexp"
	"testing"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/consoleapi"
	"touchaudit/internal/httpapi"
	"touchaudit/internal/memstore"
	"touchaudit/internal/outbox"
	"touchaudit/internal/workflow"
)

// syncedDirectory records the companies PUT /api/company syncs.
type syncedDirectory struct{ synced []string }

func (d *syncedDirectory) SyncStaff(_ context.Context, c *audit.Company) (audit.StaffSync, error) {
	d.synced = append(d.synced, c.ID)
	return audit.StaffSync{Created: len(c.Staff)}, nil
}

func newReachFixture(t *testing.T) (*fixture, *outbox.Outbox, *syncedDirectory) {
	t.Helper()
	store := memstore.New()
	f := &fixture{store: store, exec: &countingExec{}, logs: &bytes.Buffer{}}
	seed(t, store)
	log := slog.New(slog.DiscardHandler)
	ob := outbox.New(store, "", nil)
	dir := &syncedDirectory{}
	wf := workflow.New(store, f.exec, ob, fixedClock{testNow}, workflow.Config{}, log)
	f.h = httpapi.New(wf, store, consoleapi.MustWith(httpapi.Options{Form: form, Log: log, Now: func() time.Time { return testNow }, Outbox: ob, Directory: dir}, store))
	return f, ob, dir
}

func TestOutbox_LeadsListTheirCompanysSentMessages(t *testing.T) {
	f, ob, _ := newReachFixture(t)
	for _, n := range []workflow.Notification{
		{Kind: workflow.NotifyAssigned, To: "s-017", CompanyID: "bank-pl", AssignmentID: a1, TouchpointID: "acc.ivr-info", Due: testNow},
		{Kind: workflow.NotifyReviewReady, To: "s-01", CompanyID: "siec-przykladowa", ReviewID: otherReview},
	} {
		if err := ob.Notify(context.Background(), n); err != nil {
			t.Fatal(err)
		}
	}
	get := readEvent(t, "api-company")
	get.RawPath, get.RequestContext.HTTP.Path = "/api/outbox", "/api/outbox"

	r := f.invoke(t, withClaims(get, claims("s-001", "bank-pl", "[auditor lead]")))
	if r.StatusCode != 200 {
		t.Fatalf("status %d: %s", r.StatusCode, r.Body)
	}
	var list struct {
		Messages []struct {
			Kind, To, Lang, Subject string
		} `json:"messages"`
	}
	if err := json.Unmarshal([]byte(r.Body), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Messages) != 1 || list.Messages[0].Kind != "assigned" || list.Messages[0].Lang != "pl" {
		t.Fatalf("bank-pl's outbox: %s", r.Body)
	}
	f.invoke(t, withClaims(get, claims("s-017", "bank-pl", "[auditor]"))).wantError(t, 403, "forbidden")

	without := newFixture(t, nil)
	without.invoke(t, withClaims(get, claims("s-001", "bank-pl", "[lead]"))).wantError(t, 404, "not_found")
}

func TestConsoleOutbox_ListsSentMessagesNewestFirst(t *testing.T) {
	f, ob, _ := newReachFixture(t)
	for _, n := range []workflow.Notification{
		{Kind: workflow.NotifyAssigned, To: "s-017", CompanyID: "bank-pl", AssignmentID: a1, TouchpointID: "acc.ivr-info", Due: testNow},
		{Kind: workflow.NotifyReviewReady, To: "s-001", CompanyID: "bank-pl", ReviewID: "rv-1"},
		{Kind: workflow.NotifyReviewReady, To: "s-01", CompanyID: "siec-przykladowa", ReviewID: otherReview},
	} {
		if err := ob.Notify(context.Background(), n); err != nil {
			t.Fatal(err)
		}
	}
	get := readEvent(t, "api-company")
	get.RawPath, get.RequestContext.HTTP.Path = "/api/console/outbox", "/api/console/outbox"
	get.QueryStringParameters = map[string]string{"lang": "en"}
	r := f.invoke(t, withClaims(get, claims("s-001", "bank-pl", "[lead]")))
	if r.StatusCode != 200 || r.Headers["Content-Type"] != "text/html; charset=utf-8" {
		t.Fatalf("status %d, type %q: %s", r.StatusCode, r.Headers["Content-Type"], r.Body)
	}
	kinds := regexp.MustCompile(`<li class="message" data-kind="([a-z_-]+)">`).FindAllStringSubmatch(r.Body, -1)
	if len(kinds) != 2 || kinds[0][1] != string(workflow.NotifyReviewReady) || kinds[1][1] != string(workflow.NotifyAssigned) {
		t.Fatalf("bank-pl's outbox page lists %v, want review-ready then assigned:\n%s", kinds, r.Body)
	}
	f.invoke(t, withClaims(get, claims("s-017", "bank-pl", "[auditor]"))).wantError(t, 403, "forbidden")
}

func TestImportCompany_SyncsStaffToTheDirectory(t *testing.T) {
	f, _, dir := newReachFixture(t)
	bank, _ := companies(t)
	body, err := json.Marshal(bank)
	if err != nil {
		t.Fatal(err)
	}
	put := readEvent(t, "api-company")
	put.RequestContext.HTTP.Method = "PUT"
	r := f.invoke(t, withBody(withClaims(put, claims("s-001", "bank-pl", "[lead]")), string(body)))
	if r.StatusCode != 200 {
		t.Fatalf("status %d: %s", r.StatusCode, r.Body)
	}
	var sum audit.ImportSummary
	if err := json.Unmarshal([]byte(r.Body), &sum); err != nil {
		t.Fatal(err)
	}
	if len(dir.synced) != 1 || dir.synced[0] != "bank-pl" || sum.Directory == nil || sum.Directory.Created != 158 {
		t.Fatalf("synced %v, summary %+v", dir.synced, sum.Directory)
	}
}
