package console

import (
	"context"
	"slices"
	"strings"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/scoring"
)

// summaries are a review's touchpoint aggregates: the compiled report's,
// or, while the review runs, aggregated from the results scored so far.
func (c *Console) summaries(ctx context.Context, co *audit.Company, rv *audit.Review) ([]scoring.TouchpointSummary, *scoring.Report, error) {
	rep, err := c.report(ctx, rv.ID)
	if err != nil || rep != nil {
		if rep != nil {
			return rep.Touchpoints, rep, nil
		}
		return nil, nil, err
	}
	results, err := all(func(p audit.Page) ([]audit.Result, string, error) { return c.store.ListResultsByReview(ctx, rv.ID, p) })
	if err != nil {
		return nil, nil, err
	}
	eng, err := scoring.New(co)
	if err != nil {
		return nil, nil, err
	}
	return eng.Aggregate(results, nil), nil, nil
}

// MapTouchpoint is one touchpoint on the journey map.
type MapTouchpoint struct {
	ID, Name       string
	Walked         bool
	Median         audit.Valuation
	Walks          int
	Valuations     []audit.Valuation
	MomentOfTruth  bool
	CustomerEffort bool
	Disagreement   bool
}

// MapRow is one channel's touchpoints in each stage of a journey.
type MapRow struct {
	Channel audit.Channel
	Cells   [][]MapTouchpoint
}

// MapJourney is one journey: stages across, channels down.
type MapJourney struct {
	ID     string
	Name   audit.Label
	Stages []audit.Label
	Rows   []MapRow
}

type mapView struct {
	Review    ReviewItem
	Journeys  []MapJourney
	Compiled  bool
	Walked    int
	NotWalked int
}

// JourneyMap renders a review's journey map: each journey's stages across,
// its channels down, every touchpoint coloured by its median valuation and
// marked as a moment of truth, a point of customer effort or a
// disagreement between auditors.
func (c *Console) JourneyMap(ctx context.Context, v Viewer, reviewID string) ([]byte, error) {
	rv, err := c.ownReview(ctx, v, reviewID)
	if err != nil {
		return nil, err
	}
	co, err := c.store.GetCompany(ctx, v.CompanyID)
	if err != nil {
		return nil, err
	}
	sums, rep, err := c.summaries(ctx, co, rv)
	if err != nil {
		return nil, err
	}
	byID := map[string]scoring.TouchpointSummary{}
	for _, s := range sums {
		byID[s.TouchpointID] = s
	}
	view := mapView{Review: itemOf(*rv), Compiled: rep != nil}
	for _, j := range co.Journeys {
		mj := MapJourney{ID: j.ID, Name: j.Name}
		rows := map[audit.Channel]*MapRow{}
		for si, st := range j.Stages {
			mj.Stages = append(mj.Stages, st.Name)
			for _, tp := range st.Touchpoints {
				row := rows[tp.Channel]
				if row == nil {
					row = &MapRow{Channel: tp.Channel, Cells: make([][]MapTouchpoint, len(j.Stages))}
					rows[tp.Channel] = row
				}
				mt := MapTouchpoint{ID: tp.ID, Name: tp.Name.In(v.Lang), MomentOfTruth: tp.MomentOfTruth, CustomerEffort: tp.CustomerEffort}
				if s, ok := byID[tp.ID]; ok {
					mt.Walked, mt.Median, mt.Walks, mt.Valuations, mt.Disagreement = true, s.Median, s.Walks, s.Valuations, s.Disagreement
					view.Walked++
				} else {
					view.NotWalked++
				}
				row.Cells[si] = append(row.Cells[si], mt)
			}
		}
		for _, ch := range audit.Channels {
			if r := rows[ch]; r != nil {
				mj.Rows = append(mj.Rows, *r)
			}
		}
		view.Journeys = append(view.Journeys, mj)
	}
	return render(c, v, mapPage, view)
}

// StepView is one timed step of a walk.
type StepView struct {
	Key     string
	Channel audit.Channel
	Start   time.Time
	End     time.Time
	Active  audit.Duration
	Paused  audit.Duration
	Note    string
}

// AnswerView is one answer with its criterion's label.
type AnswerView struct {
	Label string
	Value audit.AnswerValue
	Count *int
	Note  string
}

