package scoring

import (
	"time"

	"touchaudit/internal/audit"
)

// Report is a review's compiled outcome, stored as JSON by the workflow's
// compile-report step and printed by the CLI. It carries the bilingual names
// it needs, so it can be read without the company configuration.
type Report struct {
	CompanyID               string      `json:"companyId"`
	CompanyName             audit.Label `json:"companyName"`
	ReviewID                string      `json:"reviewId"`
	PreviousReviewID        string      `json:"previousReviewId,omitempty"`
	StandardVersion         string      `json:"standardVersion"`
	PreviousStandardVersion string      `json:"previousStandardVersion,omitempty"`
	GeneratedAt             time.Time   `json:"generatedAt"`

	Summary     Summary             `json:"summary"`
	Touchpoints []TouchpointSummary `json:"touchpoints"`
	Stages      []Rollup            `json:"stages"`
	Journeys    []Rollup            `json:"journeys"`
	Channels    []Rollup            `json:"channels"`
	Drift       []Drift             `json:"drift"`
	Gaps        []JourneyGaps       `json:"gaps"`
	// Inconsistencies are facts stated differently across walkthroughs.
	Inconsistencies []Inconsistency `json:"inconsistencies"`
	Recommendations Recommendations `json:"recommendations"`
	// Schedule lists every walked touchpoint's next verification, soonest first.
	Schedule []Due `json:"schedule"`
	// QA counts the review's results by QA status when the report was
	// compiled from approved results only (the workflow's reports); nil
	// when every result given was counted.
	QA *QACount `json:"qa,omitempty"`
}

// QACount is how many of a review's results counted in its report, and
// how many did not yet (pending or held) or never will (rejected).
type QACount struct {
	Approved int `json:"approved"`
	Pending  int `json:"pending"`
	Held     int `json:"held"`
	Rejected int `json:"rejected"`
}

// Summary is the review at a glance.
type Summary struct {
	Touchpoints int `json:"touchpoints"`
	Walks       int `json:"walks"`
	Auditors    int `json:"auditors"`
	// Levels counts touchpoints by median valuation; Mean is their mean.
	Levels          Levels  `json:"levels"`
	Mean            float64 `json:"mean"`
	Disagreements   int     `json:"disagreements"`
	Inconsistencies int     `json:"inconsistencies"`
	BrokenPromises  int     `json:"brokenPromises"`
	PendingPromises int     `json:"pendingPromises"`
	// Improved and Worsened count touchpoints by drift status: like for like
	// (same standard version) when the version changed. Rebaselined counts
	// those whose valuation moved only because of the new standard.
	Improved    int `json:"improved"`
	Worsened    int `json:"worsened"`
	Rebaselined int `json:"rebaselined"`
}

// Due is one touchpoint's next verification.
type Due struct {
	TouchpointID string          `json:"touchpointId"`
	Name         audit.Label     `json:"name"`
	Valuation    audit.Valuation `json:"valuation"`
	NextDue      time.Time       `json:"nextDue"`
	Reason       string          `json:"reason"`
}

// ReportInput is what a report is compiled from.
type ReportInput struct {
	ReviewID    string    `json:"reviewId"`
	GeneratedAt time.Time `json:"generatedAt"`
	// Results are the review's scored (and possibly re-valued) results.
	Results []audit.Result `json:"results"`
	// Walkthroughs are the review's walkthroughs; optional, used to score
	// them against the previous standard when the version changed.
	Walkthroughs []audit.Walkthrough `json:"walkthroughs,omitempty"`
	// Previous are the previous review's results, for drift.
	PreviousReviewID     string              `json:"previousReviewId,omitempty"`
	Previous             []audit.Result      `json:"previous,omitempty"`
	PreviousWalkthroughs []audit.Walkthrough `json:"previousWalkthroughs,omitempty"`
	// Costs are the CX lead's fix estimates in person-days by touchpoint id
	// (RecommendOptions.DefaultCost for the rest).
	Costs map[string]float64 `json:"costs,omitempty"`
	// FixesDone are when −2 fixes were marked done, by touchpoint id.
	FixesDone map[string]time.Time `json:"fixesDone,omitempty"`
	Options   RecommendOptions     `json:"options"`
}

// Report compiles a review: per-touchpoint aggregates, roll-ups, drift, gaps
// by cause, cross-channel inconsistencies, recommendations and the
// re-verification schedule. It is deterministic for a given input.
func (e *Engine) Report(in ReportInput) (*Report, error) {
	r := &Report{
		CompanyID: e.company.ID, CompanyName: e.company.Name,
		ReviewID: in.ReviewID, PreviousReviewID: in.PreviousReviewID, GeneratedAt: in.GeneratedAt,
	}
	r.Touchpoints = e.Aggregate(in.Results, in.FixesDone)
	if r.Touchpoints == nil {
		r.Touchpoints = []TouchpointSummary{}
	}
	r.StandardVersion = mostUsedVersion(in.Results)
	r.PreviousStandardVersion = mostUsedVersion(in.Previous)
	r.Stages, r.Journeys, r.Channels = e.Rollups(r.Touchpoints)
	r.Drift = e.Drift(in.Results, in.Previous, in.Walkthroughs, in.PreviousWalkthroughs, in.GeneratedAt)
	r.Gaps = e.GapsByJourney(in.Results)
	r.Inconsistencies = e.Consistency(in.Results)
	r.Recommendations = Recommend(r.Touchpoints, in.Costs, in.Options)
	for _, list := range []*[]Rollup{&r.Stages, &r.Journeys, &r.Channels} {
		if *list == nil {
			*list = []Rollup{}
		}
	}
	if r.Drift == nil {
		r.Drift = []Drift{}
	}
	if r.Inconsistencies == nil {
		r.Inconsistencies = []Inconsistency{}
	}

	auditors := map[string]bool{}
	for _, res := range in.Results {
		auditors[res.AuditorID] = true
	}
	s := &r.Summary
	s.Touchpoints, s.Walks, s.Auditors = len(r.Touchpoints), len(in.Results), len(auditors)
	s.Inconsistencies = len(r.Inconsistencies)
	r.Schedule = scheduleOf(r.Touchpoints)
	for _, t := range r.Touchpoints {
		s.Levels.add(t.Median)
		s.Mean += float64(t.Median)
		if t.Disagreement {
			s.Disagreements++
		}
		s.BrokenPromises += t.BrokenPromises
		s.PendingPromises += t.PendingPromises
	}
	if s.Touchpoints > 0 {
		s.Mean = round2(s.Mean / float64(s.Touchpoints))
	}
	for _, d := range r.Drift {
		switch d.Status {
		case DriftImproved:
			s.Improved++
		case DriftWorsened:
			s.Worsened++
		case DriftRebaselined:
			s.Rebaselined++
		}
	}
	return r, nil
}

// mostUsedVersion is the standard version most results were scored
// against (ties: the greater version string).
func mostUsedVersion(rs []audit.Result) string {
	n := map[string]int{}
	best := ""
	for _, r := range rs {
		n[r.StandardVersion]++
		if c := n[r.StandardVersion]; c > n[best] || c == n[best] && r.StandardVersion > best {
			best = r.StandardVersion
		}
	}
	return best
}
