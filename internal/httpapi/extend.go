package httpapi

import (
	"context"
	"encoding/base64"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"touchaudit/internal/audit"
)

// Route is a route another package serves through the API (Options.Routes),
// on the API's terms: the caller's identity and role are checked first,
// and errors take the API's one shape. The CX lead console's routes are
// such routes (internal/consoleapi), so that the api function, which does
// not serve them, links neither the console nor its exports.
type Route struct {
	Method string
	// Path is the route's path; a "{name}" segment captures one segment.
	Path string
	// Role may call the route ("" any signed-in member of staff).
	Role audit.Role
	// Serve answers: a File is sent as it is, anything else as JSON.
	Serve func(ctx context.Context, r Request) (any, error)
}

// Request is what a Route sees of a call. Routes take no body.
type Request struct {
	// CompanyID and StaffID are the caller's, from the authorizer's claims.
	CompanyID string
	StaffID   string
	// Params are the path's captured segments, Query its query string.
	Params map[string]string
	Query  map[string]string
	// RawPath is the request's path as sent.
	RawPath string
}

func (rt Route) route() route {
	return route{method: rt.Method, path: segs(rt.Path), role: rt.Role, serve: func(_ *Handler, ctx context.Context, r *request) (reply, error) {
		v, err := rt.Serve(ctx, Request{CompanyID: r.who.CompanyID, StaffID: r.who.StaffID, Params: r.params,
			Query: r.ev.QueryStringParameters, RawPath: r.ev.RawPath})
		if err != nil {
			return reply{}, err
		}
		return ok(v)
	}}
}

// File is an answer that is not JSON: an HTML fragment or an export.
type File struct {
	ContentType string
	Body        []byte
	// Filename makes it a download (Content-Disposition: attachment).
	Filename string
}

func (f File) response(status int) events.APIGatewayV2HTTPResponse {
	headers := apiHeaders()
	headers["Content-Type"] = f.ContentType
	if f.Filename != "" {
		headers["Content-Disposition"] = `attachment; filename="` + f.Filename + `"; filename*=UTF-8''` + url.PathEscape(f.Filename)
	}
	out := events.APIGatewayV2HTTPResponse{StatusCode: status, Headers: headers}
	if utf8.Valid(f.Body) {
		out.Body = string(f.Body)
	} else {
		out.Body, out.IsBase64Encoded = base64.StdEncoding.EncodeToString(f.Body), true
	}
	return out
}

// ShellPrefix is where the console's page is served (Options.Shell); it
// is internal/console's Prefix, which internal/consoleapi's test checks.
const ShellPrefix = "/console/"

// isShellPath reports whether a path outside /api is the console shell's.
func isShellPath(path string) bool {
	return path == strings.TrimSuffix(ShellPrefix, "/") || strings.HasPrefix(path, ShellPrefix)
}
