package jsonpath

import (
	"encoding/json"
	"strings"
	"testing"
	"touchaudit/internal/asl/jsonvalue"
)

// fuzzPaths seed both fuzz targets with every syntax form the parser knows.
var fuzzPaths = []string{
	"$", "$$", "$.a", "$.a.b[0]", "$['a b']", `$["x"]`, "$.a[-1]", "$[*]", "$.*",
	"$..name", "$..*", "$[1:3]", "$[::2]", "$[::-1]", "$[0,2]", "$['a','b']",
	"$[?(@.price < 10)]", "$[?(@.tags)]", "$[?(@.a == 'x' && @.b != 2 || !(@.c >= 1.5e2))]",
	"$[?(@.a == $.b)]", "$[?(@ == null)]", "$.foo-bar", "$.ünï", "$$.Execution.Id",
	"$.a.", "$[", "$['a", "$[?(", "$[-]", "$.a()", "$[?(@.a[?(@.b)])]",
}

func FuzzParse(f *testing.F) {
	for _, p := range fuzzPaths {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		p, err := Parse(expr)
		if err != nil {
			if !strings.Contains(err.Error(), "position") {
				t.Errorf("error without position: %v", err)
			}
			return
		}
		if p.String() != expr {
			t.Errorf("String() = %q, want %q", p.String(), expr)
		}
		if p.IsReference() && !p.IsDefinite() {
			t.Errorf("%q is a reference path but not definite", expr)
		}
		// Evaluating any parsed path on a small document must not panic.
		doc := jsonvalue.FromGo(map[string]any{"a": []any{json.Number("1"), "x", map[string]any{"b": nil}}, "c": true})
		if _, err := p.Get(doc); err != nil && !p.IsDefinite() {
			t.Errorf("indefinite path %q returned error %v", expr, err)
		}
		if p.IsReference() && !p.Context() {
			if _, err := Set(doc, p, "v"); err == nil {
				if _, err := p.Get(mustSet(t, doc, p)); err != nil {
					t.Errorf("Get after Set(%q) failed: %v", expr, err)
				}
			}
		}
	})
}

func mustSet(t *testing.T, doc any, p *Path) any {
	out, err := Set(doc, p, "v")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func FuzzGet(f *testing.F) {
	docs := []string{
		`{"a":[1,"x",{"b":null}],"c":true}`,
		`[1,[2,[3]],{"k":"v"}]`,
		`{"store":{"book":[{"price":8.95,"tags":["a"]},{"price":12,"isbn":"x"}]}}`,
		`"scalar"`, `null`, `{}`,
	}
	for i, p := range fuzzPaths {
		f.Add(p, docs[i%len(docs)])
	}
	f.Fuzz(func(t *testing.T, expr, doc string) {
		p, err := Parse(expr)
		if err != nil {
			return
		}
		v, err := jsonvalue.Decode([]byte(doc))
		if err != nil {
			return
		}
		before, _ := json.Marshal(v)
		got, err := p.Get(v)
		if !p.IsDefinite() {
			if err != nil {
				t.Fatalf("indefinite path %q: %v", expr, err)
			}
			if _, ok := got.([]any); !ok {
				t.Fatalf("indefinite path %q returned %T", expr, got)
			}
		}
		if p.IsReference() {
			_, _ = Set(v, p, jsonvalue.FromGo(map[string]any{"r": json.Number("1")}))
		}
		after, _ := json.Marshal(v)
		if string(before) != string(after) {
			t.Fatalf("document mutated by %q", expr)
		}
	})
}
