package httpapi

import (
	"context"
	"encoding/base64"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"touchaudit/internal/audit"
	"touchaudit/internal/console"
)

// The CX lead console's routes (docs/API.md): the review list as JSON, the
// exports, and the HTML fragments the console shell (/console/) loads.
// They are lead-only like every lead route, and a review of another
// company is not found.

func newConsole(store console.Store, now func() time.Time) *console.Console {
	c, err := console.New(store, console.Options{Now: now})
	if err != nil {
		panic(err) // the templates and catalogues are embedded, fixed at build time
	}
	return c
}

// signInOrigin is what the form tells of its managed login
// (*webform.Form): the console signs in through the same one.
type signInOrigin interface{ SignInOrigin() string }

// staticHandlers returns the form wrapped to be sent compressed, and the
// console's shell, whose page may call the form's managed login.
func staticHandlers(form http.Handler) (http.Handler, http.Handler) {
	origin := ""
	if f, ok := form.(signInOrigin); ok {
		origin = f.SignInOrigin()
	}
	shell, err := console.NewShell(origin)
	if err != nil {
		panic(err) // embedded files, fixed at build time; the origin is checked by the form
	}
	if form != nil {
		form = console.Compress(form)
	}
	return form, shell
}

// file is an answer that is not JSON: an HTML fragment or an export.
type file struct {
	contentType string
	body        []byte
	// filename makes it a download (Content-Disposition: attachment).
	filename string
}

func (f file) response(status int) events.APIGatewayV2HTTPResponse {
	headers := apiHeaders()
	headers["Content-Type"] = f.contentType
	if f.filename != "" {
		headers["Content-Disposition"] = `attachment; filename="` + f.filename + `"; filename*=UTF-8''` + url.PathEscape(f.filename)
	}
	out := events.APIGatewayV2HTTPResponse{StatusCode: status, Headers: headers}
	if utf8.Valid(f.body) {
		out.Body = string(f.body)
	} else {
		out.Body, out.IsBase64Encoded = base64.StdEncoding.EncodeToString(f.body), true
	}
	return out
}

const htmlType = "text/html; charset=utf-8"

func (h *Handler) viewer(r *request) (console.Viewer, error) {
	if h.console == nil {
		return console.Viewer{}, errorf(audit.NotFound, "no such resource")
	}
	return console.Viewer{CompanyID: r.who.CompanyID, StaffID: r.who.StaffID, Lang: console.LangOf(r.ev.QueryStringParameters["lang"])}, nil
}

func (h *Handler) fragment(ctx context.Context, r *request, render func(context.Context, console.Viewer) ([]byte, error)) (reply, error) {
	v, err := h.viewer(r)
	if err != nil {
		return reply{}, err
	}
	started := time.Now()
	b, err := render(ctx, v)
	if err != nil {
		return reply{}, err
	}
	h.logger().DebugContext(ctx, "console fragment", slog.String("path", r.ev.RawPath), slog.Duration("took", time.Since(started)))
	return ok(file{contentType: htmlType, body: b})
}

func (h *Handler) listReviews(ctx context.Context, r *request) (reply, error) {
	v, err := h.viewer(r)
	if err != nil {
		return reply{}, err
	}
	list, err := h.console.Reviews(ctx, v, r.ev.QueryStringParameters["cursor"])
	if err != nil {
		return reply{}, err
	}
	return ok(list)
}

func (h *Handler) consoleReviews(ctx context.Context, r *request) (reply, error) {
	return h.fragment(ctx, r, h.console.ReviewsPage)
}

func (h *Handler) consoleProgress(ctx context.Context, r *request) (reply, error) {
	return h.fragment(ctx, r, func(ctx context.Context, v console.Viewer) ([]byte, error) {
		return h.console.Progress(ctx, v, r.params["id"])
	})
}

