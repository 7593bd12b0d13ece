package webform

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
	return w
}

func TestConfig_DevModeLocally(t *testing.T) {
	w := get(t, Handler(), "/config.json")
	if w.Code != 200 || w.Body.String() != `{"mode":"dev"}` || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("%d %q %q", w.Code, w.Header().Get("Content-Type"), w.Body.String())
	}
	if csp := get(t, Handler(), "/").Header().Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self';") {
		t.Fatalf("dev CSP %q", csp)
	}
}

func TestConfig_ManagedLoginInAWS(t *testing.T) {
	h := HandlerWith(&SignIn{Domain: "https://touchaudit-dev.auth.eu-central-1.amazoncognito.com", ClientID: "client-1", RedirectURI: "https://audit.example/"})
	want := `{"mode":"cognito","domain":"https://touchaudit-dev.auth.eu-central-1.amazoncognito.com","clientId":"client-1","redirectUri":"https://audit.example/"}`
	if w := get(t, h, "/config.json"); w.Body.String() != want {
		t.Fatalf("config %s, want %s", w.Body.String(), want)
	}
	csp := get(t, h, "/").Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "connect-src 'self' https://touchaudit-dev.auth.eu-central-1.amazoncognito.com;") {
		t.Fatalf("the page may not call the token endpoint: %q", csp)
	}
}
