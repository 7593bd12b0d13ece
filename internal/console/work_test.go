package console_test

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/console"
	"touchaudit/internal/memstore"
	"touchaudit/internal/workflow"
)

// The sample's running review (console.SeedSample) has six scored walks;
// the standard's rule (v2: nothing below −1, no evidence flag) sends the
// two branch visits to the QA queue (a +2 far from its branch, a −2 with a
// poor GPS reading), and the last approved walk is appealed.
const (
	queuedBranch = "wt-rv-2027-h1.acc.branch-waw-marszalkowska.w2"
	queuedMinus2 = "wt-rv-2027-h1.acc.branch-gdn-grunwaldzka.w2"
	appealed     = "wt-rv-2027-h1.acc.statement-email.w1"
)

func newWorkflow(store *memstore.Store) *workflow.Workflow {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return workflow.New(store, noExecutions{}, workflow.LogNotifier{Log: log}, fixedClock{now}, workflow.Config{}, log)
}

// withActions adds actions as a lead makes them through the workflow: one
// from a −2 walk of the current review, moved to in progress and overdue,
// and one from a recommendation of its report.
func withActions(t *testing.T, store *memstore.Store) (fromWalk, fromRec string) {
	t.Helper()
	ctx := context.Background()
	wf := newWorkflow(store)
	var minus2 audit.Result
	rs, _, err := store.ListResultsByReview(ctx, console.SampleCurrent, audit.Page{Limit: audit.MaxPageLimit})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Valuation == -2 && (minus2.ID == "" || r.ID < minus2.ID) {
			minus2 = r
		}
	}
	if minus2.ID == "" {
		t.Fatal("the sample's current review has no −2 walk")
	}
	a, err := wf.Actions.Create(ctx, workflow.NewAction{CompanyID: bank, ID: "act-ivr-menu", ResultID: minus2.ID,
		What: "Skrócić menu IVR do trzech opcji", Owner: audit.ActionOwner{Unit: "dep-contact-centre", Person: "s-158"},
		Due: audit.MustDate("2027-01-15"), Cost: audit.Money{Amount: 12500.5, Currency: "PLN"}, Actor: "s-001"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wf.Actions.Move(ctx, workflow.MoveAction{CompanyID: bank, ID: a.ID, Status: audit.ActionInProgress, Actor: "s-001", Reason: "Dostawca IVR zamówiony"}); err != nil {
		t.Fatal(err)
	}
	rep := sampleReport(t, store)
	rec := rep.Recommendations.Fixes[0]
	b, err := wf.Actions.Create(ctx, workflow.NewAction{CompanyID: bank, ID: "act-rec-1", ReviewID: console.SampleCurrent, TouchpointID: rec.TouchpointID,
		What: "Szkolenie z nazywania następnego kroku", Owner: audit.ActionOwner{Unit: "dep-contact-centre", Person: "s-001"},
		Due: audit.MustDate("2027-03-31"), Cost: audit.Money{Amount: 4000, Currency: "PLN"}, Actor: "s-001"})
	if err != nil {
		t.Fatal(err)
	}
	return a.ID, b.ID
}

func TestWorkFragments_Golden(t *testing.T) {
	store, c := seeded(t)
	fromWalk, _ := withActions(t, store)
	ctx := context.Background()
	a, err := store.GetAction(ctx, bank, fromWalk)
	if err != nil {
		t.Fatal(err)
	}
	// A lead renames the company: the History page shows the change.
	co, err := store.GetCompany(ctx, bank)
	if err != nil {
		t.Fatal(err)
	}
	renamed := *co
	renamed.Name.EN = "Example Bank plc"
	if _, err := audit.NewCompanyService(store).WithClock(func() time.Time { return now.Add(-time.Hour) }).ImportBy(ctx, renamed, "s-001", "Nazwa po przekształceniu"); err != nil {
		t.Fatal(err)
	}
	msgs := []console.SentMessage{{Kind: "qa-waiting", To: "anna.nowak@bank-przykladowy.pl", Name: "Anna Nowak", Lang: audit.Polish,
		Subject: "Kolejka kontroli jakości: 4 do sprawdzenia", Text: "Dzień dobry Anna Nowak,\n\nw przeglądzie rv-2027-h1 na kontrolę jakości czeka audytów: 4."}}
	cases := []struct {
		name   string
		render func(console.Viewer) ([]byte, error)
	}{
		{"qa", func(v console.Viewer) ([]byte, error) { return c.QAPage(ctx, v) }},
		{"actions", func(v console.Viewer) ([]byte, error) { return c.ActionsPage(ctx, v, "") }},
		{"action", func(v console.Viewer) ([]byte, error) { return c.ActionPage(ctx, v, fromWalk) }},
		{"action-new", func(v console.Viewer) ([]byte, error) {
			return c.NewActionForm(ctx, v, console.ActionSource{ResultID: a.Source.ResultID})
		}},
		{"history", func(v console.Viewer) ([]byte, error) { return c.History(ctx, v) }},
		{"outbox", func(v console.Viewer) ([]byte, error) { return c.Outbox(ctx, v, msgs) }},
		{"touchpoint-queued", func(v console.Viewer) ([]byte, error) {
			return c.Touchpoint(ctx, v, console.SampleRunning, "acc.branch-waw-marszalkowska")
		}},
	}
	for _, tc := range cases {
		for _, lang := range console.Languages {
			t.Run(tc.name+"-"+string(lang), func(t *testing.T) {
				got, err := tc.render(lead(lang))
				if err != nil {
					t.Fatal(err)
				}
				golden(t, tc.name+"."+string(lang)+".html", got)
			})
		}
	}
}

func TestQAPage_QueueWithReasonsAndAppeals(t *testing.T) {
	_, c := seeded(t)
	page, err := c.QAPage(context.Background(), lead(audit.English))
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	queued := regexp.MustCompile(`<li class="item" data-result="([^"]+)">`).FindAllStringSubmatch(s[:strings.Index(s, `id="appeals-h"`)], -1)
	var ids []string
	for _, m := range queued {
		ids = append(ids, m[1])
	}
	want := []string{queuedBranch, queuedMinus2}
	if strings.Join(ids, ",") != strings.Join(want, ",") {
		t.Errorf("QA queue = %v, want %v (longest waiting first)", ids, want)
	}
	for _, w := range []string{
		"Evidence flag: far from the branch (850 m)",
		"The valuation −2 is below the rule&#39;s lowest, −1.",
		`data-action="qa-decide" data-result="` + queuedBranch + `"`,
		`href="#/reviews/rv-2027-h1/touchpoints/acc.branch-waw-marszalkowska/` + queuedBranch + `"`,
		`data-action="appeal-decide" data-result="` + appealed + `"`,
	} {
		if !strings.Contains(s, w) {
			t.Errorf("the QA page lacks %q", w)
		}
	}
	pl, err := c.QAPage(context.Background(), lead(audit.Polish))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(pl), "Flaga dowodu: daleko od oddziału (850 m)") {
		t.Error("the Polish QA page does not tell the flag in Polish")
	}
}

