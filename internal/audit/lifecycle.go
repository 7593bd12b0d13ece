package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// StandardStatus is where a standard version is in its life cycle: a draft
// is being written and is never in force; a published version is frozen
// (results are scored against it, so changing it would rewrite history);
// a retired version is kept for the results that name it and is no longer
// in force.
type StandardStatus string

const (
	StandardDraft     StandardStatus = "draft"
	StandardPublished StandardStatus = "published"
	StandardRetired   StandardStatus = "retired"
)

// State is the set's status. A set without one is published: configurations
// written before the life cycle existed held only sets in use.
func (s *StandardSet) State() StandardStatus {
	if s.Status == "" {
		return StandardPublished
	}
	return s.Status
}

// until is the end of the set's window among the published sets: its own
// effectiveTo, else the effectiveFrom of the next published set (an open
// end means "until the next version takes effect"), else none.
func (c *Company) until(s *StandardSet) (Date, bool) {
	if s.EffectiveTo != nil {
		return *s.EffectiveTo, true
	}
	var next Date
	found := false
	for i := range c.Standards {
		o := &c.Standards[i]
		if o == s || o.State() != StandardPublished || !s.EffectiveFrom.Before(o.EffectiveFrom) {
			continue
		}
		if !found || o.EffectiveFrom.Before(next) {
			next, found = o.EffectiveFrom, true
		}
	}
	return next, found
}

// InForce returns the published standard set in force on day at, decided by
// effective dates alone (list order never matters): effectiveFrom ≤ at, and
// at before effectiveTo, or before the next published version's
// effectiveFrom when effectiveTo is open. Drafts and retired sets are never
// in force. Validate refuses published sets whose windows overlap, so at
// most one set qualifies.
func (c *Company) InForce(at time.Time) (*StandardSet, bool) {
	d := DateOf(at)
	for i := range c.Standards {
		s := &c.Standards[i]
		if s.State() != StandardPublished || d.Before(s.EffectiveFrom) {
			continue
		}
		if end, ok := c.until(s); ok && !d.Before(end) {
			continue
		}
		return s, true
	}
	return nil, false
}

// validateWindows refuses published sets whose effective windows overlap:
// two sets starting the same day, or an effectiveTo reaching past a later
// set's effectiveFrom. The problem is reported on the later set's
// effectiveFrom.
func (c *Company) validateWindows(v *validator) {
	var pub []int
	for i := range c.Standards {
		if c.Standards[i].State() == StandardPublished && !c.Standards[i].EffectiveFrom.IsZero() {
			pub = append(pub, i)
		}
	}
	sort.SliceStable(pub, func(a, b int) bool {
		return c.Standards[pub[a]].EffectiveFrom.Before(c.Standards[pub[b]].EffectiveFrom)
	})
	for k := 1; k < len(pub); k++ {
		later := &c.Standards[pub[k]]
		for _, j := range pub[:k] {
			earlier := &c.Standards[j]
			overlaps := !earlier.EffectiveFrom.Before(later.EffectiveFrom) ||
				earlier.EffectiveTo != nil && later.EffectiveFrom.Before(*earlier.EffectiveTo)
			if overlaps {
				v.add(idx("standards", pub[k])+".effectiveFrom",
					"published standard %s takes effect on %s, while published standard %s is still in force (%s)",
					later.Version, later.EffectiveFrom, earlier.Version, window(earlier))
			}
		}
	}
}

func window(s *StandardSet) string {
	if s.EffectiveTo == nil {
		return "from " + s.EffectiveFrom.String()
	}
	return s.EffectiveFrom.String() + " to " + s.EffectiveTo.String()
}

// CheckStandardChanges compares a company's stored configuration with the
// one replacing it. A published or retired standard version is frozen:
// changing its content, deleting it or turning it back into a draft is a
// Conflict naming the version and the fields. Allowed: retiring a
// published version (status published → retired, nothing else changed),
// publishing a draft, changing drafts, adding versions. old may be nil
// (a first import). It does not validate new; call Validate for that.
func CheckStandardChanges(old, new *Company) error {
	if old == nil {
		return nil
	}
	var probs []Problem
	at := map[string]int{}
	for i := range new.Standards {
		at[new.Standards[i].Version] = i
	}
	for i := range old.Standards {
		o := &old.Standards[i]
		was := o.State()
		if was == StandardDraft {
			continue
		}
		j, kept := at[o.Version]
		if !kept {
			probs = append(probs, Problem{Path: idx("standards", i),
				Reason: fmt.Sprintf("standard %s is %s and cannot be deleted (retire it instead)", o.Version, was)})
			continue
		}
		n := &new.Standards[j]
		p := idx("standards", j)
		switch now := n.State(); {
		case now == StandardDraft:
			probs = append(probs, Problem{Path: p + ".status",
				Reason: fmt.Sprintf("standard %s is %s and cannot become a draft again", o.Version, was)})
		case was == StandardRetired && now == StandardPublished:
			probs = append(probs, Problem{Path: p + ".status",
				Reason: fmt.Sprintf("standard %s is retired and cannot be published again (publish a new version)", o.Version)})
		}
		if fields := changedFields(o, n); len(fields) > 0 {
			probs = append(probs, Problem{Path: p + "." + fields[0],
				Reason: fmt.Sprintf("standard %s is %s and cannot be changed (changed: %s); publish a new version instead",
					o.Version, was, strings.Join(fields, ", "))})
		}
	}
	if len(probs) == 0 {
		return nil
	}
	return &Error{Code: Conflict, Message: "published standards of company " + new.ID + " cannot be changed", Problems: probs}
}

// changedFields lists the JSON fields of a standard set that differ, the
// status left out.
func changedFields(a, b *StandardSet) []string {
	pairs := []struct {
		name string
		x, y any
	}{
		{"name", a.Name, b.Name},
		{"effectiveFrom", a.EffectiveFrom, b.EffectiveFrom},
		{"effectiveTo", a.EffectiveTo, b.EffectiveTo},
		{"criteria", a.Criteria, b.Criteria},
		{"rules", a.Rules, b.Rules},
		{"cadence", a.Cadence, b.Cadence},
	}
	var out []string
	if len(a.Criteria) == len(b.Criteria) {
		// Name the first criterion that changed, so the lead finds it.
		for k := range a.Criteria {
			x, _ := json.Marshal(a.Criteria[k])
			y, _ := json.Marshal(b.Criteria[k])
			if !bytes.Equal(x, y) {
				pairs[3].name = fmt.Sprintf("criteria[%d]", k)
				break
			}
		}
	}
	for _, p := range pairs {
		x, errX := json.Marshal(p.x)
		y, errY := json.Marshal(p.y)
		if errX != nil || errY != nil || !bytes.Equal(x, y) {
			out = append(out, p.name)
		}
	}
	return out
}
