package webform

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"regexp"
	"strings"
)

// The page's own files are requested as name?v=<ETag>: index.html is
// rewritten when the form starts so that every module, the import map's
// target of every import, and the stylesheet carry their version. A
// versioned URL names one content for good, so it is cached for a year
// without revalidation (Cache-Control immutable); only the page is
// revalidated, and a deploy still shows at its next load because the new
// page names new versions. The service worker stores them under their
// plain names (sw.js), so the offline form needs no change.

// immutable is the Cache-Control of a versioned URL.
const immutable = "public, max-age=31536000, immutable"

// versionParam is the query parameter that names a file's version.
const versionParam = "v"

// emptyImportMap is index.html's import map as written; New fills it.
const emptyImportMap = `{"imports": {}}`

// version is a file's ETag without its quotes.
func (f file) version() string { return strings.Trim(f.etag, `"`) }

// versioned reports whether r asks for this version of the file.
func versioned(r *http.Request, f file) bool {
	v := r.URL.Query().Get(versionParam)
	return v != "" && v == f.version()
}

// buildPage rewrites index.html with versioned URLs and a filled import
// map, and records the hashes of its inline scripts for its policy.
func (f *Form) buildPage() error {
	page, ok := f.files["/index.html"]
	if !ok {
		return fmt.Errorf("webform: static/index.html is missing")
	}
	// Compiled here, not at package init: a Lambda that never serves the
	// form does not pay for them.
	// pageRef is a module or stylesheet named by index.html; inlineScript a
	// <script> without src, whose text the policy's hash covers.
	pageRef := regexp.MustCompile(`(href|src)="([a-z0-9-]+\.(?:js|css))"`)
	inlineScript := regexp.MustCompile(`(?s)<script(?: type="importmap")?>(.*?)</script>`)
	imports := map[string]string{}
	for p, file := range f.files {
		if path.Ext(p) == ".js" && p != "/sw.js" && path.Dir(p) == "/" {
			imports[p] = p + "?" + versionParam + "=" + file.version()
		}
	}
	// Marshal sorts the keys: the page and its ETag are the same on every start.
	m, err := json.Marshal(map[string]any{"imports": imports})
	if err != nil {
		return err
	}
	html := string(page.body)
	if !strings.Contains(html, emptyImportMap) {
		return fmt.Errorf("webform: index.html has no import map %s to fill", emptyImportMap)
	}
	html = strings.Replace(html, emptyImportMap, string(m), 1)
	var missing []string
	html = pageRef.ReplaceAllStringFunc(html, func(ref string) string {
		sub := pageRef.FindStringSubmatch(ref)
		file, ok := f.files["/"+sub[2]]
		if !ok {
			missing = append(missing, sub[2])
			return ref
		}
		return sub[1] + `="` + sub[2] + "?" + versionParam + "=" + file.version() + `"`
	})
	if len(missing) > 0 {
		return fmt.Errorf("webform: index.html names files that are not in static/: %v", missing)
	}
	var hashes strings.Builder
	for _, s := range inlineScript.FindAllStringSubmatch(html, -1) {
		sum := sha256.Sum256([]byte(s[1]))
		hashes.WriteString(" 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'")
	}
	body := []byte(html)
	sum := sha256.Sum256(body)
	page.body, page.etag, page.scriptSrc = body, `"`+hex.EncodeToString(sum[:8])+`"`, hashes.String()
	f.files["/index.html"] = page
	return nil
}
