package assign

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"touchaudit/internal/audit"
)

// shape describes a generated company.
type shape struct {
	auditors, touchpoints, walks, cap int
	regions, branchesPerRegion        int
	prevShare                         float64 // touchpoints with a previous review
}

var regionNames = []string{
	"dolnoslaskie", "kujawsko-pomorskie", "lubelskie", "lubuskie", "lodzkie", "malopolskie", "mazowieckie", "opolskie",
	"podkarpackie", "podlaskie", "pomorskie", "slaskie", "swietokrzyskie", "warminsko-mazurskie", "wielkopolskie", "zachodniopomorskie",
}

var departments = []string{"dep-it", "dep-contact-centre", "dep-accounting", "dep-marketing", "dep-complaints"}

var remoteChannels = []audit.Channel{audit.ChannelIVR, audit.ChannelPhone, audit.ChannelWebForm, audit.ChannelMobileApp, audit.ChannelChat, audit.ChannelEmail}

// generateCompany builds a company shaped like a Polish bank: regions with
// branches, head-office departments, mostly Polish-speaking auditors based
// in branches, and touchpoints split between branch visits and remote
// channels. It also returns who walked each touchpoint last time.
func generateCompany(seed uint64, s shape) (*audit.Company, []string, map[string][]string) {
	rng := rand.New(rand.NewPCG(seed, 42))
	c := &audit.Company{ID: "gen", Name: audit.Label{PL: "Bank", EN: "Bank"}}
	name := func(id string) audit.Label { return audit.Label{PL: id, EN: id} }
	var branches []audit.Unit
	for r := 0; r < s.regions; r++ {
		region := regionNames[r%len(regionNames)]
		if r >= len(regionNames) {
			region = fmt.Sprintf("%s-%d", region, r/len(regionNames))
		}
		c.Units = append(c.Units, audit.Unit{ID: region, Kind: audit.UnitRegion, Name: name(region)})
		for b := 0; b < s.branchesPerRegion; b++ {
			u := audit.Unit{ID: fmt.Sprintf("br-%s-%d", region, b+1), Kind: audit.UnitBranch, Name: name(region), Region: region}
			branches = append(branches, u)
			c.Units = append(c.Units, u)
		}
	}
	for _, d := range departments {
		c.Units = append(c.Units, audit.Unit{ID: d, Kind: audit.UnitDepartment, Name: name(d)})
	}

	for i := 0; i < s.auditors; i++ {
		st := audit.Staff{ID: fmt.Sprintf("aud-%05d", i), Name: fmt.Sprintf("Auditor %d", i), Roles: []audit.Role{audit.RoleAuditor}}
		if rng.Float64() < 0.75 {
			b := branches[rng.IntN(len(branches))]
			st.HomeUnit, st.Region = b.ID, b.Region
		} else {
			st.HomeUnit, st.Region = departments[rng.IntN(len(departments))], regionNames[rng.IntN(min(s.regions, len(regionNames)))]
		}
		switch x := rng.Float64(); {
		case x < 0.02:
			st.Languages = []audit.Lang{audit.English}
		case x < 0.17:
			st.Languages = []audit.Lang{audit.Polish, audit.English}
		default:
			st.Languages = []audit.Lang{audit.Polish}
		}
		switch x := rng.Float64(); {
		case x < 0.03:
			st.Roles = []audit.Role{audit.RoleLead}
		case x < 0.06:
			st.Roles = []audit.Role{audit.RoleLead, audit.RoleAuditor}
		}
		c.Staff = append(c.Staff, st)
	}

	j := audit.Journey{ID: "j", Name: name("journey")}
	var ids []string
	previous := map[string][]string{}
	for i := 0; i < s.touchpoints; i++ {
		tp := audit.Touchpoint{ID: fmt.Sprintf("tp-%06d", i), Name: name("tp"), Reach: 0.5, Instructions: name("walk it")}
		if rng.Float64() < 0.6 {
			tp.Channel, tp.OwnerUnit = audit.ChannelBranch, branches[rng.IntN(len(branches))].ID
			if rng.Float64() < 0.05 {
				tp.Language = audit.English
			}
		} else {
			tp.Channel, tp.OwnerUnit = remoteChannels[rng.IntN(len(remoteChannels))], departments[rng.IntN(len(departments))]
			if rng.Float64() < 0.03 {
				tp.Language = audit.English
			}
		}
		if i%1000 == 0 {
			j.Stages = append(j.Stages, audit.Stage{ID: fmt.Sprintf("s%d", i/1000), Name: name("stage")})
		}
		st := &j.Stages[len(j.Stages)-1]
		st.Touchpoints = append(st.Touchpoints, tp)
		ids = append(ids, tp.ID)
		if rng.Float64() < s.prevShare {
			previous[tp.ID] = []string{c.Staff[rng.IntN(len(c.Staff))].ID, c.Staff[rng.IntN(len(c.Staff))].ID}
		}
	}
	c.Journeys = []audit.Journey{j}
	return c, ids, previous
}

