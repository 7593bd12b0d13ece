package audit

import (
	"testing"
	"time"
)

func TestReviewID_CompanyEndsAtTheFirstDot(t *testing.T) {
	for _, c := range []struct{ id, company string }{
		{"bank.h-2027-1", "bank"},
		{"bank-pl.h-2027-1", "bank-pl"},
		{"bank.pl-2027.h1", "bank"},
	} {
		if got, ok := ReviewCompany(c.id); !ok || got != c.company {
			t.Errorf("ReviewCompany(%q) = %q, %v; want %q", c.id, got, ok, c.company)
		}
	}
	if got, ok := ReviewCompany("bank-pl-2027-h1"); ok {
		t.Errorf("an id of the old shape names company %q", got)
	}
}

func TestScheduledReviewID_HalfYears(t *testing.T) {
	for _, c := range []struct {
		at           time.Time
		id, legacyID string
	}{
		{time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC), "bank-pl.h-2027-1", "bank-pl-2027-h1"},
		{time.Date(2027, 6, 30, 23, 0, 0, 0, time.UTC), "bank-pl.h-2027-1", "bank-pl-2027-h1"},
		{time.Date(2027, 7, 1, 0, 0, 0, 0, time.UTC), "bank-pl.h-2027-2", "bank-pl-2027-h2"},
	} {
		if got := ScheduledReviewID("bank-pl", c.at); got != c.id {
			t.Errorf("ScheduledReviewID(%v) = %q, want %q", c.at, got, c.id)
		}
		if got := LegacyScheduledReviewID("bank-pl", c.at); got != c.legacyID {
			t.Errorf("LegacyScheduledReviewID(%v) = %q, want %q", c.at, got, c.legacyID)
		}
	}
}

func TestCheckNewReviewID_OwnCompanyOutsideTheSchedule(t *testing.T) {
	for _, c := range []struct {
		name, company, id string
		ok                bool
	}{
		{"own name", "bank", "bank.pilot-2027", true},
		{"a dot inside the name", "bank", "bank.q1.pilot", true},
		{"a name that only contains h-", "bank", "bank.branch-h-2027", true},
		{"another company sharing the prefix", "bank", "bank-pl.pilot-2027", false},
		{"the old shape", "bank", "bank-pilot-2027", false},
		{"the shorter company's name from the longer", "bank-pl", "bank.pilot", false},
		{"no name", "bank", "bank.", false},
		{"a scheduled name", "bank-pl", "bank-pl.h-2027-1", false},
		{"any name of the schedule's prefix", "bank-pl", "bank-pl.h-extra", false},
		{"upper case", "bank", "bank.Pilot", false},
		{"a slash", "bank", "bank./x", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			probs := CheckNewReviewID(c.company, c.id)
			if ok := len(probs) == 0; ok != c.ok {
				t.Fatalf("CheckNewReviewID(%q, %q) = %v, want ok=%v", c.company, c.id, probs, c.ok)
			}
			if !c.ok && (len(probs) != 1 || probs[0].Path != "reviewId" || probs[0].Reason == "") {
				t.Errorf("problems %+v, want one at reviewId", probs)
			}
		})
	}
}

func TestReview_ValidateNew_IDNamesTheReviewsCompany(t *testing.T) {
	r := func(id, company string) *Review {
		opens := time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)
		return &Review{ID: id, CompanyID: company, StandardVersion: "v2", Status: ReviewPlanned,
			Window: Window{Opens: opens, Closes: opens.Add(42 * Day)}}
	}
	for _, c := range []struct {
		name string
		r    *Review
		ok   bool
	}{
		{"own dotted id", r("bank-pl.h-2027-1", "bank-pl"), true},
		{"an old id without a dot", r("bank-pl-2027-h1", "bank"), true},
		{"another company's dotted id", r("bank-pl.h-2027-1", "bank"), false},
		{"a prefix company's dotted id", r("bank.h-2027-1", "bank-pl"), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.r.ValidateNew()
			if (err == nil) != c.ok {
				t.Fatalf("ValidateNew = %v, want ok=%v", err, c.ok)
			}
			if !c.ok && (len(ProblemsOf(err)) != 1 || ProblemsOf(err)[0].Path != "id") {
				t.Errorf("problems %+v, want one at id", ProblemsOf(err))
			}
			if err := c.r.Validate(); err != nil {
				t.Errorf("Validate (every update) = %v, want nil", err)
			}
		})
	}
}

func TestCompany_Validate_IDHasNoDot(t *testing.T) {
	for _, c := range []struct {
		id string
		ok bool
	}{{"bank-pl", true}, {"bank_pl", true}, {"bank.pl", false}} {
		co := tinyCompany()
		co.ID = c.id
		err := co.Validate()
		if (err == nil) != c.ok {
			t.Errorf("company id %q: Validate = %v, want ok=%v", c.id, err, c.ok)
		}
		if !c.ok && (len(ProblemsOf(err)) != 1 || ProblemsOf(err)[0].Path != "id") {
			t.Errorf("company id %q: problems %+v, want one at id", c.id, ProblemsOf(err))
		}
	}
}
