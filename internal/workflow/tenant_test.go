package workflow

import (
	"strings"
	"testing"
	"time"

	"touchaudit/internal/audit"
)

// withBank adds company bank beside the sample's bank-pl: the same journeys
// and staff under an id that is a prefix of the other's.
func (f *fixture) withBank(t *testing.T) {
	t.Helper()
	c, err := f.store.GetCompany(f.ctx, "bank-pl")
	if err != nil {
		t.Fatal(err)
	}
	c.ID = "bank"
	if err := f.store.SaveCompany(f.ctx, c); err != nil {
		t.Fatal(err)
	}
}

func TestStartReview_AnAdHocIDStaysInItsCompanysSpace(t *testing.T) {
	f := newFixture(t)
	f.withBank(t)
	opens := t0.Add(48 * time.Hour)
	for _, c := range []struct{ name, id string }{
		{"another company's scheduled id", "bank-pl.h-2027-1"},
		{"another company's id of the old shape", "bank-pl-2027-h1"},
		{"its own schedule's id", "bank.h-2027-1"},
		{"a name of its schedule's shape", "bank.h-pilot"},
		{"no name", "bank."},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.wf.Reviews.StartReview(f.ctx, ReviewRequest{CompanyID: "bank", ReviewID: c.id, Opens: &opens})
			probs := audit.ProblemsOf(err)
			if !audit.IsCode(err, audit.Invalid) || len(probs) != 1 || probs[0].Path != "reviewId" {
				t.Fatalf("StartReview(%q) = %v, want invalid at reviewId", c.id, err)
			}
			if _, err := f.store.GetReview(f.ctx, c.id); !audit.IsCode(err, audit.NotFound) {
				t.Fatalf("review %q stored: %v", c.id, err)
			}
		})
	}
	if len(f.exec.started) != 0 {
		t.Fatalf("executions started: %v", f.exec.started)
	}
	out, err := f.wf.Reviews.StartReview(f.ctx, ReviewRequest{CompanyID: "bank", ReviewID: "bank.pl-2027-h1", Opens: &opens})
	if err != nil || out.ReviewID != "bank.pl-2027-h1" {
		t.Fatalf("bank's own name that reads like bank-pl's: %+v, %v", out, err)
	}
}

func TestPlanReview_ScheduledReviewsOfPrefixCompaniesNeverCollide(t *testing.T) {
	f := newFixture(t)
	f.withBank(t)
	// Before ids carried the company, bank's lead could take an id of
	// bank-pl's shape; the stored review keeps it.
	squat := &audit.Review{ID: "bank-pl-2027-h1", CompanyID: "bank", StandardVersion: "v2", Status: audit.ReviewPlanned,
		Window: audit.Window{Opens: t0, Closes: t0.Add(audit.Day)}, CreatedAt: t0}
	if err := f.store.CreateReview(f.ctx, squat); err != nil {
		t.Fatal(err)
	}
	sched := time.Date(2027, 1, 4, 6, 0, 0, 0, time.UTC)
	scope := audit.ReviewScope{Journeys: []string{"complaint"}}
	for _, company := range []string{"bank-pl", "bank"} {
		out, err := f.wf.Reviews.PlanReview(f.ctx, ReviewRequest{CompanyID: company, ScheduledTime: &sched, Scope: scope})
		if err != nil {
			t.Fatalf("%s's scheduled review: %v", company, err)
		}
		want := company + ".h-2027-1"
		if out.ReviewID != want || out.Assignments == 0 {
			t.Fatalf("%s's scheduled review: %+v, want %s with walks", company, out, want)
		}
		r, err := f.store.GetReview(f.ctx, want)
		if err != nil || r.CompanyID != company {
			t.Fatalf("stored %s: %+v, %v", want, r, err)
		}
		as, _, err := f.store.ListAssignmentsByReview(f.ctx, want, audit.StatusPlanned, audit.Page{Limit: 1000})
		if err != nil || len(as) != out.Assignments {
			t.Fatalf("%s's planned walks: %d, %v; want %d", company, len(as), err, out.Assignments)
		}
		for _, a := range as {
			if a.CompanyID != company || !strings.HasPrefix(a.ID, want+".") {
				t.Fatalf("assignment %s of %s in %s's review", a.ID, a.CompanyID, company)
			}
		}
	}
	listed, _, err := f.store.ListReviews(f.ctx, "bank-pl", audit.Page{})
	if err != nil || len(listed) != 1 || listed[0].ID != "bank-pl.h-2027-1" {
		t.Fatalf("bank-pl's reviews: %+v, %v", listed, err)
	}
}