// generateRequest is generateCompany turned into a request.
func generateRequest(t testing.TB, seed uint64, s shape) Request {
	t.Helper()
	c, ids, previous := generateCompany(seed, s)
	req, err := NewRequest(c, &audit.Review{Seed: int64(seed), Scope: audit.ReviewScope{WalksPerTouchpoint: s.walks, MaxPerAuditor: s.cap}}, ids, previous)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// verify checks the plan against every rule, independently of the engine:
// hard rules on each placement, the flags, and that every fallback and every
// unstaffed walk really had nobody else (everyone else eligible ends at the
// cap, and loads only grow).
func verify(t testing.TB, req Request, plan Plan) {
	t.Helper()
	limit := req.MaxPerAuditor
	if limit == 0 {
		limit = DefaultMaxPerAuditor
	}
	staff := map[string]audit.Staff{}
	for _, s := range req.Auditors {
		staff[s.ID] = s
	}
	units := map[string]audit.Unit{}
	for _, u := range req.Units {
		units[u.ID] = u
	}
	tasks := map[string]Task{}
	for _, tk := range req.Tasks {
		tasks[fmt.Sprintf("%s#%d", tk.TouchpointID, tk.Walk)] = tk
	}
	qualifies := func(s audit.Staff, tk Task) bool {
		lang := tk.Language
		if lang == "" {
			lang = audit.Polish
		}
		if !s.Has(audit.RoleAuditor) || !s.Speaks(lang) || s.HomeUnit == tk.OwnerUnit {
			return false
		}
		if tk.Channel == audit.ChannelBranch {
			u := units[tk.OwnerUnit]
			region := u.Region
			if u.Kind == audit.UnitRegion {
				region = u.ID
			}
			return region != "" && s.Region == region
		}
		return true
	}

	load := map[string]int{}
	walkers := map[string][]Placement{}
	seen := map[string]bool{}
	for _, p := range plan.Assigned {
		k := fmt.Sprintf("%s#%d", p.TouchpointID, p.Walk)
		tk, ok := tasks[k]
		if !ok || seen[k] {
			t.Fatalf("placement %s: unknown or repeated task", k)
		}
		seen[k] = true
		s, ok := staff[p.AuditorID]
		if !ok {
			t.Fatalf("%s: unknown auditor %s", k, p.AuditorID)
		}
		if !qualifies(s, tk) {
			t.Errorf("%s: auditor %+v does not qualify for %+v", k, s, tk)
		}
		load[p.AuditorID]++
		walkers[p.TouchpointID] = append(walkers[p.TouchpointID], p)
	}
	for _, u := range plan.Unstaffed {
		k := fmt.Sprintf("%s#%d", u.Task.TouchpointID, u.Task.Walk)
		if _, ok := tasks[k]; !ok || seen[k] {
			t.Fatalf("unstaffed %s: unknown or repeated task", k)
		}
		seen[k] = true
	}
	if len(seen) != len(tasks) {
		t.Fatalf("plan covers %d of %d tasks", len(seen), len(tasks))
	}
	for id, n := range load {
		if n > limit {
			t.Errorf("auditor %s has %d walks, over the cap of %d", id, n, limit)
		}
		if plan.Load[id] != n {
			t.Errorf("Load[%s] = %d, placements say %d", id, plan.Load[id], n)
		}
	}
	for id, n := range plan.Load {
		if n != load[id] {
			t.Errorf("Load[%s] = %d, placements say %d", id, n, load[id])
		}
	}

	// nobodyElse reports whether everyone who could have taken the task
	// (outside exclude) ended at the cap.
	nobodyElse := func(tk Task, exclude []string) bool {
		for _, s := range req.Auditors {
			if qualifies(s, tk) && !slices.Contains(exclude, s.ID) && load[s.ID] < limit {
				return false
			}
		}
		return true
	}
	for tpID, ps := range walkers {
		slices.SortFunc(ps, func(a, b Placement) int { return a.Walk - b.Walk })
		var ids []string
		for i, p := range ps {
			if slices.Contains(ids, p.AuditorID) {
				t.Errorf("%s: auditor %s walks it twice", tpID, p.AuditorID)
			}
			shares := false
			for _, q := range ps[:i] {
				shares = shares || staff[q.AuditorID].HomeUnit == staff[p.AuditorID].HomeUnit
			}
			if shares != p.SharesUnit {
				t.Errorf("%s walk %d: SharesUnit = %v, want %v", tpID, p.Walk, p.SharesUnit, shares)
			}
			prev := req.Previous[tpID]
			if slices.Contains(prev, p.AuditorID) != p.RepeatsPrevious {
				t.Errorf("%s walk %d: RepeatsPrevious = %v with previous auditors %v and auditor %s", tpID, p.Walk, p.RepeatsPrevious, prev, p.AuditorID)
			}
			if p.RepeatsPrevious && !nobodyElse(tasks[fmt.Sprintf("%s#%d", tpID, p.Walk)], append(slices.Clone(ids), prev...)) {
				t.Errorf("%s walk %d: fell back to previous auditor %s while others were free", tpID, p.Walk, p.AuditorID)
			}
			ids = append(ids, p.AuditorID)
		}
	}
	for _, u := range plan.Unstaffed {
		var ids []string
		for _, p := range walkers[u.Task.TouchpointID] {
			ids = append(ids, p.AuditorID)
		}
		if !nobodyElse(u.Task, ids) {
			t.Errorf("%s walk %d unstaffed while an eligible auditor was below the cap", u.Task.TouchpointID, u.Task.Walk)
		}
		sum := 0
		for _, n := range u.Counts {
			sum += n
		}
		if sum != len(req.Auditors) {
			t.Errorf("%s walk %d: counts %v add up to %d, want %d", u.Task.TouchpointID, u.Task.Walk, u.Counts, sum, len(req.Auditors))
		}
		if len(u.Reasons) == 0 {
			t.Errorf("%s walk %d: no reasons", u.Task.TouchpointID, u.Task.Walk)
		}
	}
}
