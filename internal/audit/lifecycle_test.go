package audit

import (
	"strings"
	"testing"
	"time"
)

// twoVersions is tinyCompany with v1 (2025) and v2 (2026), both published,
// listed newest first so list order cannot decide anything.
func twoVersions() Company {
	c := tinyCompany()
	v1 := c.Standards[0]
	v1.Status = StandardPublished
	to := MustDate("2026-01-01")
	v1.EffectiveTo = &to
	v2 := v1
	v2.Version, v2.EffectiveFrom, v2.EffectiveTo = "v2", MustDate("2026-01-01"), nil
	v2.Criteria = append([]Criterion(nil), v1.Criteria...)
	c.Standards = []StandardSet{v2, v1}
	return c
}

func day(s string) time.Time { return MustDate(s).Time().Add(12 * time.Hour) }

func TestCompany_InForce_ByDates(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Company)
		at     string
		want   string // "" = none
	}{
		{"before any", nil, "2024-12-31", ""},
		{"first day of v1", nil, "2025-01-01", "v1"},
		{"last day of v1", nil, "2025-12-31", "v1"},
		{"v2 from its first day", nil, "2026-01-01", "v2"},
		{"open end of v1 closed by v2", func(c *Company) { c.Standards[1].EffectiveTo = nil }, "2026-06-01", "v2"},
		{"open end of v1 before v2", func(c *Company) { c.Standards[1].EffectiveTo = nil }, "2025-06-01", "v1"},
		{"draft never in force", func(c *Company) { c.Standards[0].Status = StandardDraft }, "2026-06-01", ""},
		{"retired never in force", func(c *Company) { c.Standards[1].Status = StandardRetired }, "2025-06-01", ""},
		{"no status reads as published", func(c *Company) { c.Standards[0].Status = "" }, "2026-06-01", "v2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := twoVersions()
			if tc.mutate != nil {
				tc.mutate(&c)
			}
			s, ok := c.InForce(day(tc.at))
			got := ""
			if ok {
				got = s.Version
			}
			if got != tc.want {
				t.Errorf("InForce(%s) = %q, want %q", tc.at, got, tc.want)
			}
		})
	}
}

func TestCompany_Validate_StandardWindows(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Company)
		path   string // "" = valid
	}{
		{"consecutive", nil, ""},
		{"open end superseded by next", func(c *Company) { c.Standards[1].EffectiveTo = nil }, ""},
		{"v1 runs past v2's start", func(c *Company) { to := MustDate("2026-03-01"); c.Standards[1].EffectiveTo = &to }, "standards[0].effectiveFrom"},
		{"same start", func(c *Company) { c.Standards[0].EffectiveFrom = MustDate("2025-01-01") }, "standards[1].effectiveFrom"},
		{"draft may overlap", func(c *Company) {
			c.Standards[0].Status = StandardDraft
			c.Standards[0].EffectiveFrom = MustDate("2025-06-01")
		}, ""},
		{"unknown status", func(c *Company) { c.Standards[0].Status = "live" }, "standards[0].status"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := twoVersions()
			if tc.mutate != nil {
				tc.mutate(&c)
			}
			err := c.Validate()
			if tc.path == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !IsCode(err, Invalid) {
				t.Fatalf("err = %v, want invalid", err)
			}
			found := false
			for _, p := range ProblemsOf(err) {
				found = found || p.Path == tc.path
			}
			if !found {
				t.Errorf("problems %v, want one at %s", ProblemsOf(err), tc.path)
			}
		})
	}
}

func TestCheckStandardChanges_PublishedIsFrozen(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Company)
		path   string // "" = allowed
	}{
		{"unchanged", nil, ""},
		{"retire v1", func(c *Company) { c.Standards[1].Status = StandardRetired }, ""},
		{"add a draft", func(c *Company) {
			d := c.Standards[0]
			d.Version, d.Status = "v3", StandardDraft
			c.Standards = append(c.Standards, d)
		}, ""},
		{"rewrite v1's criterion", func(c *Company) {
			c.Standards[1].Criteria = append([]Criterion(nil), c.Standards[1].Criteria...)
			c.Standards[1].Criteria[0].Weight = 3
		}, "standards[1].criteria[0]"},
		{"move v1's end", func(c *Company) { to := MustDate("2027-01-01"); c.Standards[1].EffectiveTo = &to }, "standards[1].effectiveTo"},
		{"retire and change", func(c *Company) {
			c.Standards[1].Status = StandardRetired
			c.Standards[1].Name.EN = "renamed"
		}, "standards[1].name"},
		{"back to draft", func(c *Company) { c.Standards[0].Status = StandardDraft }, "standards[0].status"},
		{"delete v1", func(c *Company) { c.Standards = c.Standards[:1] }, "standards[1]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old, nw := twoVersions(), twoVersions()
			if tc.mutate != nil {
				tc.mutate(&nw)
			}
			err := CheckStandardChanges(&old, &nw)
			if tc.path == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !IsCode(err, Conflict) {
				t.Fatalf("err = %v, want conflict", err)
			}
			probs := ProblemsOf(err)
			if len(probs) != 1 || probs[0].Path != tc.path {
				t.Fatalf("problems %v, want one at %s", probs, tc.path)
			}
			if !strings.Contains(probs[0].Reason, "standard v1") && !strings.Contains(probs[0].Reason, "standard v2") {
				t.Errorf("reason %q does not name the version", probs[0].Reason)
			}
		})
	}
}

func TestCheckStandardChanges_DraftsAreFree(t *testing.T) {
	old, nw := twoVersions(), twoVersions()
	old.Standards[0].Status = StandardDraft
	nw.Standards[0].Criteria[0].Weight = 5 // v2 was a draft: may change
	nw.Standards[0].Status = StandardPublished
	if err := CheckStandardChanges(&old, &nw); err != nil {
		t.Fatalf("publishing a changed draft refused: %v", err)
	}
	if err := CheckStandardChanges(nil, &nw); err != nil {
		t.Fatalf("first import refused: %v", err)
	}
}
