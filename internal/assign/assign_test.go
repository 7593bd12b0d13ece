package assign

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"touchaudit/internal/audit"
)

const (
	pl = audit.Polish
	en = audit.English
)

// units is a small bank: two regions, three branches, two departments.
var units = []audit.Unit{
	{ID: "pomorskie", Kind: audit.UnitRegion},
	{ID: "mazowieckie", Kind: audit.UnitRegion},
	{ID: "br-gdansk-1", Kind: audit.UnitBranch, Region: "pomorskie"},
	{ID: "br-gdansk-2", Kind: audit.UnitBranch, Region: "pomorskie"},
	{ID: "br-warszawa-1", Kind: audit.UnitBranch, Region: "mazowieckie"},
	{ID: "dep-it", Kind: audit.UnitDepartment},
	{ID: "dep-cc", Kind: audit.UnitDepartment},
}

// auditor is a member of staff with the auditor role (Polish when no
// language is given).
func auditor(id, home, region string, langs ...audit.Lang) audit.Staff {
	if len(langs) == 0 {
		langs = []audit.Lang{pl}
	}
	return audit.Staff{ID: id, HomeUnit: home, Region: region, Languages: langs, Roles: []audit.Role{audit.RoleAuditor}}
}

// walks lists n walks of one touchpoint.
func walks(tp, owner string, ch audit.Channel, lang audit.Lang, n int) []Task {
	var out []Task
	for w := 1; w <= n; w++ {
		out = append(out, Task{TouchpointID: tp, Walk: w, OwnerUnit: owner, Channel: ch, Language: lang})
	}
	return out
}

// outcome is a plan as "touchpoint#walk" → auditor id, "-" when unstaffed.
func outcome(p Plan) map[string]string {
	out := map[string]string{}
	for _, a := range p.Assigned {
		out[fmt.Sprintf("%s#%d", a.TouchpointID, a.Walk)] = a.AuditorID
	}
	for _, u := range p.Unstaffed {
		out[fmt.Sprintf("%s#%d", u.Task.TouchpointID, u.Task.Walk)] = "-"
	}
	return out
}

// run assigns req, checks the plan with verify, and returns it.
func run(t *testing.T, req Request) Plan {
	t.Helper()
	if req.Units == nil {
		req.Units = units
	}
	plan, err := Assign(req)
	if err != nil {
		t.Fatal(err)
	}
	verify(t, req, plan)
	return plan
}

type rulesCase struct {
	name      string
	req       Request
	want      map[string]string // nil: only count the unstaffed
	unstaffed int
	reasons   []string           // of the first unstaffed walk
	counts    map[Constraint]int // of the first unstaffed walk
	repeats   int
	sharesFor []string // placements marked SharesUnit
}

func (tc rulesCase) check(t *testing.T) {
	t.Helper()
	plan := run(t, tc.req)
	if got := outcome(plan); tc.want != nil && !reflect.DeepEqual(got, tc.want) {
		t.Errorf("plan = %v, want %v", got, tc.want)
	}
	if tc.want == nil && len(plan.Unstaffed) != tc.unstaffed {
		t.Errorf("%d unstaffed, want %d", len(plan.Unstaffed), tc.unstaffed)
	}
	if tc.reasons != nil || tc.counts != nil {
		if len(plan.Unstaffed) == 0 {
			t.Fatal("nothing unstaffed")
		}
		u := plan.Unstaffed[0]
		if !reflect.DeepEqual(u.Reasons, tc.reasons) {
			t.Errorf("reasons = %q, want %q", u.Reasons, tc.reasons)
		}
		if !reflect.DeepEqual(u.Counts, tc.counts) {
			t.Errorf("counts = %v, want %v", u.Counts, tc.counts)
		}
	}
	if got := len(plan.Repeats()); got != tc.repeats {
		t.Errorf("%d repeats, want %d", got, tc.repeats)
	}
	var shares []string
	for _, a := range plan.Assigned {
		if a.SharesUnit {
			shares = append(shares, fmt.Sprintf("%s#%d", a.TouchpointID, a.Walk))
		}
	}
	if !slices.Equal(shares, tc.sharesFor) {
		t.Errorf("SharesUnit on %v, want %v", shares, tc.sharesFor)
	}
}

