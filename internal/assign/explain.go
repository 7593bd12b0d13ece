package assign

import (
	"fmt"
	"strings"
)

// cause is what decides an explanation. Walks with the same cause share
// their Reasons and Counts, which keeps a starved review's plan small.
type cause struct {
	need    Need
	staffed int32
}

// explain says why nobody could take task t of touchpoint tp. It runs after
// staffing, but the answer is the one at the moment the walk failed: once a
// walk of a touchpoint fails, its later walks fail too, and loads only grow,
// so everyone left in the pool after the other rules is at the cap.
func (e *engine) explain(tp *touchpoint, t *Task) Infeasible {
	c := cause{tp.need, tp.staffed}
	if known, ok := e.explained[c]; ok {
		known.Task = *t
		return known
	}
	if e.explained == nil {
		e.explained = map[cause]Infeasible{}
	}
	out := e.explanation(tp)
	e.explained[c] = out
	out.Task = *t
	return out
}

// explanation counts the staff under the first rule that rules them out:
// Need.RuledOut for the rules about the person, then the touchpoint's
// other walks, then the cap for everybody left.
func (e *engine) explanation(tp *touchpoint) Infeasible {
	out := Infeasible{Counts: map[Constraint]int{}}
	for i := range e.staff {
		if c := tp.need.RuledOut(&e.staff[i]); c != "" {
			out.Counts[c]++
		}
	}
	ruledOut := func(c Constraint) int { return out.Counts[c] }
	count := func(c Constraint, n int) {
		if n > 0 {
			out.Counts[c] = n
		}
	}
	say := func(format string, args ...any) { out.Reasons = append(out.Reasons, fmt.Sprintf(format, args...)) }

	total := len(e.ids) // role holders
	n := tp.need
	switch {
	case total == 0:
		say("no staff hold the auditor role")
		return out
	case n.noRegion:
		say("branch visit owned by %s, which is not a branch in a region", n.owner)
		return out
	}

	inRegion := total - ruledOut(ConstraintRegion)
	size := inRegion - ruledOut(ConstraintLanguage) // pass the region and language rules
	home := ruledOut(ConstraintHomeUnit)
	same := int(tp.staffed)
	capped := size - home - same
	count(ConstraintSameTouchpoint, same)
	count(ConstraintCap, capped)

	who := langName(n.lang) + "-speaking auditors"
	if n.branch {
		who += " in region " + n.region
	}
	switch {
	case n.branch && inRegion == 0:
		say("no auditor is based in region %s", n.region)
	case size == 0 && n.branch:
		say("none of the %d auditors in region %s speaks %s", inRegion, n.region, langName(n.lang))
	case size == 0:
		say("no auditor speaks %s", langName(n.lang))
	}
	if home > 0 {
		switch {
		case home == 1 && size == 1:
			say("the only %s belongs to the owning unit %s", singular(who), n.owner)
		case home == size:
			say("every %s belongs to the owning unit %s", singular(who), n.owner)
		default:
			say("%d of the %d %s %s to the owning unit %s", home, size, who, verb(home, "belongs", "belong"), n.owner)
		}
	}
	if same > 0 {
		say("%d %s this touchpoint, and its walks need different auditors", same, verb(same, "already walks", "already walk"))
	}
	if capped > 0 {
		switch {
		case capped == 1 && size == 1:
			say("the only %s is at the cap of %d", singular(who), e.max)
		case capped == size:
			say("all %d %s are at the cap of %d", capped, who, e.max)
		default:
			say("the other %d %s at the cap of %d", capped, verb(capped, "is", "are"), e.max)
		}
	}
	return out
}

// verb agrees with a count.
func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// singular turns "Polish-speaking auditors in region x" into "Polish-speaking auditor in region x".
func singular(who string) string { return strings.Replace(who, "auditors", "auditor", 1) }