// WalkView is one walk of a touchpoint.
type WalkView struct {
	Result   audit.Result
	Auditor  string
	Walk     *audit.Walkthrough
	Steps    []StepView
	Answers  []AnswerView
	Resolved bool
	// QA is where the result stands in QA and why it was not
	// auto-approved; Flags its evidence flags.
	QAWhy []string
	Flags []FlagView
	// Evidence are the walk's uploaded files; the shell fetches each one's
	// short-lived URL (GET /api/evidence/{id}) to show it.
	Evidence []EvidenceItem
	// Trail is the result's history: scoring, QA and appeal entries.
	Trail []TrailRow
	// Actionable is true for a −1 or −2 walk: an action may answer it.
	Actionable bool
}

// EvidenceItem is one file of a walk.
type EvidenceItem struct {
	ID, FileName, ContentType string
	Size                      int64
	// Kind is photo, audio or pdf: a photo is shown as a thumbnail, the
	// others as links.
	Kind string
	// Target is the step or criterion the file documents ("" the walk).
	Target string
}

// evidenceKind sorts a content type into what the console shows.
func evidenceKind(contentType string) string {
	switch {
	case strings.HasPrefix(contentType, "image/"):
		return "photo"
	case strings.HasPrefix(contentType, "audio/"):
		return "audio"
	}
	return "pdf"
}

// TrendRow is one review's result of a touchpoint.
type TrendRow struct {
	ReviewID   string
	Name       string
	Opens      time.Time
	Median     audit.Valuation
	Valuations []audit.Valuation
	Standard   string
}

type touchpointView struct {
	Review    ReviewItem
	Ref       audit.TouchpointRef
	Name      string
	Journey   audit.Label
	Stage     audit.Label
	Summary   *scoring.TouchpointSummary
	Walks     []WalkView
	Trend     Lines
	TrendRows []TrendRow
}

