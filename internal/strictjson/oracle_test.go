package strictjson_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"touchaudit/internal/audit"
	"touchaudit/internal/strictjson"
)

// The oracle is go-json-experiment/json with RejectUnknownMembers, which
// this package replaced in the functions (a test-only dependency now): on
// the API's fixtures and thousands of mutations of them, both must refuse
// the same documents with the same class of error at the same place.

// verdict is an error's class and place, as the API reports it.
type verdict string

func oracleVerdict(err error) verdict {
	var sem *jsonv2.SemanticError
	var syn *jsontext.SyntacticError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &syn) && errors.Is(syn.Err, jsontext.ErrDuplicateName):
		return verdict("duplicate " + syn.JSONPointer)
	case errors.As(err, &syn) && errors.Is(syn.Err, io.ErrUnexpectedEOF):
		return "unexpected end"
	case errors.As(err, &syn):
		return "syntax"
	case errors.As(err, &sem) && errors.Is(sem.Err, jsonv2.ErrUnknownName):
		return verdict("unknown " + sem.JSONPointer)
	case errors.As(err, &sem) && sem.JSONKind != 0 && sem.GoType != nil && sem.Err == nil:
		return verdict(fmt.Sprintf("kind %s %s %s", sem.JSONPointer, sem.JSONKind, sem.GoType))
	case errors.As(err, &sem):
		return verdict("value " + sem.JSONPointer)
	}
	return verdict("other " + err.Error())
}

func ourVerdict(err error) verdict {
	var e *strictjson.Error
	if err == nil {
		return "ok"
	} else if !errors.As(err, &e) {
		return verdict("other " + err.Error())
	}
	p := ""
	if len(e.Pointer) > 0 {
		p = "/" + strings.Join(e.Pointer, "/")
	}
	switch {
	case errors.Is(e.Err, strictjson.ErrDuplicateName):
		return verdict("duplicate " + p)
	case errors.Is(e.Err, io.ErrUnexpectedEOF):
		return "unexpected end"
	case e.Syntax:
		return "syntax"
	case errors.Is(e.Err, strictjson.ErrUnknownName):
		return verdict("unknown " + p)
	case e.Err == nil:
		return verdict(fmt.Sprintf("kind %s %s %s", p, e.JSONKind, e.GoType))
	}
	return verdict("value " + p)
}

type submission struct {
	SubmissionID string            `json:"submissionId"`
	ClientSentAt string            `json:"clientSentAt"`
	Walkthrough  audit.Walkthrough `json:"walkthrough"`
}

func agree(t *testing.T, doc []byte, targets map[string]func() any) bool {
	t.Helper()
	for name, mk := range targets {
		want := oracleVerdict(jsonv2.Unmarshal(doc, mk(), jsonv2.RejectUnknownMembers(true)))
		if got := ourVerdict(strictjson.Unmarshal(doc, mk())); got != want {
			t.Errorf("%s %.120q:\n got  %s\n want %s", name, doc, got, want)
			return false
		}
	}
	return true
}

func fixtures(t testing.TB) (walk, company []byte) {
	t.Helper()
	ev, err := os.ReadFile("../../testdata/events/api-submit.json")
	if err != nil {
		t.Fatal(err)
	}
	var e struct{ Body string }
	if err := json.Unmarshal(ev, &e); err != nil {
		t.Fatal(err)
	}
	company, err = os.ReadFile("../../testdata/events/import-company.json")
	if err != nil {
		t.Fatal(err)
	}
	return []byte(e.Body), company
}

func TestOracle_Cases(t *testing.T) {
	targets := map[string]func() any{"upload": func() any { return new(upload) }, "map": func() any { return new(map[string]any) }}
	for _, doc := range []string{
		`{"fileName":"a","size":"1"}`, `{"size":1.5}`, `{"size":1e3}`, `{"small":300}`, `{"small":-129}`, `{"count":-1}`,
		`{"count":18446744073709551616}`, `{"labels":{"a":"1","a":"2"}}`, `{"labels":{"A":"1","a":2}}`, `{"any":{"x":{"y":1,"y":2}}}`,
		`{"extra":{"q":[1,{"z":1,"z":1}]}}`, `{"at":"2026-01-02"}`, `{"at":"wczoraj"}`, `{"at":5}`, `{"at":"2026-11-03T9:00:05Z"}`,
		`{"attachTo":{"step":1}}`, `{"attachTo":{"Step":"x"}}`, `{"attachTo":[]}`, `{"fileName":null}`, `{"size":null}`,
		`{"filename":"x"}`, `{"fileName":"\u00e9"}`, `{"labels":[]}`, `{} `, ` {"fileName":"x"}  `, `{"fileName":"x",}`,
		`{"a/b~":1}`, `{"fileName":"\ud800"}`, `{"fileName":"\udc00x"}`, `{"fileName":"\ud83d\ude00"}`, `{"fileName":"\\ud800"}`,
		`{"fileName":"\ud800\u0041"}`, `{"\ud800":1}`, `{"fileName":"\ufffd"}`, "{\"fileName\":\"\xff\"}", `[1`, `{"fileName":`,
		`{"fileName"`, `{"nope":1,"nope":1}`, `{"day":null}`, `{"dayOrNot":null}`, `{"day":"2026-01-02"}`, `{"day":"x"}`,
		`{"day":5}`, `{"dayOrNot":"2026-02-30"}`, `{"at":null}`, `{"fileName":["a",}`, `{"tags":{"a":}`, `[]`, `null`, `1`, `"x"`, ``,
	} {
		agree(t, []byte(doc), targets)
	}
}

// Random edits of the fixtures: a byte deleted or a piece of JSON
// inserted, once or twice.
func TestOracle_Mutations(t *testing.T) {
	walk, company := fixtures(t)
	targets := map[string]func() any{
		"submission": func() any { return new(submission) },
		"company":    func() any { return new(audit.Company) },
	}
	pieces := []string{`"`, `,`, `:`, `{`, `}`, `[`, `]`, `1`, `"x"`, `null`, `"walkthrough"`, `"key"`, `"id"`, `\`, `\u`,
		`\ud800`, "\xff", " ", `true`, `-`, `"Id"`, `1.5`, `"2026-11-03T9:00:00Z"`}
	r := uint64(1)
	next := func(n int) int { r = r*6364136223846793005 + 1442695040888963407; return int((r >> 33) % uint64(n)) }
	failures := 0
	for _, base := range [][]byte{walk, company} {
		for range 5000 {
			doc := append([]byte(nil), base...)
			for range 1 + next(2) {
				i := next(len(doc))
				if next(3) == 0 {
					doc = append(doc[:i:i], doc[i+1:]...)
				} else {
					doc = append(doc[:i:i], append([]byte(pieces[next(len(pieces))]), doc[i:]...)...)
				}
			}
			if !agree(t, doc, targets) {
				if failures++; failures == 10 {
					t.Fatal("too many disagreements")
				}
			}
		}
	}
}
