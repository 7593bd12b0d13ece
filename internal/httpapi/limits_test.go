package httpapi_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"touchaudit/internal/audit"
)

// TestDecode_BodyLimitEdge pins the body limit itself, not whatever
// httpapi.MaxBody says: issue 6 sets it at 64 KiB, so 65,536 bytes are
// served and 65,537 are refused, before and after base64 decoding.
func TestDecode_BodyLimitEdge(t *testing.T) {
	submit := readEvent(t, "api-submit")
	// sized pads the submission with spaces inside its JSON object to
	// exactly n bytes, so it stays a valid walk.
	sized := func(t *testing.T, n int) string {
		t.Helper()
		pad := n - len(submit.Body)
		if pad < 0 {
			t.Fatalf("the fixture is %d bytes, over %d", len(submit.Body), n)
		}
		b := submit.Body[:len(submit.Body)-1] + strings.Repeat(" ", pad) + "}"
		if len(b) != n {
			t.Fatalf("padded body is %d bytes, want %d", len(b), n)
		}
		return b
	}
	cases := []struct {
		name   string
		size   int
		base64 bool
		status int
	}{
		{"65,536 bytes are served", 65536, false, 200},
		{"65,537 bytes are 413", 65537, false, 413},
		{"65,536 bytes in base64 are served", 65536, true, 200},
		{"65,537 bytes in base64 are 413", 65537, true, 413},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, nil)
			e := withBody(submit, sized(t, c.size))
			if c.base64 {
				e.Body, e.IsBase64Encoded = base64.StdEncoding.EncodeToString([]byte(e.Body)), true
			}
			if c.status == 413 {
				e := f.invoke(t, e).wantError(t, 413, "too_large")
				if !strings.Contains(e.Error.Message, "64 KiB") {
					t.Errorf("message %q does not name the 64 KiB limit", e.Error.Message)
				}
				f.unchanged(t)
				return
			}
			if r := f.invoke(t, e); r.StatusCode != 200 {
				t.Errorf("%d %s", r.StatusCode, r.Body)
			}
		})
	}
	t.Run("a GET with 65,536 bytes is served, with 65,537 is 413", func(t *testing.T) {
		f := newFixture(t, nil)
		me := readEvent(t, "api-me")
		if r := f.invoke(t, withBody(me, strings.Repeat("x", 65536))); r.StatusCode != 200 {
			t.Errorf("65,536 bytes: %d %s", r.StatusCode, r.Body)
		}
		f.invoke(t, withBody(me, strings.Repeat("x", 65537))).wantError(t, 413, "too_large")
	})
}

// TestDecode_CompanyBodyLimitEdge pins the company import's own limit:
// 512 KiB, so 524,288 bytes are imported and 524,289 are refused.
func TestDecode_CompanyBodyLimitEdge(t *testing.T) {
	b, _ := companies(t)
	raw, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	put := readEvent(t, "api-company")
	put.RequestContext.HTTP.Method = "PUT"
	sized := func(n int) string { return string(raw[:len(raw)-1]) + strings.Repeat(" ", n-len(raw)) + "}" }

	f := newFixture(t, nil)
	var sum audit.ImportSummary
	f.invoke(t, withBody(put, sized(524288))).decode(t, &sum)
	if sum.CompanyID != "bank-pl" {
		t.Errorf("524,288 bytes: summary %+v", sum)
	}
	e := f.invoke(t, withBody(put, sized(524289))).wantError(t, 413, "too_large")
	if !strings.Contains(e.Error.Message, "512 KiB") {
		t.Errorf("message %q does not name the 512 KiB limit", e.Error.Message)
	}
}
