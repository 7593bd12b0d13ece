// Package consoleapi serves the CX lead console through the HTTP API
// (internal/httpapi): the review list as JSON, the exports, the HTML
// fragments the console's page loads, and the page itself under /console/
// (docs/API.md). The console function serves them in AWS; locally one
// handler serves them with the rest of the API. The api function does not
// import this package, so it links neither the console's templates nor its
// exports.
//
// Every route is lead-only like every lead route, and a review of another
// company is not found.
package consoleapi

import (
	"context"
	"log/slog"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/console"
	"touchaudit/internal/httpapi"
)

// With returns o with the console's routes and page added, the console
// rendered over store with o's clock; o.Outbox, when set, is the local
// run's sent messages (GET /api/console/outbox). The page signs in through
// the managed login of o.Form (the form's, when it has one: SignInOrigin).
func With(o httpapi.Options, store console.Store) (httpapi.Options, error) {
	origin := ""
	if f, ok := o.Form.(interface{ SignInOrigin() string }); ok {
		origin = f.SignInOrigin()
	}
	return WithSignIn(o, store, origin)
}

// WithSignIn is With for a handler without the form: the page signs in
// through the managed login at signInOrigin (webform.SignIn.Origin; "" is
// dev sign-in).
func WithSignIn(o httpapi.Options, store console.Store, signInOrigin string) (httpapi.Options, error) {
	shell, err := console.NewShell(signInOrigin)
	if err != nil {
		return o, err
	}
	o, err = WithRoutes(o, store)
	if err != nil {
		return o, err
	}
	o.Shell = shell
	return o, nil
}

// WithRoutes returns o with the console's routes added and no page: the
// console function's, whose page the form function serves with the form
// (the page is static; the function that renders the fragments then links
// only the catalogues, not the shell's files).
func WithRoutes(o httpapi.Options, store console.Store) (httpapi.Options, error) {
	now := o.Now
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	c, err := console.New(store, console.Options{Now: now})
	if err != nil {
		return o, err
	}
	s := &routes{console: c, outbox: o.Outbox, log: o.Log}
	o.Routes = append(append([]httpapi.Route{}, o.Routes...), s.list()...)
	return o, nil
}

// MustWith is With for embedded templates and catalogues, which cannot
// fail once their tests pass.
func MustWith(o httpapi.Options, store console.Store) httpapi.Options {
	o, err := With(o, store)
	if err != nil {
		panic(err)
	}
	return o
}

type routes struct {
	console *console.Console
	outbox  httpapi.Outbox
	log     *slog.Logger
}

// Routes are the console's routes as API Gateway names them ("GET
// /api/console/reviews"): the console function's, which
// functions/routes_test.go checks template.yaml against.
func Routes() []httpapi.RouteKey {
	var out []httpapi.RouteKey
	for _, r := range (&routes{}).list() {
		out = append(out, httpapi.RouteKey(r.Method+" "+r.Path))
	}
	return out
}

