package httpapi_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"slices"
	"testing"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/consoleapi"
	"touchaudit/internal/httpapi"
	"touchaudit/internal/memstore"
	"touchaudit/internal/workflow"
)

// interimFixture is the sample bank on 2027-01-10: its November review
// walked acc.ivr-info once, valued −1 on 2026-11-15 and approved, and the
// report is compiled (which stores the schedule).
func interimFixture(t *testing.T) *fixture {
	t.Helper()
	now := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
	store := memstore.New()
	b, _ := companies(t)
	ctx := t.Context()
	if err := store.SaveCompany(ctx, b); err != nil {
		t.Fatal(err)
	}
	opens := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	if err := store.CreateReview(ctx, &audit.Review{ID: "bank-pl-2026-h2", CompanyID: "bank-pl", Name: "Przegląd II/2026", StandardVersion: "v2",
		Window: audit.Window{Opens: opens, Closes: opens.AddDate(0, 0, 42)}, Status: audit.ReviewRunning, Seed: 1, Assignments: 1, Done: 1, CreatedAt: opens}); err != nil {
		t.Fatal(err)
	}
	walked := time.Date(2026, 11, 15, 10, 0, 0, 0, time.UTC)
	r := audit.Result{ID: "res-ivr", CompanyID: "bank-pl", ReviewID: "bank-pl-2026-h2", TouchpointID: "acc.ivr-info", JourneyID: "account-opening",
		Channel: audit.ChannelIVR, WalkthroughID: "w-ivr", AuditorID: "s-017", StandardVersion: "v2", Valuation: -1,
		WalkedAt: walked, ScoredAt: walked, NextDue: walked.AddDate(0, 3, 0), DueReason: "minusOne",
		QA: &audit.QA{Status: audit.QAApproved, Since: walked, DecidedBy: "s-001", DecidedAt: walked}}
	if err := store.PutResults(ctx, []audit.Result{r}); err != nil {
		t.Fatal(err)
	}
	f := &fixture{store: store, exec: &countingExec{}, logs: &bytes.Buffer{}}
	log := slog.New(slog.NewJSONHandler(&syncWriter{w: f.logs}, nil))
	wf := workflow.New(store, f.exec, workflow.LogNotifier{Log: log}, fixedClock{now}, workflow.Config{ReviewStateMachineArn: "arn:review"}, log)
	if _, err := wf.Reviews.CompileReport(ctx, workflow.ReviewRef{ReviewID: "bank-pl-2026-h2"}); err != nil {
		t.Fatal(err)
	}
	f.h = httpapi.New(wf, store, consoleapi.MustWith(httpapi.Options{Form: form, Log: log, Now: func() time.Time { return now }}, store))
	return f
}

func TestInterim_MinusOneThatCannotWaitIsProposedAndStartedOnce(t *testing.T) {
	f := interimFixture(t)
	var in workflow.Interim
	got := f.invoke(t, call(t, "GET", "/api/reviews/interim", nil, "", nil))
	if got.StatusCode != 200 {
		t.Fatalf("GET: %d %s", got.StatusCode, got.Body)
	}
	got.decode(t, &in)
	p := in.Proposal
	if p == nil {
		t.Fatalf("nothing proposed: %s", got.Body)
	}
	if !in.NextReviewOpens.Equal(time.Date(2027, 7, 1, 5, 0, 0, 0, time.UTC)) { // 07:00 in Warsaw, summer time
		t.Errorf("next half-yearly opens %s, want 2027-07-01T05:00Z", in.NextReviewOpens)
	}
	if !slices.Equal(p.Scope.Touchpoints, []string{"acc.ivr-info"}) || p.OpenBy.Format(time.DateOnly) != "2027-02-15" {
		t.Errorf("proposal %v open by %s, want [acc.ivr-info] by 2027-02-15", p.Scope.Touchpoints, p.OpenBy.Format(time.DateOnly))
	}
	if p.Reason != "1 touchpoint(s) fall due before the next half-yearly review opens on 2027-07-01: acc.ivr-info (-1, minusOne) due 2027-02-15" {
		t.Errorf("reason %q", p.Reason)
	}

	var started workflow.InterimStarted
	first := f.invoke(t, call(t, "POST", "/api/reviews/interim", nil, "", nil))
	if first.StatusCode != 202 {
		t.Fatalf("POST: %d %s", first.StatusCode, first.Body)
	}
	first.decode(t, &started)
	if !started.Started || started.ReviewID != in.ReviewID || started.Status != audit.ReviewPlanned {
		t.Fatalf("started %+v, want review %s planned", started, in.ReviewID)
	}
	rv, err := f.store.GetReview(t.Context(), in.ReviewID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rv.Scope.Touchpoints, []string{"acc.ivr-info"}) || rv.CreatedBy != "s-001" {
		t.Errorf("stored review scope %v by %s, want just acc.ivr-info by s-001", rv.Scope.Touchpoints, rv.CreatedBy)
	}

	// The double click: the same review, nothing started again.
	var again workflow.InterimStarted
	second := f.invoke(t, call(t, "POST", "/api/reviews/interim", nil, "{}", nil))
	if second.StatusCode != 200 {
		t.Fatalf("POST again: %d %s", second.StatusCode, second.Body)
	}
	second.decode(t, &again)
	if again.Started || again.ReviewID != started.ReviewID {
		t.Errorf("POST again answered %+v, want review %s not started again", again, started.ReviewID)
	}
	if len(f.exec.started) != 1 || f.exec.started[0] != in.ReviewID {
		t.Errorf("executions started %v, want one, %s", f.exec.started, in.ReviewID)
	}

	f.invoke(t, call(t, "POST", "/api/reviews/interim", nil, `{"touchpoints":["x"]}`, nil)).wantError(t, 400, "invalid")
	f.invoke(t, call(t, "GET", "/api/reviews/interim", nil, "", claims("s-017", "bank-pl", "[auditor]"))).wantError(t, 403, "forbidden")
}