func (h *Handler) consoleMap(ctx context.Context, r *request) (reply, error) {
	return h.fragment(ctx, r, func(ctx context.Context, v console.Viewer) ([]byte, error) {
		return h.console.JourneyMap(ctx, v, r.params["id"])
	})
}

func (h *Handler) consoleReport(ctx context.Context, r *request) (reply, error) {
	return h.fragment(ctx, r, func(ctx context.Context, v console.Viewer) ([]byte, error) {
		return h.console.Report(ctx, v, r.params["id"])
	})
}

func (h *Handler) consoleTouchpoint(ctx context.Context, r *request) (reply, error) {
	return h.fragment(ctx, r, func(ctx context.Context, v console.Viewer) ([]byte, error) {
		return h.console.Touchpoint(ctx, v, r.params["id"], r.params["touchpointId"])
	})
}

func (h *Handler) consoleQA(ctx context.Context, r *request) (reply, error) {
	return h.fragment(ctx, r, h.console.QAPage)
}

func (h *Handler) consoleActions(ctx context.Context, r *request) (reply, error) {
	return h.fragment(ctx, r, func(ctx context.Context, v console.Viewer) ([]byte, error) {
		return h.console.ActionsPage(ctx, v, r.ev.QueryStringParameters["status"])
	})
}

func (h *Handler) consoleNewAction(ctx context.Context, r *request) (reply, error) {
	q := r.ev.QueryStringParameters
	return h.fragment(ctx, r, func(ctx context.Context, v console.Viewer) ([]byte, error) {
		return h.console.NewActionForm(ctx, v, console.ActionSource{ResultID: q["resultId"], ReviewID: q["reviewId"], TouchpointID: q["touchpointId"]})
	})
}

func (h *Handler) consoleAction(ctx context.Context, r *request) (reply, error) {
	return h.fragment(ctx, r, func(ctx context.Context, v console.Viewer) ([]byte, error) {
		return h.console.ActionPage(ctx, v, r.params["id"])
	})
}

func (h *Handler) consoleHistory(ctx context.Context, r *request) (reply, error) {
	return h.fragment(ctx, r, h.console.History)
}

// consoleOutbox is the local run's sent messages, newest first; without
// an outbox (in AWS) it is not found, and the shell hides its menu entry.
func (h *Handler) consoleOutbox(ctx context.Context, r *request) (reply, error) {
	if h.outbox == nil {
		return reply{}, errorf(audit.NotFound, "no such resource")
	}
	sent := h.outbox.Sent(r.who.CompanyID)
	msgs := make([]console.SentMessage, 0, len(sent))
	for i := len(sent) - 1; i >= 0; i-- {
		m := sent[i]
		msgs = append(msgs, console.SentMessage{Kind: string(m.Kind), To: m.To, Name: m.Name, Lang: m.Lang, Subject: m.Subject, Text: m.Text})
	}
	return h.fragment(ctx, r, func(ctx context.Context, v console.Viewer) ([]byte, error) {
		return h.console.Outbox(ctx, v, msgs)
	})
}

func (h *Handler) exportCSV(ctx context.Context, r *request) (reply, error) {
	return h.export(ctx, r, "csv")
}

func (h *Handler) exportXLSX(ctx context.Context, r *request) (reply, error) {
	return h.export(ctx, r, "xlsx")
}

func (h *Handler) export(ctx context.Context, r *request, format string) (reply, error) {
	v, err := h.viewer(r)
	if err != nil {
		return reply{}, err
	}
	d, err := h.console.Export(ctx, v, r.params["id"], format, r.ev.QueryStringParameters["table"])
	if err != nil {
		return reply{}, err
	}
	return ok(file{contentType: d.ContentType, body: d.Body, filename: d.Filename})
}

// isShellPath reports whether a path outside /api is the console shell's.
func isShellPath(path string) bool {
	return path == strings.TrimSuffix(console.Prefix, "/") || strings.HasPrefix(path, console.Prefix)
}
