package audit

import (
	"fmt"
	"time"
)

// StandardSet is one version of the company's service standards. Standards
// describe a process, not a script, and are refreshed about every two years;
// results always name the version they were scored against.
type StandardSet struct {
	Version string `json:"version"`
	Name    Label  `json:"name"`
	// Status is the set's place in its life cycle (see lifecycle.go).
	Status        StandardStatus `json:"status,omitempty"`
	EffectiveFrom Date           `json:"effectiveFrom"`
	EffectiveTo   *Date          `json:"effectiveTo,omitempty"`
	Criteria      []Criterion    `json:"criteria"`
	// Rules overrides the default valuation rules; nil means the defaults.
	Rules *ValuationRules `json:"rules,omitempty"`
	// Cadence overrides the default re-verification intervals.
	Cadence *Cadence `json:"cadence,omitempty"`
	// QA is the set's QA gate: auto-approval, timeouts and the appeal
	// window (qa.go). It decides how results are reviewed, not how they
	// are scored, so it may change on a published set.
	QA *QARule `json:"qa,omitempty"`
}

// CriterionKind is what a criterion checks.
type CriterionKind string

const (
	KindStep    CriterionKind = "step"    // a process step staff must do
	KindTiming  CriterionKind = "timing"  // a measured interval against target and limit
	KindEffort  CriterionKind = "effort"  // a count of customer effort
	KindExceed  CriterionKind = "exceed"  // a +1 or +2 behaviour
	KindPromise CriterionKind = "promise" // a commitment verified when it falls due
	KindFact    CriterionKind = "fact"    // a fact compared across channels
)

// GapCategory is what a missed criterion is attributed to.
type GapCategory string

const (
	GapPeople     GapCategory = "people"
	GapProcess    GapCategory = "process"
	GapTechnology GapCategory = "technology"
)

// Criterion is one thing a standard checks at a touchpoint. It applies to the
// touchpoints it names and to every touchpoint of the channels it names.
type Criterion struct {
	ID          string        `json:"id"`
	Kind        CriterionKind `json:"kind"`
	Label       Label         `json:"label"`
	Weight      float64       `json:"weight"`
	Critical    bool          `json:"critical,omitempty"`
	Category    GapCategory   `json:"category"`
	Touchpoints []string      `json:"touchpoints,omitempty"`
	Channels    []Channel     `json:"channels,omitempty"`

	Timing  *TimingSpec  `json:"timing,omitempty"`
	Effort  *EffortSpec  `json:"effort,omitempty"`
	Exceed  *ExceedSpec  `json:"exceed,omitempty"`
	Promise *PromiseSpec `json:"promise,omitempty"`
	Fact    *FactRef     `json:"fact,omitempty"`
}

// TimingSpec measures an interval of the walkthrough timeline. With Step set
// it is that step's active time (pauses excluded); otherwise it runs from the
// start of From (default: the first step) to the end of To (default: the last
// step), across channels and days, pauses excluded.
type TimingSpec struct {
	Step   string   `json:"step,omitempty"`
	From   string   `json:"from,omitempty"`
	To     string   `json:"to,omitempty"`
	Target Duration `json:"target"`
	Limit  Duration `json:"limit"`
}

// EffortMeasure names a count of customer effort.
type EffortMeasure string

const (
	EffortIVRMenuLevels   EffortMeasure = "ivr_menu_levels"
	EffortFormFields      EffortMeasure = "form_fields"
	EffortChannelSwitches EffortMeasure = "channel_switches"
	EffortRepeatRequests  EffortMeasure = "repeat_requests"
	EffortDocuments       EffortMeasure = "documents_to_send"
	EffortLogins          EffortMeasure = "logins"
)

var effortMeasures = []EffortMeasure{EffortIVRMenuLevels, EffortFormFields, EffortChannelSwitches, EffortRepeatRequests, EffortDocuments, EffortLogins}

// EffortSpec is a count with a target. CompanyWork marks effort where the
// customer does the company's work (print, scan, send documents): any count
// above the target then values the touchpoint at −2.
type EffortSpec struct {
	Measure     EffortMeasure `json:"measure"`
	Target      int           `json:"target"`
	CompanyWork bool          `json:"companyWork,omitempty"`
}

// ExceedSpec is a behaviour beyond expectations: level 1 is proactive help,
// level 2 anticipates a need.
type ExceedSpec struct {
	Level int `json:"level"`
}

// PromiseSpec is a commitment staff should make, with how soon it falls due.
type PromiseSpec struct {
	DueWithin Duration `json:"dueWithin"`
}

// FactRef names the fact key a fact criterion checks. Published is the
// company's published value (the fee table's "15 zł"), if the standard
// gives one: a stated value that differs from it after normalising misses
// the criterion, even when every channel agrees.
type FactRef struct {
	Key       string `json:"key"`
	Published string `json:"published,omitempty"`
}

// AppliesTo reports whether the criterion applies to the touchpoint.
func (c *Criterion) AppliesTo(tp *Touchpoint) bool {
	for _, id := range c.Touchpoints {
		if id == tp.ID {
			return true
		}
	}
	for _, ch := range c.Channels {
		if ch == tp.Channel {
			return true
		}
	}
	return false
}

