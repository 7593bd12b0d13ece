package webform

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// fakeIdP is a tiny OAuth 2.0 server in the managed login's shape
// (/oauth2/authorize, /oauth2/token, /logout) that checks PKCE: it signs
// in without asking, and redeems a code only with the verifier whose S256
// challenge came with it. The first ID token lives RENEW_MARGIN_S + 1 s, so
// the form must renew it a second after signing in.
type fakeIdP struct {
	t           *testing.T
	clientID    string
	redirectURI string
	mu          sync.Mutex
	challenges  map[string]string // code → challenge
	grants      []string          // what the token endpoint granted, in order
	logouts     int
}

const renewMarginS = 300 // auth.js RENEW_MARGIN_S

func (p *fakeIdP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch r.URL.Path {
	case "/idp/oauth2/authorize":
		q := r.URL.Query()
		if q.Get("response_type") != "code" || q.Get("client_id") != p.clientID || q.Get("redirect_uri") != p.redirectURI ||
			q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 || q.Get("state") == "" {
			http.Error(w, "bad authorize request: "+r.URL.RawQuery, http.StatusBadRequest)
			return
		}
		code := "code-" + q.Get("state")
		p.challenges[code] = q.Get("code_challenge")
		http.Redirect(w, r, p.redirectURI+"?code="+url.QueryEscape(code)+"&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	case "/idp/oauth2/token":
		if err := r.ParseForm(); err != nil || r.Method != http.MethodPost || r.PostForm.Get("client_id") != p.clientID {
			http.Error(w, `{"error":"invalid_client"}`, http.StatusBadRequest)
			return
		}
		switch r.PostForm.Get("grant_type") {
		case "authorization_code":
			code, verifier := r.PostForm.Get("code"), r.PostForm.Get("code_verifier")
			sum := sha256.Sum256([]byte(verifier))
			challenge, ok := p.challenges[code]
			delete(p.challenges, code)
			if !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != challenge || r.PostForm.Get("redirect_uri") != p.redirectURI {
				p.grants = append(p.grants, "refused")
				http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
				return
			}
			p.grants = append(p.grants, "code")
			writeJSON(w, map[string]any{"id_token": "idp-1", "access_token": "at-1", "refresh_token": "rt-1", "expires_in": renewMarginS + 1, "token_type": "Bearer"})
		case "refresh_token":
			if r.PostForm.Get("refresh_token") != "rt-1" {
				http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
				return
			}
			p.grants = append(p.grants, "refresh")
			writeJSON(w, map[string]any{"id_token": "idp-2", "access_token": "at-2", "expires_in": 3600, "token_type": "Bearer"})
		default:
			http.Error(w, `{"error":"unsupported_grant_type"}`, http.StatusBadRequest)
		}
	case "/idp/logout":
		if r.URL.Query().Get("client_id") != p.clientID {
			http.Error(w, "bad logout", http.StatusBadRequest)
			return
		}
		p.logouts++
		http.Redirect(w, r, r.URL.Query().Get("logout_uri"), http.StatusFound)
	default:
		http.NotFound(w, r)
	}
}

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
	if strings.HasPrefix(tok, "idp-") {
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
	idp := &fakeIdP{t: t, clientID: "client-1", challenges: map[string]string{}}
	calls := &bearers{next: newFakeAPI(t, "acc.ivr-info")}
	var form http.Handler
	mux := http.NewServeMux()
	mux.Handle("/idp/", idp)
	mux.Handle("/api/", calls)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { form.ServeHTTP(w, r) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	idp.redirectURI = srv.URL + "/"
	form = HandlerWith(&SignIn{Domain: srv.URL + "/idp", ClientID: "client-1", RedirectURI: srv.URL + "/"})

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
	for !contains(idp.grantsSoFar(), "refresh") && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	run(t, ctx, chromedp.Navigate(srv.URL+"/#/"), chromedp.WaitVisible(chromedp.CSS(card)))
	if g := idp.grantsSoFar(); strings.Join(g, ",") != "code,refresh" {
		t.Fatalf("token endpoint granted %v, want the code then one refresh", g)
	}
	if got := calls.tokens(); got[0] != "idp-1" || got[len(got)-1] != "idp-2" {
		t.Fatalf("the API saw tokens %v, want idp-1 first and the renewed idp-2 last", got)
	}

	run(t, ctx, chromedp.Tap(chromedp.ID("sign-out")), chromedp.WaitVisible(chromedp.ID("sign-in")))
	stored, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(localStorage.getItem('ta.auth') || '') + (localStorage.getItem('ta.token') || '')`))
	if err != nil {
		t.Fatal(err)
	}
	idp.mu.Lock()
	logouts := idp.logouts
	idp.mu.Unlock()
	if stored != "" || logouts != 1 {
		t.Fatalf("after sign-out: tokens %q stored, %d managed-login sign-outs", stored, logouts)
	}
}

func TestBrowser_ManagedLoginRefusesAForgedVerifier(t *testing.T) {
	ctx := phone(t, 390)
	idp := &fakeIdP{t: t, clientID: "client-1", challenges: map[string]string{}}
	var form http.Handler
	mux := http.NewServeMux()
	mux.Handle("/idp/", idp)
	mux.Handle("/api/", newFakeAPI(t, "acc.ivr-info"))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { form.ServeHTTP(w, r) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	idp.redirectURI = srv.URL + "/"
	form = HandlerWith(&SignIn{Domain: srv.URL + "/idp", ClientID: "client-1", RedirectURI: srv.URL + "/"})

	run(t, ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.ID("sign-in")))
	// Another tab's code, or one replayed: this tab holds another verifier.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](`sessionStorage.setItem('ta.auth.pending', JSON.stringify({verifier: 'forged-verifier-forged-verifier-forged-123', state: 's1', hash: ''})); 0`)); err != nil {
		t.Fatal(err)
	}
	idp.mu.Lock()
	idp.challenges["code-s1"] = strings.Repeat("A", 43)
	idp.mu.Unlock()
	run(t, ctx, chromedp.Navigate(srv.URL+"/?code=code-s1&state=s1"), chromedp.WaitVisible(chromedp.ID("sign-in")))
	if g := idp.grantsSoFar(); strings.Join(g, ",") != "refused" {
		t.Fatalf("grants %v, want the forged verifier refused", g)
	}
}

func (p *fakeIdP) grantsSoFar() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.grants...)
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
