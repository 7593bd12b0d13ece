package scoring

import (
	"touchaudit/internal/audit"
)

// JourneyGaps totals one journey's missed criteria by cause.
type JourneyGaps struct {
	JourneyID  string      `json:"journeyId"`
	Name       audit.Label `json:"name"`
	Missed     int         `json:"missed"`
	People     CauseTotal  `json:"people"`
	Process    CauseTotal  `json:"process"`
	Technology CauseTotal  `json:"technology"`
	// Criteria lists each missed criterion with its count, most missed first.
	Criteria []CriterionGaps `json:"criteria"`
}

// CauseTotal is how many criteria were missed for one cause, and their summed weight.
type CauseTotal struct {
	Missed int     `json:"missed"`
	Weight float64 `json:"weight"`
}

// CriterionGaps is one criterion missed in a journey.
type CriterionGaps struct {
	CriterionID string            `json:"criterionId"`
	Label       audit.Label       `json:"label"`
	Category    audit.GapCategory `json:"category"`
	Missed      int               `json:"missed"`
	Touchpoints []string          `json:"touchpoints"`
}

// GapsByJourney totals every missed criterion of every walk (each walk's
// gaps count; an unresolved matter is no criterion and is not a gap) by
// people, process and technology, per journey in the company's order.
func (e *Engine) GapsByJourney(results []audit.Result) []JourneyGaps {
	var out []JourneyGaps
	for _, j := range e.company.Journeys {
		jg := JourneyGaps{JourneyID: j.ID, Name: j.Name, Criteria: []CriterionGaps{}}
		idx := map[string]int{}
		for i := range results {
			r := &results[i]
			if r.JourneyID != j.ID {
				continue
			}
			for _, g := range r.Gaps {
				jg.Missed++
				t := &jg.Process
				switch g.Category {
				case audit.GapPeople:
					t = &jg.People
				case audit.GapTechnology:
					t = &jg.Technology
				}
				t.Missed++
				t.Weight = round2(t.Weight + g.Weight)
				k, ok := idx[g.CriterionID]
				if !ok {
					k = len(jg.Criteria)
					idx[g.CriterionID] = k
					cg := CriterionGaps{CriterionID: g.CriterionID, Category: g.Category}
					if st, ok := e.standards[r.StandardVersion]; ok {
						if c, ok := st.ids[g.CriterionID]; ok {
							cg.Label = c.Label
						}
					}
					jg.Criteria = append(jg.Criteria, cg)
				}
				cg := &jg.Criteria[k]
				cg.Missed++
				if !contains(cg.Touchpoints, r.TouchpointID) {
					cg.Touchpoints = append(cg.Touchpoints, r.TouchpointID)
				}
			}
		}
		sortCriterionGaps(jg.Criteria)
		out = append(out, jg)
	}
	return out
}

func sortCriterionGaps(cs []CriterionGaps) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && (cs[j].Missed > cs[j-1].Missed || cs[j].Missed == cs[j-1].Missed && cs[j].CriterionID < cs[j-1].CriterionID); j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
