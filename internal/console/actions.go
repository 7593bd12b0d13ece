package console

import (
	"context"
	"slices"
	"strings"

	"touchaudit/internal/audit"
)

// Corrective actions in the console: the list (by status, overdue ones
// marked), one action with its legal next statuses and its trail, and the
// form that creates one from a −1/−2 walk or a report's recommendation.
// Creating and moving are the API's routes (POST /api/actions, POST
// /api/actions/{id}/status), called by the shell's forms.

// ActionRow is one action as the console lists it.
type ActionRow struct {
	audit.Action
	Touchpoint string
	Unit       string
	Person     string
	Overdue    bool
	// Source says what it answers, and SourceLink opens it.
	SourceLink string
}

// ActionFilters are the list's filters: every status, then overdue.
var ActionFilters = append([]string{""}, append(statusStrings(audit.ActionStatuses), "overdue")...)

func statusStrings(ss []audit.ActionStatus) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

type actionsView struct {
	Filter  string
	Filters []string
	Rows    []ActionRow
	Overdue int
}

// ActionsPage renders the company's actions in one status ("" every
// status, "overdue" the unfinished ones past their due day), by due day.
// Overdue actions are marked in every list.
func (c *Console) ActionsPage(ctx context.Context, v Viewer, filter string) ([]byte, error) {
	if !slices.Contains(ActionFilters, filter) {
		return nil, &audit.Error{Code: audit.Invalid, Message: "invalid request",
			Problems: []audit.Problem{{Path: "status", Reason: "must be one of open, in_progress, done, verified, reopened, overdue"}}}
	}
	co, err := c.store.GetCompany(ctx, v.CompanyID)
	if err != nil {
		return nil, err
	}
	var list []audit.Action
	if filter == "overdue" {
		list, err = all(func(p audit.Page) ([]audit.Action, string, error) {
			return c.store.ListOverdueActions(ctx, v.CompanyID, c.now(), p)
		})
	} else {
		list, err = all(func(p audit.Page) ([]audit.Action, string, error) {
			return c.store.ListActions(ctx, v.CompanyID, audit.ActionStatus(filter), p)
		})
	}
	if err != nil {
		return nil, err
	}
	n := &names{co: co, lang: v.Lang}
	view := actionsView{Filter: filter, Filters: ActionFilters}
	for _, a := range list {
		row := c.actionRow(n, a)
		if row.Overdue {
			view.Overdue++
		}
		view.Rows = append(view.Rows, row)
	}
	return render(c, v, actionsPage, view)
}

func (c *Console) actionRow(n *names, a audit.Action) ActionRow {
	row := ActionRow{Action: a, Touchpoint: n.touchpoint(a.TouchpointID), Unit: n.unit(a.Owner.Unit), Person: n.person(a.Owner.Person),
		Overdue: a.Overdue(c.now())}
	if a.Source.ReviewID != "" {
		row.SourceLink = "#/reviews/" + urlPart(a.Source.ReviewID) + "/report"
	}
	return row
}

type actionView struct {
	ActionRow
	Next  []audit.ActionStatus
	Trail []TrailRow
	// Result is the walk the action answers, when it answers one.
	Result *audit.Result
}

// ActionPage renders one action: what, who, when, how much, where it came
// from, the statuses it may move to, and its history from the trail.
func (c *Console) ActionPage(ctx context.Context, v Viewer, id string) ([]byte, error) {
	a, err := c.store.GetAction(ctx, v.CompanyID, id)
	if err != nil {
		return nil, err
	}
	co, err := c.store.GetCompany(ctx, v.CompanyID)
	if err != nil {
		return nil, err
	}
	n := &names{co: co, lang: v.Lang}
	view := actionView{ActionRow: c.actionRow(n, *a)}
	for _, s := range audit.ActionStatuses {
		if audit.ActionTransition(a.Status, s) == nil {
			view.Next = append(view.Next, s)
		}
	}
	if a.Source.ResultID != "" {
		if r, err := c.store.GetResult(ctx, a.Source.ResultID); err == nil && r.CompanyID == v.CompanyID {
			view.Result = r
			view.SourceLink = walkLink(*r)
		}
	}
	view.Trail, err = c.trail(ctx, v, n, audit.TrailObject{Kind: audit.TrailAction, ID: a.ID})
	if err != nil {
		return nil, err
	}
	return render(c, v, actionPage, view)
}

