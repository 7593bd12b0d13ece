package workflow

import (
	"context"
	"encoding/json"

	"touchaudit/internal/audit"
	"touchaudit/internal/scoring"
)

// Reviews, the end: compile the report.

// ReportOutput is what compile-report hands back to the review execution:
// small, since the report itself is stored.
type ReportOutput struct {
	ReviewID    string   `json:"reviewId"`
	Touchpoints int      `json:"touchpoints"`
	Walks       int      `json:"walks"`
	Worst       []string `json:"worst"`
}

// worstShown is how many of the worst touchpoints the output names.
const worstShown = 5

// CompileReport aggregates the review's results with the scoring engine
// (medians, roll-ups, drift against the previous review, gaps, cross-channel
// consistency, recommendations, next due dates), stores the report,
// stores the schedule of the touchpoints it values and completes the
// review; then it starts the proposed interim review when the company's
// settings say so (settings.autoInterim). Compiling again overwrites the
// same report.
func (s *Reviews) CompileReport(ctx context.Context, in ReviewRef) (ReportOutput, error) {
	r, err := s.store.GetReview(ctx, in.ReviewID)
	if err != nil {
		return ReportOutput{}, err
	}
	rep, err := s.BuildReport(ctx, r)
	if err != nil {
		return ReportOutput{}, err
	}
	// The schedule of every touchpoint the report values, by the same rule
	// and inputs as the report's schedule (and a repair of any write a
	// race lost since).
	if err := s.rescheduleReview(ctx, r.CompanyID, rep); err != nil {
		return ReportOutput{}, err
	}
	b, err := json.Marshal(rep)
	if err != nil {
		return ReportOutput{}, err
	}
	if err := s.store.SaveReport(ctx, r.ID, b); err != nil {
		return ReportOutput{}, err
	}
	if r.Status != audit.ReviewCompleted {
		r.Status = audit.ReviewCompleted
		if err := s.store.UpdateReview(ctx, r); err != nil {
			return ReportOutput{}, err
		}
	}
	// A retried compile makes the same notification, sent once.
	s.tellLeads(ctx, Notification{Kind: NotifyReviewReady, CompanyID: r.CompanyID, ReviewID: r.ID,
		Subject: audit.Label{PL: "Raport z przeglądu jest gotowy", EN: "The review's report is ready"}})
	// With the schedule settled, a −1 that cannot wait for the next
	// half-yearly review starts its interim review when the company says so.
	if err := s.autoInterim(ctx, r.CompanyID); err != nil {
		return ReportOutput{}, err
	}
	out := ReportOutput{ReviewID: r.ID, Touchpoints: len(rep.Touchpoints), Walks: rep.Summary.Walks, Worst: []string{}}
	for _, t := range rep.Touchpoints {
		if len(out.Worst) == worstShown {
			break
		}
		out.Worst = append(out.Worst, t.TouchpointID)
	}
	return out, nil
}

// BuildReport compiles a review's report without storing it, from the
// results that count (approved in QA) of the review and of the previous
// one; the report's QA count says how many did not count yet. A review
// completes with results still pending: its report leaves them out, and
// a decision made later compiles it again (QA.Decide, Appeals.Decide).
func (s *Reviews) BuildReport(ctx context.Context, r *audit.Review) (*scoring.Report, error) {
	eng, err := s.scorer(ctx, r.CompanyID)
	if err != nil {
		return nil, err
	}
	in := scoring.ReportInput{ReviewID: r.ID, GeneratedAt: s.clock.Now(), PreviousReviewID: r.PreviousReviewID, Costs: r.FixCosts}
	if in.FixesDone, err = s.fixesDone(ctx, r.CompanyID); err != nil {
		return nil, err
	}
	var count scoring.QACount
	if in.Results, in.Walkthroughs, count, err = s.reviewResults(ctx, r.ID); err != nil {
		return nil, err
	}
	if r.PreviousReviewID != "" {
		if in.Previous, in.PreviousWalkthroughs, _, err = s.reviewResults(ctx, r.PreviousReviewID); err != nil {
			return nil, err
		}
	}
	rep, err := eng.Report(in)
	if err != nil {
		return nil, err
	}
	rep.QA = &count
	return rep, nil
}

// reviewResults are a review's results that count, their walkthroughs, and
// how many results stand where in QA.
func (s *Reviews) reviewResults(ctx context.Context, reviewID string) ([]audit.Result, []audit.Walkthrough, scoring.QACount, error) {
	var count scoring.QACount
	all, err := listAll(ctx, func(p audit.Page) ([]audit.Result, string, error) {
		return s.store.ListResultsByReview(ctx, reviewID, p)
	})
	if err != nil {
		return nil, nil, count, err
	}
	rs := make([]audit.Result, 0, len(all))
	ids := make([]string, 0, len(all))
	for _, r := range all {
		if r.Counts() {
			count.Approved++
			rs = append(rs, r)
			ids = append(ids, r.WalkthroughID)
			continue
		}
		switch r.QA.Status {
		case audit.QARejected:
			count.Rejected++
		case audit.QAHeld:
			count.Held++
		default:
			count.Pending++
		}
	}
	ws, err := s.store.GetWalkthroughs(ctx, ids)
	return rs, ws, count, err
}

// rescheduleReview stores the schedule of every touchpoint the report
// values.
func (s *Reviews) rescheduleReview(ctx context.Context, companyID string, rep *scoring.Report) error {
	if len(rep.Schedule) == 0 {
		return nil
	}
	eng, err := s.scorer(ctx, companyID)
	if err != nil {
		return err
	}
	tps := make([]string, 0, len(rep.Schedule))
	for _, d := range rep.Schedule {
		tps = append(tps, d.TouchpointID)
	}
	return s.reschedule(ctx, eng, tps)
}
