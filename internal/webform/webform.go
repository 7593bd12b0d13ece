// Package webform serves touchaudit's mobile audit form: the static files an
// auditor's phone loads (HTML, ES modules, CSS, the service worker, the web
// app manifest and its icons), embedded in the binary so the API function
// and `touchaudit local` serve the same form with no file system.
//
// The form talks to the HTTP API under /api/ (docs/API.md) on the same
// origin; the handler serves only the form's own files.
package webform

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"
)

//go:embed static
var static embed.FS

// contentTypes are set explicitly: Lambda's minimal images have no
// /etc/mime.types, and a module script or a manifest served with the wrong
// type is refused by the browser.
var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".webmanifest": "application/manifest+json",
	".svg":         "image/svg+xml",
	".png":         "image/png",
}

// contentSecurityPolicy allows only the form's own files and its own API:
// no inline script, nothing from other origins.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; " +
	"frame-ancestors 'none'; form-action 'none'"

type file struct {
	body        []byte
	contentType string
	etag        string
	// revalidate marks files that must be checked on every load: the page,
	// the service worker and the unversioned modules, so a deploy is seen at
	// once. Icons may be cached for a day.
	revalidate bool
	// scriptSrc and styleSrc are what the page's policy adds to script-src
	// and style-src: the hashes of its inline scripts and style; gzip is the
	// page compressed with its early script first (page.go).
	scriptSrc, styleSrc string
	gzip                []byte
	// sum is the page's SHA-256, which names its embedded gzip variant
	// (pagegz.go).
	sum [32]byte
}

// Form serves the embedded form.
type Form struct {
	files map[string]file
	// config is GET /config.json; csp the page's Content-Security-Policy.
	config       []byte
	csp          string
	signInOrigin string
	// lazyPage is set in the form HandlerWith makes: the page (buildPage,
	// about 2.5 ms) is made when it is first asked for, not at every cold
	// start of the api function, most of whose requests are the API's.
	// files["/index.html"] is then index.html as embedded, never served.
	lazyPage bool
	pageOnce sync.Once
	page     file
	pageErr  error
}

// SignIn is the Cognito managed login the form and the lead console sign
// in with in AWS (static/auth.js: authorization code with PKCE).
type SignIn struct {
	// Domain is the managed login's base URL,
	// https://<prefix>.auth.<region>.amazoncognito.com or a custom domain.
	Domain string `json:"domain"`
	// ClientID is the public app client (no secret).
	ClientID string `json:"clientId"`
	// RedirectURI is the form's URL: the managed login returns there after
	// signing in and after signing out (the client's callback and sign-out
	// URLs).
	RedirectURI string `json:"redirectUri"`
	// ConsoleRedirectURI is the lead console's URL, the client's second
	// callback and sign-out URL; empty is RedirectURI + "console/", where
	// the console is served (template.yaml: ${AppBaseUrl}console/).
	ConsoleRedirectURI string `json:"consoleRedirectUri"`
}

// SignInFrom is the managed login the variables COGNITO_DOMAIN,
// USER_POOL_CLIENT_ID and APP_URL (the form's address) name, read through
// getenv (os.Getenv in a function's main), or nil (dev sign-in) unless
// all three are set. A function that serves only the form reads them here,
// without internal/lambdaenv and the AWS configuration it builds.
func SignInFrom(getenv func(string) string) *SignIn {
	s := SignIn{Domain: getenv("COGNITO_DOMAIN"), ClientID: getenv("USER_POOL_CLIENT_ID"), RedirectURI: getenv("APP_URL")}
	if s.Domain == "" || s.ClientID == "" || s.RedirectURI == "" {
		return nil
	}
	return &s
}

// ConsolePath is the console's path below the form's URL.
const ConsolePath = "console/"