func TestAssign_HomeUnit(t *testing.T) {
	for _, tc := range []rulesCase{
		{
			name: "branch staff do not audit their branch",
			req: Request{
				Tasks:    walks("visit", "br-gdansk-1", audit.ChannelBranch, "", 1),
				Auditors: []audit.Staff{auditor("a", "br-gdansk-1", "pomorskie"), auditor("b", "br-gdansk-2", "pomorskie")},
			},
			want: map[string]string{"visit#1": "b"},
		},
		{
			name: "department staff do not audit their department's channel",
			req: Request{
				Tasks:    walks("web", "dep-it", audit.ChannelWebForm, "", 1),
				Auditors: []audit.Staff{auditor("a", "dep-it", "mazowieckie"), auditor("b", "dep-cc", "mazowieckie")},
			},
			want: map[string]string{"web#1": "b"},
		},
		{
			name: "only the owner's staff qualify",
			req: Request{
				Tasks:    walks("visit", "br-gdansk-1", audit.ChannelBranch, "", 1),
				Auditors: []audit.Staff{auditor("a", "br-gdansk-1", "pomorskie"), auditor("b", "br-gdansk-1", "pomorskie")},
			},
			want:    map[string]string{"visit#1": "-"},
			reasons: []string{"every Polish-speaking auditor in region pomorskie belongs to the owning unit br-gdansk-1"},
			counts:  map[Constraint]int{ConstraintHomeUnit: 2},
		},
	} {
		t.Run(tc.name, tc.check)
	}
}

func TestAssign_RegionAndLanguage(t *testing.T) {
	for _, tc := range []rulesCase{
		{
			name: "a branch visit needs the branch's region",
			req: Request{
				Tasks:    walks("visit", "br-gdansk-1", audit.ChannelBranch, "", 1),
				Auditors: []audit.Staff{auditor("a", "dep-it", "mazowieckie"), auditor("b", "br-gdansk-2", "pomorskie")},
			},
			want: map[string]string{"visit#1": "b"},
		},
		{
			name: "an English branch visit needs an English speaker in the region",
			req: Request{
				Tasks: walks("visit", "br-gdansk-1", audit.ChannelBranch, en, 1),
				Auditors: []audit.Staff{
					auditor("a", "br-gdansk-2", "pomorskie", pl),
					auditor("b", "br-warszawa-1", "mazowieckie", pl, en),
					auditor("c", "dep-it", "pomorskie", pl, en),
				},
			},
			want: map[string]string{"visit#1": "c"},
		},
		{
			name: "a branch visit owned by a region is held in that region",
			req: Request{
				Tasks:    walks("visit", "mazowieckie", audit.ChannelBranch, "", 1),
				Auditors: []audit.Staff{auditor("a", "br-gdansk-2", "pomorskie"), auditor("b", "br-warszawa-1", "mazowieckie")},
			},
			want: map[string]string{"visit#1": "b"},
		},
		{
			name: "remote channels take any region, in Polish by default",
			req: Request{
				Tasks:    walks("ivr", "dep-cc", audit.ChannelIVR, "", 1),
				Auditors: []audit.Staff{auditor("a", "br-warszawa-1", "mazowieckie", en), auditor("b", "br-gdansk-2", "pomorskie", pl)},
			},
			want: map[string]string{"ivr#1": "b"},
		},
		{
			name: "a remote channel in English needs an English speaker",
			req: Request{
				Tasks:    walks("chat", "dep-cc", audit.ChannelChat, en, 1),
				Auditors: []audit.Staff{auditor("a", "br-gdansk-2", "pomorskie", pl), auditor("b", "br-warszawa-1", "mazowieckie", en)},
			},
			want: map[string]string{"chat#1": "b"},
		},
		{
			name: "nobody in the region",
			req: Request{
				Tasks:    walks("visit", "br-warszawa-1", audit.ChannelBranch, "", 1),
				Auditors: []audit.Staff{auditor("a", "br-gdansk-2", "pomorskie")},
			},
			want:    map[string]string{"visit#1": "-"},
			reasons: []string{"no auditor is based in region mazowieckie"},
			counts:  map[Constraint]int{ConstraintRegion: 1},
		},
		{
			name: "nobody in the region speaks the language",
			req: Request{
				Tasks:    walks("visit", "br-gdansk-1", audit.ChannelBranch, en, 1),
				Auditors: []audit.Staff{auditor("a", "br-gdansk-2", "pomorskie"), auditor("b", "dep-it", "pomorskie"), auditor("c", "dep-it", "mazowieckie", en)},
			},
			want:    map[string]string{"visit#1": "-"},
			reasons: []string{"none of the 2 auditors in region pomorskie speaks English"},
			counts:  map[Constraint]int{ConstraintRegion: 1, ConstraintLanguage: 2},
		},
		{
			name: "nobody speaks the language of a remote channel",
			req: Request{
				Tasks:    walks("mail", "dep-cc", audit.ChannelEmail, en, 1),
				Auditors: []audit.Staff{auditor("a", "br-gdansk-2", "pomorskie")},
			},
			want:    map[string]string{"mail#1": "-"},
			reasons: []string{"no auditor speaks English"},
			counts:  map[Constraint]int{ConstraintLanguage: 1},
		},
		{
			name: "a branch visit owned by a department has no region",
			req: Request{
				Tasks:    walks("visit", "dep-it", audit.ChannelBranch, "", 1),
				Auditors: []audit.Staff{auditor("a", "br-gdansk-2", "pomorskie")},
			},
			want:    map[string]string{"visit#1": "-"},
			reasons: []string{"branch visit owned by dep-it, which is not a branch in a region"},
			counts:  map[Constraint]int{ConstraintRegion: 1},
		},
	} {
		t.Run(tc.name, tc.check)
	}
}

