package console_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"touchaudit/internal/browsertest/fakeoauth"
	"touchaudit/internal/httpapi"
	"touchaudit/internal/webform"
	"touchaudit/internal/workflow"
)

// renewMarginS is auth.js RENEW_MARGIN_S: a first ID token that lives a
// second longer is renewed a second after sign-in.
const renewMarginS = 300

// signInSite serves the API, the form and the console as the API function
// does in AWS: GET /config.json sends both pages to the managed login, here
// the fake one on its own origin. The fake authorizer accepts the ID tokens
// it issues (id-1, id-2, …) as a lead of the bank, or as an auditor, unless
// the test revoked them, and records which token each API call carried.
type signInSite struct {
	*httptest.Server
	idp *fakeoauth.Server

	mu        sync.Mutex
	auditor   bool            // the signed-in person is an auditor, not a lead
	revoked   map[string]bool // tokens the authorizer refuses
	revokeAll bool
	seen      map[string][]string // API path → the tokens it was called with
}

func newSignInSite(t *testing.T, expiresIn int) *signInSite {
	t.Helper()
	store, _ := seeded(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	wf := workflow.New(store, noExecutions{}, workflow.LogNotifier{Log: log}, fixedClock{now}, workflow.Config{}, log)
	s := &signInSite{revoked: map[string]bool{}, seen: map[string][]string{}}
	s.idp = fakeoauth.Start(t, fakeoauth.Options{ClientID: "client-1", ExpiresIn: expiresIn})
	var h http.Handler
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(s.Close)
	s.idp.Allow(s.URL+"/", s.URL+"/console/")
	form := webform.HandlerWith(&webform.SignIn{Domain: s.idp.URL, ClientID: "client-1", RedirectURI: s.URL + "/"})
	api := httpapi.New(wf, store, httpapi.Options{Form: form, Log: log, Now: func() time.Time { return now }})
	h = api.HTTP(s.verify)
	return s
}

func (s *signInSite) verify(r *http.Request) (map[string]string, error) {
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen[r.URL.Path] = append(s.seen[r.URL.Path], tok)
	if !strings.HasPrefix(tok, "id-") || s.revoked[tok] || s.revokeAll {
		return nil, nil
	}
	if s.auditor {
		return map[string]string{"sub": "u-64", "custom:staffId": "s-064", "custom:companyId": bank, "cognito:groups": "[auditor]"}, nil
	}
	return map[string]string{"sub": "u-1", "custom:staffId": "s-001", "custom:companyId": bank, "cognito:groups": "[lead]"}, nil
}

func (s *signInSite) tokens(path string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.seen[path])
}

