package console

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestPages_ParseOnlyWhatAFragmentCalls(t *testing.T) {
	p, err := newPages(templates, "templates")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.files) != 9 {
		t.Fatalf("%d template files, want 9", len(p.files))
	}
	for name, want := range map[string][]string{
		"reviews":    {"reviews.html"},
		"outbox":     {"outbox.html"},
		"touchpoint": {"history.html", "map.html", "qa.html", "review.html", "touchpoint.html"},
		"report":     {"map.html", "report.html", "review.html"},
	} {
		set, err := p.set(name)
		if err != nil {
			t.Fatal(err)
		}
		var files []string
		for _, tt := range set.Templates() {
			if strings.HasSuffix(tt.Name(), ".html") {
				files = append(files, tt.Name())
			}
		}
		slices.Sort(files)
		if !slices.Equal(files, want) {
			t.Errorf("%s parsed %v, want %v", name, files, want)
		}
		if again, _ := p.set(name); again != set {
			t.Errorf("%s is parsed again", name)
		}
	}
}

func TestPages_RefuseABrokenSetAtStart(t *testing.T) {
	for name, c := range map[string]struct {
		files fstest.MapFS
		want  string
	}{
		"undefined": {fstest.MapFS{"t/a.html": {Data: []byte(`{{define "a"}}{{template "b" .}}{{end}}`)}}, `a.html calls template "b", which no file defines`},
		"twice": {fstest.MapFS{"t/a.html": {Data: []byte(`{{define "a"}}{{end}}`)}, "t/b.html": {Data: []byte(`{{define "a"}}{{end}}`)}},
			`template "a" is defined in a.html and b.html`},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := newPages(c.files, "t"); err == nil || err.Error() != c.want {
				t.Fatalf("newPages: %v, want %q", err, c.want)
			}
		})
	}
	p, err := newPages(fstest.MapFS{"t/a.html": {Data: []byte(`{{define "a"}}{{.Nope}{{end}}`)}}, "t")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.set("a"); err == nil {
		t.Fatal("a template that does not parse was parsed")
	}
	if _, err := p.set("zzz"); err == nil || !strings.Contains(err.Error(), `no template "zzz"`) {
		t.Fatalf("set(zzz): %v", err)
	}
}

func TestTemplateRefs(t *testing.T) {
	src := `{{define "a"}}x{{- template "b" .}}{{ block "c" . }}{{end}}{{templatex "no"}}{{template x}}{{/* define "d" */}}{{end}}{{
	template	"e"}}`
	got := templateRefs(src)
	want := [][2]string{{"define", "a"}, {"template", "b"}, {"block", "c"}, {"template", "e"}}
	if !slices.Equal(got, want) {
		t.Fatalf("templateRefs = %q, want %q", got, want)
	}
}
