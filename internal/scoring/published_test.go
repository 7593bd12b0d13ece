package scoring

import (
	"slices"
	"strings"
	"testing"

	"touchaudit/internal/audit"
)

// A fact criterion carrying the published value misses when the value
// stated differs from it after normalising, even when every channel agrees.
func TestScore_FactAgainstPublished(t *testing.T) {
	cases := []struct {
		name      string
		published string
		critical  bool
		stated    string
		want      audit.Valuation
		detail    string // the fee-stated reason's detail; "" = met
	}{
		{"every channel says 25, published 15", "15 zł", false, "25 zł", -1, `stated monthly_fee as "25 zł" (CHANNEL), not the published "15 zł"`},
		{"critical fact misstated", "15 zł", true, "25 zł", -2, `stated monthly_fee as "25 zł" (CHANNEL), not the published "15 zł"`},
		{"15 PLN is 15 zł", "15 zł", false, "15 PLN", 0, ""},
		{"in words", "15 zł", false, "piętnaście złotych", 0, ""},
		{"with grosze", "15 zł", false, "15,00 zł", 0, ""},
		{"no published value", "", false, "25 zł", 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			co := testCompany()
			for i := range co.Standards {
				for k := range co.Standards[i].Criteria {
					if cr := &co.Standards[i].Criteria[k]; cr.ID == "fee-stated" {
						cr.Critical = c.critical
						cr.Fact = &audit.FactRef{Key: "monthly_fee", Published: c.published}
					}
				}
			}
			e, err := New(co)
			if err != nil {
				t.Fatal(err)
			}
			branch := branchWalk()
			branch.Facts[0].Value = c.stated
			app := audit.Walkthrough{ID: "w-app", CompanyID: "bank-test", TouchpointID: "app-card", AuditorID: "a2", StandardVersion: "v2", Resolved: true,
				Timeline: []audit.TimelineStep{step("apply", audit.ChannelMobileApp, 0, 0)},
				Answers:  []audit.Answer{yes("next-step")},
				Facts:    []audit.FactRecord{{Key: "monthly_fee", Value: c.stated, Channel: audit.ChannelMobileApp}}}
			app.Timeline[0].End = st(t0.Add(60e9))
			var results []audit.Result
			for _, w := range []audit.Walkthrough{branch, app} {
				r, err := e.Score(&w, t0)
				if err != nil {
					t.Fatal(err)
				}
				results = append(results, r)
				if r.Valuation != c.want {
					t.Errorf("%s: valuation %+d, want %+d (reasons %+v)", w.ID, r.Valuation, c.want, r.Reasons)
				}
				missed := slices.ContainsFunc(r.Gaps, func(g audit.Gap) bool { return g.CriterionID == "fee-stated" })
				if missed != (c.detail != "") {
					t.Errorf("%s: fee-stated in gaps = %v", w.ID, missed)
				}
				if c.detail == "" {
					continue
				}
				i := slices.IndexFunc(r.Reasons, func(x audit.Reason) bool { return x.CriterionID == "fee-stated" })
				if i < 0 {
					t.Fatalf("%s: no fee-stated reason in %+v", w.ID, r.Reasons)
				}
				want := strings.Replace(c.detail, "CHANNEL", string(w.Facts[0].Channel), 1)
				if rs := r.Reasons[i]; rs.Detail != want || rs.Effect != c.want || rs.Label.PL == "" || rs.Label.EN == "" {
					t.Errorf("%s: reason %+v, want detail %q", w.ID, rs, want)
				}
			}
			// The channels agree, so consistency alone would raise nothing.
			if inc := e.Consistency(results); len(inc) != 0 {
				t.Errorf("inconsistencies = %+v, want none", inc)
			}
		})
	}
}
