package assign

import (
	"slices"

	"touchaudit/internal/audit"
)

// Who may walk what.
//
// Need.RuledOut is the one statement of the rules about the person: the
// auditor role, the region of a branch visit, the language, and the home
// unit (nobody audits a touchpoint their own unit owns). The engine's heaps
// index exactly these rules (a pool per region and language, a group per
// home unit inside it), the explanation counts the staff it rules out, and
// reassignment (internal/workflow) offers a walk only to those it lets
// through. The rules about the review, one walk of a touchpoint per auditor
// and the cap, depend on the other walks and are the engine's.

// Need is what one walk asks of its auditor.
type Need struct {
	lang     audit.Lang
	branch   bool   // a branch visit: the auditor must be based in region
	region   string // the owning branch's region
	noRegion bool   // a branch visit whose owner is not a branch in a region: nobody may walk it
	owner    string // the owning unit, whose staff may not walk it
}

// NeedOf is what task t asks of its auditor; units tell the region of the
// owning branch.
func NeedOf(t Task, units []audit.Unit) Need {
	for _, u := range units {
		if u.ID == t.OwnerUnit {
			return needOf(&t, u, true)
		}
	}
	return needOf(&t, audit.Unit{}, false)
}

// needOf is NeedOf with the owning unit found (ok) or not.
func needOf(t *Task, owner audit.Unit, ok bool) Need {
	n := Need{lang: visitLanguage(t), branch: t.Channel == audit.ChannelBranch, owner: t.OwnerUnit}
	if n.branch {
		switch {
		case ok && owner.Kind == audit.UnitBranch && owner.Region != "":
			n.region = owner.Region
		case ok && owner.Kind == audit.UnitRegion:
			n.region = owner.ID
		default:
			n.noRegion = true
		}
	}
	return n
}

// RuledOut returns the first rule, in the order of Constraints, that keeps
// s from walking what n asks for, or "" when s may walk it (the review's
// rules aside: ConstraintSameTouchpoint and ConstraintCap).
func (n Need) RuledOut(s *audit.Staff) Constraint {
	switch {
	case !s.Has(audit.RoleAuditor):
		return ConstraintRole
	case n.noRegion || n.branch && s.Region != n.region:
		return ConstraintRegion
	case !s.Speaks(n.lang):
		return ConstraintLanguage
	case s.HomeUnit == n.owner:
		return ConstraintHomeUnit
	}
	return ""
}

// pool is the key of the engine's pool of auditors who pass the region and
// language rules; ok is false when nobody can (noRegion).
func (n Need) pool() (k poolKey, ok bool) {
	if n.branch {
		return poolKey{region: n.region, lang: n.lang}, !n.noRegion
	}
	return poolKey{anyRegion: true, lang: n.lang}, true
}

// memberships are the pools auditor s is in: for each language they speak,
// the one of their region (branch visits) and the one of any region.
func memberships(s *audit.Staff, join func(poolKey)) {
	for i, l := range s.Languages {
		if slices.Contains(s.Languages[:i], l) {
			continue
		}
		join(poolKey{region: s.Region, lang: l})
		join(poolKey{anyRegion: true, lang: l})
	}
}
