package scoring

import (
	"sort"

	"touchaudit/internal/audit"
)

// Recommendation weights: a touchpoint's weight multiplies its impact.
// Moments of truth and customer-effort points weigh more (DOMAIN.md: they are
// where customers check promises and where they give up).
const (
	BaseWeight           = 1.0
	MomentOfTruthWeight  = 0.5 // added for a moment of truth
	CustomerEffortWeight = 0.5 // added for a customer-effort point
)

// RecommendOptions tune the recommendations; zero fields take the defaults.
type RecommendOptions struct {
	// DefaultCost is the cost of a fix the CX lead has not estimated, in
	// person-days (default 10: a typical soft project — a training round or
	// a re-recorded IVR greeting).
	DefaultCost float64 `json:"defaultCost"`
	// ImpactThreshold splits high from low impact (default 0.5: a −1 at a
	// touchpoint reaching half the customers, or a −2 reaching a quarter).
	ImpactThreshold float64 `json:"impactThreshold"`
	// CostThreshold splits cheap from costly (default 20 person-days: about
	// a month of one person's work).
	CostThreshold float64 `json:"costThreshold"`
	// MaxDifferentiators caps the +2 candidates (default 3: "don't aim for +2
	// everywhere").
	MaxDifferentiators int `json:"maxDifferentiators"`
}

// Defaults for RecommendOptions.
const (
	DefaultCost               = 10.0
	DefaultImpactThreshold    = 0.5
	DefaultCostThreshold      = 20.0
	DefaultMaxDifferentiators = 3
)

func (o RecommendOptions) withDefaults() RecommendOptions {
	if o.DefaultCost <= 0 {
		o.DefaultCost = DefaultCost
	}
	if o.ImpactThreshold <= 0 {
		o.ImpactThreshold = DefaultImpactThreshold
	}
	if o.CostThreshold <= 0 {
		o.CostThreshold = DefaultCostThreshold
	}
	if o.MaxDifferentiators <= 0 {
		o.MaxDifferentiators = DefaultMaxDifferentiators
	}
	return o
}

// Recommendation kinds, quadrants and project types.
const (
	KindFix            = "fix"            // lift a −1 or −2 to 0
	KindDifferentiator = "differentiator" // lift a 0 or +1 to +2

	QuickWin     = "quickWin"     // high impact, low cost
	MajorProject = "majorProject" // high impact, high cost
	FillIn       = "fillIn"       // low impact, low cost
	Thankless    = "thankless"    // low impact, high cost

	ProjectHard = "hard" // procedures, processes, technology
	ProjectSoft = "soft" // staff skills
)

// Recommendation is one touchpoint to lift, placed on the impact-versus-cost matrix.
type Recommendation struct {
	Rank           int             `json:"rank"`
	Kind           string          `json:"kind"`
	TouchpointID   string          `json:"touchpointId"`
	Name           audit.Label     `json:"name"`
	JourneyID      string          `json:"journeyId"`
	Channel        audit.Channel   `json:"channel"`
	MomentOfTruth  bool            `json:"momentOfTruth"`
	CustomerEffort bool            `json:"customerEffort"`
	Valuation      audit.Valuation `json:"valuation"`
	Target         audit.Valuation `json:"target"`
	// Impact = (Target − Valuation) × Weight × Reach.
	Weight float64 `json:"weight"`
	Reach  float64 `json:"reach"`
	Impact float64 `json:"impact"`
	// Cost is the CX lead's estimate in person-days; CostEstimated is false
	// when the default was used.
	Cost          float64 `json:"cost"`
	CostEstimated bool    `json:"costEstimated"`
	Quadrant      string  `json:"quadrant"`
	// Project is hard when the gaps are mostly process or technology, soft
	// when mostly people (by summed gap weight; ties are hard).
	Project string `json:"project,omitempty"`
	// Criteria are what to fix: the penalties given, worst and most frequent first.
	Criteria []string `json:"criteria,omitempty"`
}

// Recommendations are the fixes first, then the chosen differentiators,
// and the matrix of both.
type Recommendations struct {
	Fixes           []Recommendation `json:"fixes"`
	Differentiators []Recommendation `json:"differentiators"`
	Matrix          Matrix           `json:"matrix"`
	Options         RecommendOptions `json:"options"`
}

// Matrix lists touchpoint ids per quadrant, highest impact first.
type Matrix struct {
	QuickWins     []string `json:"quickWins"`
	MajorProjects []string `json:"majorProjects"`
	FillIns       []string `json:"fillIns"`
	Thankless     []string `json:"thankless"`
}

// Weight is a touchpoint's recommendation weight.
func Weight(momentOfTruth, customerEffort bool) float64 {
	w := BaseWeight
	if momentOfTruth {
		w += MomentOfTruthWeight
	}
	if customerEffort {
		w += CustomerEffortWeight
	}
	return w
}

