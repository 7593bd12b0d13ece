package console

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"touchaudit/internal/audit"
)

// The audit trail in the console: an object's history (an action, a
// result with its QA and appeal, the company and its standards), each
// entry with who, when, what and why, and the fields it changed. The
// trail is append-only; nothing here edits it.

// TrailRow is one trail entry as shown.
type TrailRow struct {
	At      time.Time
	Actor   string
	Verb    string
	Kind    string
	ID      string
	Reason  string
	Link    string
	Changes []Change
}

// Change is one field an entry changed, as text.
type Change struct {
	Field, Before, After string
}

// maxChangeText bounds a changed value's text: a whole standard's criteria
// would fill the page, and the API (GET /api/trail) has the full entry.
const maxChangeText = 160

// ignoredFields change with every write and say nothing to a reader.
var ignoredFields = []string{"version", "updatedAt"}

// trail lists an object's entries, oldest first.
func (c *Console) trail(ctx context.Context, v Viewer, n *names, objs ...audit.TrailObject) ([]TrailRow, error) {
	var es []audit.TrailEntry
	for _, o := range objs {
		got, err := all(func(p audit.Page) ([]audit.TrailEntry, string, error) {
			return c.store.ListTrail(ctx, v.CompanyID, o, p)
		})
		if err != nil {
			return nil, err
		}
		es = append(es, got...)
	}
	slices.SortStableFunc(es, func(a, b audit.TrailEntry) int { return a.At.Compare(b.At) })
	out := make([]TrailRow, len(es))
	for i, e := range es {
		out[i] = c.trailRow(v.Lang, n, e)
	}
	return out, nil
}

func (c *Console) trailRow(lang audit.Lang, n *names, e audit.TrailEntry) TrailRow {
	verb := c.T(lang, "verb."+e.Action)
	if verb == "verb."+e.Action {
		verb = e.Action
	}
	row := TrailRow{At: e.At, Actor: n.person(e.Actor), Verb: verb, Kind: c.T(lang, "object."+e.Object.Kind), ID: e.Object.ID, Reason: e.Reason}
	switch e.Object.Kind {
	case audit.TrailAction:
		row.Link = "#/actions/" + urlPart(e.Object.ID)
	case audit.TrailReview:
		row.Link = "#/reviews/" + urlPart(e.Object.ID)
	}
	if len(e.Before) > 0 {
		row.Changes = changes(e.Before, e.After)
	}
	return row
}

// changes lists the fields that differ between two JSON states, nested
// objects by dotted path.
func changes(before, after json.RawMessage) []Change {
	b, a := map[string]string{}, map[string]string{}
	flatten("", before, b)
	flatten("", after, a)
	var keys []string
	for k := range b {
		keys = append(keys, k)
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []Change
	for _, k := range keys {
		last := k[strings.LastIndex(k, ".")+1:]
		if b[k] == a[k] || slices.Contains(ignoredFields, last) {
			continue
		}
		out = append(out, Change{Field: k, Before: b[k], After: a[k]})
	}
	return out
}

func flatten(prefix string, raw json.RawMessage, out map[string]string) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return
	}
	if raw[0] == '{' {
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) == nil {
			for k, v := range m {
				p := k
				if prefix != "" {
					p = prefix + "." + k
				}
				flatten(p, v, out)
			}
			return
		}
	}
	if prefix == "" {
		prefix = "value"
	}
	var s string
	if raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		out[prefix] = clipText(s)
		return
	}
	var compact bytes.Buffer
	if json.Compact(&compact, raw) == nil {
		raw = compact.Bytes()
	}
	out[prefix] = clipText(string(raw))
}

func clipText(s string) string {
	if utf8.RuneCountInString(s) <= maxChangeText {
		return s
	}
	r := []rune(s)
	return string(r[:maxChangeText]) + "…"
}

type historyView struct {
	Company string
	// Config is the company's and its standards' history, newest first.
	Config []TrailRow
	// Recent are the company's latest changes of every kind, newest first.
	Recent []TrailRow
}

// RecentTrail is how many of the company's latest changes the History
// page lists; GET /api/trail pages through all of them.
const RecentTrail = 100

// History renders the company's and its standards' history, and its
// latest changes of every kind.
func (c *Console) History(ctx context.Context, v Viewer) ([]byte, error) {
	co, err := c.store.GetCompany(ctx, v.CompanyID)
	if err != nil {
		return nil, err
	}
	n := &names{co: co, lang: v.Lang}
	objs := []audit.TrailObject{{Kind: audit.TrailCompany, ID: co.ID}}
	for _, s := range co.Standards {
		objs = append(objs, audit.TrailObject{Kind: audit.TrailStandard, ID: s.Version})
	}
	view := historyView{Company: co.Name.In(v.Lang)}
	if view.Config, err = c.trail(ctx, v, n, objs...); err != nil {
		return nil, err
	}
	slices.Reverse(view.Config)
	recent, _, err := c.store.ListCompanyTrail(ctx, v.CompanyID, audit.Page{Limit: RecentTrail})
	if err != nil {
		return nil, err
	}
	for _, e := range recent {
		view.Recent = append(view.Recent, c.trailRow(v.Lang, n, e))
	}
	return render(c, v, historyPage, view)
}