// ActionSource names what a new action answers: a result (ResultID), or a
// review's recommendation (ReviewID and TouchpointID).
type ActionSource struct {
	ResultID, ReviewID, TouchpointID string
}

// Option is one choice of a select.
type Option struct {
	Value, Text string
}

type newActionView struct {
	Source     ActionSource
	Touchpoint string
	Review     string
	Valuation  audit.Valuation
	Units      []Option
	Staff      []Option
	Unit       string
	Due        string
	Currency   string
	// What is a first draft: the criteria a recommendation names.
	What string
}

// DefaultActionDays is the new-action form's default due date, counted
// from today: a month, the re-verification interval after a fix (issue 11).
const DefaultActionDays = 30

// DefaultCurrency is the cost's currency unless the lead picks another.
const DefaultCurrency = "PLN"

// NewActionForm renders the form that creates an action from a −1/−2
// result or from a review's recommendation for a touchpoint. The owner
// unit is the touchpoint's by default; people are the company's staff.
func (c *Console) NewActionForm(ctx context.Context, v Viewer, src ActionSource) ([]byte, error) {
	co, err := c.store.GetCompany(ctx, v.CompanyID)
	if err != nil {
		return nil, err
	}
	view := newActionView{Source: src, Due: audit.DateOf(c.now().AddDate(0, 0, DefaultActionDays)).String(), Currency: DefaultCurrency}
	switch {
	case src.ResultID != "" && src.ReviewID == "":
		r, err := c.store.GetResult(ctx, src.ResultID)
		if err != nil {
			return nil, err
		}
		if r.CompanyID != v.CompanyID {
			return nil, audit.Errorf(audit.NotFound, "result %s not found", src.ResultID)
		}
		view.Source.TouchpointID, view.Valuation = r.TouchpointID, r.Valuation
		rv, err := c.ownReview(ctx, v, r.ReviewID)
		if err != nil {
			return nil, err
		}
		view.Review = reviewName(*rv)
	case src.ReviewID != "" && src.TouchpointID != "" && src.ResultID == "":
		rv, err := c.ownReview(ctx, v, src.ReviewID)
		if err != nil {
			return nil, err
		}
		view.Review = reviewName(*rv)
		rep, err := c.report(ctx, rv.ID)
		if err != nil {
			return nil, err
		}
		found := false
		if rep != nil {
			for _, r := range append(slices.Clone(rep.Recommendations.Fixes), rep.Recommendations.Differentiators...) {
				if r.TouchpointID == src.TouchpointID {
					view.Valuation, found = r.Valuation, true
					view.What = strings.Join(r.Criteria, ", ")
					break
				}
			}
		}
		if !found {
			return nil, audit.Errorf(audit.NotFound, "review %s recommends nothing for touchpoint %s", rv.ID, src.TouchpointID)
		}
	default:
		return nil, &audit.Error{Code: audit.Invalid, Message: "invalid request",
			Problems: []audit.Problem{{Path: "resultId", Reason: "name a result (resultId), or a review and a touchpoint (reviewId, touchpointId)"}}}
	}
	tp, ok := co.Touchpoint(view.Source.TouchpointID)
	if !ok {
		return nil, audit.Errorf(audit.NotFound, "touchpoint %s not found", view.Source.TouchpointID)
	}
	view.Touchpoint, view.Unit = tp.Name.In(v.Lang), tp.OwnerUnit
	for _, u := range co.Units {
		view.Units = append(view.Units, Option{Value: u.ID, Text: u.Name.In(v.Lang)})
	}
	for _, s := range co.Staff {
		view.Staff = append(view.Staff, Option{Value: s.ID, Text: s.Name + " (" + s.ID + ")"})
	}
	slices.SortFunc(view.Staff, func(a, b Option) int { return strings.Compare(a.Text, b.Text) })
	return render(c, v, actionNewPage, view)
}

// actionsFor lists the company's actions that answer a review: created
// from one of its results or from its report's recommendations.
func (c *Console) actionsFor(ctx context.Context, v Viewer, reviewID string, results []audit.Result) ([]audit.Action, error) {
	list, err := all(func(p audit.Page) ([]audit.Action, string, error) {
		return c.store.ListActions(ctx, v.CompanyID, "", p)
	})
	if err != nil {
		return nil, err
	}
	mine := map[string]bool{}
	for _, r := range results {
		mine[r.ID] = true
	}
	var out []audit.Action
	for _, a := range list {
		if a.Source.ReviewID == reviewID || mine[a.Source.ResultID] {
			out = append(out, a)
		}
	}
	return out, nil
}