func TestAssign_Role(t *testing.T) {
	lead := audit.Staff{ID: "lead", HomeUnit: "br-gdansk-2", Region: "pomorskie", Languages: []audit.Lang{pl}, Roles: []audit.Role{audit.RoleLead}}
	both := auditor("both", "br-gdansk-2", "pomorskie")
	both.Roles = []audit.Role{audit.RoleLead, audit.RoleAuditor}
	for _, tc := range []rulesCase{
		{
			name: "leads without the auditor role do not walk",
			req:  Request{Tasks: walks("web", "dep-it", audit.ChannelWebForm, "", 1), Auditors: []audit.Staff{lead, both}},
			want: map[string]string{"web#1": "both"},
		},
		{
			name:    "no auditors at all",
			req:     Request{Tasks: walks("web", "dep-it", audit.ChannelWebForm, "", 1), Auditors: []audit.Staff{lead}},
			want:    map[string]string{"web#1": "-"},
			reasons: []string{"no staff hold the auditor role"},
			counts:  map[Constraint]int{ConstraintRole: 1},
		},
	} {
		t.Run(tc.name, tc.check)
	}
	t.Run("load lists auditors only", func(t *testing.T) {
		plan := run(t, Request{Auditors: []audit.Staff{lead, both}})
		if want := map[string]int{"both": 0}; !reflect.DeepEqual(plan.Load, want) {
			t.Errorf("load = %v, want %v", plan.Load, want)
		}
	})
}

func TestAssign_Cap(t *testing.T) {
	var three, seven []Task
	for i := 1; i <= 7; i++ {
		tk := walks(fmt.Sprintf("tp-%d", i), "dep-cc", audit.ChannelPhone, "", 1)
		if i <= 3 {
			three = append(three, tk...)
		}
		seven = append(seven, tk...)
	}
	a := auditor("a", "dep-it", "pomorskie")
	for _, tc := range []rulesCase{
		{
			name:      "the cap holds",
			req:       Request{Tasks: three, Auditors: []audit.Staff{a}, MaxPerAuditor: 2},
			unstaffed: 1,
			reasons:   []string{"the only Polish-speaking auditor is at the cap of 2"},
			counts:    map[Constraint]int{ConstraintCap: 1},
		},
		{
			name:      "zero means the default of six",
			req:       Request{Tasks: seven, Auditors: []audit.Staff{a}},
			unstaffed: 1,
			reasons:   []string{"the only Polish-speaking auditor is at the cap of 6"},
			counts:    map[Constraint]int{ConstraintCap: 1},
		},
	} {
		t.Run(tc.name, tc.check)
	}
}

