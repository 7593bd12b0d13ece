// Package httpapi is touchaudit's HTTP API (docs/API.md) for auditors' phones
// and CX leads: one handler of API Gateway HTTP API events (payload 2.0),
// served in AWS by a Lambda function per part of the API (Parts: each
// links only its part's routes and AWS clients) and, through HTTP, by
// `touchaudit local`, every part in one handler, on the same code path.
//
// Identity comes only from the JWT authorizer's claims in the request
// context; the handler never reads a token itself. Every error has one JSON
// shape, and its status is decided in one place (errors.go).
package httpapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"touchaudit/internal/audit"
	"touchaudit/internal/compress"
	"touchaudit/internal/message"
	"touchaudit/internal/workflow"
)

// Store is what the CX lead endpoints read and write directly.
type Store interface {
	audit.CompanyStore
	audit.TrailStore
	GetReview(ctx context.Context, id string) (*audit.Review, error)
	GetReport(ctx context.Context, reviewID string) ([]byte, error)
}

// Handler serves the API and, for every path outside /api, the form.
type Handler struct {
	wf        *workflow.Workflow
	store     Store
	companies *audit.CompanyService
	form      http.Handler
	shell     http.Handler
	routes    []route
	evidence  *workflow.Evidence // nil without a file store
	outbox    Outbox
	log       *slog.Logger
	now       func() time.Time
}

// Options configure a Handler; zero fields take the defaults.
type Options struct {
	// Form serves every path outside /api (the mobile audit form); nil
	// answers them 404.
	Form http.Handler
	// Log receives internal errors; nil logs to slog.Default() at the time
	// of the call (Lambda installs its request-scoped logger after wiring).
	Log *slog.Logger
	// Now is the server clock for stamps; nil is the wall clock.
	Now func() time.Time
	// Routes are served after the API's own, on the same terms (identity,
	// roles, errors): the CX lead console's (internal/consoleapi), which
	// the api function does not link; nil: none.
	Routes []Route
	// Shell serves the CX lead console's page under /console/
	// (internal/consoleapi); nil answers those paths 404.
	Shell http.Handler
	// Files stores the walks' photos and files (internal/s3 in AWS,
	// internal/filestore locally); nil answers the evidence routes 404.
	Files audit.Files
	// Directory, when set, gets the staff of every PUT /api/company (the
	// Cognito user pool in AWS; nil locally).
	Directory audit.StaffDirectory
	// Outbox, when set, is listed to leads by GET /api/outbox (the local
	// run's sent messages); nil answers 404.
	Outbox Outbox
}

// Outbox is the messages a local run sent (internal/outbox).
type Outbox interface {
	Sent(companyID string) []message.Message
}

// New returns the API handler of every part (Parts) over the workflow's
// use cases (Reviews for the CX lead, Auditors for the auditor) and the
// store, with o.Routes after the API's own routes: what `touchaudit local`
// serves in one process.
func New(wf *workflow.Workflow, store Store, o Options) *Handler {
	var routes []route
	for _, p := range parts {
		routes = append(routes, p.routes()...)
	}
	return newAPI(wf, store, o, routes)
}

// NewPart is New with part p's routes alone (and o.Routes, o.Form and
// o.Shell): the handler of p's function, which links no other part's
// routes.
func NewPart(p Part, wf *workflow.Workflow, store Store, o Options) *Handler {
	return newAPI(wf, store, o, p.routes())
}

func newAPI(wf *workflow.Workflow, store Store, o Options, routes []route) *Handler {
	h := newHandler(o)
	h.wf, h.store = wf, store
	h.companies = audit.NewCompanyService(store).WithClock(h.now).WithDirectory(o.Directory)
	if wf != nil && wf.Reviews != nil {
		// A published standard version moves the schedule.
		h.companies.WithRescheduler(wf.Reviews)
	}
	h.routes = append(routes, h.routes...)
	if o.Files != nil {
		h.evidence = workflow.NewEvidence(wf, o.Files)
	}
	return h
}

// NewRoutes returns a handler of o.Routes, o.Shell and o.Form alone, on
// the API's terms: the console function's, which links none of the API's
// own routes and use cases.
func NewRoutes(o Options) *Handler { return newHandler(o) }

