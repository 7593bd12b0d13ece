package webform

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// The page a phone loads is index.html with the form's code in it: when the
// page is made (New, or the first request for it in the form HandlerWith
// makes), the stylesheet becomes an inline <style> and app.js with the
// modules it imports one inline module script (bundle). On a slow
// connection this takes a round trip out of the first visit: the code
// arrives with the page and is compiled while the early script's requests
// for the list are on the way, instead of arriving with their answers. The
// files stay served one by one too (the service worker's shell, the lead
// console's /auth.js), and the Content-Security-Policy allows the page's
// inline script and style by their hashes, computed here.

// syntax is the module files' import and export statements, the only forms
// they use: a line that starts with import or export in another form stops
// the page from being made, naming the line. Compiled when the page is made,
// not at package init: the functions that import this package for SignIn
// alone do not pay for them.
type syntax struct{ importNamed, importAll, exportDecl, exportList *regexp.Regexp }

func moduleSyntax() syntax {
	return syntax{
		importNamed: regexp.MustCompile(`^import \{([^}]*)\} from '\./([a-z0-9-]+\.js)';$`),
		importAll:   regexp.MustCompile(`^import \* as ([A-Za-z_$][\w$]*) from '\./([a-z0-9-]+\.js)';$`),
		exportDecl:  regexp.MustCompile(`^export ((?:async )?function\*? |class |const |let )([A-Za-z_$][\w$]*)`),
		exportList:  regexp.MustCompile(`^export \{([^}]*)\};$`),
	}
}

// bundle joins entry and the modules it imports, each once and before its
// importers, into one script: each module's body runs in its own function
// and returns its exports; an import takes them from there. An exported let
// is read once when its module has run (the form's modules export none that
// change).
func bundle(files map[string]file, entry string) (string, error) {
	syn := moduleSyntax()
	var out strings.Builder
	done := map[string]bool{}
	var add func(name string, from []string) error
	add = func(name string, from []string) error {
		if done[name] {
			return nil
		}
		for _, f := range from {
			if f == name {
				return fmt.Errorf("webform: %s imports itself through %v", name, from)
			}
		}
		f, ok := files["/"+name]
		if !ok {
			return fmt.Errorf("webform: %s imports %s, which is not in static/", from[len(from)-1], name)
		}
		var body strings.Builder
		var exports []string
		lines := strings.Split(string(f.body), "\n")
		strip := !multilineTemplate(lines)
		for i, line := range lines {
			switch {
			case strip && strings.HasPrefix(strings.TrimSpace(line), "//"):
				continue // a comment line: a sixth of the bytes a phone downloads
			case strings.HasPrefix(line, "import "):
				if m := syn.importNamed.FindStringSubmatch(line); m != nil {
					if err := add(m[2], append(from, name)); err != nil {
						return err
					}
					line = "const {" + strings.ReplaceAll(m[1], " as ", ": ") + "} = " + moduleVar(m[2]) + ";"
				} else if m := syn.importAll.FindStringSubmatch(line); m != nil {
					if err := add(m[2], append(from, name)); err != nil {
						return err
					}
					line = "const " + m[1] + " = " + moduleVar(m[2]) + ";"
				} else {
					return fmt.Errorf("webform: %s:%d: an import the page's bundle does not take: %s", name, i+1, line)
				}
			case strings.HasPrefix(line, "export "):
				if m := syn.exportDecl.FindStringSubmatch(line); m != nil {
					exports = append(exports, m[2])
					line = strings.TrimPrefix(line, "export ")
				} else if m := syn.exportList.FindStringSubmatch(line); m != nil {
					for _, e := range strings.Split(m[1], ",") {
						local, as, ok := strings.Cut(strings.TrimSpace(e), " as ")
						if ok {
							exports = append(exports, as+": "+local)
						} else {
							exports = append(exports, local)
						}
					}
					line = ""
				} else {
					return fmt.Errorf("webform: %s:%d: an export the page's bundle does not take: %s", name, i+1, line)
				}
			}
			body.WriteString(line + "\n")
		}
		fmt.Fprintf(&out, "// %s\nconst %s = (() => {\n%sreturn { %s };\n})();\n", name, moduleVar(name), body.String(), strings.Join(exports, ", "))
		done[name] = true
		return nil
	}
	if err := add(entry, nil); err != nil {
		return "", err
	}
	return out.String(), nil
}

// moduleVar names a module's exports in the bundle: db.js is __db.
func moduleVar(name string) string {
	return "__" + strings.NewReplacer("-", "_", ".js", "").Replace(name)
}

// The page's references that buildPage replaces with the files' text.
const (
	stylesheetRef = `<link rel="stylesheet" href="style.css">`
	entryRef      = `<script type="module" src="app.js"></script>`
)

