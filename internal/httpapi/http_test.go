package httpapi_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"touchaudit/internal/httpapi"
)

// TestHTTP_SameCodePathAsLambda serves the handler over net/http, as
// `touchaudit local` does, with a verify func standing in for the authorizer.
func TestHTTP_SameCodePathAsLambda(t *testing.T) {
	f := newFixture(t, nil)
	verify := func(r *http.Request) (map[string]string, error) {
		switch r.Header.Get("Authorization") {
		case "Bearer s-017":
			return claims("s-017", "bank-pl", "[auditor]"), nil
		case "Bearer s-018":
			return claims("s-018", "bank-pl", "[auditor]"), nil
		}
		return nil, errors.New("no token")
	}
	srv := httptest.NewServer(f.h.HTTP(verify))
	defer srv.Close()
	do := func(method, path, token, body string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	submit := readEvent(t, "api-submit")
	cases := []struct {
		name, method, path, token, body string
		status                          int
		contains                        string
	}{
		{"me", "GET", "/api/me", "s-017", "", 200, `"id":"s-017"`},
		{"no token", "GET", "/api/me", "", "", 401, `"code":"unauthorized"`},
		{"a token the verifier refuses", "GET", "/api/me", "forged", "", 401, `"code":"unauthorized"`},
		{"another auditor's assignment", "GET", "/api/assignments/" + a1, "s-018", "", 404, `"code":"not_found"`},
		{"a query string", "GET", "/api/assignments?cursor=", "s-017", "", 200, `"nextCursor":""`},
		{"an escaped id", "GET", "/api/assignments/" + strings.ReplaceAll(a1, ".", "%2E"), "s-017", "", 200, a1},
		{"oversized body", "POST", "/api/assignments/" + a1 + "/submit", "s-017", strings.Repeat(" ", httpapi.MaxCompanyBody+10) + "{}", 413, `"code":"too_large"`},
		{"binary body", "POST", "/api/assignments/" + a1 + "/submit", "s-017", "\xff\xfe{}", 400, `"code":"invalid"`},
		{"submit", "POST", "/api/assignments/" + a1 + "/submit", "s-017", submit.Body, 200, `"signalled":true`},
		{"the form needs no token", "GET", "/", "", "", 200, "<!doctype html>"},
		{"the form's missing file", "GET", "/nothing.js", "", "", 404, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := do(c.method, c.path, c.token, c.body)
			if resp.StatusCode != c.status || !strings.Contains(body, c.contains) {
				t.Errorf("%d %.300s, want %d with %q", resp.StatusCode, body, c.status, c.contains)
			}
			if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("headers %v", resp.Header)
			}
			if strings.HasPrefix(c.path, "/api") && resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("headers %v", resp.Header)
			}
		})
	}
}