func TestSignIn_ManagedLoginWithPKCERenewsAndSignsOut(t *testing.T) {
	s := newSignInSite(t, renewMarginS+1)
	ctx := browser(t, 1280, 900)
	do(t, ctx, "open the console", chromedp.Navigate(s.URL+"/console/#/qa"))
	visible(t, ctx, "#managed-sign-in")
	if n := eval[int](t, ctx, `document.querySelectorAll('#token').length`); n != 0 {
		t.Fatal("in AWS the console still asks to paste a token")
	}
	click(t, ctx, "button#sign-in")
	// Back from the managed login at the page it left (#/qa), the code
	// redeemed with this tab's verifier: the fake grants nothing else.
	waitFor(t, ctx, "the QA queue", `document.body.dataset.view === 'qa'`)
	if loc := eval[string](t, ctx, `location.href`); loc != s.URL+"/console/#/qa" {
		t.Errorf("after sign-in the console is at %s, want %s/console/#/qa (no code or state left)", loc, s.URL)
	}
	if got := s.tokens("/api/console/qa"); len(got) == 0 || got[0] != "id-1" {
		t.Fatalf("the QA queue was loaded with %v, want the ID token id-1", got)
	}
	// The console keeps its own tokens, not the form's.
	if got := eval[string](t, ctx, `[!!localStorage.getItem('ta.auth.console'), !!localStorage.getItem('ta.auth')].join()`); got != "true,false" {
		t.Errorf("console tokens stored, form tokens stored: %s, want true,false", got)
	}

	// The first ID token is renewed before it expires: a second after
	// sign-in, five minutes before its end.
	waitFor(t, ctx, "the renewal", `JSON.parse(localStorage.getItem('ta.auth.console') || '{}').idToken === 'id-2'`)
	do(t, ctx, "open the history", chromedp.Evaluate[chromedp.Void](`location.hash = '#/history'`))
	waitFor(t, ctx, "the history", `document.body.dataset.view === 'history'`)
	if got := s.tokens("/api/console/history"); !slices.Equal(got, []string{"id-2"}) {
		t.Fatalf("the history was loaded with %v, want the renewed id-2", got)
	}
	if g := s.idp.Grants(); strings.Join(g, ",") != "code,refresh" {
		t.Fatalf("the token endpoint granted %v, want the code, then one refresh", g)
	}

	// Sign-out ends the managed login's session and comes back to a
	// "signed out" page that offers to sign in again.
	click(t, ctx, "#sign-out")
	visible(t, ctx, "#signed-out-page")
	if got := eval[string](t, ctx, `document.querySelector('#signed-out-page h1').textContent`); got != "You are signed out" {
		t.Errorf("signed-out page %q", got)
	}
	if got := s.idp.Logouts(); !slices.Equal(got, []string{s.URL + "/console/"}) {
		t.Fatalf("managed-login sign-outs %v, want one back to %s/console/", got, s.URL)
	}
	if got := eval[string](t, ctx, `localStorage.getItem('ta.auth.console') || ''`); got != "" {
		t.Fatalf("tokens kept after sign-out: %s", got)
	}
	click(t, ctx, "[data-lang=pl]")
	waitFor(t, ctx, "the Polish page", `document.querySelector('#signed-out-page h1').textContent === 'Wylogowano'`)
	click(t, ctx, "button#sign-in")
	waitFor(t, ctx, "the review list", `document.body.dataset.view === 'reviews'`)
	if g := s.idp.Grants(); strings.Join(g, ",") != "code,refresh,code" {
		t.Fatalf("the token endpoint granted %v, want a second sign-in's code", g)
	}
}

func TestSignIn_A401RenewsAndRepeatsTheRequestOnce(t *testing.T) {
	s := newSignInSite(t, 3600)
	ctx := browser(t, 1280, 900)
	do(t, ctx, "open the console", chromedp.Navigate(s.URL+"/console/"))
	visible(t, ctx, "#managed-sign-in")
	click(t, ctx, "button#sign-in")
	waitFor(t, ctx, "the review list", `document.body.dataset.view === 'reviews'`)

	// The API refuses the token before it expires (revoked): the console
	// renews it and repeats the request, once.
	s.mu.Lock()
	s.revoked["id-1"] = true
	s.mu.Unlock()
	do(t, ctx, "open the QA queue", chromedp.Evaluate[chromedp.Void](`location.hash = '#/qa'`))
	waitFor(t, ctx, "the QA queue", `document.body.dataset.view === 'qa'`)
	if got := s.tokens("/api/console/qa"); !slices.Equal(got, []string{"id-1", "id-2"}) {
		t.Fatalf("the QA queue was asked for with %v, want id-1 refused, then the renewed id-2", got)
	}
	if g := s.idp.Grants(); strings.Join(g, ",") != "code,refresh" {
		t.Fatalf("the token endpoint granted %v, want one refresh for the 401", g)
	}

	// Refused again after the renewal: no loop, the sign-in page says why.
	s.mu.Lock()
	s.revokeAll = true
	s.mu.Unlock()
	do(t, ctx, "open the history", chromedp.Evaluate[chromedp.Void](`location.hash = '#/history'`))
	visible(t, ctx, "#managed-sign-in #sign-in-message")
	if got := eval[string](t, ctx, `document.querySelector('#sign-in-message').textContent`); got != "Your sign-in has expired or is not valid. Sign in again." {
		t.Errorf("sign-in message %q", got)
	}
	if got := s.tokens("/api/console/history"); !slices.Equal(got, []string{"id-2", "id-3"}) {
		t.Fatalf("the history was asked for with %v, want id-2, then once more with the renewed id-3", got)
	}
	if g := s.idp.Grants(); strings.Join(g, ",") != "code,refresh,refresh" {
		t.Fatalf("the token endpoint granted %v, want one more refresh", g)
	}
}