func TestPlanReview_PreviousHalfYearUnderTheOldID(t *testing.T) {
	sched := time.Date(2027, 1, 4, 6, 0, 0, 0, time.UTC)
	old := func(id, company string) *audit.Review {
		return &audit.Review{ID: id, CompanyID: company, StandardVersion: "v2", Status: audit.ReviewCompleted,
			Window: audit.Window{Opens: t0, Closes: t0.Add(audit.Day)}, CreatedAt: t0}
	}
	for _, c := range []struct {
		name   string
		stored []*audit.Review
		want   string
	}{
		{"none", nil, ""},
		{"today's id", []*audit.Review{old("bank-pl.h-2026-2", "bank-pl")}, "bank-pl.h-2026-2"},
		{"the old id, the company's own", []*audit.Review{old("bank-pl-2026-h2", "bank-pl")}, "bank-pl-2026-h2"},
		{"the old id, taken by another company", []*audit.Review{old("bank-pl-2026-h2", "bank")}, ""},
		{"both: today's first", []*audit.Review{old("bank-pl-2026-h2", "bank-pl"), old("bank-pl.h-2026-2", "bank-pl")}, "bank-pl.h-2026-2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			f.withBank(t)
			for _, r := range c.stored {
				if err := f.store.CreateReview(f.ctx, r); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := f.wf.Reviews.PlanReview(f.ctx, ReviewRequest{CompanyID: "bank-pl", ScheduledTime: &sched,
				Scope: audit.ReviewScope{Journeys: []string{"complaint"}}}); err != nil {
				t.Fatal(err)
			}
			r, err := f.store.GetReview(f.ctx, "bank-pl.h-2027-1")
			if err != nil || r.PreviousReviewID != c.want {
				t.Fatalf("previous review %q (%v), want %q", r.PreviousReviewID, err, c.want)
			}
		})
	}
}

func TestPlanReview_AnExecutionStartedBeforeTheRuleStillPlans(t *testing.T) {
	f := newFixture(t)
	opens := t0.Add(48 * time.Hour)
	// A lead's review of the old shape, stored and waiting for its opening
	// when the rule came: its execution plans it under its old id.
	req := ReviewRequest{CompanyID: "bank-pl", ReviewID: "bank-pl-q4-pilot", Opens: &opens, StandardVersion: "v2",
		Scope: audit.ReviewScope{Journeys: []string{"complaint"}}}
	r := &audit.Review{ID: req.ReviewID, CompanyID: "bank-pl", StandardVersion: "v2", Status: audit.ReviewPlanned, Scope: req.Scope,
		Window: audit.Window{Opens: opens, Closes: opens.Add(DefaultWindow)}, Seed: opens.Unix(), CreatedAt: t0}
	if err := f.store.CreateReview(f.ctx, r); err != nil {
		t.Fatal(err)
	}
	out, err := f.wf.Reviews.PlanReview(f.ctx, req)
	if err != nil || out.ReviewID != "bank-pl-q4-pilot" || out.Assignments == 0 {
		t.Fatalf("planning the old review: %+v, %v", out, err)
	}
	// An id of the old shape that nothing stored is a new one: refused.
	req.ReviewID = "bank-pl-q5-pilot"
	if _, err := f.wf.Reviews.StartReview(f.ctx, req); !audit.IsCode(err, audit.Invalid) {
		t.Fatalf("a new review under an id of the old shape: %v, want invalid", err)
	}
}
