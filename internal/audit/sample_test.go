package audit

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// sampleDir is the sample company, a Polish retail bank (testdata/company).
var sampleDir = filepath.Join("..", "..", "testdata", "company")

// sampleStepKeys is the timeline step-key vocabulary documented in
// testdata/company/README.md. Timing criteria may only use these keys.
var sampleStepKeys = []string{
	"ivr_menu", "queue", "consultant", "callback_wait",
	"chat_wait", "chat_handover", "chat_session",
	"form_fill", "app_login", "app_task",
	"branch_wait", "branch_service",
	"email_reply",
	"card_block", "card_delivery",
	"application", "card_received", "welcome_email",
	"loan_decision", "contract_signing", "payout",
	"address_request", "address_confirmation",
	"complaint_filed", "complaint_reply", "refund",
}

func loadSample(t *testing.T) *Company {
	t.Helper()
	c, err := LoadCompanyDir(sampleDir)
	if err != nil {
		t.Fatalf("sample company does not load: %v", err)
	}
	return c
}

func TestSampleCompany_Loads(t *testing.T) {
	c := loadSample(t)
	if c.ID != "bank-pl" {
		t.Errorf("company id = %q, want bank-pl", c.ID)
	}

	// Organisation: ≥12 branches in ≥3 regions, each in a city.
	branchRegions := map[string]int{}
	branches := 0
	for _, u := range c.Units {
		if u.Kind == UnitBranch {
			branches++
			branchRegions[u.Region]++
			if u.City == "" {
				t.Errorf("branch %s has no city", u.ID)
			}
		}
	}
	if branches < 12 || len(branchRegions) < 3 {
		t.Errorf("got %d branches in %d regions, want ≥12 in ≥3", branches, len(branchRegions))
	}

	// Staff: ≥150, mostly auditors, some leads, some English speakers,
	// ASCII-folded e-mail addresses.
	if len(c.Staff) < 150 {
		t.Errorf("got %d staff, want ≥150", len(c.Staff))
	}
	leads, english := 0, 0
	for _, s := range c.Staff {
		if s.Has(RoleLead) {
			leads++
		}
		if s.Speaks(English) {
			english++
		}
		if !s.Speaks(Polish) {
			t.Errorf("staff %s does not speak Polish", s.ID)
		}
		for _, r := range s.Email {
			if r > 127 {
				t.Errorf("staff %s: e-mail %q is not ASCII", s.ID, s.Email)
				break
			}
		}
	}
	if leads < 5 || len(c.Auditors()) < 140 {
		t.Errorf("got %d leads and %d auditors", leads, len(c.Auditors()))
	}
	if share := float64(english) / float64(len(c.Staff)); share < 0.2 || share > 0.45 {
		t.Errorf("English speakers are %.0f%% of staff, want about 30%%", share*100)
	}

	// Journeys and touchpoints: ≥4 journeys, ≥40 touchpoints, all channels,
	// branch visits owned by several branches, some held in English.
	if len(c.Journeys) < 4 {
		t.Errorf("got %d journeys, want ≥4", len(c.Journeys))
	}
	tps := c.Touchpoints()
	if len(tps) < 40 {
		t.Errorf("got %d touchpoints, want ≥40", len(tps))
	}
	channels := map[Channel]int{}
	branchOwners := map[string]bool{}
	mot, effort, inEnglish := 0, 0, 0
	for _, r := range tps {
		channels[r.Channel]++
		if r.Channel == ChannelBranch {
			if u, _ := c.Unit(r.OwnerUnit); u.Kind != UnitBranch {
				t.Errorf("branch visit %s is owned by %s, not a branch", r.ID, r.OwnerUnit)
			}
			branchOwners[r.OwnerUnit] = true
			if r.VisitLanguage() == English {
				inEnglish++
			}
		}
		if r.MomentOfTruth {
			mot++
		}
		if r.CustomerEffort {
			effort++
		}
	}
	for _, ch := range Channels {
		if channels[ch] == 0 {
			t.Errorf("no touchpoint in channel %s", ch)
		}
	}
	if len(branchOwners) < 6 || inEnglish < 1 || mot < 6 || effort < 6 {
		t.Errorf("got %d branches owning visits, %d English visits, %d moments of truth, %d effort points",
			len(branchOwners), inEnglish, mot, effort)
	}

	// Facts: at least 3 keys are stated in 2 or more channels, so
	// cross-channel consistency can be checked.
	factChannels := map[string]map[Channel]bool{}
	for _, r := range tps {
		for _, f := range r.Facts {
			if factChannels[f.Key] == nil {
				factChannels[f.Key] = map[Channel]bool{}
			}
			factChannels[f.Key][r.Channel] = true
		}
	}
	multi := 0
	for _, chs := range factChannels {
		if len(chs) >= 2 {
			multi++
		}
	}
	if multi < 3 {
		t.Errorf("only %d fact keys are stated in ≥2 channels, want ≥3", multi)
	}

	// Standards: v1 (2025) and v2 (2026), every kind, every touchpoint
	// covered by ≥3 criteria, timing on documented step keys, fact
	// criteria on stated facts.
	for _, version := range []string{"v1", "v2"} {
		s, ok := c.Standard(version)
		if !ok {
			t.Fatalf("standard %s missing", version)
		}
		kinds := map[CriterionKind]int{}
		levels := map[int]bool{}
		for _, cr := range s.Criteria {
			kinds[cr.Kind]++
			if cr.Exceed != nil {
				levels[cr.Exceed.Level] = true
			}
			if tm := cr.Timing; tm != nil {
				for _, k := range []string{tm.Step, tm.From, tm.To} {
					if k != "" && !slices.Contains(sampleStepKeys, k) {
						t.Errorf("%s %s: step key %q is not in the documented vocabulary", version, cr.ID, k)
					}
				}
			}
			if f := cr.Fact; f != nil && factChannels[f.Key] == nil {
				t.Errorf("%s %s: fact %q is stated by no touchpoint", version, cr.ID, f.Key)
			}
		}
		for _, k := range []CriterionKind{KindStep, KindTiming, KindEffort, KindExceed, KindPromise, KindFact} {
			if kinds[k] == 0 {
				t.Errorf("%s has no %s criterion", version, k)
			}
		}
		if !levels[1] || !levels[2] {
			t.Errorf("%s exceed levels = %v, want 1 and 2", version, levels)
		}
		for _, r := range tps {
			if n := len(s.CriteriaFor(&r.Touchpoint)); n < 3 {
				t.Errorf("%s: touchpoint %s has %d criteria, want ≥3", version, r.ID, n)
			}
		}
	}
	v1, _ := c.Standard("v1")
	v2, _ := c.Standard("v2")
	if !v1.EffectiveTo.Time().Equal(v2.EffectiveFrom.Time()) {
		t.Errorf("v1 ends %s but v2 starts %s", v1.EffectiveTo, v2.EffectiveFrom)
	}
	kept := 0
	for _, cr := range v1.Criteria {
		if _, ok := v2.Criterion(cr.ID); ok {
			kept++
		}
	}
	if kept < len(v1.Criteria)*3/4 || kept == len(v1.Criteria) || len(v2.Criteria) <= kept {
		t.Errorf("v2 keeps %d of %d v1 criteria and has %d: want most kept, some dropped, some added",
			kept, len(v1.Criteria), len(v2.Criteria))
	}
	ivr1, _ := v1.Criterion("ivr-to-consultant")
	ivr2, _ := v2.Criterion("ivr-to-consultant")
	if ivr1 == nil || ivr2 == nil || ivr2.Timing.Target >= ivr1.Timing.Target {
		t.Errorf("v2 should tighten the IVR-to-consultant target")
	}
}

