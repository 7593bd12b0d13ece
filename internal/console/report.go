package console

import (
	"context"
	"math"
	"slices"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/scoring"
)

// Drift groups, in the order the report shows them. A touchpoint whose
// standard changed is placed by its like-for-like comparison (this review's
// walks under the previous standard), so a move caused only by the new
// standard is told apart from the service getting worse or better.
const (
	groupWorse      = "worse"
	groupBetter     = "better"
	groupRebaseline = "rebaselined"
	groupUnchanged  = "unchanged"
	groupNew        = "new"
	groupNotWalked  = "notWalked"
	groupOther      = "other" // a status this console does not know yet
)

var driftGroupOrder = []string{groupWorse, groupBetter, groupRebaseline, groupUnchanged, groupNew, groupNotWalked, groupOther}

// DriftStatusRebaselined is the status internal/scoring gives a change that
// only a new standard explains.
const DriftStatusRebaselined = "rebaselined"

// DriftGroup is one group of the drift table.
type DriftGroup struct {
	Key  string
	Rows []scoring.Drift
}

// driftGroup places one drift row.
func driftGroup(d scoring.Drift) string {
	switch d.Status {
	case DriftStatusRebaselined:
		return groupRebaseline
	case scoring.DriftNew:
		return groupNew
	case scoring.DriftNotWalked:
		return groupNotWalked
	case scoring.DriftImproved, scoring.DriftWorsened, scoring.DriftUnchanged:
	default:
		return groupOther
	}
	delta := 0
	if d.Delta != nil {
		delta = *d.Delta
	}
	if d.StandardChanged && d.LikeForLike != nil {
		switch l := *d.LikeForLike; {
		case l < 0:
			return groupWorse
		case l > 0:
			return groupBetter
		case delta != 0:
			return groupRebaseline
		}
		return groupUnchanged
	}
	switch {
	case delta < 0:
		return groupWorse
	case delta > 0:
		return groupBetter
	}
	return groupUnchanged
}

// numberedRec is a recommendation with its row number in the report
// (fixes first, then differentiators), which labels its point on the matrix.
type numberedRec struct {
	scoring.Recommendation
	Number int
	name   string
	// ReviewID is the report's review: an action may be created from the
	// recommendation.
	ReviewID string
}

// QuadrantView lists one quadrant's recommendations.
type QuadrantView struct {
	Key   string
	Items []numberedRec
}

// FactValues are one channel's values of an inconsistent fact.
type FactValues struct {
	Channel audit.Channel
	Values  []string
}

// InconsistencyView is one fact stated differently, grouped by channel.
type InconsistencyView struct {
	Label        audit.Label
	Key          string
	CrossChannel bool
	Channels     []FactValues
}

// CalendarMonth is the touchpoints due again in one month.
type CalendarMonth struct {
	Month time.Time
	Items []scoring.Due
}

// TrendTable is the data of a trend chart: one row per journey or channel,
// one column per review.
type TrendTable struct {
	Reviews []string
	Rows    []TrendTableRow
	Chart   Lines
}

// TrendTableRow is one journey's or channel's means per review ("" where
// it was not walked).
type TrendTableRow struct {
	Name   string
	Color  string
	Values []string
}

type reportView struct {
	Review          ReviewItem
	R               *scoring.Report
	Distribution    Bars
	Drift           []DriftGroup
	Journeys        TrendTable
	Channels        TrendTable
	Inconsistencies []InconsistencyView
	Fixes           []numberedRec
	Differentiators []numberedRec
	Matrix          MatrixChart
	Quadrants       []QuadrantView
	Calendar        []CalendarMonth
}