func newHandler(o Options) *Handler {
	now := o.Now
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	h := &Handler{log: o.Log, now: now, outbox: o.Outbox, shell: o.Shell}
	if o.Form != nil {
		h.form = compress.Handler(o.Form)
	}
	for _, r := range o.Routes {
		h.routes = append(h.routes, r.route())
	}
	return h
}

// apiPrefix is where the API lives; every other path is the form's.
const apiPrefix = "/api"

// request is one API call as the routes see it.
type request struct {
	ev     *events.APIGatewayV2HTTPRequest
	who    caller
	params map[string]string
	body   []byte
}

// reply is a route's successful answer.
type reply struct {
	status int
	body   any // marshalled as JSON, or sent as is when json.RawMessage
}

func ok(v any) (reply, error) { return reply{status: http.StatusOK, body: v}, nil }

// route is one row of docs/API.md.
type route struct {
	method string
	path   []string // segments; "{name}" captures one
	role   audit.Role
	limit  int
	serve  func(*Handler, context.Context, *request) (reply, error)
}

// anyRole lets every signed-in member of staff call a route.
const anyRole audit.Role = ""

func segs(p string) []string { return strings.Split(strings.Trim(p, "/"), "/") }

// match finds the route of method and path and its captured parameters.
func (h *Handler) match(method string, path []string) (*route, map[string]string) {
	for i := range h.routes {
		r := &h.routes[i]
		if r.method != method || len(r.path) != len(path) {
			continue
		}
		params := map[string]string{}
		matched := true
		for k, s := range r.path {
			if strings.HasPrefix(s, "{") {
				params[s[1:len(s)-1]] = path[k]
			} else if s != path[k] {
				matched = false
				break
			}
		}
		if matched {
			return r, params
		}
	}
	return nil, nil
}

// Handle serves one API Gateway HTTP API event. It returns an error only for
// an event that is not an HTTP API request (payload 2.0) at all; every
// request gets an HTTP answer.
func (h *Handler) Handle(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	if ev.Version != "2.0" || ev.RequestContext.HTTP.Method == "" {
		return events.APIGatewayV2HTTPResponse{}, errorf(audit.Invalid, "not an API Gateway HTTP API event (payload format 2.0)")
	}
	path := requestPath(&ev)
	if path != apiPrefix && !strings.HasPrefix(path, apiPrefix+"/") {
		return h.serveForm(ctx, &ev, path), nil
	}
	rep, err := h.serveAPI(ctx, &ev, path)
	if err != nil {
		return h.fail(ctx, &ev, err), nil
	}
	return h.respond(ctx, ev.RequestContext.RequestID, rep.status, rep.body), nil
}

// fail answers with err in the API's one error shape.
func (h *Handler) fail(ctx context.Context, ev *events.APIGatewayV2HTTPRequest, err error) events.APIGatewayV2HTTPResponse {
	status, body := h.errorOf(ctx, ev.RequestContext.RequestID, err)
	return h.respond(ctx, ev.RequestContext.RequestID, status, body)
}

func (h *Handler) serveAPI(ctx context.Context, ev *events.APIGatewayV2HTTPRequest, path string) (reply, error) {
	// Who is asking comes first: without an identity the API says nothing,
	// not even which routes exist.
	who, err := callerOf(ev)
	if err != nil {
		return reply{}, err
	}
	parts := segs(path)
	for i, p := range parts {
		u, err := url.PathUnescape(p)
		if err != nil || u == "" || strings.ContainsAny(u, "/\x00") {
			return reply{}, errorf(audit.NotFound, "no such resource")
		}
		parts[i] = u
	}
	rt, params := h.match(strings.ToUpper(ev.RequestContext.HTTP.Method), parts)
	if rt == nil {
		return reply{}, errorf(audit.NotFound, "no such resource")
	}
	if rt.role != anyRole && !who.has(rt.role) {
		return reply{}, errorf(audit.Forbidden, "this needs the %s role", rt.role)
	}
	req := &request{ev: ev, who: who, params: params}
	if rt.limit > 0 {
		if req.body, err = body(ev, rt.limit); err != nil {
			return reply{}, err
		}
	} else if ev.Body != "" {
		if _, err := body(ev, MaxBody); err != nil {
			return reply{}, err
		}
	}
	return rt.serve(h, ctx, req)
}

