package audit

import (
	"fmt"
	"slices"
	"strings"
)

// Company is one audited company's configuration: its organisation, its
// customer journeys and its service standards. It is saved and read whole.
type Company struct {
	ID        string        `json:"id"`
	Name      Label         `json:"name"`
	Units     []Unit        `json:"units"`
	Staff     []Staff       `json:"staff"`
	Journeys  []Journey     `json:"journeys"`
	Standards []StandardSet `json:"standards"`
	// Settings are the company's choices about how touchaudit runs for it;
	// nil is every default.
	Settings *CompanySettings `json:"settings,omitempty"`
}

// CompanySettings are a company's choices about how the workflow runs.
// Strict decoding is their validation: an unknown setting or a wrong type
// is refused with its field path.
type CompanySettings struct {
	// AutoInterim makes the workflow start, by itself, the interim review
	// the planner proposes (a −1 that cannot wait for the next half-yearly
	// review): when a review's report is compiled and when an action is
	// marked done. False (the default): the planner only proposes it, and
	// a lead starts it with one click (POST /api/reviews/interim).
	AutoInterim bool `json:"autoInterim,omitempty"`
}

// AutoInterim reports whether the company lets the workflow start interim
// reviews by itself.
func (c *Company) AutoInterim() bool { return c.Settings != nil && c.Settings.AutoInterim }

// UnitKind is the kind of an organisational unit.
type UnitKind string

const (
	UnitRegion     UnitKind = "region"
	UnitBranch     UnitKind = "branch"
	UnitDepartment UnitKind = "department"
)

// Unit is a region, a branch or a head-office department. Branches belong to
// a region; departments (IT, contact centre, accounting) own digital and
// remote touchpoints.
type Unit struct {
	ID     string   `json:"id"`
	Kind   UnitKind `json:"kind"`
	Name   Label    `json:"name"`
	Region string   `json:"region,omitempty"` // region unit id; required for branches
	City   string   `json:"city,omitempty"`
	// Location is a branch's coordinates, against which a visit's GPS
	// check-in is measured (checkin.go).
	Location *GeoPoint `json:"location,omitempty"`
}

// Role is what a member of staff may do in touchaudit.
type Role string

const (
	RoleAuditor Role = "auditor"
	RoleLead    Role = "lead"
	// RoleManager manages their home unit: they may appeal the valuations
	// of the touchpoints it owns.
	RoleManager Role = "manager"
)

// Staff is an employee who may walk journeys as a customer (auditor) or
// define standards and read reports (lead).
type Staff struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	HomeUnit  string `json:"homeUnit"`
	Region    string `json:"region"`
	Languages []Lang `json:"languages"`
	Roles     []Role `json:"roles"`
	Email     string `json:"email,omitempty"`
}

// Has reports whether the person holds role r.
func (s Staff) Has(r Role) bool { return slices.Contains(s.Roles, r) }

// Speaks reports whether the person speaks lang.
func (s Staff) Speaks(l Lang) bool { return slices.Contains(s.Languages, l) }

// Unit returns the unit with the given id.
func (c *Company) Unit(id string) (Unit, bool) {
	for _, u := range c.Units {
		if u.ID == id {
			return u, true
		}
	}
	return Unit{}, false
}

// Member returns the member of staff with the given id.
func (c *Company) Member(id string) (Staff, bool) {
	for _, s := range c.Staff {
		if s.ID == id {
			return s, true
		}
	}
	return Staff{}, false
}

// Auditors lists staff holding the auditor role.
func (c *Company) Auditors() []Staff {
	var out []Staff
	for _, s := range c.Staff {
		if s.Has(RoleAuditor) {
			out = append(out, s)
		}
	}
	return out
}

// Touchpoints lists every touchpoint of every journey, in map order.
func (c *Company) Touchpoints() []TouchpointRef {
	var out []TouchpointRef
	for _, j := range c.Journeys {
		for _, s := range j.Stages {
			for _, tp := range s.Touchpoints {
				out = append(out, TouchpointRef{JourneyID: j.ID, StageID: s.ID, Touchpoint: tp})
			}
		}
	}
	return out
}

// Touchpoint finds a touchpoint by id anywhere in the company's journeys.
func (c *Company) Touchpoint(id string) (TouchpointRef, bool) {
	for _, r := range c.Touchpoints() {
		if r.Touchpoint.ID == id {
			return r, true
		}
	}
	return TouchpointRef{}, false
}

// TouchpointRef is a touchpoint with the journey and stage it sits in.
type TouchpointRef struct {
	JourneyID string
	StageID   string
	Touchpoint
}

