package console

import (
	"context"
	"fmt"
	"slices"
	"time"

	"touchaudit/internal/audit"
)

// ReviewItem is one row of the review list (GET /api/reviews).
type ReviewItem struct {
	ID              string             `json:"id"`
	Name            string             `json:"name"`
	Status          audit.ReviewStatus `json:"status"`
	Opens           time.Time          `json:"opens"`
	Closes          time.Time          `json:"closes"`
	StandardVersion string             `json:"standardVersion"`
	PreviousID      string             `json:"previousReviewId,omitempty"`
	Assignments     int                `json:"assignments"`
	Staffed         int                `json:"staffed"`
	Done            int                `json:"done"`
	CreatedAt       time.Time          `json:"createdAt"`
	CreatedBy       string             `json:"createdBy,omitempty"`
}

// ReviewList is GET /api/reviews: newest opening first.
type ReviewList struct {
	Reviews    []ReviewItem `json:"reviews"`
	NextCursor string       `json:"nextCursor"`
}

func itemOf(r audit.Review) ReviewItem {
	return ReviewItem{ID: r.ID, Name: r.Name, Status: r.Status, Opens: r.Window.Opens, Closes: r.Window.Closes,
		StandardVersion: r.StandardVersion, PreviousID: r.PreviousReviewID, Assignments: r.Assignments,
		Staffed: r.Staffed, Done: r.Done, CreatedAt: r.CreatedAt, CreatedBy: r.CreatedBy}
}

// Reviews lists the viewer's company's reviews, one page (cursor from the
// previous answer, "" for the first).
func (c *Console) Reviews(ctx context.Context, v Viewer, cursor string) (ReviewList, error) {
	rs, next, err := c.store.ListReviews(ctx, v.CompanyID, audit.Page{Cursor: cursor})
	if err != nil {
		return ReviewList{}, err
	}
	out := ReviewList{Reviews: make([]ReviewItem, len(rs)), NextCursor: next}
	for i, r := range rs {
		out.Reviews[i] = itemOf(r)
	}
	return out, nil
}

// reviewsView is the review list page with the start form.
type reviewsView struct {
	Reviews   []ReviewItem
	Journeys  []audit.Journey
	Standards []audit.StandardSet
	// Latest is the standard version a new review uses by default.
	Latest  string
	Opens   string
	Closes  string
	Company audit.Label
}

// ReviewsPage renders the list of reviews and the form that starts one.
func (c *Console) ReviewsPage(ctx context.Context, v Viewer) ([]byte, error) {
	co, err := c.store.GetCompany(ctx, v.CompanyID)
	if err != nil {
		return nil, err
	}
	rs, err := all(func(p audit.Page) ([]audit.Review, string, error) { return c.store.ListReviews(ctx, v.CompanyID, p) })
	if err != nil {
		return nil, err
	}
	view := reviewsView{Journeys: co.Journeys, Standards: co.Standards, Company: co.Name}
	for _, r := range rs {
		view.Reviews = append(view.Reviews, itemOf(r))
	}
	for _, s := range co.Standards {
		if s.Version > view.Latest {
			view.Latest = s.Version
		}
	}
	// A review opens tomorrow and runs six weeks by default.
	opens := c.now().UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	view.Opens, view.Closes = opens.Format(time.DateOnly), opens.AddDate(0, 0, 42).Format(time.DateOnly)
	return render(c, v, reviewsPage, view)
}

// progressStatuses are the assignment statuses the progress view counts,
// in the order of the walk's life.
var progressStatuses = []audit.AssignmentStatus{audit.StatusPlanned, audit.StatusAssigned, audit.StatusStarted,
	audit.StatusSubmitted, audit.StatusScored, audit.StatusClosed, audit.StatusReassigned, audit.StatusExpired}

// Counts are walks by status, and how many open ones are past due.
type Counts struct {
	By    map[audit.AssignmentStatus]int
	Late  int
	Total int
}

func (n *Counts) add(a audit.Assignment, late bool) {
	if n.By == nil {
		n.By = map[audit.AssignmentStatus]int{}
	}
	n.By[a.Status]++
	n.Total++
	if late {
		n.Late++
	}
}

// Get is the count of one status, for templates.
func (n Counts) Get(s audit.AssignmentStatus) int { return n.By[s] }

