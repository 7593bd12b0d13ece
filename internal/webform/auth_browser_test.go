package webform

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"touchaudit/internal/browsertest/fakeoauth"
)

// renewMarginS is auth.js RENEW_MARGIN_S: a first ID token that lives a
// second longer is renewed a second after sign-in.
const renewMarginS = 300

// bearers records the ID tokens the API was called with, and lets the
// fake API accept the IdP's tokens as its one auditor's.
type bearers struct {
	mu   sync.Mutex
	seen []string
	next http.Handler
}

func (b *bearers) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	b.mu.Lock()
	if len(b.seen) == 0 || b.seen[len(b.seen)-1] != tok {
		b.seen = append(b.seen, tok)
	}
	b.mu.Unlock()
	if strings.HasPrefix(tok, "id-") {
		r.Header.Set("Authorization", "Bearer tok-s-064")
	}
	b.next.ServeHTTP(w, r)
}

func (b *bearers) tokens() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.seen...)
}

func TestBrowser_ManagedLoginWithPKCERenewsAndSignsOut(t *testing.T) {
	ctx := phone(t, 390)
	// The managed login is on another origin, as Cognito's domain is: the
	// page's CSP must let it call the token endpoint.
	idp := fakeoauth.Start(t, fakeoauth.Options{ClientID: "client-1", ExpiresIn: renewMarginS + 1})
	calls := &bearers{next: newFakeAPI(t, "acc.ivr-info")}
	var form http.Handler
	mux := http.NewServeMux()
	mux.Handle("/api/", calls)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { form.ServeHTTP(w, r) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	idp.Allow(srv.URL+"/", srv.URL+"/console/")
	form = HandlerWith(&SignIn{Domain: idp.URL, ClientID: "client-1", RedirectURI: srv.URL + "/"})

	card := `#assignments a[data-assignment-id="as-acc.ivr-info"]`
	run(t, ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.ID("sign-in")))
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#token').length`)); n != 0 {
		t.Fatal("the managed-login form still asks to paste a token")
	}
	run(t, ctx, chromedp.Tap(chromedp.ID("sign-in")), chromedp.WaitVisible(chromedp.CSS(card)))
	if loc, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`)); strings.Contains(loc, "code=") || strings.Contains(loc, "state=") {
		t.Errorf("after sign-in the page is at %s: the code must leave the address", loc)
	}

	// The first ID token is renewed a second after sign-in.
	deadline := time.Now().Add(10 * time.Second)
	for !slices.Contains(idp.Grants(), "refresh") && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	run(t, ctx, chromedp.Navigate(srv.URL+"/#/"), chromedp.WaitVisible(chromedp.CSS(card)))
	if g := idp.Grants(); strings.Join(g, ",") != "code,refresh" {
		t.Fatalf("token endpoint granted %v, want the code then one refresh", g)
	}
	if got := calls.tokens(); got[0] != "id-1" || got[len(got)-1] != "id-2" {
		t.Fatalf("the API saw tokens %v, want id-1 first and the renewed id-2 last", got)
	}

	run(t, ctx, chromedp.Tap(chromedp.ID("sign-out")), chromedp.WaitVisible(chromedp.ID("sign-in")))
	stored, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(localStorage.getItem('ta.auth') || '') + (localStorage.getItem('ta.token') || '')`))
	if err != nil {
		t.Fatal(err)
	}
	if logouts := idp.Logouts(); stored != "" || len(logouts) != 1 || logouts[0] != srv.URL+"/" {
		t.Fatalf("after sign-out: tokens %q stored, managed-login sign-outs %v", stored, logouts)
	}
}

func TestBrowser_ManagedLoginRefusesAForgedVerifier(t *testing.T) {
	ctx := phone(t, 390)
	idp := fakeoauth.Start(t, fakeoauth.Options{ClientID: "client-1"})
	var form http.Handler
	mux := http.NewServeMux()
	mux.Handle("/api/", newFakeAPI(t, "acc.ivr-info"))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { form.ServeHTTP(w, r) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	idp.Allow(srv.URL + "/")
	form = HandlerWith(&SignIn{Domain: idp.URL, ClientID: "client-1", RedirectURI: srv.URL + "/"})

	run(t, ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.ID("sign-in")))
	// Another tab's code, or one replayed: this tab holds another verifier.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](`sessionStorage.setItem('ta.auth.pending', JSON.stringify({verifier: 'forged-verifier-forged-verifier-forged-123', state: 's1', hash: ''})); 0`)); err != nil {
		t.Fatal(err)
	}
	idp.Plant("code-s1", strings.Repeat("A", 43), srv.URL+"/")
	run(t, ctx, chromedp.Navigate(srv.URL+"/?code=code-s1&state=s1"), chromedp.WaitVisible(chromedp.ID("sign-in")))
	if g := idp.Grants(); strings.Join(g, ",") != "refused" {
		t.Fatalf("grants %v, want the forged verifier refused", g)
	}
	want := map[string]string{
		"en": "The sign-in was refused: the code has expired or was already used. Sign in again.",
		"pl": "Logowanie odrzucone: kod wygasł albo został już użyty. Zaloguj się ponownie.",
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.documentElement.lang, document.querySelector('#sign-in-message').textContent]`))
	if err != nil || len(got) != 2 || got[1] != want[got[0]] {
		t.Fatalf("sign-in message %q (%v), want the refusal in the page's language", got, err)
	}
}