func TestSignIn_AFailedSignInSaysWhyInPolishAndEnglish(t *testing.T) {
	s := newSignInSite(t, 3600)
	ctx := browser(t, 1280, 900)
	do(t, ctx, "open the console", chromedp.Navigate(s.URL+"/console/"))
	visible(t, ctx, "#managed-sign-in")
	message := func(want string) {
		t.Helper()
		visible(t, ctx, "#managed-sign-in #sign-in-message")
		if got := eval[string](t, ctx, `document.querySelector('#sign-in-message').textContent`); got != want {
			t.Errorf("sign-in message %q, want %q", got, want)
		}
		if loc := eval[string](t, ctx, `location.search`); loc != "" {
			t.Errorf("the managed login's answer stays in the address: %s", loc)
		}
	}
	pending := func(state string) {
		t.Helper()
		eval[int](t, ctx, `sessionStorage.setItem('ta.auth.console.pending', JSON.stringify({verifier: 'forged-verifier-forged-verifier-forged-123', state: '`+state+`', hash: ''})) || 0`)
	}

	t.Run("state mismatch", func(t *testing.T) {
		pending("s1")
		do(t, ctx, "come back", chromedp.Navigate(s.URL+"/console/?code=code-x&state=another"))
		message("This sign-in was not started in this tab, or was already used. Sign in again.")
		if g := s.idp.Grants(); len(g) != 0 {
			t.Fatalf("a code with another tab's state was redeemed: %v", g)
		}
	})
	t.Run("the managed login's error", func(t *testing.T) {
		pending("s2")
		do(t, ctx, "come back", chromedp.Navigate(s.URL+"/console/?error=access_denied&error_description=User+is+disabled&state=s2"))
		message("The sign-in page reported a problem (User is disabled). Sign in again.")
	})
	t.Run("a refused code", func(t *testing.T) {
		pending("s3")
		s.idp.Plant("code-s3", strings.Repeat("A", 43), s.URL+"/console/")
		do(t, ctx, "come back", chromedp.Navigate(s.URL+"/console/?code=code-s3&state=s3"))
		message("The sign-in was refused: the code has expired or was already used. Sign in again.")
		if g := s.idp.Grants(); strings.Join(g, ",") != "refused" {
			t.Fatalf("grants %v, want the forged verifier refused", g)
		}
		click(t, ctx, "[data-lang=pl]")
		waitFor(t, ctx, "the Polish message", `document.querySelector('#sign-in-message').textContent === 'Logowanie odrzucone: kod wygasł albo został już użyty. Zaloguj się ponownie.'`)
		click(t, ctx, "[data-lang=en]")
		waitFor(t, ctx, "the English page", `document.documentElement.lang === 'en'`)
	})
}

func TestSignIn_AnAuditorIsNotAllowed(t *testing.T) {
	s := newSignInSite(t, 3600)
	s.auditor = true
	ctx := browser(t, 1280, 900)
	do(t, ctx, "open the console", chromedp.Navigate(s.URL+"/console/"))
	visible(t, ctx, "#managed-sign-in")
	click(t, ctx, "button#sign-in")
	visible(t, ctx, "#forbidden-page")
	if got := eval[string](t, ctx, `document.querySelector('#forbidden-page h1').textContent + ' | ' + document.querySelector('#forbidden-page a').getAttribute('href')`); got != "Not allowed | /" {
		t.Errorf("403 page %q, want Not allowed with a link to the form", got)
	}
	if hidden := eval[bool](t, ctx, `document.getElementById('sign-out').hidden`); hidden {
		t.Error("the 403 page offers no sign-out")
	}
	click(t, ctx, "[data-lang=pl]")
	waitFor(t, ctx, "the Polish page", `document.querySelector('#forbidden-page h1').textContent === 'Brak dostępu'`)
	if g := s.idp.Grants(); strings.Join(g, ",") != "code" {
		t.Fatalf("grants %v: a 403 must not renew the token", g)
	}
}