// CriteriaFor lists the criteria that apply to tp, in standard order.
func (s *StandardSet) CriteriaFor(tp *Touchpoint) []Criterion {
	var out []Criterion
	for _, c := range s.Criteria {
		if c.AppliesTo(tp) {
			out = append(out, c)
		}
	}
	return out
}

// Criterion returns the criterion with the given id.
func (s *StandardSet) Criterion(id string) (*Criterion, bool) {
	for i := range s.Criteria {
		if s.Criteria[i].ID == id {
			return &s.Criteria[i], true
		}
	}
	return nil, false
}

// EffectiveOn reports whether day t falls in the set's own dates, whatever
// its status. Which set is in force is Company.InForce's question.
func (s *StandardSet) EffectiveOn(t time.Time) bool {
	d := DateOf(t)
	if d.Before(s.EffectiveFrom) {
		return false
	}
	return s.EffectiveTo == nil || d.Before(*s.EffectiveTo)
}

// Validate checks the set on its own (touchpoint ids are checked by Company).
func (s *StandardSet) Validate() error {
	v := &validator{}
	v.nonEmpty(s.Version, "version")
	s.Name.validate(v, "name")
	switch s.Status {
	case "", StandardDraft, StandardPublished, StandardRetired:
	default:
		v.add("status", "must be draft, published or retired, not %q", s.Status)
	}
	v.require(!s.EffectiveFrom.IsZero(), "effectiveFrom", "is required")
	if s.EffectiveTo != nil {
		v.require(s.EffectiveFrom.Before(*s.EffectiveTo), "effectiveTo", "must be after effectiveFrom")
	}
	v.require(len(s.Criteria) > 0, "criteria", "a standard set needs criteria")
	ids := map[string]bool{}
	for i := range s.Criteria {
		p := idx("criteria", i)
		v.nest(p, s.Criteria[i].Validate())
		if id := s.Criteria[i].ID; ids[id] && id != "" {
			v.add(p+".id", "duplicate criterion id %q", id)
		}
		ids[s.Criteria[i].ID] = true
	}
	if s.Rules != nil {
		v.nest("rules", s.Rules.Validate())
	}
	if s.Cadence != nil {
		v.nest("cadence", s.Cadence.Validate())
	}
	if s.QA != nil {
		v.nest("qa", s.QA.Validate())
	}
	return v.err("standard set " + s.Version)
}

// Validate checks one criterion: exactly the spec its kind needs, and sane numbers.
func (c *Criterion) Validate() error {
	v := &validator{}
	v.nonEmpty(c.ID, "id")
	c.Label.validate(v, "label")
	v.require(c.Weight > 0 && c.Weight <= 10, "weight", "must be in (0, 10], not %v", c.Weight)
	v.require(c.Category == GapPeople || c.Category == GapProcess || c.Category == GapTechnology,
		"category", "must be people, process or technology, not %q", c.Category)
	v.require(len(c.Touchpoints)+len(c.Channels) > 0, "touchpoints", "a criterion must name touchpoints or channels")
	for i, ch := range c.Channels {
		v.require(ch.Valid(), idx("channels", i), "unknown channel %q", ch)
	}
	specs := map[CriterionKind]bool{
		KindTiming: c.Timing != nil, KindEffort: c.Effort != nil, KindExceed: c.Exceed != nil,
		KindPromise: c.Promise != nil, KindFact: c.Fact != nil,
	}
	switch c.Kind {
	case KindStep, KindTiming, KindEffort, KindExceed, KindPromise, KindFact:
	default:
		v.add("kind", "must be step, timing, effort, exceed, promise or fact, not %q", c.Kind)
	}
	for k, present := range specs {
		field := string(k)
		if present && k != c.Kind {
			v.add(field, "only a %s criterion may have %q", k, field)
		}
		if !present && k == c.Kind {
			v.add(field, "a %s criterion needs %q", k, field)
		}
	}
	if t := c.Timing; t != nil {
		v.require(t.Target > 0, "timing.target", "must be positive")
		v.require(t.Limit >= t.Target, "timing.limit", "must be at least the target (%s)", t.Target)
		v.require(t.Step == "" || t.From == "" && t.To == "", "timing.step", "use either step or from/to, not both")
	}
	if e := c.Effort; e != nil {
		ok := false
		for _, m := range effortMeasures {
			ok = ok || m == e.Measure
		}
		v.require(ok, "effort.measure", "must be one of %v, not %q", effortMeasures, e.Measure)
		v.require(e.Target >= 0, "effort.target", "must not be negative")
	}
	if e := c.Exceed; e != nil {
		v.require(e.Level == 1 || e.Level == 2, "exceed.level", "must be 1 (proactive help) or 2 (anticipated need), not %d", e.Level)
		v.require(!c.Critical, "critical", "an exceed behaviour cannot be critical")
	}
	if p := c.Promise; p != nil {
		v.require(p.DueWithin > 0, "promise.dueWithin", "must be positive")
	}
	if f := c.Fact; f != nil {
		v.nonEmpty(f.Key, "fact.key")
	}
	return v.err(fmt.Sprintf("criterion %s", c.ID))
}
