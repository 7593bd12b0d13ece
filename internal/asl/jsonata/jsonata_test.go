package jsonata

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	"touchaudit/internal/asl/jsonvalue"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	v, err := jsonvalue.Decode([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestEval_Values(t *testing.T) {
	env := Env{
		States: map[string]any{"input": decode(t, `{"a": null, "n": 3, "items": [1, 2, 3, 4, 5], "s": "x", "empty": []}`)},
		Vars:   map[string]any{"name": "María", "obj": decode(t, `{"k": 1.5, "none": []}`)},
		Now:    time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for _, c := range []struct{ expr, want string }{
		{"{% $states.input.n + 1 %}", `4`},
		{"{% $states.input.a = null %}", `true`},
		{"{% $states.input.a %}", `null`},
		{"{% 1/4 %}", `0.25`},
		{"{% $name %}", `"María"`},
		{"{% $obj.k * 2 %}", `3`},
		{"{% $partition($states.input.items, 2) %}", `[[1,2],[3,4],[5]]`},
		{"{% $range(0, 10, 5) %}", `[0,5,10]`},
		{"{% $hash('input data', 'SHA-1') %}", `"aaff4a450a104cd177d28d18d74485e8cae074b7"`},
		{"{% $parse('{\"a\": [1, true]}') %}", `{"a":[1,true]}`},
		{"{% $now() %}", `"2024-01-01T00:00:00.000Z"`},
		{"{% $millis() %}", `1704067200000`},
		{"{% $random(7) = $random(7) %}", `true`},
		{"{% $length($uuid()) %}", `36`},
		// JSONata 2.0 keeps an empty array at the end of a path.
		{"{% $states.input.empty %}", `[]`},
		{"{% $obj.none %}", `[]`},
		{"{% $count($states.input.empty) %}", `0`},
		{"{% $parse('-0') %}", `0`},
	} {
		t.Run(c.expr, func(t *testing.T) {
			got, err := Eval(c.expr, env)
			if err != nil {
				t.Fatal(err)
			}
			if want := decode(t, c.want); !reflect.DeepEqual(got, want) {
				t.Errorf("got %#v, want %#v", got, want)
			}
		})
	}
}

func TestEval_Errors(t *testing.T) {
	env := Env{States: map[string]any{"input": map[string]any{}}}
	_, err := Eval("{% $states.input.missing %}", env)
	var e *Error
	if !errors.As(err, &e) || !e.Undefined {
		t.Fatalf("undefined: got %v", err)
	}
	if got, want := err.Error(), "The JSONata expression '$states.input.missing' returned nothing (undefined)."; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	if _, err := Eval("{% $hash('x', 'CRC') %}", env); err == nil || errors.As(err, &e) && e.Undefined {
		t.Errorf("bad algorithm: got %v", err)
	}
	if _, err := Eval("{% $assert(1 = 2, 'one is not two') %}", env); err == nil || !strings.Contains(err.Error(), "one is not two") {
		t.Errorf("$assert: got %v", err)
	}
	if err := Check("{% 1 + %}"); err == nil {
		t.Error("Check accepted a syntax error")
	}
	if err := Check("{%  %}"); err == nil {
		t.Error("Check accepted an empty expression")
	}
}

func TestEvalTemplate_NestedExpressions(t *testing.T) {
	env := Env{States: map[string]any{"input": decode(t, `{"title": "Doctor"}`)}, Vars: map[string]any{"customerName": "María"}}
	tpl := decode(t, `{"static": "Hello", "title": "{% $states.input.title %}", "name": "{% $customerName %}", "not-evaluated": "$customerName", "list": ["{% 1+1 %}"]}`)
	got, err := EvalTemplate(tpl, env)
	if err != nil {
		t.Fatal(err)
	}
	want := decode(t, `{"static": "Hello", "title": "Doctor", "name": "María", "not-evaluated": "$customerName", "list": [2]}`)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestEval_KeyOrder pins where an object's key order survives jsonata-go's
// Go maps: a value passed through keeps its input order (AWS prints
// $states.input as it came), an object constructor's literal keys keep the
// constructor's order, and only what jsonata-go builds otherwise is sorted.
func TestEval_KeyOrder(t *testing.T) {
	env := Env{
		States: map[string]any{
			"input":       decode(t, `{"zeta": 1, "alpha": {"Error": "E", "Cause": "C", "b": [{"y": 1, "x": 2}]}, "mid": true}`),
			"errorOutput": decode(t, `{"Error": "Exception", "Cause": "Some exception was raised."}`),
		},
		Vars: map[string]any{"v": decode(t, `{"z": 1, "a": 2}`)},
	}
	for _, c := range []struct{ expr, want string }{
		{"{% $states.input %}", `{"zeta":1,"alpha":{"Error":"E","Cause":"C","b":[{"y":1,"x":2}]},"mid":true}`},
		{"{% $states.input.alpha %}", `{"Error":"E","Cause":"C","b":[{"y":1,"x":2}]}`},
		{"{% $states.input.alpha.b[0] %}", `{"y":1,"x":2}`},
		{"{% $states.errorOutput %}", `{"Error":"Exception","Cause":"Some exception was raised."}`},
		{"{% $v %}", `{"z":1,"a":2}`},
		{"{% [$v, $states.errorOutput] %}", `[{"z":1,"a":2},{"Error":"Exception","Cause":"Some exception was raised."}]`},
		{"{% {'zz': 1, 'aa': {'q': 2, 'b': 3}, 'mm': [{'k': 1, 'c': 2}]} %}", `{"zz":1,"aa":{"q":2,"b":3},"mm":[{"k":1,"c":2}]}`},
		{"{% ( $x := 1; {'second': $x, 'first': $v} ) %}", `{"second":1,"first":{"z":1,"a":2}}`},
		{"{% $parse('{\"b\": 1, \"a\": {\"d\": 2, \"c\": 3}}') %}", `{"b":1,"a":{"d":2,"c":3}}`},
		// Built by jsonata-go with no order to go by: sorted.
		{"{% $merge([{'b': 1}, {'a': 2}]) %}", `{"a":2,"b":1}`},
	} {
		t.Run(c.expr, func(t *testing.T) {
			got, err := Eval(c.expr, env)
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != c.want {
				t.Errorf("got  %s\nwant %s", b, c.want)
			}
		})
	}
}