// Standard returns the standard set with the given version.
func (c *Company) Standard(version string) (*StandardSet, bool) {
	for i := range c.Standards {
		if c.Standards[i].Version == version {
			return &c.Standards[i], true
		}
	}
	return nil, false
}

// Validate checks the whole configuration, including cross-references:
// units, staff, journeys and standards must point at things that exist.
func (c *Company) Validate() error {
	v := &validator{}
	v.nonEmpty(c.ID, "id")
	if c.ID != "" {
		// No dot: a dot ends the company in a review id (ReviewIDSeparator).
		v.require(validID(c.ID) && !strings.Contains(c.ID, ReviewIDSeparator), "id", "must be lower-case letters, digits, dashes and underscores (no dots)")
	}
	c.Name.validate(v, "name")

	units := map[string]UnitKind{}
	for i, u := range c.Units {
		p := idx("units", i)
		v.nonEmpty(u.ID, p+".id")
		if _, dup := units[u.ID]; dup && u.ID != "" {
			v.add(p+".id", "duplicate unit id %q", u.ID)
		}
		units[u.ID] = u.Kind
		switch u.Kind {
		case UnitRegion, UnitBranch, UnitDepartment:
		default:
			v.add(p+".kind", "must be region, branch or department, not %q", u.Kind)
		}
		u.Name.validate(v, p+".name")
		validLocation(v, p+".location", u.Location)
	}
	for i, u := range c.Units {
		p := idx("units", i)
		if u.Kind == UnitBranch {
			v.require(u.Region != "", p+".region", "a branch must name its region")
		}
		if u.Region != "" && units[u.Region] != UnitRegion {
			v.add(p+".region", "unknown region %q", u.Region)
		}
	}

	staff := map[string]bool{}
	for i, s := range c.Staff {
		p := idx("staff", i)
		v.nonEmpty(s.ID, p+".id")
		if staff[s.ID] && s.ID != "" {
			v.add(p+".id", "duplicate staff id %q", s.ID)
		}
		staff[s.ID] = true
		v.nonEmpty(s.Name, p+".name")
		if _, ok := units[s.HomeUnit]; !ok {
			v.add(p+".homeUnit", "unknown unit %q", s.HomeUnit)
		}
		if units[s.Region] != UnitRegion {
			v.add(p+".region", "unknown region %q", s.Region)
		}
		v.require(len(s.Languages) > 0, p+".languages", "at least one language is required")
		for k, l := range s.Languages {
			v.require(l == Polish || l == English, idx(p+".languages", k), "must be pl or en, not %q", l)
		}
		v.require(len(s.Roles) > 0, p+".roles", "at least one role is required")
		for k, r := range s.Roles {
			v.require(r == RoleAuditor || r == RoleLead || r == RoleManager, idx(p+".roles", k), "must be auditor, lead or manager, not %q", r)
		}
	}

	touchpoints := map[string]Channel{}
	journeys := map[string]bool{}
	for i, j := range c.Journeys {
		p := idx("journeys", i)
		v.nest(p, j.Validate())
		if journeys[j.ID] && j.ID != "" {
			v.add(p+".id", "duplicate journey id %q", j.ID)
		}
		journeys[j.ID] = true
		for si, s := range j.Stages {
			for ti, tp := range s.Touchpoints {
				tpPath := fmt.Sprintf("%s.stages[%d].touchpoints[%d]", p, si, ti)
				if _, dup := touchpoints[tp.ID]; dup && tp.ID != "" {
					v.add(tpPath+".id", "duplicate touchpoint id %q", tp.ID)
				}
				touchpoints[tp.ID] = tp.Channel
				if _, ok := units[tp.OwnerUnit]; !ok {
					v.add(tpPath+".ownerUnit", "unknown unit %q", tp.OwnerUnit)
				}
			}
		}
	}

	versions := map[string]bool{}
	for i := range c.Standards {
		s := &c.Standards[i]
		p := idx("standards", i)
		v.nest(p, s.Validate())
		if versions[s.Version] && s.Version != "" {
			v.add(p+".version", "duplicate standard version %q", s.Version)
		}
		versions[s.Version] = true
		for k, cr := range s.Criteria {
			cp := fmt.Sprintf("%s.criteria[%d]", p, k)
			for ti, tp := range cr.Touchpoints {
				if _, ok := touchpoints[tp]; !ok {
					v.add(idx(cp+".touchpoints", ti), "unknown touchpoint %q", tp)
				}
			}
		}
	}
	c.validateWindows(v)
	return v.err("company " + c.ID)
}

func validID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return !strings.HasPrefix(s, "-")
}