func TestAssign_Walks(t *testing.T) {
	a1, a2 := auditor("a1", "br-gdansk-2", "pomorskie"), auditor("a2", "br-gdansk-2", "pomorskie")
	b := auditor("b", "dep-it", "pomorskie")
	// Walks of x1 and x2 can only go to b (a1 and a2 own them), and they
	// are staffed first, being the most constrained.
	loadB := append(walks("x1", "br-gdansk-2", audit.ChannelBranch, "", 1), walks("x2", "br-gdansk-2", audit.ChannelBranch, "", 1)...)
	for _, tc := range []rulesCase{
		{
			name:    "walks go to different auditors",
			req:     Request{Tasks: walks("ivr", "dep-cc", audit.ChannelIVR, "", 2), Auditors: []audit.Staff{b}},
			want:    map[string]string{"ivr#1": "b", "ivr#2": "-"},
			reasons: []string{"1 already walks this touchpoint, and its walks need different auditors"},
			counts:  map[Constraint]int{ConstraintSameTouchpoint: 1},
		},
		{
			name: "walks prefer different home units",
			req:  Request{Tasks: walks("ivr", "dep-cc", audit.ChannelIVR, "", 2), Auditors: []audit.Staff{a1, a2, b}, Seed: 3},
			want: map[string]string{"ivr#1": "a1", "ivr#2": "b"},
		},
		{
			name:      "one unit when there is no other",
			req:       Request{Tasks: walks("ivr", "dep-cc", audit.ChannelIVR, "", 2), Auditors: []audit.Staff{a1, a2}, Seed: 3},
			want:      map[string]string{"ivr#1": "a1", "ivr#2": "a2"},
			sharesFor: []string{"ivr#2"},
		},
		{
			name:      "balance beats unit diversity without slack",
			req:       Request{Tasks: append(walks("ivr", "dep-cc", audit.ChannelIVR, "", 2), loadB...), Auditors: []audit.Staff{a1, a2, b}, Seed: 3},
			want:      map[string]string{"x1#1": "b", "x2#1": "b", "ivr#1": "a1", "ivr#2": "a2"},
			sharesFor: []string{"ivr#2"},
		},
		{
			name: "slack buys unit diversity",
			req:  Request{Tasks: append(walks("ivr", "dep-cc", audit.ChannelIVR, "", 2), loadB...), Auditors: []audit.Staff{a1, a2, b}, Seed: 3, UnitSlack: 2},
			want: map[string]string{"x1#1": "b", "x2#1": "b", "ivr#1": "a1", "ivr#2": "b"},
		},
		{
			name: "three walks, three auditors",
			req:  Request{Tasks: walks("web", "dep-cc", audit.ChannelWebForm, "", 3), Auditors: []audit.Staff{a1, a2, b}, Seed: 3},
			want: map[string]string{"web#1": "a1", "web#2": "b", "web#3": "a2"},
			// a2 shares a1's unit: there is no third unit.
			sharesFor: []string{"web#3"},
		},
		{
			name:    "more walks than auditors",
			req:     Request{Tasks: walks("web", "dep-cc", audit.ChannelWebForm, "", 3), Auditors: []audit.Staff{a1, b}},
			want:    map[string]string{"web#1": "a1", "web#2": "b", "web#3": "-"},
			reasons: []string{"2 already walk this touchpoint, and its walks need different auditors"},
			counts:  map[Constraint]int{ConstraintSameTouchpoint: 2},
		},
	} {
		t.Run(tc.name, tc.check)
	}
}