// Report renders a review's compiled report; before it is compiled the
// fragment says so (404 from the API would hide the review's status).
func (c *Console) Report(ctx context.Context, v Viewer, reviewID string) ([]byte, error) {
	rv, err := c.ownReview(ctx, v, reviewID)
	if err != nil {
		return nil, err
	}
	rep, err := c.report(ctx, rv.ID)
	if err != nil {
		return nil, err
	}
	view := reportView{Review: itemOf(*rv), R: rep}
	if rep == nil {
		return render(c, v, reportPage, view)
	}
	view.Distribution = distributionBars(rep.Summary.Levels)
	groups := map[string]*DriftGroup{}
	for _, d := range rep.Drift {
		k := driftGroup(d)
		if groups[k] == nil {
			groups[k] = &DriftGroup{Key: k}
		}
		groups[k].Rows = append(groups[k].Rows, d)
	}
	for _, k := range driftGroupOrder {
		if g := groups[k]; g != nil {
			view.Drift = append(view.Drift, *g)
		}
	}
	if view.Journeys, view.Channels, err = c.trends(ctx, v, rv, rep); err != nil {
		return nil, err
	}
	for _, inc := range rep.Inconsistencies {
		iv := InconsistencyView{Label: inc.Label, Key: inc.Key, CrossChannel: inc.CrossChannel}
		idx := map[audit.Channel]int{}
		for _, s := range inc.Values {
			i, ok := idx[s.Channel]
			if !ok {
				i = len(iv.Channels)
				idx[s.Channel] = i
				iv.Channels = append(iv.Channels, FactValues{Channel: s.Channel})
			}
			if !slices.Contains(iv.Channels[i].Values, s.Value) {
				iv.Channels[i].Values = append(iv.Channels[i].Values, s.Value)
			}
		}
		view.Inconsistencies = append(view.Inconsistencies, iv)
	}
	n := 0
	number := func(rs []scoring.Recommendation) []numberedRec {
		var out []numberedRec
		for _, r := range rs {
			n++
			out = append(out, numberedRec{Recommendation: r, Number: n, name: r.Name.In(v.Lang), ReviewID: rv.ID})
		}
		return out
	}
	view.Fixes = number(rep.Recommendations.Fixes)
	view.Differentiators = number(rep.Recommendations.Differentiators)
	every := append(slices.Clone(view.Fixes), view.Differentiators...)
	view.Matrix = matrix(every, rep.Recommendations.Options)
	for _, q := range []string{scoring.QuickWin, scoring.MajorProject, scoring.FillIn, scoring.Thankless} {
		qv := QuadrantView{Key: q}
		for _, r := range every {
			if r.Quadrant == q {
				qv.Items = append(qv.Items, r)
			}
		}
		view.Quadrants = append(view.Quadrants, qv)
	}
	for _, d := range rep.Schedule {
		m := time.Date(d.NextDue.Year(), d.NextDue.Month(), 1, 0, 0, 0, 0, time.UTC)
		if k := len(view.Calendar); k == 0 || !view.Calendar[k-1].Month.Equal(m) {
			view.Calendar = append(view.Calendar, CalendarMonth{Month: m})
		}
		view.Calendar[len(view.Calendar)-1].Items = append(view.Calendar[len(view.Calendar)-1].Items, d)
	}
	return render(c, v, reportPage, view)
}

// trends are each journey's and channel's mean valuation in every compiled
// report of the company up to this review, oldest first.
func (c *Console) trends(ctx context.Context, v Viewer, rv *audit.Review, rep *scoring.Report) (journeys, channels TrendTable, err error) {
	reviews, err := c.reviewsUpTo(ctx, v, rv)
	if err != nil {
		return journeys, channels, err
	}
	var reports []*scoring.Report
	var names, months []string
	for _, r := range reviews {
		got := rep
		if r.ID != rv.ID {
			if got, err = c.report(ctx, r.ID); err != nil {
				return journeys, channels, err
			}
		}
		if got != nil {
			reports = append(reports, got)
			names = append(names, reviewName(r))
			months = append(months, r.Window.Opens.Format("2006-01"))
		}
	}
	table := func(rollups func(*scoring.Report) []scoring.Rollup, name func(scoring.Rollup) string) TrendTable {
		t := TrendTable{Reviews: names}
		idx := map[string]int{}
		var series []trendSeries
		for i, r := range reports {
			for _, ru := range rollups(r) {
				k, ok := idx[ru.Key]
				if !ok {
					k = len(series)
					idx[ru.Key] = k
					vals := make([]float64, len(reports))
					for j := range vals {
						vals[j] = math.NaN()
					}
					series = append(series, trendSeries{Name: name(ru), Values: vals})
				}
				series[k].Values[i] = ru.Mean
			}
		}
		// The axis names each review by its opening month: names are long.
		t.Chart = lines(months, series)
		for k, s := range series {
			row := TrendTableRow{Name: s.Name, Color: t.Chart.Series[k].Color}
			for _, x := range s.Values {
				if math.IsNaN(x) {
					row.Values = append(row.Values, "")
				} else {
					row.Values = append(row.Values, decimal(x))
				}
			}
			t.Rows = append(t.Rows, row)
		}
		return t
	}
	journeys = table(func(r *scoring.Report) []scoring.Rollup { return r.Journeys }, func(r scoring.Rollup) string { return r.Name.In(v.Lang) })
	channels = table(func(r *scoring.Report) []scoring.Rollup { return r.Channels }, func(r scoring.Rollup) string { return c.T(v.Lang, "channel."+r.Key) })
	return journeys, channels, nil
}

// DriftGroupOf names the group a drift row is shown in: worse, better,
// rebaselined, unchanged, new, notWalked or other.
func DriftGroupOf(d scoring.Drift) string { return driftGroup(d) }
