// Package assign decides which auditor walks which touchpoint in a review.
//
// It is the review's assignment engine: given the walks to staff, the
// company's auditors and units, and who walked each touchpoint last time, it
// returns a plan that respects the audit rules, spreads the work evenly and
// says, for every walk it could not staff, which rule stood in the way. It is
// pure and deterministic: the same request (in any order) and seed give the
// same plan.
//
// Rules, in the order they rule auditors out (see Constraint):
//   - only staff holding the auditor role walk touchpoints;
//   - a branch visit needs an auditor based in the owning branch's region; any
//     channel needs an auditor who speaks the touchpoint's language (Polish
//     unless the touchpoint says otherwise);
//   - nobody audits a touchpoint owned by their own home unit;
//   - the walks of one touchpoint go to different auditors;
//   - nobody takes more than MaxPerAuditor walks in one review.
//
// Preferences, strongest first:
//   - nobody walks a touchpoint they walked in the previous review unless no
//     other auditor is eligible (the placement is then marked RepeatsPrevious);
//   - the walks of one touchpoint go to auditors from different home units
//     (see Request.UnitSlack; otherwise the placement is marked SharesUnit);
//   - the least-loaded eligible auditor takes the walk, ties broken by the seed.
//
// Touchpoints with the fewest eligible auditors are staffed first, so the
// scarce auditors (an English speaker in a small region) are not used up by
// walks anybody could take.
package assign

import (
	"cmp"
	"fmt"
	"slices"

	"touchaudit/internal/audit"
)

// Defaults from audit.ReviewScope: two independent walks per touchpoint and
// at most six assignments per auditor per review.
const (
	DefaultWalksPerTouchpoint = 2
	DefaultMaxPerAuditor      = 6
)

// Task is one walk of one touchpoint that needs an auditor.
type Task struct {
	TouchpointID string `json:"touchpointId"`
	// Walk numbers the touchpoint's independent walks (1..n).
	Walk int `json:"walk"`
	// OwnerUnit is the unit responsible for the touchpoint. Its staff may
	// not audit it, and for a branch visit it is the branch whose region
	// the auditor must be based in.
	OwnerUnit string        `json:"ownerUnit"`
	Channel   audit.Channel `json:"channel"`
	// Language is the language the auditor must speak; empty means Polish,
	// as in audit.Touchpoint.VisitLanguage.
	Language audit.Lang `json:"language,omitempty"`
}

// Request is everything the engine needs to staff one review.
type Request struct {
	// Tasks holds one task per (touchpoint, walk). Tasks of one touchpoint
	// must agree on owner, channel and language.
	Tasks []Task
	// Auditors are the candidates. Staff without the auditor role are left
	// out and counted under ConstraintRole.
	Auditors []audit.Staff
	// Units tell the region of each branch.
	Units []audit.Unit
	// Previous maps a touchpoint id to the auditors who walked it in the
	// previous review.
	Previous map[string][]string
	// MaxPerAuditor caps an auditor's walks in this review; 0 means
	// DefaultMaxPerAuditor.
	MaxPerAuditor int
	// UnitSlack is how many more walks an auditor from a home unit new to
	// the touchpoint may already have than the least-loaded auditor from a
	// unit that already walks it, and still be preferred. 0 keeps loads
	// within one of each other and uses unit diversity only to break ties;
	// larger values trade balance for more independent walks.
	UnitSlack int
	// Seed breaks ties; the same seed gives the same plan.
	Seed int64
}

// Plan is the engine's answer.
type Plan struct {
	// Assigned lists the staffed walks by touchpoint id, then walk.
	Assigned []Placement `json:"assigned"`
	// Unstaffed lists the walks no auditor could take, in the same order.
	Unstaffed []Infeasible `json:"unstaffed,omitempty"`
	// Load is the number of walks of every auditor (role holders only,
	// including those with none).
	Load map[string]int `json:"load"`
}

// Placement gives one walk to one auditor.
type Placement struct {
	TouchpointID string `json:"touchpointId"`
	Walk         int    `json:"walk"`
	AuditorID    string `json:"auditorId"`
	// RepeatsPrevious reports that the auditor walked this touchpoint in the
	// previous review: every other eligible auditor was at the cap.
	RepeatsPrevious bool `json:"repeatsPrevious,omitempty"`
	// SharesUnit reports that another walk of this touchpoint went to an
	// auditor from the same home unit.
	SharesUnit bool `json:"sharesUnit,omitempty"`
}

// Infeasible is a walk nobody could take, and why.
type Infeasible struct {
	Task Task `json:"task"`
	// Reasons say in words which rules left nobody, for the CX lead.
	// Walks that failed for the same cause share Reasons and Counts: treat
	// them as read-only.
	Reasons []string `json:"reasons"`
	// Counts says how many of the request's staff each rule ruled out. Rules
	// are applied in the order of Constraints and each person is counted
	// once, under the first rule that rules them out, so the counts add up
	// to len(Request.Auditors). Rules that ruled nobody out are left out.
	Counts map[Constraint]int `json:"counts"`
}

// Constraint names a hard rule that rules an auditor out of a task.
type Constraint string

