package assign

import (
	"fmt"
	"strings"

	"touchaudit/internal/audit"
)

// cause is what decides an explanation. Walks with the same cause share
// their Reasons and Counts, which keeps a starved review's plan small.
type cause struct {
	owner            int32
	region           string
	lang             audit.Lang
	branch, noRegion bool
	staffed          int32
}

// explain says why nobody could take task t of touchpoint tp. It runs after
// staffing, but the answer is the one at the moment the walk failed: once a
// walk of a touchpoint fails, its later walks fail too, and loads only grow,
// so everyone left in the pool after the other rules is at the cap.
func (e *engine) explain(tp *touchpoint, t *Task) Infeasible {
	c := cause{tp.owner, tp.region, tp.lang, tp.branch, tp.noRegion, tp.staffed}
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

func (e *engine) explanation(tp *touchpoint) Infeasible {
	out := Infeasible{Counts: map[Constraint]int{}}
	count := func(c Constraint, n int) {
		if n > 0 {
			out.Counts[c] = n
		}
	}
	say := func(format string, args ...any) { out.Reasons = append(out.Reasons, fmt.Sprintf(format, args...)) }

	count(ConstraintRole, e.nonAuditors)
	total := len(e.ids)
	switch {
	case total == 0:
		say("no staff hold the auditor role")
		return out
	case tp.noRegion:
		count(ConstraintRegion, total)
		say("branch visit owned by %s, which is not a branch in a region", tp.ownerID)
		return out
	}

	inRegion := total
	who := langName(tp.lang) + "-speaking auditors"
	if tp.branch {
		inRegion = e.inRegion[tp.region]
		who += " in region " + tp.region
	}
	size, home := 0, 0
	if tp.pool >= 0 {
		size = e.pools[tp.pool].size
		if g, ok := e.groupIdx[groupKey{tp.pool, tp.owner}]; ok {
			home = len(e.groups[g].heap)
		}
	}
	same := int(tp.staffed)
	capped := size - home - same
	count(ConstraintRegion, total-inRegion)
	count(ConstraintLanguage, inRegion-size)
	count(ConstraintHomeUnit, home)
	count(ConstraintSameTouchpoint, same)
	count(ConstraintCap, capped)

	switch {
	case tp.branch && inRegion == 0:
		say("no auditor is based in region %s", tp.region)
	case size == 0 && tp.branch:
		say("none of the %d auditors in region %s speaks %s", inRegion, tp.region, langName(tp.lang))
	case size == 0:
		say("no auditor speaks %s", langName(tp.lang))
	}
	if home > 0 {
		switch {
		case home == 1 && size == 1:
			say("the only %s belongs to the owning unit %s", singular(who), tp.ownerID)
		case home == size:
			say("every %s belongs to the owning unit %s", singular(who), tp.ownerID)
		default:
			say("%d of the %d %s %s to the owning unit %s", home, size, who, verb(home, "belongs", "belong"), tp.ownerID)
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