func TestAssign_PreviousReview(t *testing.T) {
	a, b := auditor("a", "dep-it", "pomorskie"), auditor("b", "dep-cc", "pomorskie")
	// x is owned by a's unit, so only b takes it; it is staffed first.
	x := walks("x", "dep-it", audit.ChannelPhone, "", 1)
	for _, tc := range []rulesCase{
		{
			name: "another auditor takes it",
			req:  Request{Tasks: walks("web", "br-gdansk-1", audit.ChannelWebForm, "", 1), Auditors: []audit.Staff{a, b}, Previous: map[string][]string{"web": {"a"}}},
			want: map[string]string{"web#1": "b"},
		},
		{
			name: "whatever the seed",
			req:  Request{Tasks: walks("web", "br-gdansk-1", audit.ChannelWebForm, "", 1), Auditors: []audit.Staff{a, b}, Previous: map[string][]string{"web": {"b"}}, Seed: 99},
			want: map[string]string{"web#1": "a"},
		},
		{
			name: "even when the other is more loaded",
			req: Request{
				Tasks:    append(walks("web", "br-gdansk-1", audit.ChannelWebForm, "", 1), x...),
				Auditors: []audit.Staff{a, b}, Previous: map[string][]string{"web": {"a"}},
			},
			want: map[string]string{"x#1": "b", "web#1": "b"},
		},
		{
			name: "falls back when the others are at the cap",
			req: Request{
				Tasks:    append(walks("web", "br-gdansk-1", audit.ChannelWebForm, "", 1), x...),
				Auditors: []audit.Staff{a, b}, Previous: map[string][]string{"web": {"a"}}, MaxPerAuditor: 1,
			},
			want:    map[string]string{"x#1": "b", "web#1": "a"},
			repeats: 1,
		},
		{
			name: "falls back when the others own it",
			req:  Request{Tasks: walks("web", "dep-cc", audit.ChannelWebForm, "", 1), Auditors: []audit.Staff{a, b}, Previous: map[string][]string{"web": {"a"}}},
			want: map[string]string{"web#1": "a"}, repeats: 1,
		},
		{
			name: "both previous auditors walk again when nobody else can",
			req:  Request{Tasks: walks("web", "br-gdansk-1", audit.ChannelWebForm, "", 2), Auditors: []audit.Staff{a, b}, Previous: map[string][]string{"web": {"a", "b", "ghost"}}},
			want: map[string]string{"web#1": "a", "web#2": "b"}, repeats: 2,
		},
	} {
		t.Run(tc.name, tc.check)
	}
}

// TestAssign_Infeasibility checks a full explanation: every rule rules
// somebody out, and the rest are at the cap.
func TestAssign_Infeasibility(t *testing.T) {
	req := Request{MaxPerAuditor: 1, Seed: 5}
	for i := 1; i <= 13; i++ {
		req.Tasks = append(req.Tasks, walks(fmt.Sprintf("visit-%02d", i), "br-gdansk-1", audit.ChannelBranch, "", 1)...)
	}
	for i := 1; i <= 12; i++ {
		req.Auditors = append(req.Auditors, auditor(fmt.Sprintf("free-%02d", i), "br-gdansk-2", "pomorskie"))
	}
	req.Auditors = append(req.Auditors,
		audit.Staff{ID: "lead", HomeUnit: "dep-it", Region: "pomorskie", Languages: []audit.Lang{pl}, Roles: []audit.Role{audit.RoleLead}},
		auditor("warsaw-1", "br-warszawa-1", "mazowieckie"),
		auditor("warsaw-2", "br-warszawa-1", "mazowieckie"),
		auditor("english", "dep-it", "pomorskie", en),
		auditor("owner-1", "br-gdansk-1", "pomorskie"),
		auditor("owner-2", "br-gdansk-1", "pomorskie"),
	)
	plan := run(t, req)
	if len(plan.Unstaffed) != 1 {
		t.Fatalf("%d unstaffed, want 1", len(plan.Unstaffed))
	}
	u := plan.Unstaffed[0]
	wantReasons := []string{
		"2 of the 14 Polish-speaking auditors in region pomorskie belong to the owning unit br-gdansk-1",
		"the other 12 are at the cap of 1",
	}
	if !reflect.DeepEqual(u.Reasons, wantReasons) {
		t.Errorf("reasons = %q, want %q", u.Reasons, wantReasons)
	}
	wantCounts := map[Constraint]int{ConstraintRole: 1, ConstraintRegion: 2, ConstraintLanguage: 1, ConstraintHomeUnit: 2, ConstraintCap: 12}
	if !reflect.DeepEqual(u.Counts, wantCounts) {
		t.Errorf("counts = %v, want %v", u.Counts, wantCounts)
	}

	t.Run("all at the cap", func(t *testing.T) {
		req := req
		req.Auditors = req.Auditors[:12]
		plan := run(t, req)
		want := []string{"all 12 Polish-speaking auditors in region pomorskie are at the cap of 1"}
		if len(plan.Unstaffed) != 1 || !reflect.DeepEqual(plan.Unstaffed[0].Reasons, want) {
			t.Errorf("unstaffed = %+v, want one with reasons %q", plan.Unstaffed, want)
		}
	})
}

