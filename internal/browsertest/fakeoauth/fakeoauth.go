// Package fakeoauth is a stand-in for the Cognito managed login in the
// browser tests of the audit form (internal/webform) and the lead console
// (internal/console): an OAuth 2.0 server on its own origin with the
// managed login's endpoints (/oauth2/authorize, /oauth2/token, /logout)
// that checks what the pages must get right. It signs in without asking,
// redeems a code only once, only for the redirect URI it was issued to and
// only with the verifier whose S256 challenge came with it (RFC 7636), and
// answers the token endpoint with CORS headers, as Cognito does, so the
// pages' Content-Security-Policy must allow its origin.
//
// Tokens are numbered by grant: the n-th token answer carries the ID token
// "id-n" and the access token "at-n"; a code grant also carries the
// refresh token "rt-n", which a refresh grant redeems.
package fakeoauth

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"testing"
)

// RefreshedExpiresIn is the lifetime in seconds of refreshed tokens, as the
// template's IdTokenValidity of 60 minutes.
const RefreshedExpiresIn = 3600

// Options configure a Server.
type Options struct {
	// ClientID is the public app client's id.
	ClientID string
	// ExpiresIn is the lifetime in seconds of the tokens a code grant
	// issues (a short one makes the page renew at once); 0 is an hour.
	ExpiresIn int
}

// Server is the fake managed login. Its URL is the sign-in domain.
type Server struct {
	*httptest.Server
	clientID  string
	expiresIn int

	mu        sync.Mutex
	redirects []string             // the client's callback and sign-out URLs
	codes     map[string][2]string // code → challenge, redirect URI
	refresh   map[string]bool      // refresh tokens still valid
	grants    []string
	logouts   []string
	issued    int
	codeSeq   int
}

// Start starts the server; it stops with the test.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	s := &Server{clientID: o.ClientID, expiresIn: o.ExpiresIn, codes: map[string][2]string{}, refresh: map[string]bool{}}
	if s.expiresIn == 0 {
		s.expiresIn = RefreshedExpiresIn
	}
	s.Server = httptest.NewServer(s)
	t.Cleanup(s.Close)
	return s
}

// Allow adds callback and sign-out URLs of the client.
func (s *Server) Allow(uris ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.redirects = append(s.redirects, uris...)
}

// Plant issues a code for a challenge and redirect URI, as if another tab
// had signed in.
func (s *Server) Plant(code, challenge, redirectURI string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes[code] = [2]string{challenge, redirectURI}
}

// Revoke makes every refresh token issued so far invalid.
func (s *Server) Revoke() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.refresh)
}

// Grants lists what the token endpoint answered, in order: "code" and
// "refresh" for tokens issued, "refused" for a code refused, "refused
// refresh" for a refresh token refused.
func (s *Server) Grants() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.grants)
}

// Logouts lists the logout_uri of each sign-out.
func (s *Server) Logouts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.logouts)
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.URL.Path {
	case "/oauth2/authorize":
		s.authorize(w, r)
	case "/oauth2/token":
		if o := r.Header.Get("Origin"); o != "" {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Vary", "Origin")
		}
		if r.Method == http.MethodOptions {
			w.Header().Set("Access-Control-Allow-Methods", "POST")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		s.token(w, r)
	case "/logout":
		q := r.URL.Query()
		if q.Get("client_id") != s.clientID || !slices.Contains(s.redirects, q.Get("logout_uri")) {
			http.Error(w, "bad logout request: "+r.URL.RawQuery, http.StatusBadRequest)
			return
		}
		s.logouts = append(s.logouts, q.Get("logout_uri"))
		http.Redirect(w, r, q.Get("logout_uri"), http.StatusFound)
	default:
		http.NotFound(w, r)
	}
}

func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect := q.Get("redirect_uri")
	if q.Get("response_type") != "code" || q.Get("client_id") != s.clientID || !slices.Contains(s.redirects, redirect) ||
		q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 || q.Get("state") == "" {
		http.Error(w, "bad authorize request: "+r.URL.RawQuery, http.StatusBadRequest)
		return
	}
	s.codeSeq++
	code := fmt.Sprintf("code-%d", s.codeSeq)
	s.codes[code] = [2]string{q.Get("code_challenge"), redirect}
	http.Redirect(w, r, redirect+"?code="+url.QueryEscape(code)+"&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost || r.PostForm.Get("client_id") != s.clientID {
		oauthError(w, "invalid_client")
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		code, verifier := r.PostForm.Get("code"), r.PostForm.Get("code_verifier")
		issued, ok := s.codes[code]
		delete(s.codes, code)
		sum := sha256.Sum256([]byte(verifier))
		if !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != issued[0] || r.PostForm.Get("redirect_uri") != issued[1] {
			s.grants = append(s.grants, "refused")
			oauthError(w, "invalid_grant")
			return
		}
		s.grants = append(s.grants, "code")
		s.issued++
		rt := fmt.Sprintf("rt-%d", s.issued)
		s.refresh[rt] = true
		s.write(w, map[string]any{"refresh_token": rt, "expires_in": s.expiresIn})
	case "refresh_token":
		if !s.refresh[r.PostForm.Get("refresh_token")] {
			s.grants = append(s.grants, "refused refresh")
			oauthError(w, "invalid_grant")
			return
		}
		s.grants = append(s.grants, "refresh")
		s.issued++
		s.write(w, map[string]any{"expires_in": RefreshedExpiresIn})
	default:
		oauthError(w, "unsupported_grant_type")
	}
}

func (s *Server) write(w http.ResponseWriter, body map[string]any) {
	body["id_token"] = fmt.Sprintf("id-%d", s.issued)
	body["access_token"] = fmt.Sprintf("at-%d", s.issued)
	body["token_type"] = "Bearer"
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(body)
}

// oauthError answers 400 with an RFC 6749 error, as Cognito does.
func oauthError(w http.ResponseWriter, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = fmt.Fprintf(w, `{"error":%q}`, code)
}
