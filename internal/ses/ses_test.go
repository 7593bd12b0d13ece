package ses_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"touchaudit/internal/audit"
	"touchaudit/internal/awsclient"
	"touchaudit/internal/dynamo"
	"touchaudit/internal/message"
	"touchaudit/internal/motoserver"
	"touchaudit/internal/ses"
	"touchaudit/internal/workflow"
)

// sent is one message moto's SES took, as its model data shows it (moto
// keeps the HTML part when a message has both).
type sent struct {
	Source       string              `json:"source"`
	Subject      string              `json:"subject"`
	Body         string              `json:"body"`
	Destinations map[string][]string `json:"destinations"`
}

// sentFrom reads back what moto's SES sent from the address from.
func sentFrom(t *testing.T, endpoint, from string) []sent {
	t.Helper()
	res, err := http.Get(endpoint + "/moto-api/data.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var data map[string]map[string][]sent
	if err := json.NewDecoder(res.Body).Decode(&data); err != nil {
		t.Fatal(err)
	}
	var out []sent
	for _, m := range data["ses"]["Message"] {
		if m.Source == from {
			out = append(out, m)
		}
	}
	return out
}

type env struct {
	endpoint string
	client   *sesv2.Client
	store    *dynamo.Store
}

func newEnv(t *testing.T) *env {
	t.Helper()
	srv := motoserver.Shared(t)
	ddb, err := dynamo.NewLocalClient(t.Context(), srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	table := "touchaudit-ses-" + strings.ReplaceAll(t.Name(), "/", "-")
	if err := dynamo.EnsureTable(t.Context(), ddb, table); err != nil {
		t.Fatal(err)
	}
	client := sesv2.NewFromConfig(awsclient.Lambda.Local(), func(o *sesv2.Options) { o.BaseEndpoint = aws.String(srv.Endpoint) })
	return &env{endpoint: srv.Endpoint, client: client, store: dynamo.New(ddb, table)}
}

func (e *env) verify(t *testing.T, identity string) {
	t.Helper()
	if _, err := e.client.CreateEmailIdentity(t.Context(), &sesv2.CreateEmailIdentityInput{EmailIdentity: aws.String(identity)}); err != nil {
		t.Fatal(err)
	}
}

// sampleBank is the sample company with one lead who reads English first.
func sampleBank(t *testing.T) *audit.Company {
	t.Helper()
	c, err := audit.LoadCompanyDir("../../testdata/company")
	if err != nil {
		t.Fatal(err)
	}
	for i := range c.Staff {
		if c.Staff[i].ID == "s-001" {
			c.Staff[i].Languages = []audit.Lang{audit.English, audit.Polish}
		}
	}
	return c
}

type noExecutions struct{}

func (noExecutions) StartExecution(context.Context, string, string, []byte) error { return nil }
func (noExecutions) SendTaskSuccess(context.Context, string, []byte) error        { return nil }

type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

func TestNotifier_ReviewEmailsSentOnceInTheirLanguageOnMoto(t *testing.T) {
	e := newEnv(t)
	const from = "audits-once@bank-przykladowy.pl"
	e.verify(t, from)
	ctx := t.Context()
	c := sampleBank(t)
	if err := e.store.SaveCompany(ctx, c); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	r := &audit.Review{ID: "r-once", CompanyID: c.ID, StandardVersion: "v2", Status: audit.ReviewRunning, Assignments: 1,
		Window: audit.Window{Opens: t0, Closes: t0.Add(42 * audit.Day)}, CreatedAt: t0}
	if err := e.store.CreateReview(ctx, r); err != nil {
		t.Fatal(err)
	}
	a := audit.Assignment{ID: "r-once.acc.ivr-info.w1", CompanyID: c.ID, ReviewID: r.ID, TouchpointID: "acc.ivr-info", AuditorID: "s-002",
		Status: audit.StatusAssigned, Due: t0.Add(14 * audit.Day), Walk: 1, StandardVersion: "v2", UpdatedAt: t0}
	if err := e.store.PutAssignments(ctx, []audit.Assignment{a}); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t0}
	notifier := ses.New(e.client, message.NewComposer(e.store, "https://audit.example/"), e.store, ses.Options{From: from, Rate: 200, Burst: 20, Now: clk.Now})
	wf := workflow.New(e.store, noExecutions{}, notifier, clk, workflow.Config{}, nil)

	// Every step runs twice, as a retried Lambda or state machine would.
	for range 2 {
		if _, err := wf.Audits.Dispatch(ctx, workflow.DispatchInput{AssignmentID: a.ID, TaskToken: "tok-1"}); err != nil {
			t.Fatal(err)
		}
	}
	clk.t = a.Due.Add(-47 * time.Hour)
	for range 2 {
		if _, err := wf.Reviews.Reconcile(ctx, workflow.ReviewRef{ReviewID: r.ID}); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		if _, err := wf.Reviews.CompileReport(ctx, workflow.ReviewRef{ReviewID: r.ID}); err != nil {
			t.Fatal(err)
		}
	}

	got := sentFrom(t, e.endpoint, from)
	byTo := map[string][]sent{}
	for _, m := range got {
		to := m.Destinations["ToAddresses"]
		if len(to) != 1 {
			t.Fatalf("message to %v, want one recipient", to)
		}
		byTo[to[0]] = append(byTo[to[0]], m)
	}
	ref, _ := c.Touchpoint("acc.ivr-info")
	rafal := byTo["rafal.zajac@bank-przykladowy.pl"]
	subjects := []string{}
	for _, m := range rafal {
		subjects = append(subjects, m.Subject)
	}
	want := []string{"Nowe zadanie audytowe: " + ref.Name.PL, "Za 2 dni mija termin audytu: " + ref.Name.PL}
	if !slices.Equal(subjects, want) {
		t.Fatalf("the auditor got %q, want %q", subjects, want)
	}
	if !strings.Contains(rafal[0].Body, "16 listopada 2026, 10:00") || !strings.Contains(rafal[0].Body, "https://audit.example/#/a/r-once.acc.ivr-info.w1") {
		t.Fatalf("assignment body:\n%s", rafal[0].Body)
	}
	leads := 0
	for _, st := range c.Staff {
		if !st.Has(audit.RoleLead) {
			continue
		}
		leads++
		var reports []string
		for _, m := range byTo[st.Email] {
			if strings.Contains(m.Subject, "r-once") {
				reports = append(reports, m.Subject)
			}
		}
		wantSubject := "Raport z przeglądu r-once jest gotowy"
		if st.ID == "s-001" {
			wantSubject = "The report of review r-once is ready"
		}
		if !slices.Equal(reports, []string{wantSubject}) {
			t.Fatalf("lead %s got %q, want one %q", st.ID, reports, wantSubject)
		}
	}
	if len(got) != 2+leads || leads != 10 {
		t.Fatalf("%d messages sent to %d leads, want the auditor's 2 and one per lead", len(got), leads)
	}
}

func TestNotifier_FailedSendIsSentByTheNextTryOnce(t *testing.T) {
	e := newEnv(t)
	const from = "audits-retry@bank-przykladowy.pl"
	ctx := t.Context()
	c := sampleBank(t)
	if err := e.store.SaveCompany(ctx, c); err != nil {
		t.Fatal(err)
	}
	notifier := ses.New(e.client, message.NewComposer(e.store, ""), e.store, ses.Options{From: from, Rate: 200, Burst: 5})
	n := workflow.Notification{Kind: workflow.NotifyPromiseDue, To: "s-003", CompanyID: c.ID, AssignmentID: "a-1", TouchpointID: "acc.ivr-info", PromiseID: "p-1"}
	// The sender is not verified yet: SES refuses the message.
	var sendErr *ses.SendError
	if err := notifier.Notify(ctx, n); !errors.As(err, &sendErr) || sendErr.Key != n.Key() {
		t.Fatalf("err %v, want a SendError for key %s", err, n.Key())
	}
	e.verify(t, from)
	for range 3 {
		if err := notifier.Notify(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	got := sentFrom(t, e.endpoint, from)
	if len(got) != 1 || got[0].Destinations["ToAddresses"][0] != "grazyna.mroz@bank-przykladowy.pl" || !strings.HasPrefix(got[0].Subject, "Czy obietnica została dotrzymana?") {
		t.Fatalf("sent %+v, want one promise check to s-003", got)
	}
}

func TestNotifier_RecipientWithoutAddressIsSkipped(t *testing.T) {
	e := newEnv(t)
	c := sampleBank(t)
	c.Staff[2].Email = ""
	if err := e.store.SaveCompany(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	const from = "audits-noaddr@bank-przykladowy.pl"
	e.verify(t, from)
	notifier := ses.New(e.client, message.NewComposer(e.store, ""), e.store, ses.Options{From: from})
	if err := notifier.Notify(t.Context(), workflow.Notification{Kind: workflow.NotifyAssigned, To: c.Staff[2].ID, CompanyID: c.ID}); err != nil {
		t.Fatal(err)
	}
	if got := sentFrom(t, e.endpoint, from); len(got) != 0 {
		t.Fatalf("sent %+v to a member without an address", got)
	}
}
