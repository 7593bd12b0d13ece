package httpapi

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"touchaudit/internal/audit"
)

// serveForm answers a path outside /api with the form's http.Handler,
// turning the event into a net/http request and the recorded answer back.
func (h *Handler) serveForm(ctx context.Context, ev *events.APIGatewayV2HTTPRequest, path string) events.APIGatewayV2HTTPResponse {
	form := h.form
	if isShellPath(path) {
		form = h.shell // the CX lead console, /console/
	}
	if form == nil {
		return h.fail(ctx, ev, errorf(audit.NotFound, "no such resource"))
	}
	b, err := body(ev, MaxBody)
	if err != nil {
		return h.fail(ctx, ev, err)
	}
	target := path
	if ev.RawQueryString != "" {
		target += "?" + ev.RawQueryString
	}
	r, err := http.NewRequestWithContext(ctx, ev.RequestContext.HTTP.Method, target, bytes.NewReader(b))
	if err != nil {
		return h.fail(ctx, ev, errorf(audit.Invalid, "malformed request"))
	}
	for k, v := range ev.Headers {
		r.Header.Set(k, v)
	}
	if len(ev.Cookies) > 0 {
		r.Header.Set("Cookie", strings.Join(ev.Cookies, "; "))
	}
	r.Host = ev.RequestContext.DomainName
	r.RemoteAddr = ev.RequestContext.HTTP.SourceIP
	w := &recorder{header: http.Header{}}
	form.ServeHTTP(w, r)
	if w.status == 0 {
		w.status = http.StatusOK
	}
	out := events.APIGatewayV2HTTPResponse{StatusCode: w.status, Headers: map[string]string{}}
	for k, v := range w.header {
		out.Headers[k] = strings.Join(v, ", ")
	}
	if _, set := w.header["Content-Type"]; !set && w.body.Len() > 0 {
		out.Headers["Content-Type"] = http.DetectContentType(w.body.Bytes())
	}
	for k, v := range formHeaders {
		if _, set := w.header[k]; !set {
			out.Headers[k] = v
		}
	}
	if utf8.Valid(w.body.Bytes()) {
		out.Body = w.body.String()
	} else {
		out.Body, out.IsBase64Encoded = base64.StdEncoding.EncodeToString(w.body.Bytes()), true
	}
	return out
}

// formHeaders go on the form's answers unless it set them itself.
var formHeaders = map[string]string{
	"X-Content-Type-Options": "nosniff",
	"Referrer-Policy":        "no-referrer",
	"X-Frame-Options":        "DENY",
}

// recorder is the http.ResponseWriter the form writes to inside Lambda.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *recorder) Header() http.Header { return w.header }

func (w *recorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}
