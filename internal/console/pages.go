package console

import (
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
)

// pages parses the console's templates when a fragment first needs them,
// and then only the files that fragment's templates are defined in: a
// function instance that answers the review list or an export parses none,
// and the first fragment of a cold start parses its own few. (Parsing all
// nine files took two thirds of the console function's 4 ms start; README
// "Measured".) New still reads every file and checks that every template
// called is defined.
type pages struct {
	files map[string]string   // file → source
	defs  map[string]string   // template name → the file defining it
	calls map[string][]string // file → the template names it calls

	mu   sync.Mutex
	sets map[string]*template.Template // by the template executed
}

// templateRefs finds the {{define "x"}}, {{block "x" …}} and
// {{template "x" …}} actions of src: their keyword and name. (A scan, not
// a regexp: this runs at every cold start, and the regexp took 0.6 ms.)
func templateRefs(src string) (refs [][2]string) {
	for {
		i := strings.Index(src, "{{")
		if i < 0 {
			return refs
		}
		src = strings.TrimLeft(strings.TrimPrefix(src[i+2:], "-"), " \t\r\n")
		for _, kind := range []string{"define", "block", "template"} {
			rest, ok := strings.CutPrefix(src, kind)
			if !ok {
				continue
			}
			trimmed := strings.TrimLeft(rest, " \t\r\n")
			if len(trimmed) == len(rest) || !strings.HasPrefix(trimmed, `"`) {
				break
			}
			if name, _, ok := strings.Cut(trimmed[1:], `"`); ok && name != "" {
				refs = append(refs, [2]string{kind, name})
			}
			break
		}
	}
}

func newPages(fsys fs.FS, dir string) (*pages, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	p := &pages{files: map[string]string{}, defs: map[string]string{}, calls: map[string][]string{}, sets: map[string]*template.Template{}}
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".html" {
			continue
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		file := e.Name()
		p.files[file] = string(b)
		for _, m := range templateRefs(string(b)) {
			kind, name := m[0], m[1]
			if kind != "template" {
				if other, dup := p.defs[name]; dup {
					return nil, fmt.Errorf("template %q is defined in %s and %s", name, other, file)
				}
				p.defs[name] = file
			}
			if kind != "define" && !slices.Contains(p.calls[file], name) {
				p.calls[file] = append(p.calls[file], name)
			}
		}
	}
	for file, names := range p.calls {
		for _, n := range names {
			if _, ok := p.defs[n]; !ok {
				return nil, fmt.Errorf("%s calls template %q, which no file defines", file, n)
			}
		}
	}
	return p, nil
}

// set is the template set that executes name: its file and the files of
// every template it calls, transitively, parsed once.
func (p *pages) set(name string) (*template.Template, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t, ok := p.sets[name]; ok {
		return t, nil
	}
	first, ok := p.defs[name]
	if !ok {
		return nil, fmt.Errorf("no template %q", name)
	}
	need := []string{first}
	for i := 0; i < len(need); i++ {
		for _, n := range p.calls[need[i]] {
			if f := p.defs[n]; !slices.Contains(need, f) {
				need = append(need, f)
			}
		}
	}
	slices.Sort(need)
	t := template.New("console").Funcs(funcs)
	for _, f := range need {
		if _, err := t.New(f).Parse(p.files[f]); err != nil {
			return nil, err
		}
	}
	p.sets[name] = t
	return t, nil
}
