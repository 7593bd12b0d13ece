package strictjson_test

import (
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/strictjson"
)

type attach struct {
	Step string `json:"step"`
}

type base struct {
	ID string `json:"id"`
}

type upload struct {
	base
	FileName string            `json:"fileName"`
	Size     *int64            `json:"size"`
	Small    int8              `json:"small"`
	Count    uint              `json:"count"`
	Tags     []string          `json:"tags"`
	Labels   map[string]string `json:"labels"`
	AttachTo *attach           `json:"attachTo"`
	At       time.Time         `json:"at"`
	Extra    json.RawMessage   `json:"extra"`
	Any      any               `json:"any"`
	Day      audit.Date        `json:"day"`
	DayOrNot *audit.Date       `json:"dayOrNot"`
	Skipped  string            `json:"-"`
	Untagged string
	Pair     [2]int `json:"pair"`
}

// Each rule encoding/json does not keep, and the ones it does, with where
// the error points.
func TestUnmarshal_Refuses(t *testing.T) {
	cases := []struct {
		name, doc string
		pointer   string // "/"-joined
		is        error
		syntax    bool
		kind      strictjson.Kind
	}{
		{"duplicate name", `{"fileName":"a","fileName":"b"}`, "fileName", strictjson.ErrDuplicateName, true, 0},
		{"duplicate name in a map", `{"labels":{"x":"1","x":"2"}}`, "labels/x", strictjson.ErrDuplicateName, true, 0},
		{"duplicate name in any", `{"any":[{"q":1,"q":1}]}`, "any/0/q", strictjson.ErrDuplicateName, true, 0},
		{"duplicate name in raw JSON", `{"extra":{"q":1,"q":1}}`, "extra/q", strictjson.ErrDuplicateName, true, 0},
		{"unknown member", `{"fileName":"a","bucket":"x"}`, "bucket", strictjson.ErrUnknownName, false, 0},
		{"unknown member deep", `{"attachTo":{"step":"s","criterion":"c"}}`, "attachTo/criterion", strictjson.ErrUnknownName, false, 0},
		{"wrong-case member", `{"FileName":"a"}`, "FileName", strictjson.ErrUnknownName, false, 0},
		{"wrong-case embedded member", `{"Id":"a"}`, "Id", strictjson.ErrUnknownName, false, 0},
		{"a field left out by its tag", `{"Skipped":"a"}`, "Skipped", strictjson.ErrUnknownName, false, 0},
		{"an unknown name before its duplicate", `{"nope":1,"nope":1}`, "nope", strictjson.ErrUnknownName, false, 0},
		{"invalid UTF-8 in a value", "{\"fileName\":\"a\xff\"}", "fileName", strictjson.ErrInvalidUTF8, true, 0},
		{"invalid UTF-8 in a name", "{\"labels\":{\"\xc5\":\"1\"}}", "labels", strictjson.ErrInvalidUTF8, true, 0},
		{"a lone surrogate", `{"fileName":"\ud800"}`, "fileName", strictjson.ErrInvalidUTF8, true, 0},
		{"a lone low surrogate", `{"fileName":"x\udc00"}`, "fileName", strictjson.ErrInvalidUTF8, true, 0},
		{"a string for a number", `{"size":"10"}`, "size", nil, false, '"'},
		{"an array for a string", `{"fileName":["a"]}`, "fileName", nil, false, '['},
		{"an object for a struct's array", `{"tags":{}}`, "tags", nil, false, '{'},
		{"a bool for a struct", `{"attachTo":true}`, "attachTo", nil, false, 't'},
		{"an array for the document", `[]`, "", nil, false, '['},
		{"a number for a time", `{"at":5}`, "at", nil, false, '0'},
		{"truncated", `{"fileName":"a"`, "", io.ErrUnexpectedEOF, true, 0},
		{"trailing data", `{"fileName":"a"} {}`, "", nil, true, 0},
		{"malformed", `{"fileName":}`, "fileName", nil, true, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var v upload
			err := strictjson.Unmarshal([]byte(c.doc), &v)
			var e *strictjson.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want a *strictjson.Error", err)
			}
			if got := strings.Join(e.Pointer, "/"); got != c.pointer {
				t.Errorf("pointer %q, want %q (%v)", got, c.pointer, err)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("err = %v, want %v", err, c.is)
			}
			if e.Syntax != c.syntax {
				t.Errorf("syntax %v, want %v (%v)", e.Syntax, c.syntax, err)
			}
			if e.JSONKind != c.kind || (c.kind != 0) != (e.GoType != nil && e.Err == nil) {
				t.Errorf("kind %q type %v err %v, want kind %q", e.JSONKind, e.GoType, e.Err, c.kind)
			}
			if !reflect.DeepEqual(v, upload{}) {
				t.Errorf("v = %+v, want it untouched", v)
			}
		})
	}
}