// Recommend ranks the fixes and picks the differentiators. Fixes are every
// touchpoint with a median below 0, target 0, ranked by impact (so a −2
// ranks above a −1 of the same reach, and moments of truth and effort
// points above the rest), ties by touchpoint id. Differentiators are the
// few touchpoints at 0 or +1, without disagreement, whose standard defines a
// +2 behaviour (any such touchpoint when none does), with the highest
// weight × reach, target +2; their Criteria are the +2 behaviours to build
// on. costs maps touchpoint id → person-days.
func Recommend(ts []TouchpointSummary, costs map[string]float64, opt RecommendOptions) Recommendations {
	opt = opt.withDefaults()
	out := Recommendations{Options: opt, Fixes: []Recommendation{}, Differentiators: []Recommendation{}}
	var cands, fallback []Recommendation
	for i := range ts {
		t := &ts[i]
		switch {
		case t.Median < 0:
			out.Fixes = append(out.Fixes, recommendation(t, KindFix, 0, costs, opt))
		case t.Median < 2 && !t.Disagreement && len(t.PlusTwo) > 0:
			cands = append(cands, recommendation(t, KindDifferentiator, 2, costs, opt))
		case t.Median < 2 && !t.Disagreement:
			fallback = append(fallback, recommendation(t, KindDifferentiator, 2, costs, opt))
		}
	}
	if len(cands) == 0 {
		cands = fallback
	}
	byImpact := func(rs []Recommendation) {
		sort.SliceStable(rs, func(i, j int) bool {
			if rs[i].Impact != rs[j].Impact {
				return rs[i].Impact > rs[j].Impact
			}
			return rs[i].TouchpointID < rs[j].TouchpointID
		})
	}
	byImpact(out.Fixes)
	// Differentiators: where a +2 is seen by the most customers who matter most.
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i].Weight*cands[i].Reach, cands[j].Weight*cands[j].Reach
		if a != b {
			return a > b
		}
		return cands[i].TouchpointID < cands[j].TouchpointID
	})
	if len(cands) > opt.MaxDifferentiators {
		cands = cands[:opt.MaxDifferentiators]
	}
	byImpact(cands)
	out.Differentiators = append(out.Differentiators, cands...)
	rank := 0
	for _, list := range [][]Recommendation{out.Fixes, out.Differentiators} {
		for i := range list {
			rank++
			list[i].Rank = rank
		}
	}
	all := append(append([]Recommendation{}, out.Fixes...), out.Differentiators...)
	byImpact(all)
	out.Matrix = Matrix{QuickWins: []string{}, MajorProjects: []string{}, FillIns: []string{}, Thankless: []string{}}
	for _, r := range all {
		switch r.Quadrant {
		case QuickWin:
			out.Matrix.QuickWins = append(out.Matrix.QuickWins, r.TouchpointID)
		case MajorProject:
			out.Matrix.MajorProjects = append(out.Matrix.MajorProjects, r.TouchpointID)
		case FillIn:
			out.Matrix.FillIns = append(out.Matrix.FillIns, r.TouchpointID)
		default:
			out.Matrix.Thankless = append(out.Matrix.Thankless, r.TouchpointID)
		}
	}
	return out
}

func recommendation(t *TouchpointSummary, kind string, target audit.Valuation, costs map[string]float64, opt RecommendOptions) Recommendation {
	r := Recommendation{
		Kind: kind, TouchpointID: t.TouchpointID, Name: t.Name, JourneyID: t.JourneyID, Channel: t.Channel,
		MomentOfTruth: t.MomentOfTruth, CustomerEffort: t.CustomerEffort,
		Valuation: t.Median, Target: target, Weight: Weight(t.MomentOfTruth, t.CustomerEffort), Reach: t.Reach,
	}
	r.Impact = round2(float64(target-t.Median) * r.Weight * r.Reach)
	r.Cost, r.CostEstimated = opt.DefaultCost, false
	if c, ok := costs[t.TouchpointID]; ok && c > 0 {
		r.Cost, r.CostEstimated = c, true
	}
	r.Quadrant = Quadrant(r.Impact, r.Cost, opt)
	if kind == KindDifferentiator {
		r.Criteria = t.PlusTwo
	}
	if kind == KindFix {
		var people, hard float64
		for _, rc := range t.Reasons {
			if rc.Effect >= 0 {
				continue
			}
			r.Criteria = append(r.Criteria, rc.CriterionID)
		}
		for _, g := range t.Gaps {
			if g.Category == audit.GapPeople {
				people += g.Weight * float64(g.Walks)
			} else {
				hard += g.Weight * float64(g.Walks)
			}
		}
		r.Project = ProjectHard
		if people > hard {
			r.Project = ProjectSoft
		}
	}
	return r
}

// Quadrant places an impact and a cost on the matrix: impact at or above
// the threshold is high; cost above the threshold is high.
func Quadrant(impact, cost float64, opt RecommendOptions) string {
	opt = opt.withDefaults()
	high, costly := impact >= opt.ImpactThreshold, cost > opt.CostThreshold
	switch {
	case high && !costly:
		return QuickWin
	case high:
		return MajorProject
	case !costly:
		return FillIn
	}
	return Thankless
}
