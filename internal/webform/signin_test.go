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
	want := `{"mode":"cognito","domain":"https://touchaudit-dev.auth.eu-central-1.amazoncognito.com","clientId":"client-1","redirectUri":"https://audit.example/","consoleRedirectUri":"https://audit.example/console/"}`
	if w := get(t, h, "/config.json"); w.Body.String() != want {
		t.Fatalf("config %s, want %s", w.Body.String(), want)
	}
	csp := get(t, h, "/").Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "connect-src 'self' https://touchaudit-dev.auth.eu-central-1.amazoncognito.com;") {
		t.Fatalf("the page may not call the token endpoint: %q", csp)
	}
}

func TestConfig_ConsoleCallbackAndOrigin(t *testing.T) {
	s := &SignIn{Domain: "https://login.audit.example:8443/", ClientID: "client-1", RedirectURI: "https://audit.example/", ConsoleRedirectURI: "https://leads.audit.example/console/"}
	if o := s.Origin(); o != "https://login.audit.example:8443" {
		t.Fatalf("origin %q", o)
	}
	h := HandlerWith(s)
	if w := get(t, h, "/config.json"); !strings.Contains(w.Body.String(), `"consoleRedirectUri":"https://leads.audit.example/console/"`) {
		t.Fatalf("config %s", w.Body.String())
	}
	if o := h.(*Form).SignInOrigin(); o != "https://login.audit.example:8443" {
		t.Fatalf("the form tells the console shell the origin %q", o)
	}
	if o := Handler().(*Form).SignInOrigin(); o != "" {
		t.Fatalf("dev sign-in has the origin %q", o)
	}
	if o := (*SignIn)(nil).Origin(); o != "" {
		t.Fatalf("nil sign-in has the origin %q", o)
	}
}

func TestConfig_ADomainThatIsNoURLIsRefused(t *testing.T) {
	f, err := New()
	if err != nil {
		t.Fatal(err)
	}
	err = f.signIn(&SignIn{Domain: "touchaudit-dev.auth.eu-central-1.amazoncognito.com", ClientID: "c", RedirectURI: "https://audit.example/"})
	if err == nil || !strings.Contains(err.Error(), "touchaudit-dev.auth.eu-central-1.amazoncognito.com") || !strings.Contains(err.Error(), "absolute URL") {
		t.Fatalf("err %v, want one naming the domain and what it must be", err)
	}
}