// buildPage puts the stylesheet and the bundled modules into index.html and
// records the hashes of its inline scripts and style for its policy. It
// only reads f.files.
func (f *Form) buildPage() (file, error) {
	page, ok := f.files["/index.html"]
	if !ok {
		return file{}, fmt.Errorf("webform: static/index.html is missing")
	}
	html := string(page.body)
	css, ok := f.files["/style.css"]
	if !ok || !strings.Contains(html, stylesheetRef) || !strings.Contains(html, entryRef) {
		return file{}, fmt.Errorf("webform: index.html must link style.css and app.js as %s and %s", stylesheetRef, entryRef)
	}
	js, err := bundle(f.files, "app.js")
	if err != nil {
		return file{}, err
	}
	// Text that would end the element early, or open an HTML comment in a
	// script, cannot be put inline.
	if containsFold(js, "</script") || strings.Contains(js, "<!--") || containsFold(string(css.body), "</style") {
		return file{}, fmt.Errorf("webform: the modules or style.css contain text that cannot be inline (</script, <!-- or </style)")
	}
	html = strings.Replace(html, stylesheetRef, "<style>"+string(css.body)+"</style>", 1)
	html = strings.Replace(html, entryRef, `<script type="module">`+js+"</script>", 1)
	page.scriptSrc = hashes(html, []string{"<script>", `<script type="module">`}, "</script>")
	page.styleSrc = hashes(html, []string{"<style>"}, "</style>")
	body := []byte(html)
	sum := sha256.Sum256(body)
	page.body, page.etag = body, `"`+hex.EncodeToString(sum[:8])+`"`
	early := strings.Index(html, "</script>")
	if early < 0 {
		return file{}, fmt.Errorf("webform: index.html has no early script")
	}
	page.sum = sum
	if page.gzip = embeddedPageGzip(sum); page.gzip == nil {
		if page.gzip, err = gzipFlushed(body, early+len("</script>")); err != nil {
			return file{}, err
		}
	}
	return page, nil
}

// gzipFlushed compresses b with a flush after its first n bytes: a browser
// can decompress, parse and run the page's early script as soon as that
// part arrives, instead of waiting for the compressor's first block (most of
// the page). Brotli would be a tenth smaller, but its package would be
// linked into every Lambda function that imports this one.
func gzipFlushed(b []byte, n int) ([]byte, error) {
	var out bytes.Buffer
	w, err := gzip.NewWriterLevel(&out, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	for _, part := range [][]byte{b[:n], b[n:]} {
		if _, err := w.Write(part); err != nil {
			return nil, err
		}
		if err := w.Flush(); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// gzipETag is the page's ETag when gzip-compressed. Not "-gz": the
// compressing wrapper the API puts around the form (compress.Handler)
// strips that suffix from If-None-Match before the form sees it.
func gzipETag(etag string) string { return strings.TrimSuffix(etag, `"`) + `+gzip"` }

// acceptsGzip reports whether r's Accept-Encoding allows gzip (q=0 refuses).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			v, ok := strings.CutPrefix(strings.ReplaceAll(strings.TrimSpace(params), " ", ""), "q=")
			q, err := strconv.ParseFloat(v, 64)
			return !ok || err != nil || q > 0
		}
	}
	return false
}

// containsFold reports whether s contains sub (which starts with '<'),
// ignoring case, without lowering a copy of s (the bundle is 150 kB).
func containsFold(s, sub string) bool {
	for i := strings.IndexByte(s, '<'); i >= 0; {
		if len(s)-i >= len(sub) && strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
		next := strings.IndexByte(s[i+1:], '<')
		if next < 0 {
			return false
		}
		i += 1 + next
	}
	return false
}

// hashes lists the CSP hash sources (" 'sha256-…'") of the elements in
// html that open with one of opens and close with the first close after:
// the inline scripts (<script> or <script type="module">) or styles.
// Searched as text, not by a regexp: over the 150 kB page a regexp took
// 8 ms of the api function's cold start.
func hashes(html string, opens []string, close string) string {
	var b strings.Builder
	for {
		at, open := -1, ""
		for _, o := range opens {
			if i := strings.Index(html, o); i >= 0 && (at < 0 || i < at) {
				at, open = i, o
			}
		}
		if at < 0 {
			return b.String()
		}
		text, rest, ok := strings.Cut(html[at+len(open):], close)
		if !ok {
			return b.String()
		}
		sum := sha256.Sum256([]byte(text))
		b.WriteString(" 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'")
		html = rest
	}
}

// multilineTemplate reports whether a template literal may span lines (a
// line, not counting a comment line, with an odd number of backquotes): a
// line inside one that starts with // is text, not a comment, so such a
// module keeps its comment lines.
func multilineTemplate(lines []string) bool {
	for _, l := range lines {
		if !strings.HasPrefix(strings.TrimSpace(l), "//") && strings.Count(l, "`")%2 == 1 {
			return true
		}
	}
	return false
}