const (
	ConstraintRole           Constraint = "role"            // not an auditor
	ConstraintRegion         Constraint = "region"          // based outside the branch's region
	ConstraintLanguage       Constraint = "language"        // does not speak the touchpoint's language
	ConstraintHomeUnit       Constraint = "home-unit"       // belongs to the owning unit
	ConstraintSameTouchpoint Constraint = "same-touchpoint" // already has another walk of it
	ConstraintCap            Constraint = "cap"             // has MaxPerAuditor walks already
)

// Constraints lists the hard rules in the order they are applied.
var Constraints = []Constraint{ConstraintRole, ConstraintRegion, ConstraintLanguage, ConstraintHomeUnit, ConstraintSameTouchpoint, ConstraintCap}

// Repeats lists the placements that fell back to a previous auditor.
func (p *Plan) Repeats() []Placement {
	var out []Placement
	for _, a := range p.Assigned {
		if a.RepeatsPrevious {
			out = append(out, a)
		}
	}
	return out
}

// Assign staffs the request's tasks. It fails only on a malformed request
// (audit.Invalid); walks that cannot be staffed are reported in
// Plan.Unstaffed.
func Assign(req Request) (Plan, error) {
	if err := check(&req); err != nil {
		return Plan{}, err
	}
	e := newEngine(&req)
	tps, err := e.touchpoints(&req)
	if err != nil {
		return Plan{}, err
	}

	// Most constrained first; the seeded hash orders equals differently
	// per seed, the id keeps the order total.
	keys := make([]orderKey, len(tps))
	for i := range tps {
		keys[i] = orderKey{tps[i].eligible, tps[i].hash, int32(i)}
	}
	slices.SortFunc(keys, func(a, b orderKey) int {
		return cmp.Or(cmp.Compare(a.eligible, b.eligible), cmp.Compare(a.hash, b.hash), cmp.Compare(tps[a.tp].id, tps[b.tp].id))
	})

	chosen := make([]int32, len(req.Tasks)) // auditor per task, -1 when unstaffed
	flags := make([]uint8, len(req.Tasks))
	unstaffed := 0
	for _, k := range keys {
		tp := &tps[k.tp]
		e.walkers, e.units = e.walkers[:0], e.units[:0]
		for _, task := range tp.walks {
			a, f := e.choose(tp)
			chosen[task], flags[task] = a, f
			if a < 0 {
				unstaffed++
				continue
			}
			e.take(a)
			e.walkers = append(e.walkers, a)
			if !slices.Contains(e.units, e.home[a]) {
				e.units = append(e.units, e.home[a])
			}
		}
		tp.staffed = int32(len(e.walkers))
	}

	plan := Plan{Assigned: make([]Placement, 0, len(req.Tasks)-unstaffed), Load: make(map[string]int, len(e.ids))}
	if unstaffed > 0 {
		plan.Unstaffed = make([]Infeasible, 0, unstaffed)
	}
	byID := make([]int32, len(tps))
	for i := range byID {
		byID[i] = int32(i)
	}
	slices.SortFunc(byID, func(a, b int32) int { return cmp.Compare(tps[a].id, tps[b].id) })
	for _, ti := range byID {
		tp := &tps[ti]
		for _, task := range tp.walks {
			t := &req.Tasks[task]
			a := chosen[task]
			if a < 0 {
				plan.Unstaffed = append(plan.Unstaffed, e.explain(tp, t))
				continue
			}
			plan.Assigned = append(plan.Assigned, Placement{
				TouchpointID:    t.TouchpointID,
				Walk:            t.Walk,
				AuditorID:       e.ids[a],
				RepeatsPrevious: flags[task]&repeatsPrevious != 0,
				SharesUnit:      flags[task]&sharesUnit != 0,
			})
		}
	}
	for a, id := range e.ids {
		plan.Load[id] = int(e.load[a])
	}
	return plan, nil
}

// orderKey places a touchpoint in the staffing order.
type orderKey struct {
	eligible int
	hash     uint64
	tp       int32
}

// check rejects requests the engine cannot read.
func check(req *Request) error {
	if req.MaxPerAuditor < 0 {
		return audit.Errorf(audit.Invalid, "maxPerAuditor must not be negative, not %d", req.MaxPerAuditor)
	}
	if req.MaxPerAuditor == 0 {
		req.MaxPerAuditor = DefaultMaxPerAuditor
	}
	if req.UnitSlack < 0 {
		return audit.Errorf(audit.Invalid, "unitSlack must not be negative, not %d", req.UnitSlack)
	}
	seen := make(map[string]bool, len(req.Auditors))
	for i, s := range req.Auditors {
		if s.ID == "" {
			return audit.Errorf(audit.Invalid, "auditors[%d] has no id", i)
		}
		if seen[s.ID] {
			return audit.Errorf(audit.Invalid, "duplicate auditor %q", s.ID)
		}
		seen[s.ID] = true
	}
	for i, t := range req.Tasks {
		if t.TouchpointID == "" {
			return audit.Errorf(audit.Invalid, "tasks[%d] has no touchpoint id", i)
		}
		if t.Walk < 1 {
			return audit.Errorf(audit.Invalid, "tasks[%d] (%s): walk must be 1 or more, not %d", i, t.TouchpointID, t.Walk)
		}
	}
	return nil
}

// langName names a language in explanations.
func langName(l audit.Lang) string {
	switch l {
	case audit.Polish:
		return "Polish"
	case audit.English:
		return "English"
	}
	return fmt.Sprintf("%q", l)
}