// Origin is the managed login's origin (scheme://host[:port]), which the
// pages' Content-Security-Policy lets them call (connect-src: the token
// endpoint); "" for nil (dev sign-in) or a domain that is no URL.
func (s *SignIn) Origin() string {
	if s == nil {
		return ""
	}
	u, err := url.Parse(s.Domain)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// Handler returns the form's handler with dev sign-in, to be mounted at "/".
func Handler() http.Handler { return HandlerWith(nil) }

// HandlerWith returns the form's handler signing in with s; nil is dev
// sign-in (`touchaudit local`'s #token= links), which GET /config.json
// tells the form as {"mode":"dev"}.
func HandlerWith(s *SignIn) http.Handler {
	f, err := load()
	if err != nil {
		panic(err) // the embedded files are fixed at build time
	}
	if err := f.signIn(s); err != nil {
		panic(err)
	}
	f.lazyPage = true
	return f
}

// signIn sets /config.json and lets the page call the managed login's
// token endpoint (connect-src).
func (f *Form) signIn(s *SignIn) error {
	f.csp = contentSecurityPolicy
	if s == nil {
		f.config = []byte(`{"mode":"dev"}`)
		return nil
	}
	origin := s.Origin()
	if origin == "" {
		return fmt.Errorf("sign-in domain %q: want an absolute URL such as https://<prefix>.auth.<region>.amazoncognito.com", s.Domain)
	}
	c := *s
	if c.ConsoleRedirectURI == "" {
		c.ConsoleRedirectURI = strings.TrimSuffix(c.RedirectURI, "/") + "/" + ConsolePath
	}
	f.csp = strings.Replace(contentSecurityPolicy, "connect-src 'self'", "connect-src 'self' "+origin, 1)
	f.signInOrigin = origin
	var err error
	f.config, err = json.Marshal(struct {
		Mode string `json:"mode"`
		SignIn
	}{"cognito", c})
	return err
}

// SignInOrigin is the managed login's origin, "" with dev sign-in: the
// console shell served beside the form lets its page call it too.
func (f *Form) SignInOrigin() string { return f.signInOrigin }

// New reads the embedded files once, computes their ETags and makes the
// page.
func New() (*Form, error) {
	f, err := load()
	if err != nil {
		return nil, err
	}
	page, err := f.buildPage()
	if err != nil {
		return nil, err
	}
	f.files["/index.html"] = page
	return f, nil
}

// load reads the embedded files and computes their ETags.
func load() (*Form, error) {
	root, err := fs.Sub(static, "static")
	if err != nil {
		return nil, err
	}
	f := &Form{files: map[string]file{}, config: []byte(`{"mode":"dev"}`), csp: contentSecurityPolicy}
	err = fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(root, p)
		if err != nil {
			return err
		}
		ext := path.Ext(p)
		ct, ok := contentTypes[ext]
		if !ok {
			ct = mime.TypeByExtension(ext)
		}
		sum := sha256.Sum256(b)
		f.files["/"+p] = file{body: b, contentType: ct, etag: `"` + hex.EncodeToString(sum[:8]) + `"`,
			revalidate: ext != ".png" && ext != ".svg"}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// ServeHTTP serves GET and HEAD for the form's files; "/" is index.html.
func (f *Form) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if p == "/" || p == "" {
		p = "/index.html"
	}
	if p == "/config.json" {
		// Unauthenticated: the form reads it before anyone signs in.
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		http.ServeContent(w, r, p, time.Time{}, bytes.NewReader(f.config))
		return
	}
	file, ok := f.files[p]
	if !ok || strings.HasPrefix(p, "/api/") {
		http.NotFound(w, r)
		return
	}
	if p == "/index.html" && f.lazyPage {
		f.pageOnce.Do(func() { f.page, f.pageErr = f.buildPage() })
		if f.pageErr != nil {
			// Not expected: New's tests make the same page from the same
			// embedded files.
			http.Error(w, "the form's page could not be made: "+f.pageErr.Error(), http.StatusInternalServerError)
			return
		}
		file = f.page
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	h := w.Header()
	h.Set("Content-Type", file.contentType)
	h.Set("ETag", file.etag)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if file.revalidate {
		h.Set("Cache-Control", "no-cache")
	} else {
		h.Set("Cache-Control", "public, max-age=86400")
	}
	switch p {
	case "/index.html":
		h.Set("Content-Security-Policy", strings.NewReplacer("script-src 'self'", "script-src 'self'"+file.scriptSrc,
			"style-src 'self'", "style-src 'self'"+file.styleSrc).Replace(f.csp))
	case "/sw.js":
		// The worker lives at the root and controls the whole form.
		h.Set("Service-Worker-Allowed", "/")
	}
	body := file.body
	if file.gzip != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			body = file.gzip
			h.Set("Content-Encoding", "gzip")
			h.Set("ETag", gzipETag(file.etag))
		}
	}
	// ServeContent answers If-None-Match with 304 and handles HEAD.
	http.ServeContent(w, r, p, time.Time{}, bytes.NewReader(body))
}
