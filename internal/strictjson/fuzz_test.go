package strictjson_test

import (
	"encoding/json"
	"reflect"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"

	"touchaudit/internal/audit"
	"touchaudit/internal/strictjson"
)

// FuzzUnmarshal holds the package to its oracle on any input: the same
// verdict as go-json-experiment/json with RejectUnknownMembers, and, for
// a document both accept, the value encoding/json decodes. No panic.
func FuzzUnmarshal(f *testing.F) {
	walk, _ := fixtures(f)
	for _, s := range []string{`{"fileName":"a","size":1}`, `{"labels":{"a":"1"}}`, `{"any":[1,{"b":null}]}`, `[[[]]]`, `{"at":"2026-11-03T09:00:05Z"}`} {
		f.Add([]byte(s))
	}
	f.Add(walk)
	targets := map[string]func() any{
		"upload":     func() any { return new(upload) },
		"submission": func() any { return new(submission) },
		"company":    func() any { return new(audit.Company) },
		"any":        func() any { return new(any) },
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		for name, mk := range targets {
			want := oracleVerdict(jsonv2.Unmarshal(doc, mk(), jsonv2.RejectUnknownMembers(true)))
			v := mk()
			got := ourVerdict(strictjson.Unmarshal(doc, v))
			// Where a truncated document stops being a syntax error
			// first is a matter of wording; both refuse it.
			if got == "unexpected end" {
				got = "syntax"
			}
			if want == "unexpected end" {
				want = "syntax"
			}
			if got != want {
				t.Fatalf("%s %q:\n got  %s\n want %s", name, doc, got, want)
			}
			if got != "ok" {
				continue
			}
			w := mk()
			if err := json.Unmarshal(doc, w); err != nil || !reflect.DeepEqual(v, w) {
				t.Fatalf("%s %q: decoded %+v, encoding/json %+v (%v)", name, doc, v, w, err)
			}
		}
	})
}
