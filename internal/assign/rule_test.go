package assign

import (
	"fmt"
	"testing"

	"touchaudit/internal/audit"
)

func TestNeed_RuledOut(t *testing.T) {
	lead := audit.Staff{ID: "lead", HomeUnit: "dep-cc", Region: "pomorskie", Languages: []audit.Lang{pl}, Roles: []audit.Role{audit.RoleLead}}
	visit := Task{TouchpointID: "visit", Walk: 1, OwnerUnit: "br-gdansk-1", Channel: audit.ChannelBranch}
	web := Task{TouchpointID: "web", Walk: 1, OwnerUnit: "dep-it", Channel: audit.ChannelWebForm}
	for _, tc := range []struct {
		name  string
		staff audit.Staff
		task  Task
		want  Constraint
	}{
		{"an auditor from another unit of the region may visit the branch", auditor("a", "br-gdansk-2", "pomorskie"), visit, ""},
		{"staff without the auditor role may not", lead, visit, ConstraintRole},
		{"the role comes first: a lead of the owning unit", audit.Staff{ID: "l", HomeUnit: "br-gdansk-1", Region: "pomorskie", Languages: []audit.Lang{pl}}, visit, ConstraintRole},
		{"a branch visit needs the branch's region", auditor("a", "dep-cc", "mazowieckie"), visit, ConstraintRegion},
		{"a branch visit to a unit that is not a branch in a region: nobody", auditor("a", "dep-cc", "pomorskie"), Task{TouchpointID: "v", Walk: 1, OwnerUnit: "dep-it", Channel: audit.ChannelBranch}, ConstraintRegion},
		{"a visit to a region unit needs that region", auditor("a", "dep-cc", "pomorskie"), Task{TouchpointID: "v", Walk: 1, OwnerUnit: "pomorskie", Channel: audit.ChannelBranch}, ""},
		{"region before language", auditor("a", "dep-cc", "mazowieckie", en), visit, ConstraintRegion},
		{"an empty language is Polish", auditor("a", "dep-cc", "pomorskie", en), visit, ConstraintLanguage},
		{"English walks need English", auditor("a", "dep-cc", "pomorskie"), Task{TouchpointID: "w", Walk: 1, OwnerUnit: "dep-it", Channel: audit.ChannelWebForm, Language: en}, ConstraintLanguage},
		{"language before home unit", auditor("a", "br-gdansk-1", "pomorskie", en), visit, ConstraintLanguage},
		{"nobody visits their own branch", auditor("a", "br-gdansk-1", "pomorskie"), visit, ConstraintHomeUnit},
		{"nobody walks their own department's channel", auditor("a", "dep-it", "mazowieckie"), web, ConstraintHomeUnit},
		{"other channels need no region", auditor("a", "dep-cc", ""), web, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := NeedOf(tc.task, units).RuledOut(&tc.staff); got != tc.want {
				t.Errorf("RuledOut = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestAssign_EngineFollowsTheRule checks the heaps against Need.RuledOut on
// generated companies: every placement passes it, and a walk goes
// unstaffed only when everybody it lets through walks that touchpoint
// already or is at the cap; the explanation counts what it rules out.
func TestAssign_EngineFollowsTheRule(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			req := generateRequest(t, seed, shape{auditors: 80, touchpoints: 600, walks: 3, cap: 4, regions: 8, branchesPerRegion: 6, prevShare: 1})
			plan, err := Assign(req)
			if err != nil {
				t.Fatal(err)
			}
			if len(plan.Unstaffed) == 0 {
				t.Fatal("the starved company should leave walks unstaffed")
			}
			staff := map[string]*audit.Staff{}
			for i := range req.Auditors {
				staff[req.Auditors[i].ID] = &req.Auditors[i]
			}
			tasks := map[string]Task{}
			for _, tk := range req.Tasks {
				tasks[fmt.Sprintf("%s#%d", tk.TouchpointID, tk.Walk)] = tk
			}
			walkers := map[string]map[string]bool{}
			for _, p := range plan.Assigned {
				tk := tasks[fmt.Sprintf("%s#%d", p.TouchpointID, p.Walk)]
				if c := NeedOf(tk, req.Units).RuledOut(staff[p.AuditorID]); c != "" {
					t.Errorf("%s#%d went to %s, whom %s rules out", p.TouchpointID, p.Walk, p.AuditorID, c)
				}
				if walkers[p.TouchpointID] == nil {
					walkers[p.TouchpointID] = map[string]bool{}
				}
				walkers[p.TouchpointID][p.AuditorID] = true
			}
			for _, u := range plan.Unstaffed {
				need := NeedOf(u.Task, req.Units)
				counts := map[Constraint]int{}
				for _, s := range req.Auditors {
					c := need.RuledOut(&s)
					switch {
					case c != "":
						counts[c]++
					case walkers[u.Task.TouchpointID][s.ID]:
						counts[ConstraintSameTouchpoint]++
					case plan.Load[s.ID] < 4:
						t.Errorf("%s#%d unstaffed, but %s may walk it with %d walks", u.Task.TouchpointID, u.Task.Walk, s.ID, plan.Load[s.ID])
					default:
						counts[ConstraintCap]++
					}
				}
				for _, c := range Constraints {
					if u.Counts[c] != counts[c] {
						t.Errorf("%s#%d: Counts[%s] = %d, the rule says %d", u.Task.TouchpointID, u.Task.Walk, c, u.Counts[c], counts[c])
					}
				}
			}
		})
	}
}