func TestInterim_NothingDueIsNoProposal(t *testing.T) {
	f := newFixture(t, nil) // the sample bank, nothing scheduled
	var in workflow.Interim
	f.invoke(t, call(t, "GET", "/api/reviews/interim", nil, "", nil)).decode(t, &in)
	if in.Proposal != nil || in.ReviewID != "" {
		t.Fatalf("proposed %+v", in)
	}
	f.invoke(t, call(t, "POST", "/api/reviews/interim", nil, "", nil)).wantError(t, 409, "conflict")
}

func TestCompany_PublishingAStandardMovesTheSchedule(t *testing.T) {
	f := interimFixture(t)
	due := func() audit.DueTouchpoint {
		t.Helper()
		ds, err := f.store.ListDueTouchpoints(t.Context(), "bank-pl", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil || len(ds) != 1 {
			t.Fatalf("schedule %+v, %v", ds, err)
		}
		return ds[0]
	}
	if d := due(); d.NextDue.Format(time.DateOnly) != "2027-02-15" || d.DueReason != "minusOne" {
		t.Fatalf("before: %+v", d)
	}
	c, v2 := editable(t)
	v3 := c.Standards[v2]
	v3.Version, v3.EffectiveFrom, v3.EffectiveTo = "v3", audit.MustDate("2027-02-01"), nil
	c.Standards = append(c.Standards, v3)
	if r := putCompany(t, f, c, "v3 from February"); r.StatusCode != 200 {
		t.Fatalf("publish v3: %d %s", r.StatusCode, r.Body)
	}
	if d := due(); !d.NextDue.Equal(time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)) || d.DueReason != "newStandard" {
		t.Fatalf("after publishing v3 (in force 2027-02-01): %+v, want due 2027-02-01 newStandard", d)
	}
}

func TestCompany_SettingsAreValidated(t *testing.T) {
	f := newFixture(t, nil)
	c, _ := editable(t)
	raw, _ := json.Marshal(c)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct {
		settings any
		path     string
	}{
		{map[string]any{"autoInterim": "yes"}, "settings.autoInterim"},
		{map[string]any{"autoInterm": true}, "settings.autoInterm"},
	} {
		m["settings"] = bad.settings
		body, _ := json.Marshal(m)
		f.invoke(t, call(t, "PUT", "/api/company", nil, string(body), nil)).wantError(t, 400, "invalid", bad.path)
	}
	c.Settings = &audit.CompanySettings{AutoInterim: true}
	if r := putCompany(t, f, c, "start interim reviews by themselves"); r.StatusCode != 200 {
		t.Fatalf("settings: %d %s", r.StatusCode, r.Body)
	}
	stored, err := f.store.GetCompany(t.Context(), "bank-pl")
	if err != nil || !stored.AutoInterim() {
		t.Fatalf("stored settings %+v, %v", stored.Settings, err)
	}
}