func (s *routes) list() []httpapi.Route {
	return []httpapi.Route{
		{Method: "GET", Path: "/api/reviews", Role: audit.RoleLead, Serve: s.reviews},
		{Method: "GET", Path: "/api/reviews/{id}/export.csv", Role: audit.RoleLead, Serve: s.export("csv")},
		{Method: "GET", Path: "/api/reviews/{id}/export.xlsx", Role: audit.RoleLead, Serve: s.export("xlsx")},
		{Method: "GET", Path: "/api/console/reviews", Role: audit.RoleLead, Serve: s.fragment(func(ctx context.Context, v console.Viewer, _ httpapi.Request) ([]byte, error) {
			return s.console.ReviewsPage(ctx, v)
		})},
		{Method: "GET", Path: "/api/console/reviews/{id}/progress", Role: audit.RoleLead, Serve: s.fragment(func(ctx context.Context, v console.Viewer, r httpapi.Request) ([]byte, error) {
			return s.console.Progress(ctx, v, r.Params["id"])
		})},
		{Method: "GET", Path: "/api/console/reviews/{id}/map", Role: audit.RoleLead, Serve: s.fragment(func(ctx context.Context, v console.Viewer, r httpapi.Request) ([]byte, error) {
			return s.console.JourneyMap(ctx, v, r.Params["id"])
		})},
		{Method: "GET", Path: "/api/console/reviews/{id}/report", Role: audit.RoleLead, Serve: s.fragment(func(ctx context.Context, v console.Viewer, r httpapi.Request) ([]byte, error) {
			return s.console.Report(ctx, v, r.Params["id"])
		})},
		{Method: "GET", Path: "/api/console/reviews/{id}/touchpoints/{touchpointId}", Role: audit.RoleLead, Serve: s.fragment(func(ctx context.Context, v console.Viewer, r httpapi.Request) ([]byte, error) {
			return s.console.Touchpoint(ctx, v, r.Params["id"], r.Params["touchpointId"])
		})},
		{Method: "GET", Path: "/api/console/qa", Role: audit.RoleLead, Serve: s.fragment(func(ctx context.Context, v console.Viewer, _ httpapi.Request) ([]byte, error) {
			return s.console.QAPage(ctx, v)
		})},
		{Method: "GET", Path: "/api/console/actions", Role: audit.RoleLead, Serve: s.fragment(func(ctx context.Context, v console.Viewer, r httpapi.Request) ([]byte, error) {
			return s.console.ActionsPage(ctx, v, r.Query["status"])
		})},
		{Method: "GET", Path: "/api/console/actions/new", Role: audit.RoleLead, Serve: s.fragment(func(ctx context.Context, v console.Viewer, r httpapi.Request) ([]byte, error) {
			q := r.Query
			return s.console.NewActionForm(ctx, v, console.ActionSource{ResultID: q["resultId"], ReviewID: q["reviewId"], TouchpointID: q["touchpointId"]})
		})},
		{Method: "GET", Path: "/api/console/actions/{id}", Role: audit.RoleLead, Serve: s.fragment(func(ctx context.Context, v console.Viewer, r httpapi.Request) ([]byte, error) {
			return s.console.ActionPage(ctx, v, r.Params["id"])
		})},
		{Method: "GET", Path: "/api/console/history", Role: audit.RoleLead, Serve: s.fragment(func(ctx context.Context, v console.Viewer, _ httpapi.Request) ([]byte, error) {
			return s.console.History(ctx, v)
		})},
		{Method: "GET", Path: "/api/console/outbox", Role: audit.RoleLead, Serve: s.sentMessages},
	}
}

const htmlType = "text/html; charset=utf-8"

func viewer(r httpapi.Request) console.Viewer {
	return console.Viewer{CompanyID: r.CompanyID, StaffID: r.StaffID, Lang: console.LangOf(r.Query["lang"])}
}

func (s *routes) logger() *slog.Logger {
	if s.log != nil {
		return s.log
	}
	return slog.Default()
}

// fragment serves one HTML fragment of the console's page.
func (s *routes) fragment(render func(context.Context, console.Viewer, httpapi.Request) ([]byte, error)) func(context.Context, httpapi.Request) (any, error) {
	return func(ctx context.Context, r httpapi.Request) (any, error) {
		started := time.Now()
		b, err := render(ctx, viewer(r), r)
		if err != nil {
			return nil, err
		}
		s.logger().DebugContext(ctx, "console fragment", slog.String("path", r.RawPath), slog.Duration("took", time.Since(started)))
		return httpapi.File{ContentType: htmlType, Body: b}, nil
	}
}

func (s *routes) reviews(ctx context.Context, r httpapi.Request) (any, error) {
	return s.console.Reviews(ctx, viewer(r), r.Query["cursor"])
}

// sentMessages is the local run's sent messages, newest first; without
// an outbox (in AWS) it is not found, and the page hides its menu entry.
func (s *routes) sentMessages(ctx context.Context, r httpapi.Request) (any, error) {
	if s.outbox == nil {
		return nil, audit.Errorf(audit.NotFound, "no such resource")
	}
	sent := s.outbox.Sent(r.CompanyID)
	msgs := make([]console.SentMessage, 0, len(sent))
	for i := len(sent) - 1; i >= 0; i-- {
		m := sent[i]
		msgs = append(msgs, console.SentMessage{Kind: string(m.Kind), To: m.To, Name: m.Name, Lang: m.Lang, Subject: m.Subject, Text: m.Text})
	}
	return s.fragment(func(ctx context.Context, v console.Viewer, _ httpapi.Request) ([]byte, error) {
		return s.console.Outbox(ctx, v, msgs)
	})(ctx, r)
}

func (s *routes) export(format string) func(context.Context, httpapi.Request) (any, error) {
	return func(ctx context.Context, r httpapi.Request) (any, error) {
		d, err := s.console.Export(ctx, viewer(r), r.Params["id"], format, r.Query["table"])
		if err != nil {
			return nil, err
		}
		return httpapi.File{ContentType: d.ContentType, Body: d.Body, Filename: d.Filename}, nil
	}
}
