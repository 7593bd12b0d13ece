package httpapi

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// HTTP serves the API over net/http, for `touchaudit local` and tests: each
// request becomes the API Gateway HTTP API event AWS would send (payload
// 2.0) and goes through Handle, so the local server runs the same code as
// the Lambda. verify stands in for the JWT authorizer: the claims it returns
// are put where the authorizer puts them; when it fails the request carries
// no claims, and the API answers 401 (the form needs none).
func (h *Handler) HTTP(verify func(*http.Request) (map[string]string, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, err := event(r, verify)
		if err != nil {
			writeResponse(w, h.fail(r.Context(), &ev, err))
			return
		}
		resp, err := h.Handle(r.Context(), ev)
		if err != nil {
			resp = h.fail(r.Context(), &ev, err)
		}
		writeResponse(w, resp)
	})
}

// maxReadBody is what the adapter reads of a body: one byte past the
// largest limit, so Handle sees that a body is too large and says so.
const maxReadBody = MaxCompanyBody + 1

// event builds the API Gateway event of r.
func event(r *http.Request, verify func(*http.Request) (map[string]string, error)) (events.APIGatewayV2HTTPRequest, error) {
	now := time.Now().UTC()
	ev := events.APIGatewayV2HTTPRequest{
		Version:        "2.0",
		RouteKey:       "$default",
		RawPath:        r.URL.EscapedPath(),
		RawQueryString: r.URL.RawQuery,
		Headers:        map[string]string{},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:     "$default",
			AccountID:    "123456789012",
			Stage:        "$default",
			RequestID:    requestID(),
			APIID:        "local",
			DomainName:   r.Host,
			DomainPrefix: strings.Split(r.Host, ".")[0],
			Time:         now.Format("02/Jan/2006:15:04:05 -0700"),
			TimeEpoch:    now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:    r.Method,
				Path:      r.URL.Path,
				Protocol:  r.Proto,
				SourceIP:  sourceIP(r.RemoteAddr),
				UserAgent: r.UserAgent(),
			},
		},
	}
	for k, v := range r.Header {
		if strings.EqualFold(k, "Cookie") {
			ev.Cookies = append(ev.Cookies, v...)
			continue
		}
		// API Gateway lower-cases header names and joins repeats with commas.
		ev.Headers[strings.ToLower(k)] = strings.Join(v, ",")
	}
	if q := r.URL.Query(); len(q) > 0 {
		ev.QueryStringParameters = map[string]string{}
		for k, v := range q {
			ev.QueryStringParameters[k] = strings.Join(v, ",")
		}
	}
	if verify != nil {
		if claims, err := verify(r); err == nil && len(claims) > 0 {
			ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
				JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims, Scopes: nil},
			}
		}
	}
	if r.Body != nil {
		b, err := io.ReadAll(io.LimitReader(r.Body, maxReadBody))
		if err != nil {
			return ev, fmt.Errorf("read request body: %w", err)
		}
		if utf8.Valid(b) {
			ev.Body = string(b)
		} else {
			ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString(b), true
		}
	}
	return ev, nil
}

func sourceIP(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}

func requestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func writeResponse(w http.ResponseWriter, resp events.APIGatewayV2HTTPResponse) {
	for k, v := range resp.Headers {
		w.Header().Set(k, v)
	}
	for k, vs := range resp.MultiValueHeaders {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	for _, c := range resp.Cookies {
		w.Header().Add("Set-Cookie", c)
	}
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		if b, err := base64.StdEncoding.DecodeString(resp.Body); err == nil {
			body = b
		}
	}
	status := resp.StatusCode
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