// A value's own decoding error names the value: a number out of its
// type's range, a time RFC 3339 does not allow although time.Parse does.
func TestUnmarshal_RefusesValues(t *testing.T) {
	for name, doc := range map[string]string{
		"int8 overflow":         `{"small":128}`,
		"negative uint":         `{"count":-1}`,
		"fraction for an int":   `{"small":1.5}`,
		"one-digit hour":        `{"at":"2026-11-03T9:00:05+01:00"}`,
		"comma before fraction": `{"at":"2026-11-03T09:00:05,5Z"}`,
		"zone hour 24":          `{"at":"2026-11-03T09:00:05+24:00"}`,
		"no time":               `{"at":"wczoraj"}`,
		"array too long":        `{"pair":[1,2,3]}`,
		"array too short":       `{"pair":[1]}`,
		"empty array":           `{"pair":[]}`,
	} {
		t.Run(name, func(t *testing.T) {
			var v upload
			err := strictjson.Unmarshal([]byte(doc), &v)
			var e *strictjson.Error
			if !errors.As(err, &e) || e.Syntax || e.Err == nil || len(e.Pointer) != 1 {
				t.Errorf("err = %#v, want a value error at one member", err)
			}
		})
	}
}

func TestUnmarshal_Decodes(t *testing.T) {
	doc := `{"id":"u1","fileName":"zdjęcie \ud83d\ude00.jpg","size":10,"small":-128,"count":3,"tags":["a"],"labels":{"pl":"x"},
	 "attachTo":{"step":"s"},"at":"2026-11-03T09:00:05.5+01:00","extra":{"k":[1,2]},"any":null,"Untagged":"u"}`
	var v upload
	if err := strictjson.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatal(err)
	}
	var want upload
	if err := json.Unmarshal([]byte(doc), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("got %+v, want %+v", v, want)
	}
	if v.FileName != "zdjęcie 😀.jpg" || *v.Size != 10 || v.ID != "u1" {
		t.Errorf("got %+v", v)
	}
}

// Nesting deeper than encoding/json's and go-json-experiment/json's 10000
// levels is a syntax error found by the walk, wherever it is: the walk
// recurses per level, and a 512 KiB body of '[' would otherwise grow its
// stack to hundreds of MB, past the function's memory (the stack is
// capped here so that such a walk fails the test).
func TestUnmarshal_RefusesDeepNesting(t *testing.T) {
	defer debug.SetMaxStack(debug.SetMaxStack(64 << 20))
	nest := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	for name, doc := range map[string]string{
		"in any":       `{"any":` + nest(10001) + `}`,
		"in raw JSON":  `{"extra":` + nest(10001) + `}`,
		"for a string": `{"fileName":` + nest(10001) + `}`,
		"objects":      `{"any":` + strings.Repeat(`{"a":`, 10001) + `1` + strings.Repeat(`}`, 10001) + `}`,
		"unterminated": `{"any":` + strings.Repeat("[", 1<<19),
	} {
		t.Run(name, func(t *testing.T) {
			err := strictjson.Unmarshal([]byte(doc), new(upload))
			var e *strictjson.Error
			if !errors.As(err, &e) || !e.Syntax || !strings.Contains(err.Error(), "exceeded max depth") {
				t.Errorf("err = %.200v, want a syntax error: exceeded max depth", err)
			}
		})
	}
	// Where a name belongs, any syntax error will do.
	for name, doc := range map[string]string{
		"as a name":           `{` + nest(1<<18) + `:1}`,
		"unterminated object": strings.Repeat("{", 1<<19),
	} {
		t.Run(name, func(t *testing.T) {
			err := strictjson.Unmarshal([]byte(doc), new(upload))
			var e *strictjson.Error
			if !errors.As(err, &e) || !e.Syntax {
				t.Errorf("err = %.200v, want a syntax error", err)
			}
		})
	}
	var v any
	if err := strictjson.Unmarshal([]byte(nest(10000)), &v); err != nil {
		t.Errorf("10000 levels: %.200v", err)
	}
}

// A Go array of the JSON array's length decodes.
func TestUnmarshal_DecodesAnArrayOfItsLength(t *testing.T) {
	var v upload
	if err := strictjson.Unmarshal([]byte(`{"pair":[4,5]}`), &v); err != nil || v.Pair != [2]int{4, 5} {
		t.Fatalf("pair %v, err %v", v.Pair, err)
	}
}