// sampleFS copies the sample company into memory so a test can break it.
func sampleFS(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS(sampleDir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		b, err := os.ReadFile(filepath.Join(sampleDir, p))
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// mutate decodes a JSON file generically, lets edit change it, and writes it back.
func mutate(t *testing.T, fsys fstest.MapFS, name string, edit func(doc any)) {
	t.Helper()
	var doc any
	if err := json.Unmarshal(fsys[name].Data, &doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	edit(doc)
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	fsys[name] = &fstest.MapFile{Data: b}
}

// at walks a decoded JSON document along a path such as "stages.0.touchpoints.1".
func at(doc any, path string) map[string]any {
	for _, part := range strings.Split(path, ".") {
		if i, err := strconv.Atoi(part); err == nil {
			doc = doc.([]any)[i]
		} else {
			doc = doc.(map[string]any)[part]
		}
	}
	return doc.(map[string]any)
}

func TestSampleCompany_BadFixtureNamesFieldPath(t *testing.T) {
	cases := []struct {
		name string
		file string
		edit func(doc any)
		want []string // substrings of the error: the file and the field path
	}{
		{
			name: "unknown channel",
			file: "journeys/account-opening.json",
			edit: func(d any) { at(d, "stages.0.touchpoints.0")["channel"] = "fax" },
			want: []string{"journeys/account-opening.json", "stages[0].touchpoints[0].channel", `"fax"`},
		},
		{
			name: "unknown owner unit",
			file: "journeys/cash-loan.json",
			edit: func(d any) { at(d, "stages.0.touchpoints.0")["ownerUnit"] = "dep-marketing" },
			want: []string{"journeys/cash-loan.json", "stages[0].touchpoints[0].ownerUnit", `"dep-marketing"`},
		},
		{
			name: "duplicate touchpoint id",
			file: "journeys/complaint.json",
			edit: func(d any) { at(d, "stages.0.touchpoints.1")["id"] = "cmp.web-form" },
			want: []string{"journeys/complaint.json", "stages[0].touchpoints[1].id", "duplicate touchpoint id"},
		},
		{
			name: "reach above 1",
			file: "journeys/address-change.json",
			edit: func(d any) { at(d, "stages.0.touchpoints.0")["reach"] = 1.5 },
			want: []string{"journeys/address-change.json", "stages[0].touchpoints[0].reach", "1.5"},
		},
		{
			// encoding/json reports an unknown field by name only, without
			// the path to the object holding it.
			name: "unknown field in a standard",
			file: "standards/v2-2026.json",
			edit: func(d any) { at(d, "criteria.3")["owner"] = "cx" },
			want: []string{"standards/v2-2026.json", `unknown field "owner"`},
		},
		{
			name: "wrong type in a standard",
			file: "standards/v1-2025.json",
			edit: func(d any) { at(d, "criteria.0")["weight"] = "high" },
			want: []string{"standards/v1-2025.json", "criteria.weight"},
		},
		{
			name: "criterion naming an unknown touchpoint",
			file: "standards/v1-2025.json",
			edit: func(d any) { at(d, "criteria.3")["touchpoints"] = []any{"acc.fax"} },
			want: []string{"standards/v1-2025.json", "criteria[3].touchpoints[0]", `"acc.fax"`},
		},
		{
			name: "timing limit below target",
			file: "standards/v2-2026.json",
			edit: func(d any) {
				for i, c := range d.(map[string]any)["criteria"].([]any) {
					if c.(map[string]any)["id"] == "ivr-to-consultant" {
						at(d, "criteria."+strconv.Itoa(i)+".timing")["limit"] = "30s"
						return
					}
				}
				panic("no ivr-to-consultant in v2")
			},
			want: []string{"standards/v2-2026.json", "timing.limit"},
		},
		{
			name: "staff with an unknown home unit",
			file: "staff.json",
			edit: func(d any) { at(d, "7")["homeUnit"] = "br-lodz-piotrkowska" },
			want: []string{"staff.json", "staff[7].homeUnit", `"br-lodz-piotrkowska"`},
		},
		{
			name: "branch in an unknown region",
			file: "company.json",
			edit: func(d any) { at(d, "units.4")["region"] = "slaski" },
			want: []string{"company.json", "units[4].region", `"slaski"`},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fsys := sampleFS(t)
			mutate(t, fsys, tc.file, tc.edit)
			_, err := LoadCompany(fsys)
			t.Logf("%v", err)
			if err == nil {
				t.Fatal("broken sample loaded without error")
			}
			if ErrorCodeOf(err) != Invalid {
				t.Errorf("error code = %q, want %q", ErrorCodeOf(err), Invalid)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
