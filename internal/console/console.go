// Package console is the CX lead console: a static shell (HTML, CSS and a
// little plain JavaScript, embedded, served at /console/ without sign-in
// like the audit form) that fetches HTML fragments rendered here with
// templ components (*.templ, compiled to *_templ.go by go tool templ
// generate) from the lead-only routes under /api/console/ (wired in
// internal/consoleapi on internal/httpapi, which checks identity), and the
// review exports. Charts
// are SVG drawn by the components, with a title, a description and a data
// table each. Texts come from one catalogue per language (static/i18n),
// shared by the components and the shell.
package console

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/a-h/templ"

	"touchaudit/internal/audit"
	"touchaudit/internal/scoring"
)

// Store is what the console reads.
type Store interface {
	GetCompany(ctx context.Context, id string) (*audit.Company, error)
	GetReview(ctx context.Context, id string) (*audit.Review, error)
	ListReviews(ctx context.Context, companyID string, page audit.Page) ([]audit.Review, string, error)
	ListAssignmentsByReview(ctx context.Context, reviewID string, status audit.AssignmentStatus, page audit.Page) ([]audit.Assignment, string, error)
	ListResultsByReview(ctx context.Context, reviewID string, page audit.Page) ([]audit.Result, string, error)
	ListResultHistory(ctx context.Context, companyID, touchpointID string, page audit.Page) ([]audit.Result, string, error)
	GetWalkthroughs(ctx context.Context, ids []string) ([]audit.Walkthrough, error)
	GetReport(ctx context.Context, reviewID string) ([]byte, error)
	// The QA and appeals queues, evidence, actions and the audit trail.
	GetResult(ctx context.Context, id string) (*audit.Result, error)
	ListResultsQueued(ctx context.Context, companyID string, q audit.Queue, page audit.Page) ([]audit.Result, string, error)
	GetAssignment(ctx context.Context, id string) (*audit.Assignment, error)
	GetAction(ctx context.Context, companyID, id string) (*audit.Action, error)
	ListActions(ctx context.Context, companyID string, status audit.ActionStatus, page audit.Page) ([]audit.Action, string, error)
	ListOverdueActions(ctx context.Context, companyID string, now time.Time, page audit.Page) ([]audit.Action, string, error)
	ListTrail(ctx context.Context, companyID string, object audit.TrailObject, page audit.Page) ([]audit.TrailEntry, string, error)
	ListCompanyTrail(ctx context.Context, companyID string, page audit.Page) ([]audit.TrailEntry, string, error)
}

// Viewer is who looks and in which language. The caller (internal/httpapi)
// has checked that they are a CX lead of CompanyID.
type Viewer struct {
	CompanyID string
	StaffID   string
	Lang      audit.Lang
}

// The fragments are templ components: *.templ, compiled into the
// committed *_templ.go (TestTemplComponents_AreGenerated checks they are
// current). templ writes Go that prints and escapes, with no reflection:
// html/template's execution calls reflect's MethodByName, which made the
// linker keep every exported method in the console function (README
// "Lambda bundles and cold starts").
//
//go:generate go tool templ generate

// Console renders the console's fragments and exports.
type Console struct {
	store Store
	now   func() time.Time
	cat   *catalogues
}

// Options configure a Console; zero fields take the defaults.
type Options struct {
	// Now is the clock that decides which walks are late; nil is the wall clock.
	Now func() time.Time
}

// The catalogues, for the fragments' texts. The shell (NewShell) embeds
// the whole of static/ on its own, so a function that renders fragments
// and serves no shell (functions/console) links only the catalogues.
//
//go:embed static/i18n
var catalogueFiles embed.FS

// New returns the console over the store.
func New(store Store, o Options) (*Console, error) {
	now := o.Now
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	return &Console{store: store, now: now, cat: newCatalogues()}, nil
}

// Languages are the console's languages; the first is the default.
var Languages = []audit.Lang{audit.Polish, audit.English}

// LangOf reads a ?lang= value: pl or en, anything else the default (Polish).
func LangOf(s string) audit.Lang {
	for _, l := range Languages {
		if string(l) == s {
			return l
		}
	}
	return Languages[0]
}

// catalogues are the languages' texts, each decoded when first asked for:
// a cold start that answers the review list decodes none, a fragment only
// its language (and English when a key is missing).
type catalogues struct {
	mu   sync.Mutex
	text map[audit.Lang]map[string]string
}

func newCatalogues() *catalogues { return &catalogues{text: map[audit.Lang]map[string]string{}} }

// of is lang's catalogue (nil for a language the console does not speak).
// The catalogues are embedded and their test decodes each, so a decoding
// error is a defect of the build: it panics.
func (cs *catalogues) of(lang audit.Lang) map[string]string {
	if !slices.Contains(Languages, lang) {
		return nil
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if m, ok := cs.text[lang]; ok {
		return m
	}
	b, err := fs.ReadFile(catalogueFiles, "static/i18n/"+string(lang)+".json")
	if err != nil {
		panic(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		panic(fmt.Errorf("catalogue %s: %w", lang, err))
	}
	cs.text[lang] = m
	return m
}

// T translates a catalogue key into lang: the language's text, else the
// English one, else the key itself (so an unknown drift status or reason
// still shows, as its code).
func (c *Console) T(lang audit.Lang, key string) string {
	if s, ok := c.cat.of(lang)[key]; ok {
		return s
	}
	if s, ok := c.cat.of(audit.English)[key]; ok {
		return s
	}
	return key
}

// Keys lists a language's catalogue keys, sorted (for the catalogue test).
func (c *Console) Keys(lang audit.Lang) []string {
	keys := make([]string, 0, len(c.cat.of(lang)))
	for k := range c.cat.of(lang) {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// page is what every fragment component gets: the viewer's language and
// its texts.
type page struct {
	Lang audit.Lang
	c    *Console
}

// T translates a catalogue key into the page's language.
func (p page) T(key string) string { return p.c.T(p.Lang, key) }

// Tf translates a key and fills its %v verbs.
func (p page) Tf(key string, args ...any) string { return fmt.Sprintf(p.c.T(p.Lang, key), args...) }

// L picks a label's text in the page's language.
func (p page) L(l audit.Label) string { return l.In(p.Lang) }

// render renders a fragment: its component over its view, in v's language.
func render[D any](c *Console, v Viewer, fragment func(page, D) templ.Component, view D) ([]byte, error) {
	var b bytes.Buffer
	if err := fragment(page{Lang: v.Lang, c: c}, view).Render(context.Background(), &b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ownReview reads a review of the viewer's company; another company's is
// not found, exactly as a missing one.
func (c *Console) ownReview(ctx context.Context, v Viewer, id string) (*audit.Review, error) {
	rv, err := c.store.GetReview(ctx, id)
	if err != nil {
		return nil, err
	}
	if rv.CompanyID != v.CompanyID {
		return nil, audit.Errorf(audit.NotFound, "review %s not found", id)
	}
	return rv, nil
}

// report reads a review's compiled report; nil without error when it is
// not compiled yet.
func (c *Console) report(ctx context.Context, reviewID string) (*scoring.Report, error) {
	b, err := c.store.GetReport(ctx, reviewID)
	if audit.IsCode(err, audit.NotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var r scoring.Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("stored report of review %s: %w", reviewID, err)
	}
	return &r, nil
}

// all pages through a listing.
func all[T any](list func(audit.Page) ([]T, string, error)) ([]T, error) {
	var out []T
	p := audit.Page{Limit: audit.MaxPageLimit}
	for {
		items, next, err := list(p)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" {
			return out, nil
		}
		p.Cursor = next
	}
}