func TestAssign_Determinism(t *testing.T) {
	req := generateRequest(t, 11, shape{auditors: 150, touchpoints: 300, walks: 2, cap: 5, regions: 6, branchesPerRegion: 3, prevShare: 0.7})
	first := run(t, req)

	t.Run("same seed, same plan", func(t *testing.T) {
		if again := run(t, req); !reflect.DeepEqual(first, again) {
			t.Error("two runs with the same seed differ")
		}
	})
	t.Run("input order does not matter", func(t *testing.T) {
		shuffled := req
		rng := rand.New(rand.NewPCG(1, 2))
		shuffled.Tasks, shuffled.Auditors = slices.Clone(req.Tasks), slices.Clone(req.Auditors)
		rng.Shuffle(len(shuffled.Tasks), func(i, j int) { shuffled.Tasks[i], shuffled.Tasks[j] = shuffled.Tasks[j], shuffled.Tasks[i] })
		rng.Shuffle(len(shuffled.Auditors), func(i, j int) {
			shuffled.Auditors[i], shuffled.Auditors[j] = shuffled.Auditors[j], shuffled.Auditors[i]
		})
		if again := run(t, shuffled); !reflect.DeepEqual(first, again) {
			t.Error("shuffling the input changed the plan")
		}
	})
	t.Run("other seeds, other valid plans", func(t *testing.T) {
		differ := 0
		for seed := int64(1); seed <= 5; seed++ {
			other := req
			other.Seed = req.Seed + seed
			if plan := run(t, other); !reflect.DeepEqual(outcome(first), outcome(plan)) {
				differ++
			}
		}
		if differ == 0 {
			t.Error("five other seeds all gave the same plan")
		}
	})
}

// TestAssign_Balance checks that loads stay within one of each other when
// no rule gets in the way.
func TestAssign_Balance(t *testing.T) {
	for _, tc := range []struct {
		name                               string
		auditors, perUnit, tps, walks, cap int
	}{
		{"one walk", 7, 1, 20, 1, 6},
		{"two walks", 10, 1, 23, 2, 6},
		{"three walks, shared units", 12, 4, 19, 3, 6},
		{"two walks, uneven units", 11, 5, 30, 2, 6},
		{"full to the cap", 10, 2, 30, 2, 6},
		{"many", 500, 3, 1234, 2, 6},
	} {
		for seed := int64(1); seed <= 3; seed++ {
			t.Run(fmt.Sprintf("%s/seed=%d", tc.name, seed), func(t *testing.T) {
				req := Request{MaxPerAuditor: tc.cap, Seed: seed}
				for i := 0; i < tc.auditors; i++ {
					req.Auditors = append(req.Auditors, auditor(fmt.Sprintf("a%03d", i), fmt.Sprintf("unit-%d", i/tc.perUnit), "pomorskie"))
				}
				for i := 0; i < tc.tps; i++ {
					req.Tasks = append(req.Tasks, walks(fmt.Sprintf("tp-%04d", i), "dep-cc", audit.ChannelWebForm, "", tc.walks)...)
				}
				plan := run(t, req)
				if len(plan.Unstaffed) > 0 {
					t.Fatalf("%d unstaffed", len(plan.Unstaffed))
				}
				lo, hi := tc.cap, 0
				for _, n := range plan.Load {
					lo, hi = min(lo, n), max(hi, n)
				}
				if hi-lo > 1 {
					t.Errorf("loads range from %d to %d: %v", lo, hi, plan.Load)
				}
			})
		}
	}
}

