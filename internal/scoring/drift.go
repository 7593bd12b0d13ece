package scoring

import (
	"time"

	"touchaudit/internal/audit"
)

// Drift statuses.
const (
	DriftImproved  = "improved"
	DriftWorsened  = "worsened"
	DriftUnchanged = "unchanged"
	DriftNew       = "new"       // walked now, not in the previous review
	DriftNotWalked = "notWalked" // in the previous review, not walked now
	// DriftRebaselined: the standard version changed and the valuation moved
	// only because of the new standard; like for like the service is unchanged.
	DriftRebaselined = "rebaselined"
)

// Drift compares one touchpoint with its previous review.
type Drift struct {
	TouchpointID string        `json:"touchpointId"`
	Name         audit.Label   `json:"name"`
	Channel      audit.Channel `json:"channel"`
	Status       string        `json:"status"`
	Previous     *DriftSide    `json:"previous,omitempty"`
	Current      *DriftSide    `json:"current,omitempty"`
	// Delta is current minus previous median, each as scored then.
	Delta *int `json:"delta,omitempty"`
	// StandardChanged is set when the two reviews used different standard
	// versions. Then CurrentUnderPrevious scores this review's walkthroughs
	// against the previous standard and PreviousUnderCurrent the previous
	// walkthroughs against the current one, each on the criteria with the
	// same id in both versions, so the change of the service can be told
	// from the change of the standard. LikeForLike is
	// CurrentUnderPrevious − Previous. Then Status comes from LikeForLike
	// (the change of the service), and Rebaseline = Delta − LikeForLike is the
	// change the new standard alone caused; Status is rebaselined when the
	// service is unchanged like for like but the valuation moved.
	StandardChanged      bool       `json:"standardChanged"`
	CurrentUnderPrevious *DriftSide `json:"currentUnderPrevious,omitempty"`
	PreviousUnderCurrent *DriftSide `json:"previousUnderCurrent,omitempty"`
	LikeForLike          *int       `json:"likeForLike,omitempty"`
	Rebaseline           *int       `json:"rebaseline,omitempty"`
}

// DriftSide is one touchpoint's walks under one standard version.
type DriftSide struct {
	StandardVersion string            `json:"standardVersion"`
	Median          audit.Valuation   `json:"median"`
	Valuations      []audit.Valuation `json:"valuations"`
}

// Drift compares current results with previous ones per touchpoint. The
// walkthrough slices are optional: with them, when the standard version
// changed, each side is also scored against the other side's standard.
// at is the scoring time of those cross-version scores.
func (e *Engine) Drift(current, previous []audit.Result, currentWalks, previousWalks []audit.Walkthrough, at time.Time) []Drift {
	cur, prev := groupResults(current), groupResults(previous)
	cw, pw := groupWalks(currentWalks), groupWalks(previousWalks)
	var out []Drift
	for _, ref := range e.company.Touchpoints() {
		c, p := cur[ref.ID], prev[ref.ID]
		if len(c) == 0 && len(p) == 0 {
			continue
		}
		d := Drift{TouchpointID: ref.ID, Name: ref.Name, Channel: ref.Channel}
		if len(c) > 0 {
			d.Current = side(c)
		}
		if len(p) > 0 {
			d.Previous = side(p)
		}
		switch {
		case d.Previous == nil:
			d.Status = DriftNew
		case d.Current == nil:
			d.Status = DriftNotWalked
		default:
			delta := int(d.Current.Median - d.Previous.Median)
			d.Delta = &delta
			d.Status = trend(delta)
			if d.Current.StandardVersion != d.Previous.StandardVersion {
				d.StandardChanged = true
				d.CurrentUnderPrevious = e.sideAgainst(cw[ref.ID], d.Previous.StandardVersion, at)
				d.PreviousUnderCurrent = e.sideAgainst(pw[ref.ID], d.Current.StandardVersion, at)
				if d.CurrentUnderPrevious != nil {
					l := int(d.CurrentUnderPrevious.Median - d.Previous.Median)
					rb := delta - l
					d.LikeForLike, d.Rebaseline = &l, &rb
					d.Status = trend(l)
					if l == 0 && rb != 0 {
						d.Status = DriftRebaselined
					}
				}
			}
		}
		out = append(out, d)
	}
	return out
}

func trend(delta int) string {
	switch {
	case delta > 0:
		return DriftImproved
	case delta < 0:
		return DriftWorsened
	}
	return DriftUnchanged
}

func side(rs []*audit.Result) *DriftSide {
	s := &DriftSide{StandardVersion: rs[0].StandardVersion}
	for _, r := range rs {
		s.Valuations = append(s.Valuations, r.Valuation)
	}
	s.Median = Median(s.Valuations)
	return s
}

// sideAgainst scores walkthroughs against another version; walkthroughs
// that cannot be scored are left out.
func (e *Engine) sideAgainst(ws []*audit.Walkthrough, version string, at time.Time) *DriftSide {
	s := &DriftSide{StandardVersion: version}
	for _, w := range ws {
		r, err := e.ScoreAgainst(w, version, at)
		if err != nil {
			continue
		}
		s.Valuations = append(s.Valuations, r.Valuation)
	}
	if len(s.Valuations) == 0 {
		return nil
	}
	s.Median = Median(s.Valuations)
	return s
}

func groupResults(rs []audit.Result) map[string][]*audit.Result {
	m := map[string][]*audit.Result{}
	for i := range rs {
		m[rs[i].TouchpointID] = append(m[rs[i].TouchpointID], &rs[i])
	}
	return m
}

func groupWalks(ws []audit.Walkthrough) map[string][]*audit.Walkthrough {
	m := map[string][]*audit.Walkthrough{}
	for i := range ws {
		m[ws[i].TouchpointID] = append(m[ws[i].TouchpointID], &ws[i])
	}
	return m
}