// CountRow is one auditor's or one touchpoint's walks.
type CountRow struct {
	Key    string
	Name   string
	Counts Counts
}

// LateWalk is an open walk past its due time.
type LateWalk struct {
	AssignmentID string
	Touchpoint   string
	Auditor      string
	Status       audit.AssignmentStatus
	Due          time.Time
	Overdue      string
	Reminders    int
}

type progressView struct {
	Review      ReviewItem
	Statuses    []audit.AssignmentStatus
	Total       Counts
	Auditors    []CountRow
	Touchpoints []CountRow
	Late        []LateWalk
	Bars        Bars
	Live        bool
	HasReport   bool
	At          time.Time
}

// Progress renders a review's live progress: walks by status, per auditor
// and per touchpoint, and the walks that are late (open past their due
// time), from the store's listing of the review's assignments by status.
func (c *Console) Progress(ctx context.Context, v Viewer, reviewID string) ([]byte, error) {
	view, err := c.progress(ctx, v, reviewID)
	if err != nil {
		return nil, err
	}
	return render(c, v, progressPage, *view)
}

func (c *Console) progress(ctx context.Context, v Viewer, reviewID string) (*progressView, error) {
	rv, err := c.ownReview(ctx, v, reviewID)
	if err != nil {
		return nil, err
	}
	co, err := c.store.GetCompany(ctx, v.CompanyID)
	if err != nil {
		return nil, err
	}
	now := c.now()
	view := &progressView{Review: itemOf(*rv), Statuses: progressStatuses, Live: rv.Status == audit.ReviewRunning || rv.Status == audit.ReviewPlanned, At: now}
	rep, err := c.report(ctx, rv.ID)
	if err != nil {
		return nil, err
	}
	view.HasReport = rep != nil
	auditors, tps := map[string]*CountRow{}, map[string]*CountRow{}
	for _, st := range progressStatuses {
		as, err := all(func(p audit.Page) ([]audit.Assignment, string, error) {
			return c.store.ListAssignmentsByReview(ctx, rv.ID, st, p)
		})
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			late := a.Status.Open() && a.Due.Before(now)
			view.Total.add(a, late)
			tpName := a.TouchpointID
			if ref, ok := co.Touchpoint(a.TouchpointID); ok {
				tpName = ref.Name.In(v.Lang)
			}
			who := a.AuditorID
			if m, ok := co.Member(a.AuditorID); ok {
				who = m.Name
			}
			if a.AuditorID != "" {
				row := auditors[a.AuditorID]
				if row == nil {
					row = &CountRow{Key: a.AuditorID, Name: who}
					auditors[a.AuditorID] = row
				}
				row.Counts.add(a, late)
			}
			row := tps[a.TouchpointID]
			if row == nil {
				row = &CountRow{Key: a.TouchpointID, Name: tpName}
				tps[a.TouchpointID] = row
			}
			row.Counts.add(a, late)
			if late {
				view.Late = append(view.Late, LateWalk{AssignmentID: a.ID, Touchpoint: tpName, Auditor: who, Status: a.Status,
					Due: a.Due, Overdue: days(now.Sub(a.Due)), Reminders: a.Reminders})
			}
		}
	}
	for _, r := range auditors {
		view.Auditors = append(view.Auditors, *r)
	}
	// Touchpoints in journey-map order, auditors by name.
	for _, ref := range co.Touchpoints() {
		if r := tps[ref.ID]; r != nil {
			view.Touchpoints = append(view.Touchpoints, *r)
		}
	}
	slices.SortFunc(view.Auditors, func(a, b CountRow) int {
		if a.Counts.Late != b.Counts.Late {
			return b.Counts.Late - a.Counts.Late
		}
		return compare(a.Name, b.Name)
	})
	slices.SortFunc(view.Late, func(a, b LateWalk) int { return a.Due.Compare(b.Due) })
	view.Bars = progressBars(view.Total, func(k string) string { return c.T(v.Lang, k) })
	return view, nil
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// days writes a span in whole days and hours ("3d 4h").
func days(d time.Duration) string {
	h := int(d / time.Hour)
	if h >= 24 {
		return fmt.Sprintf("%dd %dh", h/24, h%24)
	}
	return fmt.Sprintf("%dh", h)
}