func TestAssign_InvalidRequest(t *testing.T) {
	a := auditor("a", "dep-it", "pomorskie")
	task := Task{TouchpointID: "web", Walk: 1, OwnerUnit: "dep-cc", Channel: audit.ChannelWebForm}
	for _, tc := range []struct {
		name string
		req  Request
	}{
		{"negative cap", Request{MaxPerAuditor: -1}},
		{"negative slack", Request{UnitSlack: -1}},
		{"auditor without id", Request{Auditors: []audit.Staff{{}}}},
		{"duplicate auditor", Request{Auditors: []audit.Staff{a, a}}},
		{"task without touchpoint", Request{Tasks: []Task{{Walk: 1}}}},
		{"walk zero", Request{Tasks: []Task{{TouchpointID: "web"}}}},
		{"walk twice", Request{Tasks: []Task{task, task}}},
		{"walks disagree", Request{Tasks: []Task{task, {TouchpointID: "web", Walk: 2, OwnerUnit: "dep-it", Channel: audit.ChannelWebForm}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Assign(tc.req); !audit.IsCode(err, audit.Invalid) {
				t.Errorf("err = %v, want an invalid-request error", err)
			}
		})
	}
}

func TestNewRequest_FromCompany(t *testing.T) {
	c := &audit.Company{
		ID:    "bank",
		Units: units,
		Staff: []audit.Staff{auditor("a", "dep-it", "pomorskie", pl, en), auditor("b", "br-gdansk-2", "pomorskie")},
		Journeys: []audit.Journey{{ID: "j", Stages: []audit.Stage{{ID: "s", Touchpoints: []audit.Touchpoint{
			{ID: "visit", Channel: audit.ChannelBranch, OwnerUnit: "br-gdansk-1", Language: en},
			{ID: "ivr", Channel: audit.ChannelIVR, OwnerUnit: "dep-cc"},
		}}}}},
	}
	review := &audit.Review{Seed: 9, Scope: audit.ReviewScope{MaxPerAuditor: 4}}
	req, err := NewRequest(c, review, []string{"ivr", "visit"}, map[string][]string{"ivr": {"b"}})
	if err != nil {
		t.Fatal(err)
	}
	wantTasks := []Task{
		{TouchpointID: "ivr", Walk: 1, OwnerUnit: "dep-cc", Channel: audit.ChannelIVR, Language: pl},
		{TouchpointID: "ivr", Walk: 2, OwnerUnit: "dep-cc", Channel: audit.ChannelIVR, Language: pl},
		{TouchpointID: "visit", Walk: 1, OwnerUnit: "br-gdansk-1", Channel: audit.ChannelBranch, Language: en},
		{TouchpointID: "visit", Walk: 2, OwnerUnit: "br-gdansk-1", Channel: audit.ChannelBranch, Language: en},
	}
	if !reflect.DeepEqual(req.Tasks, wantTasks) {
		t.Errorf("tasks = %+v, want %+v", req.Tasks, wantTasks)
	}
	if req.MaxPerAuditor != 4 || req.Seed != 9 || len(req.Auditors) != 2 || len(req.Units) != len(units) {
		t.Errorf("request = %+v", req)
	}
	plan := run(t, req)
	want := map[string]string{"ivr#1": "a", "ivr#2": "b", "visit#1": "a", "visit#2": "-"}
	if got := outcome(plan); !reflect.DeepEqual(got, want) {
		t.Errorf("plan = %v, want %v", got, want)
	}
	if len(plan.Repeats()) != 1 {
		t.Errorf("repeats = %v, want ivr#2 by b", plan.Repeats())
	}

	if _, err := NewRequest(c, review, []string{"nope"}, nil); !audit.IsCode(err, audit.Invalid) {
		t.Errorf("unknown touchpoint: err = %v, want invalid", err)
	}
	if _, err := NewTasks(c, []string{"ivr"}, -1); !audit.IsCode(err, audit.Invalid) {
		t.Errorf("negative walks: err = %v, want invalid", err)
	}
}
