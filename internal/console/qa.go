package console

import (
	"context"
	"regexp"
	"strings"
	"time"

	"touchaudit/internal/audit"
)

// The QA page: what waits for a lead, since when and why the auto-approve
// rule did not approve it, and the open appeals. The decisions themselves
// are the API's routes (POST /api/results/{id}/approve|reject|hold, POST
// /api/appeals/{id}/decide), called by the shell's forms.

// QueueRow is one result on the QA or the appeals queue.
type QueueRow struct {
	Result     audit.Result
	Review     string
	Touchpoint string
	Auditor    string
	Since      time.Time
	// Waiting is how long it has waited, by the console's clock.
	Waiting audit.Duration
	Why     []string
	Flags   []FlagView
	// Link opens the walk in its touchpoint's detail, with its photos.
	Link string
	// Appellant is who appealed (the appeals queue).
	Appellant string
}

// FlagView is one evidence flag in the viewer's language: its name and the
// measurement after it ("far-from-branch: 850 m").
type FlagView struct {
	Code, Text, Detail string
}

type qaView struct {
	At      time.Time
	QA      []QueueRow
	Appeals []QueueRow
	// Valuations are the choices of a changed valuation.
	Valuations []audit.Valuation
}

// QAPage renders the company's QA queue and open appeals, longest waiting first.
func (c *Console) QAPage(ctx context.Context, v Viewer) ([]byte, error) {
	co, err := c.store.GetCompany(ctx, v.CompanyID)
	if err != nil {
		return nil, err
	}
	names := c.names(ctx, v, co)
	view := qaView{At: c.now(), Valuations: []audit.Valuation{-2, -1, 0, 1, 2}}
	for _, q := range []audit.Queue{audit.QueueQA, audit.QueueAppeals} {
		rs, err := all(func(p audit.Page) ([]audit.Result, string, error) {
			return c.store.ListResultsQueued(ctx, v.CompanyID, q, p)
		})
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			row := c.queueRow(v, names, r)
			if q == audit.QueueQA {
				view.QA = append(view.QA, row)
			} else {
				row.Appellant = names.person(r.Appeal.By)
				view.Appeals = append(view.Appeals, row)
			}
		}
	}
	return render(c, v, qaPage, view)
}

func (c *Console) queueRow(v Viewer, n *names, r audit.Result) QueueRow {
	_, since := r.Queued()
	row := QueueRow{Result: r, Review: n.review(r.ReviewID), Touchpoint: n.touchpoint(r.TouchpointID), Auditor: n.person(r.AuditorID),
		Since: since, Waiting: audit.Duration(c.now().Sub(since)), Flags: c.flags(v.Lang, r.EvidenceFlags),
		Link: walkLink(r)}
	if r.QA != nil {
		for _, w := range r.QA.Why {
			row.Why = append(row.Why, c.why(v.Lang, w))
		}
	}
	return row
}

// walkLink is the console's address of a result's walk.
func walkLink(r audit.Result) string {
	return "#/reviews/" + urlPart(r.ReviewID) + "/touchpoints/" + urlPart(r.TouchpointID) + "/" + urlPart(r.ID)
}

// flags translates evidence flags: "code" or "code: detail".
func (c *Console) flags(lang audit.Lang, fs []string) []FlagView {
	var out []FlagView
	for _, f := range fs {
		code, detail, _ := strings.Cut(f, ": ")
		text := c.T(lang, "flag."+code)
		if text == "flag."+code {
			text = code
		}
		out = append(out, FlagView{Code: code, Text: text, Detail: detail})
	}
	return out
}

// The reasons the auto-approve rule gives (audit.QARule.NotAutoApproved),
// matched to be told in the viewer's language; any other reason is shown
// as recorded.
var (
	whyBelow = regexp.MustCompile(`^valuation ([+-]?\d) is below ([+-]?\d)$`)
)

func (c *Console) why(lang audit.Lang, s string) string {
	switch {
	case strings.HasPrefix(s, "no auto-approve rule"):
		return c.T(lang, "why.noRule")
	case strings.HasPrefix(s, "auditors of this touchpoint disagree"):
		return c.T(lang, "why.disagree")
	case strings.HasPrefix(s, "evidence flag: "):
		f := c.flags(lang, []string{strings.TrimPrefix(s, "evidence flag: ")})[0]
		if f.Detail != "" {
			return c.T(lang, "why.flag") + " " + f.Text + " (" + f.Detail + ")"
		}
		return c.T(lang, "why.flag") + " " + f.Text
	}
	if m := whyBelow.FindStringSubmatch(s); m != nil {
		return strings.NewReplacer("%1", signedText(m[1]), "%2", signedText(m[2])).Replace(c.T(lang, "why.below"))
	}
	return s
}

// signedText writes "-2" or "+1" with a real minus sign.
func signedText(s string) string {
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		return "−" + rest
	}
	if !strings.HasPrefix(s, "+") && s != "0" {
		return "+" + s
	}
	return s
}

// names finds people, touchpoints, units and reviews by id, for showing.
type names struct {
	co      *audit.Company
	lang    audit.Lang
	reviews map[string]string
}

func (c *Console) names(ctx context.Context, v Viewer, co *audit.Company) *names {
	n := &names{co: co, lang: v.Lang, reviews: map[string]string{}}
	// Names only: a failed listing shows ids instead.
	rs, _ := all(func(p audit.Page) ([]audit.Review, string, error) { return c.store.ListReviews(ctx, v.CompanyID, p) })
	for _, r := range rs {
		n.reviews[r.ID] = reviewName(r)
	}
	return n
}

func (n *names) person(id string) string {
	if id == audit.TrailActorSystem {
		return id
	}
	if m, ok := n.co.Member(id); ok {
		return m.Name
	}
	return id
}

func (n *names) touchpoint(id string) string {
	if t, ok := n.co.Touchpoint(id); ok {
		return t.Name.In(n.lang)
	}
	return id
}

func (n *names) unit(id string) string {
	if u, ok := n.co.Unit(id); ok {
		return u.Name.In(n.lang)
	}
	return id
}

func (n *names) review(id string) string {
	if s, ok := n.reviews[id]; ok {
		return s
	}
	return id
}