// requestPath is the path without the stage, which API Gateway includes in
// rawPath for a named stage (not for $default).
func requestPath(ev *events.APIGatewayV2HTTPRequest) string {
	p := ev.RawPath
	if p == "" {
		p = ev.RequestContext.HTTP.Path
	}
	if st := ev.RequestContext.Stage; st != "" && st != "$default" {
		if rest, ok := strings.CutPrefix(p, "/"+st); ok && (rest == "" || strings.HasPrefix(rest, "/")) {
			p = rest
		}
	}
	if p == "" {
		p = "/"
	}
	return p
}

// apiHeaders go on every API answer: JSON that is never cached (it is one
// person's data) and never sniffed as anything else.
func apiHeaders() map[string]string {
	return map[string]string{
		"Content-Type":           "application/json; charset=utf-8",
		"Cache-Control":          "no-store",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
		"X-Frame-Options":        "DENY",
	}
}

func (h *Handler) respond(ctx context.Context, requestID string, status int, v any) events.APIGatewayV2HTTPResponse {
	if f, isFile := v.(File); isFile {
		return f.response(status)
	}
	var b []byte
	if raw, isRaw := v.(json.RawMessage); isRaw {
		b = raw
	} else {
		var err error
		if b, err = json.Marshal(v); err != nil {
			status, eb := h.errorOf(ctx, requestID, err)
			b, _ = json.Marshal(eb)
			return events.APIGatewayV2HTTPResponse{StatusCode: status, Headers: apiHeaders(), Body: string(b)}
		}
	}
	return events.APIGatewayV2HTTPResponse{StatusCode: status, Headers: apiHeaders(), Body: string(b)}
}

// caller is who calls, from the authorizer's claims.
type caller struct {
	Subject   string
	StaffID   string
	CompanyID string
	Roles     []audit.Role
}

func (c caller) has(r audit.Role) bool { return slices.Contains(c.Roles, r) }

// Claims the API reads (docs/API.md, Identity).
const (
	claimSubject   = "sub"
	claimStaffID   = "custom:staffId"
	claimCompanyID = "custom:companyId"
	claimGroups    = "cognito:groups"
)

// callerOf reads the identity from the JWT authorizer's claims; a request
// without them, or without a staff and company id, is unauthorized.
func callerOf(ev *events.APIGatewayV2HTTPRequest) (caller, error) {
	a := ev.RequestContext.Authorizer
	if a == nil || a.JWT == nil || len(a.JWT.Claims) == 0 {
		return caller{}, errorf(codeUnauthorized, "sign in first")
	}
	cl := a.JWT.Claims
	c := caller{Subject: cl[claimSubject], StaffID: strings.TrimSpace(cl[claimStaffID]), CompanyID: strings.TrimSpace(cl[claimCompanyID])}
	if c.Subject == "" || c.StaffID == "" || c.CompanyID == "" {
		return caller{}, errorf(codeUnauthorized, "the token names no staff member of a company")
	}
	for _, g := range groups(cl[claimGroups]) {
		if r := audit.Role(g); (r == audit.RoleAuditor || r == audit.RoleLead || r == audit.RoleManager) && !c.has(r) {
			c.Roles = append(c.Roles, r)
		}
	}
	return c, nil
}

// groups parses cognito:groups exactly as it reaches the API. In the ID
// token it is a JSON array of group names, and a JSON array
// (["auditor","lead"]) is read as one. The API Gateway HTTP API JWT
// authorizer flattens an array claim into text between brackets, names
// separated by spaces ("[auditor lead]"); Cognito group names contain no
// white space, so splitting that text on spaces is exact. Anything else,
// such as "auditor lead" without brackets, is no shape either sends and
// grants no group, and ["auditor lead"] is one group of that name, which
// is no role.
func groups(s string) []string {
	s = strings.TrimSpace(s)
	inner, ok := strings.CutPrefix(s, "[")
	if !ok {
		return nil
	}
	if inner, ok = strings.CutSuffix(inner, "]"); !ok {
		return nil
	}
	if t := strings.TrimSpace(inner); strings.HasPrefix(t, `"`) || t == "" {
		var list []string
		if json.Unmarshal([]byte(s), &list) != nil {
			return nil
		}
		return list
	}
	return strings.Fields(inner)
}