// Touchpoint renders one touchpoint of a review: every walk (its timeline
// with durations, answers, facts, promises and their outcomes, notes), the
// reasons for its valuation, and its results in every review so far.
func (c *Console) Touchpoint(ctx context.Context, v Viewer, reviewID, touchpointID string) ([]byte, error) {
	rv, err := c.ownReview(ctx, v, reviewID)
	if err != nil {
		return nil, err
	}
	co, err := c.store.GetCompany(ctx, v.CompanyID)
	if err != nil {
		return nil, err
	}
	ref, ok := co.Touchpoint(touchpointID)
	if !ok {
		return nil, audit.Errorf(audit.NotFound, "touchpoint %s not found", touchpointID)
	}
	view := touchpointView{Review: itemOf(*rv), Ref: ref, Name: ref.Name.In(v.Lang)}
	for _, j := range co.Journeys {
		if j.ID != ref.JourneyID {
			continue
		}
		view.Journey = j.Name
		for _, s := range j.Stages {
			if s.ID == ref.StageID {
				view.Stage = s.Name
			}
		}
	}
	sums, _, err := c.summaries(ctx, co, rv)
	if err != nil {
		return nil, err
	}
	for i := range sums {
		if sums[i].TouchpointID == touchpointID {
			view.Summary = &sums[i]
		}
	}
	history, err := all(func(p audit.Page) ([]audit.Result, string, error) {
		return c.store.ListResultHistory(ctx, v.CompanyID, touchpointID, p)
	})
	if err != nil {
		return nil, err
	}
	var mine []audit.Result
	var ids []string
	for _, r := range history {
		if r.ReviewID == rv.ID {
			mine = append(mine, r)
			ids = append(ids, r.WalkthroughID)
		}
	}
	walks, err := c.store.GetWalkthroughs(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := map[string]*audit.Walkthrough{}
	for i := range walks {
		byID[walks[i].ID] = &walks[i]
	}
	slices.SortFunc(mine, func(a, b audit.Result) int { return a.WalkedAt.Compare(b.WalkedAt) })
	n := &names{co: co, lang: v.Lang}
	for _, r := range mine {
		wv := walkView(co, v.Lang, r, byID[r.WalkthroughID])
		if err := c.walkExtras(ctx, v, n, &wv); err != nil {
			return nil, err
		}
		view.Walks = append(view.Walks, wv)
	}
	view.TrendRows, err = c.trendRows(ctx, v, history, rv)
	if err != nil {
		return nil, err
	}
	var labels []string
	vals := make([]float64, len(view.TrendRows))
	for i, t := range view.TrendRows {
		labels = append(labels, t.Opens.Format("2006-01"))
		vals[i] = float64(t.Median)
	}
	view.Trend = lines(labels, []trendSeries{{Name: view.Name, Values: vals}})
	return render(c, v, touchpointPage, view)
}

// walkExtras adds a walk's QA state, evidence flags, files and trail.
func (c *Console) walkExtras(ctx context.Context, v Viewer, n *names, wv *WalkView) error {
	r := wv.Result
	wv.Actionable = r.Valuation <= -1
	wv.Flags = c.flags(v.Lang, r.EvidenceFlags)
	if r.QA != nil {
		for _, w := range r.QA.Why {
			wv.QAWhy = append(wv.QAWhy, c.why(v.Lang, w))
		}
	}
	if wv.Walk != nil && len(wv.Walk.Evidence) > 0 && r.AssignmentID != "" {
		a, err := c.store.GetAssignment(ctx, r.AssignmentID)
		if err != nil && !audit.IsCode(err, audit.NotFound) {
			return err
		}
		for _, id := range wv.Walk.Evidence {
			if a == nil {
				break
			}
			if ev, ok := a.FindEvidence(id); ok && ev.Uploaded {
				target := ev.AttachTo.Step
				if ev.AttachTo.CriterionID != "" {
					target = ev.AttachTo.CriterionID
				}
				wv.Evidence = append(wv.Evidence, EvidenceItem{ID: ev.ID, FileName: ev.FileName, ContentType: ev.ContentType,
					Size: ev.Size, Kind: evidenceKind(ev.ContentType), Target: target})
			}
		}
	}
	var err error
	wv.Trail, err = c.trail(ctx, v, n, audit.TrailObject{Kind: audit.TrailResult, ID: r.ID},
		audit.TrailObject{Kind: audit.TrailQA, ID: r.ID}, audit.TrailObject{Kind: audit.TrailAppeal, ID: r.ID})
	return err
}

func walkView(co *audit.Company, lang audit.Lang, r audit.Result, w *audit.Walkthrough) WalkView {
	wv := WalkView{Result: r, Auditor: r.AuditorID, Walk: w}
	if m, ok := co.Member(r.AuditorID); ok {
		wv.Auditor = m.Name
	}
	if w == nil {
		return wv
	}
	wv.Resolved = w.Resolved
	active := map[string]audit.StepDuration{}
	for _, s := range r.Steps {
		active[s.Key+"/"+string(s.Channel)] = s
	}
	for _, s := range w.Timeline {
		d := active[s.Key+"/"+string(s.Channel)]
		wv.Steps = append(wv.Steps, StepView{Key: s.Key, Channel: s.Channel, Start: s.Start.Client, End: s.End.Client, Active: d.Active, Paused: d.Paused, Note: s.Note})
	}
	labels := map[string]audit.Label{}
	if std, ok := co.Standard(w.StandardVersion); ok {
		for _, cr := range std.Criteria {
			labels[cr.ID] = cr.Label
		}
	}
	for _, a := range w.Answers {
		l := a.CriterionID
		if lb, ok := labels[a.CriterionID]; ok {
			l = lb.In(lang)
		}
		wv.Answers = append(wv.Answers, AnswerView{Label: l, Value: a.Value, Count: a.Count, Note: a.Note})
	}
	return wv
}

// trendRows are a touchpoint's medians per review, oldest first, up to the
// review shown.
func (c *Console) trendRows(ctx context.Context, v Viewer, history []audit.Result, upTo *audit.Review) ([]TrendRow, error) {
	reviews, err := c.reviewsUpTo(ctx, v, upTo)
	if err != nil {
		return nil, err
	}
	byReview := map[string][]audit.Result{}
	for _, r := range history {
		byReview[r.ReviewID] = append(byReview[r.ReviewID], r)
	}
	var out []TrendRow
	for _, rv := range reviews {
		rs := byReview[rv.ID]
		if len(rs) == 0 {
			continue
		}
		t := TrendRow{ReviewID: rv.ID, Name: reviewName(rv), Opens: rv.Window.Opens, Standard: rs[0].StandardVersion}
		for _, r := range rs {
			t.Valuations = append(t.Valuations, r.Valuation)
		}
		t.Median = scoring.Median(t.Valuations)
		out = append(out, t)
	}
	return out, nil
}

// reviewsUpTo lists the company's reviews that opened no later than upTo,
// oldest first.
func (c *Console) reviewsUpTo(ctx context.Context, v Viewer, upTo *audit.Review) ([]audit.Review, error) {
	rs, err := all(func(p audit.Page) ([]audit.Review, string, error) { return c.store.ListReviews(ctx, v.CompanyID, p) })
	if err != nil {
		return nil, err
	}
	var out []audit.Review
	for i := len(rs) - 1; i >= 0; i-- {
		if !rs[i].Window.Opens.After(upTo.Window.Opens) {
			out = append(out, rs[i])
		}
	}
	return out, nil
}

func reviewName(r audit.Review) string {
	if r.Name != "" {
		return r.Name
	}
	return r.ID
}
