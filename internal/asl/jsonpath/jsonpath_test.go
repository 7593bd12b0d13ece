package jsonpath

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"touchaudit/internal/asl/jsonvalue"

	"touchaudit/internal/asl/internal/jsontest"
)

// store is the classic Goessner/Jayway example document.
const store = `{
  "store": {
    "book": [
      {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},
      {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
      {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
      {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}
    ],
    "bicycle": {"color": "red", "price": 19.95}
  },
  "expensive": 10,
  "a b": {"c": 1},
  "foo-bar": "dash",
  "ünï": "code",
  "flags": [true, false, null, 0, "x"]
}`

func TestPath_GetDefinite(t *testing.T) {
	doc := jsontest.Decode(t, store)
	tests := []struct {
		name, path, want string
	}{
		{"root", "$", jsontest.Encode(t, doc)},
		{"member", "$.expensive", `10`},
		{"nested", "$.store.bicycle.color", `"red"`},
		{"bracket single quote", "$['store']['bicycle']['price']", `19.95`},
		{"bracket double quote", `$["store"]["bicycle"]`, `{"color":"red","price":19.95}`},
		{"bracket with space", "$['a b'].c", `1`},
		{"dot then bracket as documented", "$.['a b'].c", `1`},
		{"dash in name", "$.foo-bar", `"dash"`},
		{"unicode name", "$.ünï", `"code"`},
		{"index", "$.store.book[0].author", `"Nigel Rees"`},
		{"negative index", "$.store.book[-1].title", `"The Lord of the Rings"`},
		{"null element", "$.flags[2]", `null`},
		{"false element", "$.flags[1]", `false`},
		{"multi property leaf merges", "$.store.bicycle['color','price']", `{"color":"red","price":19.95}`},
		{"multi property skips missing", "$.store.bicycle['color','nope']", `{"color":"red"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(tc.path)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.path, err)
			}
			if !p.IsDefinite() {
				t.Fatalf("IsDefinite(%q) = false", tc.path)
			}
			got, err := p.Get(doc)
			if err != nil {
				t.Fatalf("Get(%q): %v", tc.path, err)
			}
			if g := jsontest.Encode(t, got); g != tc.want {
				t.Errorf("Get(%q) = %s, want %s", tc.path, g, tc.want)
			}
		})
	}
}

func TestPath_GetIndefinite(t *testing.T) {
	doc := jsontest.Decode(t, store)
	tests := []struct {
		name, path, want string
	}{
		{"wildcard authors", "$.store.book[*].author", `["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]`},
		{"deep scan", "$..author", `["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]`},
		// Jayway walks objects in document order (its maps are LinkedHashMaps).
		{"deep scan price in document order", "$.store..price", `[8.95,12.99,8.99,22.99,19.95]`},
		{"dot wildcard on object", "$.store.bicycle.*", `["red",19.95]`},
		{"bracket wildcard on object", "$.store.bicycle[*]", `["red",19.95]`},
		{"union of indices", "$.store.book[0,2].title", `["Sayings of the Century","Moby Dick"]`},
		{"union of names in selector order", "$.store.book[0]['title','price']", `{"title":"Sayings of the Century","price":8.95}`},
		{"union of names not leaf", "$['store','expensive'].bicycle.color", `["red"]`},
		{"slice", "$.store.book[1:3].title", `["Sword of Honour","Moby Dick"]`},
		{"slice open start", "$.store.book[:2].title", `["Sayings of the Century","Sword of Honour"]`},
		{"slice negative start", "$.store.book[-2:].title", `["Moby Dick","The Lord of the Rings"]`},
		{"slice step", "$.store.book[::2].title", `["Sayings of the Century","Moby Dick"]`},
		{"slice negative step", "$.store.book[::-1].price", `[22.99,8.99,12.99,8.95]`},
		{"slice clamped", "$.store.book[2:100].price", `[8.99,22.99]`},
		{"filter less than", "$.store.book[?(@.price < 10)].title", `["Sayings of the Century","Moby Dick"]`},
		{"filter existence", "$.store.book[?(@.isbn)].title", `["Moby Dick","The Lord of the Rings"]`},
		{"filter string equality", "$.store.book[?(@.category == 'reference')].author", `["Nigel Rees"]`},
		{"filter double-quoted string", `$.store.book[?(@.author == "Herman Melville")].price`, `[8.99]`},
		{"filter not equal", "$.store.book[?(@.category != 'fiction')].price", `[8.95]`},
		{"filter and", "$.store.book[?(@.price > 8.96 && @.price <= 12.99)].price", `[12.99,8.99]`},
		{"filter or", "$.store.book[?(@.price < 9 || @.price >= 22.99)].price", `[8.95,8.99,22.99]`},
		{"filter parenthesised", "$.store.book[?((@.price < 9) && !(@.isbn))].price", `[8.95]`},
		{"filter against root", "$.store.book[?(@.price > $.expensive)].price", `[12.99,22.99]`},
		{"filter boolean literal", "$.flags[?(@ == true)]", `[true]`},
		{"filter null literal", "$.flags[?(@ == null)]", `[null]`},
		{"filter number equals numeric string", "$.flags[?(@ == '0')]", `[0]`},
		{"filter on object tests the object", "$.store.bicycle[?(@.color == 'red')].price", `[19.95]`},
		{"not equal includes items missing the member", "$.store.book[?(@.isbn != '0-553-21311-3')].price", `[8.95,12.99,22.99]`},
		{"nested filter as existence", "$.store.book[?(@.title[?(@ == 'x')])]", `[]`},
		{"deep scan then slice", "$..book[-1:].price", `[22.99]`},
		{"filter without spaces", "$.store.book[?(@.price<9)].price", `[8.95,8.99]`},
		{"no match is empty", "$.store.book[?(@.price > 100)]", `[]`},
		{"missing under wildcard is skipped", "$.store.book[*].isbn", `["0-553-21311-3","0-395-19395-8"]`},
		{"index out of range is skipped", "$.store.book[0,10].price", `[8.95]`},
		{"deep scan index", "$..book[2].title", `["Moby Dick"]`},
		{"deep wildcard of small doc", "$.store.bicycle..*", `["red",19.95]`},
		{"deep scan with bracket", "$..['color']", `["red"]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(tc.path)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.path, err)
			}
			got, err := p.Get(doc)
			if err != nil {
				t.Fatalf("Get(%q): %v", tc.path, err)
			}
			if g := jsontest.Encode(t, got); g != tc.want {
				t.Errorf("Get(%q) = %s, want %s", tc.path, g, tc.want)
			}
		})
	}
}

func TestPath_GetNotFound(t *testing.T) {
	doc := jsontest.Decode(t, `{"a": {"b": [1, 2]}, "s": "text", "n": null}`)
	tests := []struct {
		name, path, missing string
	}{
		{"missing member", "$.x", "$['x']"},
		{"missing nested member", "$.a.c", "$['a']['c']"},
		{"member of array", "$.a.b.c", "$['a']['b']['c']"},
		{"member of string", "$.s.length", "$['s']['length']"},
		{"member of null", "$.n.x", "$['n']['x']"},
		{"index out of range", "$.a.b[2]", "$['a']['b'][2]"},
		{"negative index out of range", "$.a.b[-3]", "$['a']['b'][-3]"},
		{"index of object", "$.a[0]", "$['a'][0]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := MustParse(tc.path).Get(doc)
			var nf *NotFoundError
			if !errors.As(err, &nf) {
				t.Fatalf("Get(%q) error = %v, want *NotFoundError", tc.path, err)
			}
			if nf.Path != tc.path || nf.Missing != tc.missing {
				t.Errorf("Get(%q) = %+v, want Missing %q", tc.path, nf, tc.missing)
			}
			if !strings.Contains(err.Error(), tc.path) {
				t.Errorf("message %q does not name the path", err.Error())
			}
		})
	}
}

func TestParse_Errors(t *testing.T) {
	tests := []struct {
		name, path, msg string
	}{
		{"empty", "", "must start with '$'"},
		{"no dollar", "a.b", "must start with '$'"},
		{"trailing dot", "$.", "must not end with '.'"},
		{"double dot at end", "$..", "must not end with '.'"},
		{"unclosed bracket", "$['a'", "unclosed '['"},
		{"unterminated string", "$['a", "unterminated string"},
		{"garbage after root", "$-", "unexpected character '-'"},
		{"empty brackets", "$[]", "unexpected character ']' in brackets"},
		{"function", "$.a.length()", "not supported"},
		{"bad filter", "$[?(@.a <)]", "filter"},
		{"filter without parens", "$[?@.a]", "expected '(' after '?'"},
		{"zero step", "$[::0]", "step must not be zero"},
		{"dangling minus", "$[-]", "expected digits"},
		{"unclosed filter", "$[?(@.a == 1]", "filter"},
		{"regex unsupported", "$[?(@.a =~ /x/)]", "unsupported filter operator"},
		{"space in member", "$.a b", "unexpected character ' '"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.path)
			if err == nil {
				t.Fatalf("Parse(%q) succeeded, want error", tc.path)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error %T, want *SyntaxError", tc.path, err)
			}
			if !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), "position") {
				t.Errorf("Parse(%q) error %q, want it to mention %q and a position", tc.path, err, tc.msg)
			}
		})
	}
}

func TestPath_Classification(t *testing.T) {
	tests := []struct {
		path                string
		reference, definite bool
	}{
		{"$", true, true},
		{"$.a.b", true, true},
		{"$['a b'][0]", true, true},
		{"$.a[-1]", true, true},
		{"$.a[*]", false, false},
		{"$.*", false, false},
		{"$..a", false, false},
		{"$.a[0,1]", false, false},
		{"$.a[1:2]", false, false},
		{"$.a[?(@.x)]", false, false},
		{"$['a','b']", false, true},
		{"$['a','b'].c", false, false},
		{"$$.Execution.Id", true, true},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			p := MustParse(tc.path)
			if got := p.IsReference(); got != tc.reference {
				t.Errorf("IsReference() = %v, want %v", got, tc.reference)
			}
			if got := p.IsDefinite(); got != tc.definite {
				t.Errorf("IsDefinite() = %v, want %v", got, tc.definite)
			}
			if p.String() != tc.path {
				t.Errorf("String() = %q, want %q", p.String(), tc.path)
			}
		})
	}
}

func TestPath_Context(t *testing.T) {
	ctx := jsontest.Decode(t, `{"Execution": {"Id": "arn:exec", "Input": {"k": 1}}, "Map": {"Item": {"Index": 3}}}`)
	tests := []struct {
		path, want string
	}{
		{"$$", jsontest.Encode(t, ctx)},
		{"$$.Execution.Id", `"arn:exec"`},
		{"$$.Map.Item.Index", `3`},
		{"$$['Execution']['Input'].k", `1`},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			p := MustParse(tc.path)
			if !p.Context() {
				t.Fatalf("Context() = false")
			}
			got, err := p.Get(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if g := jsontest.Encode(t, got); g != tc.want {
				t.Errorf("Get = %s, want %s", g, tc.want)
			}
		})
	}
	if MustParse("$.Execution").Context() {
		t.Error("$.Execution reported as a context path")
	}
}

func TestPath_GetGoNumbers(t *testing.T) {
	doc := jsonvalue.FromGo(map[string]any{"items": []any{
		map[string]any{"n": 1},
		map[string]any{"n": int64(5)},
		map[string]any{"n": 2.5},
		map[string]any{"n": json.Number("7")},
	}})
	got, err := MustParse("$.items[?(@.n > 2)].n").Get(doc)
	if err != nil {
		t.Fatal(err)
	}
	if g := jsontest.Encode(t, got); g != `[5,2.5,7]` {
		t.Errorf("got %s", g)
	}
}

func TestSet_ResultPath(t *testing.T) {
	tests := []struct {
		name, doc, path, value, want string
	}{
		{"root replaces", `{"a":1}`, "$", `{"r":true}`, `{"r":true}`},
		{"root replaces scalar", `"x"`, "$", `2`, `2`},
		{"adds member", `{"a":1}`, "$.b", `2`, `{"a":1,"b":2}`},
		{"overwrites member", `{"a":1}`, "$.a", `[1]`, `{"a":[1]}`},
		{"creates intermediates", `{"a":1}`, "$.x.y.z", `"v"`, `{"a":1,"x":{"y":{"z":"v"}}}`},
		{"into existing object", `{"x":{"k":1}}`, "$.x.y", `null`, `{"x":{"k":1,"y":null}}`},
		{"bracket name", `{}`, "$['a b']", `1`, `{"a b":1}`},
		{"array element", `{"l":[1,2,3]}`, "$.l[1]", `"two"`, `{"l":[1,"two",3]}`},
		{"negative array element", `{"l":[1,2,{}]}`, "$.l[-1].x", `0`, `{"l":[1,2,{"x":0}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := jsontest.Decode(t, tc.doc)
			before := jsontest.Encode(t, doc)
			got, err := Set(doc, MustParse(tc.path), jsontest.Decode(t, tc.value))
			if err != nil {
				t.Fatalf("Set: %v", err)
			}
			if g := jsontest.Encode(t, got); g != tc.want {
				t.Errorf("Set = %s, want %s", g, tc.want)
			}
			if after := jsontest.Encode(t, doc); after != before {
				t.Errorf("input mutated: %s -> %s", before, after)
			}
		})
	}
}

func TestSet_Errors(t *testing.T) {
	tests := []struct {
		name, doc, path string
	}{
		{"through string", `{"a":"s"}`, "$.a.b"},
		{"through number", `{"a":1}`, "$.a.b"},
		{"through null", `{"a":null}`, "$.a.b"},
		{"through array by name", `{"a":[]}`, "$.a.b"},
		{"root not object", `[1,2]`, "$.a"},
		{"root string", `"s"`, "$.a"},
		{"index out of range", `{"a":[1]}`, "$.a[3]"},
		{"index into object", `{"a":{}}`, "$.a[0]"},
		{"not reference", `{"a":[1]}`, "$.a[*]"},
		{"filter", `{"a":[1]}`, "$.a[?(@ > 0)]"},
		{"context", `{}`, "$$.Execution"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Set(jsontest.Decode(t, tc.doc), MustParse(tc.path), "v"); err == nil {
				t.Errorf("Set(%s, %s) succeeded, want error", tc.doc, tc.path)
			}
		})
	}
}

func TestEqual_Numbers(t *testing.T) {
	tests := []struct {
		name string
		a, b any
		want bool
	}{
		{"json numbers different text", json.Number("1.0"), json.Number("1"), true},
		{"go int and json number", 3, json.Number("3"), true},
		{"float and int64", 2.5, int64(2), false},
		{"number and string", json.Number("1"), "1", false},
		{"nested", jsonvalue.FromGo(map[string]any{"a": []any{1.0}}), jsonvalue.FromGo(map[string]any{"a": []any{json.Number("1")}}), true},
		{"null and missing key", jsonvalue.FromGo(map[string]any{"a": nil}), jsonvalue.FromGo(map[string]any{"b": nil}), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Equal(tc.a, tc.b); got != tc.want {
				t.Errorf("Equal = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPath_SliceSemantics(t *testing.T) {
	doc := jsontest.Decode(t, `[0,1,2,3,4,5]`)
	// Expected values computed with Python's list slicing.
	tests := []struct{ slice, want string }{
		{"1:3", "[1,2]"},
		{"::2", "[0,2,4]"},
		{"::-1", "[5,4,3,2,1,0]"},
		{"-2:", "[4,5]"},
		{"-10:2", "[0,1]"},
		{"4:1:-1", "[4,3,2]"},
		{":-1", "[0,1,2,3,4]"},
		{"5:0:-2", "[5,3,1]"},
		{"::-3", "[5,2]"},
		{"10:", "[]"},
		{"-1:-10:-1", "[5,4,3,2,1,0]"},
		{"2:2", "[]"},
	}
	for _, tc := range tests {
		t.Run(tc.slice, func(t *testing.T) {
			got, err := MustParse("$[" + tc.slice + "]").Get(doc)
			if err != nil {
				t.Fatal(err)
			}
			if g := jsontest.Encode(t, got); g != tc.want {
				t.Errorf("$[%s] = %s, want %s", tc.slice, g, tc.want)
			}
		})
	}
}

func TestScanNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"0", 1, true},
		{"-12.5e+3)", 8, true},
		{"7E2,", 3, true},
		{"3.x", 0, false},
		{"-", 0, false},
		{"1e", 0, false},
		{"01", 2, true}, // leading zeros are the caller's to reject
	} {
		t.Run(tc.in, func(t *testing.T) {
			n, ok := ScanNumber(tc.in)
			if n != tc.want || ok != tc.ok {
				t.Errorf("ScanNumber(%q) = %d, %v; want %d, %v", tc.in, n, ok, tc.want, tc.ok)
			}
		})
	}
}
