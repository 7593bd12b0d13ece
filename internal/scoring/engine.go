package scoring

import (
	"time"

	"touchaudit/internal/audit"
)

// Engine scores walkthroughs of one company. It is built once per company
// configuration: New indexes every standard set's criteria per touchpoint so
// scoring a walkthrough does no searching. An Engine is safe for concurrent
// use; it never changes after New.
type Engine struct {
	company     *audit.Company
	touchpoints map[string]*touchpoint
	standards   map[string]*standard
	// facts are the declared facts by key, first declaration wins.
	facts map[string]audit.FactSpec
	// order lists standard versions by EffectiveFrom, oldest first.
	order []*standard
}

type touchpoint struct {
	ref   audit.TouchpointRef
	facts map[string]audit.FactKind
}

type standard struct {
	set     *audit.StandardSet
	rules   audit.ValuationRules
	cadence audit.Cadence
	ids     map[string]*audit.Criterion
	plans   map[string]*plan // by touchpoint id
	// newerFrom is when the next standard version took effect (zero: none).
	newerFrom time.Time
}

// plan is the precomputed list of criteria that apply to one touchpoint
// under one standard set, with a slot index by criterion id.
type plan struct {
	criteria []*audit.Criterion
	slot     map[string]int
	texts    []texts // reason details that need no measured value, by slot
	// published is, by slot, a fact criterion's published value normalised
	// ("" when the criterion gives none), with the kind it was normalised as.
	published []publishedFact
}

type publishedFact struct {
	kind audit.FactKind
	want string
}

// texts are a criterion's fixed reason details, built once so scoring does
// not concatenate strings per walkthrough.
type texts struct {
	done, missed, critical, exceed string
}

func textsFor(c *audit.Criterion) texts {
	verb := "done"
	switch c.Kind {
	case audit.KindPromise:
		verb = "promise made"
	case audit.KindFact:
		verb = "stated"
	}
	t := texts{done: verb + ": " + c.Label.EN, missed: "step missed: " + c.Label.EN, critical: "critical step missed: " + c.Label.EN}
	if c.Exceed != nil && c.Exceed.Level == 2 {
		t.exceed = "anticipated a need: " + c.Label.EN
	} else {
		t.exceed = "proactive help: " + c.Label.EN
	}
	return t
}

// New indexes the company's standards. The company must be valid
// (audit.LoadCompanyDir validates it).
func New(c *audit.Company) (*Engine, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	e := &Engine{company: c, touchpoints: map[string]*touchpoint{}, standards: map[string]*standard{}, facts: map[string]audit.FactSpec{}}
	refs := c.Touchpoints()
	for _, ref := range refs {
		tp := &touchpoint{ref: ref, facts: map[string]audit.FactKind{}}
		for _, f := range ref.Facts {
			tp.facts[f.Key] = f.Kind
			if _, dup := e.facts[f.Key]; !dup {
				e.facts[f.Key] = f
			}
		}
		e.touchpoints[ref.ID] = tp
	}
	for i := range c.Standards {
		set := &c.Standards[i]
		st := &standard{set: set, rules: set.Rules.WithDefaults(), cadence: set.Cadence.WithDefaults(),
			ids: map[string]*audit.Criterion{}, plans: map[string]*plan{}}
		for k := range set.Criteria {
			st.ids[set.Criteria[k].ID] = &set.Criteria[k]
		}
		for _, ref := range refs {
			p := &plan{slot: map[string]int{}}
			for k := range set.Criteria {
				cr := &set.Criteria[k]
				if cr.AppliesTo(&ref.Touchpoint) {
					p.slot[cr.ID] = len(p.criteria)
					p.criteria = append(p.criteria, cr)
					p.texts = append(p.texts, textsFor(cr))
					p.published = append(p.published, e.publishedFact(cr))
				}
			}
			st.plans[ref.ID] = p
		}
		e.standards[set.Version] = st
		e.order = append(e.order, st)
	}
	// Insertion sort: a company has a handful of versions.
	for i := 1; i < len(e.order); i++ {
		for j := i; j > 0 && e.order[j].set.EffectiveFrom.Before(e.order[j-1].set.EffectiveFrom); j-- {
			e.order[j], e.order[j-1] = e.order[j-1], e.order[j]
		}
	}
	for _, st := range e.order {
		if n, ok := e.newerStandard(st.set.Version); ok {
			st.newerFrom = n.EffectiveFrom.Time()
		}
	}
	return e, nil
}

// publishedFact normalises a fact criterion's published value with the
// kind its key is declared with (or, undeclared, the kind the value shows).
func (e *Engine) publishedFact(c *audit.Criterion) publishedFact {
	if c.Fact == nil || c.Fact.Published == "" {
		return publishedFact{}
	}
	kind, _ := e.factKind(c.Fact.Key, []string{c.Fact.Published})
	return publishedFact{kind: kind, want: NormalizeFact(kind, c.Fact.Published)}
}

// Company returns the configuration the engine was built from.
func (e *Engine) Company() *audit.Company { return e.company }

// Standard returns the standard set of the given version.
func (e *Engine) Standard(version string) (*audit.StandardSet, bool) {
	st, ok := e.standards[version]
	if !ok {
		return nil, false
	}
	return st.set, true
}

// Rules returns the effective valuation rules of a standard version.
func (e *Engine) Rules(version string) (audit.ValuationRules, bool) {
	st, ok := e.standards[version]
	if !ok {
		return audit.ValuationRules{}, false
	}
	return st.rules, true
}

// CriteriaFor lists the criteria of a version that apply to a touchpoint.
func (e *Engine) CriteriaFor(version, touchpointID string) []*audit.Criterion {
	st, ok := e.standards[version]
	if !ok {
		return nil
	}
	if p, ok := st.plans[touchpointID]; ok {
		return p.criteria
	}
	return nil
}

// newerStandard returns the oldest published (or since retired) standard
// set that took effect after version's did, if any: its arrival makes
// touchpoints scored under version due for re-verification at once. A
// draft has not arrived.
func (e *Engine) newerStandard(version string) (*audit.StandardSet, bool) {
	cur, ok := e.standards[version]
	if !ok {
		return nil, false
	}
	for _, st := range e.order {
		if st.set.State() != audit.StandardDraft && cur.set.EffectiveFrom.Before(st.set.EffectiveFrom) {
			return st.set, true
		}
	}
	return nil, false
}
