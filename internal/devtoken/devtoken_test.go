package devtoken

import (
	"encoding/base64"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func newSigner(t *testing.T) *Signer {
	t.Helper()
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var auditor = Identity{StaffID: "s-017", CompanyID: "bank-pl", Groups: []string{"auditor", "lead"}}

func TestVerify_AcceptsItsOwnTokens(t *testing.T) {
	s := newSigner(t)
	tok, err := s.Sign(auditor)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{ClaimStaffID: "s-017", ClaimCompanyID: "bank-pl", ClaimGroups: "[auditor lead]", "iss": Issuer, ClaimSubject: "local-bank-pl-s-017"}
	for k, v := range want {
		if c[k] != v {
			t.Errorf("claim %s = %q, want %q", k, c[k], v)
		}
	}
	r, _ := http.NewRequest("GET", "/api/me", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	if _, err := s.VerifyRequest(r); err != nil {
		t.Errorf("VerifyRequest: %v", err)
	}
}

// forge signs claims with method and key, as an attacker would.
func forge(t *testing.T, method jwt.SigningMethod, key any, c jwt.MapClaims) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(method, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestVerify_Rejects(t *testing.T) {
	s := newSigner(t)
	now := time.Now()
	valid := func() jwt.MapClaims {
		return jwt.MapClaims{"iss": Issuer, "sub": "x", "custom:staffId": "s-017", "custom:companyId": "bank-pl",
			"cognito:groups": []string{"auditor", "lead"}, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	}
	with := func(k string, v any) jwt.MapClaims {
		c := valid()
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	good, _ := s.Sign(auditor)
	parts := strings.Split(good, ".")
	otherKey := newSigner(t).key
	cases := map[string]string{
		"expired":               forge(t, jwt.SigningMethodHS256, s.key, with("exp", now.Add(-time.Minute).Unix())),
		"no expiry":             forge(t, jwt.SigningMethodHS256, s.key, with("exp", nil)),
		"issued in the future":  forge(t, jwt.SigningMethodHS256, s.key, with("iat", now.Add(time.Hour).Unix())),
		"another issuer":        forge(t, jwt.SigningMethodHS256, s.key, with("iss", "https://cognito-idp.eu-central-1.amazonaws.com/x")),
		"no staff id":           forge(t, jwt.SigningMethodHS256, s.key, with("custom:staffId", nil)),
		"another key":           forge(t, jwt.SigningMethodHS256, otherKey, valid()),
		"HS512 with the key":    forge(t, jwt.SigningMethodHS512, s.key, valid()),
		"alg none":              forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, valid()),
		"alg none, no sig part": base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + ".",
		"payload swapped":       parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"touchaudit-local","sub":"x","custom:staffId":"s-001","custom:companyId":"bank-pl","cognito:groups":["lead"],"exp":9999999999}`)) + "." + parts[2],
		"signature cut":         parts[0] + "." + parts[1] + ".",
		"garbage":               "not.a.token",
		"empty":                 "",
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			if c, err := s.Verify(tok); err == nil {
				t.Errorf("accepted: %v", c)
			}
		})
	}
}

func TestVerifyRequest_NeedsABearerToken(t *testing.T) {
	s := newSigner(t)
	tok, _ := s.Sign(auditor)
	for _, h := range []string{"", tok, "Basic " + tok, "Bearer ", "Bearer"} {
		r, _ := http.NewRequest("GET", "/api/me", nil)
		if h != "" {
			r.Header.Set("Authorization", h)
		}
		if _, err := s.VerifyRequest(r); err == nil {
			t.Errorf("Authorization %q accepted", h)
		}
	}
}

func TestNew_KeysDiffer(t *testing.T) {
	a, b := newSigner(t), newSigner(t)
	tok, _ := a.Sign(auditor)
	if _, err := b.Verify(tok); err == nil {
		t.Error("a token verified under another run's key")
	}
}

func TestLoadOrCreate_KeepsTheKeyAcrossRestarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "devtoken.key")
	first, err := LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := first.Sign(auditor)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	if got := len(strings.TrimSpace(string(b))); got != 64 {
		t.Errorf("key file holds %d hex digits, want 64", got)
	}
	again, err := LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := again.Verify(tok); err != nil {
		t.Errorf("a token signed before the restart is refused after it: %v", err)
	}
	other, err := LoadOrCreate(filepath.Join(t.TempDir(), "devtoken.key"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Verify(tok); err == nil {
		t.Error("a signer with another data directory accepts the token")
	}
}

func TestLoadOrCreate_RefusesADamagedKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "devtoken.key")
	if err := os.WriteFile(path, []byte("not hex\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreate(path); err == nil || !strings.Contains(err.Error(), "delete it") {
		t.Fatalf("LoadOrCreate on a damaged key = %v, want an error telling to delete it", err)
	}
}