func TestActionsPage_FiltersAndOverdue(t *testing.T) {
	store, c := seeded(t)
	fromWalk, fromRec := withActions(t, store)
	ctx := context.Background()
	rows := regexp.MustCompile(`<tr data-action-id="([^"]+)" data-status="([^"]+)"( class="overdue")?>`)
	list := func(filter string) []string {
		t.Helper()
		page, err := c.ActionsPage(ctx, lead(audit.English), filter)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range rows.FindAllStringSubmatch(string(page), -1) {
			out = append(out, m[1]+" "+m[2]+map[bool]string{true: " overdue"}[m[3] != ""])
		}
		return out
	}
	cases := []struct {
		filter string
		want   []string
	}{
		// Due 2027-01-15 and in progress on 2027-01-20: overdue.
		{"", []string{fromWalk + " in_progress overdue", fromRec + " open"}},
		{"in_progress", []string{fromWalk + " in_progress overdue"}},
		{"open", []string{fromRec + " open"}},
		{"done", nil},
		{"overdue", []string{fromWalk + " in_progress overdue"}},
	}
	for _, tc := range cases {
		t.Run("filter="+tc.filter, func(t *testing.T) {
			if got := list(tc.filter); strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	if _, err := c.ActionsPage(ctx, lead(audit.English), "nope"); audit.ErrorCodeOf(err) != audit.Invalid {
		t.Errorf("an unknown filter: %v, want invalid", err)
	}
}

func TestActionPage_NextStatusesAndTrail(t *testing.T) {
	store, c := seeded(t)
	fromWalk, _ := withActions(t, store)
	page, err := c.ActionPage(context.Background(), lead(audit.English), fromWalk)
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	// in_progress may go back to open or to done (audit.ActionTransition).
	buttons := regexp.MustCompile(`name="status" value="([a-z_]+)"`).FindAllStringSubmatch(s, -1)
	var next []string
	for _, b := range buttons {
		next = append(next, b[1])
	}
	if strings.Join(next, ",") != "open,done" {
		t.Errorf("next statuses %v, want open, done", next)
	}
	trail := s[strings.Index(s, `<ol class="trail">`):]
	created, moved := strings.Index(trail, "<strong>created</strong>"), strings.Index(trail, "<strong>in progress</strong>")
	if created < 0 || moved < created || !strings.Contains(trail, "Dostawca IVR zamówiony") || !strings.Contains(trail, "status") {
		t.Errorf("the action's trail is not created then moved with its reason and changed status:\n%s", clip([]byte(trail)))
	}
	other := console.Viewer{CompanyID: "siec-przykladowa", StaffID: "s-001", Lang: audit.English}
	if _, err := c.ActionPage(context.Background(), other, fromWalk); audit.ErrorCodeOf(err) != audit.NotFound {
		t.Errorf("another company's action: %v, want not found", err)
	}
}

func TestNewActionForm_Sources(t *testing.T) {
	store, c := seeded(t)
	ctx := context.Background()
	rep := sampleReport(t, store)
	rec := rep.Recommendations.Fixes[0]
	page, err := c.NewActionForm(ctx, lead(audit.English), console.ActionSource{ReviewID: console.SampleCurrent, TouchpointID: rec.TouchpointID})
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	ref := regexp.MustCompile(`<option value="([^"]+)" selected>`).FindStringSubmatch(s)
	for _, w := range []string{`name="reviewId" value="rv-2026-h2"`, `name="touchpointId" value="` + rec.TouchpointID + `"`, `name="due" type="date" value="2027-02-19"`} {
		if !strings.Contains(s, w) {
			t.Errorf("the form lacks %q", w)
		}
	}
	if ref == nil {
		t.Error("no owner unit is chosen by default")
	}
	cases := map[string]struct {
		src  console.ActionSource
		want audit.ErrorCode
	}{
		"nothing":                      {console.ActionSource{}, audit.Invalid},
		"a touchpoint not recommended": {console.ActionSource{ReviewID: console.SampleCurrent, TouchpointID: "nope"}, audit.NotFound},
		"a review without a report":    {console.ActionSource{ReviewID: console.SampleRunning, TouchpointID: rec.TouchpointID}, audit.NotFound},
		"a result that does not exist": {console.ActionSource{ResultID: "nope"}, audit.NotFound},
		"both a result and a review":   {console.ActionSource{ResultID: queuedMinus2, ReviewID: console.SampleCurrent, TouchpointID: "x"}, audit.Invalid},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := c.NewActionForm(ctx, lead(audit.English), tc.src); audit.ErrorCodeOf(err) != tc.want {
				t.Fatalf("got %v, want %s", err, tc.want)
			}
		})
	}
}

func TestTouchpoint_WalkQAStateAndTrail(t *testing.T) {
	store, c := seeded(t)
	ctx := context.Background()
	wf := newWorkflow(store)
	if _, err := wf.QA.Decide(ctx, workflow.DecideInput{CompanyID: bank, ResultID: queuedMinus2, By: "s-001", Decision: audit.DecideHold, Reason: "Czekam na nagranie"}); err != nil {
		t.Fatal(err)
	}
	page, err := c.Touchpoint(ctx, lead(audit.English), console.SampleRunning, "acc.branch-gdn-grunwaldzka")
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	walk := s[strings.Index(s, `id="walk-`+queuedMinus2+`"`):]
	for _, w := range []string{`<span class="status qa-held">held</span>`, "Czekam na nagranie", "<strong>held</strong> · Danuta Sokołowska",
		"<td>qa.status</td><td>pending</td><td>held</td>", `href="#/actions/new/result/` + queuedMinus2 + `"`, "poor GPS accuracy"} {
		if !strings.Contains(walk, w) {
			t.Errorf("the walk lacks %q:\n%s", w, clip([]byte(walk)))
		}
	}
}
