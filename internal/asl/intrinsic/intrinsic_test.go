package intrinsic

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"touchaudit/internal/asl/jsonvalue"

	"touchaudit/internal/asl/internal/jsontest"
)

type evalCase struct {
	name  string
	input string // JSON state input
	expr  string
	want  string // JSON of the result
}

func runEval(t *testing.T, tests []evalCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			input := "{}"
			if tc.input != "" {
				input = tc.input
			}
			in := jsontest.Decode(t, input)
			before := jsontest.Encode(t, in)
			got, err := Eval(tc.expr, Env{Input: in, Context: jsontest.Decode(t, `{"Execution":{"Id":"arn:aws:states:us-east-1:123456789012:execution:sm:run-1"}}`)})
			if err != nil {
				t.Fatalf("Eval(%s): %v", tc.expr, err)
			}
			if g := jsontest.Encode(t, got); g != tc.want {
				t.Errorf("Eval(%s) = %s, want %s", tc.expr, g, tc.want)
			}
			if after := jsontest.Encode(t, in); after != before {
				t.Errorf("input mutated: %s -> %s", before, after)
			}
		})
	}
}

// The cases named "documented" are the examples of the Step Functions
// developer guide, "Intrinsic functions", with their documented outputs.

func TestFormat_Examples(t *testing.T) {
	runEval(t, []evalCase{
		{"documented literal template", `{"name":"Arnav","template":"Hello, my name is {}."}`, `States.Format('Hello, my name is {}.', $.name)`, `"Hello, my name is Arnav."`},
		{"documented template from path", `{"name":"Arnav","template":"Hello, my name is {}."}`, `States.Format($.template, $.name)`, `"Hello, my name is Arnav."`},
		{"no placeholders", "", `States.Format('plain')`, `"plain"`},
		{"escaped braces are literal", "", `States.Format('\{\} {}', 'x')`, `"{} x"`},
		{"escaped quote and backslash", "", `States.Format('it\'s a \\ {}', 1)`, `"it's a \\ 1"`},
		{"numbers as Java prints them", `{"n":12.50,"i":7,"e":1e10,"w":3.0,"s":0.0001,"big":12345678901234567890}`, `States.Format('{} {} {} {} {} {}', $.i, $.n, $.e, $.w, $.s, $.big)`, `"7 12.5 1.0E10 3.0 1.0E-4 12345678901234567890"`},
		{"number literals", "", `States.Format('{} {} {}', -4, 2.50, 1E3)`, `"-4 2.5 1000.0"`},
		{"bool and null", "", `States.Format('{} {}', true, null)`, `"true null"`},
		{"object as Java shows it", `{"o":{"a":[1,"b"]}}`, `States.Format('o={}', $.o)`, `"o={a=[1, b]}"`},
		{"issue 15 object", `{"o":{"Arg1":1,"Arg2":[]}}`, `States.Format('x={}', $.o)`, `"x={Arg1=1, Arg2=[]}"`},
		{"nested call", `{"s":"a.b"}`, `States.Format('{}-{}', States.ArrayGetItem(States.StringSplit($.s, '.'), 1), 'x')`, `"b-x"`},
		{"context path", "", `States.Format('id={}', $$.Execution.Id)`, `"id=arn:aws:states:us-east-1:123456789012:execution:sm:run-1"`},
		{"spaces between arguments", `{"a":"A"}`, `States.Format( '{}{}' ,  $.a ,'B' )`, `"AB"`},
		{"unicode", `{"a":"ünï"}`, `States.Format('→{}←', $.a)`, `"→ünï←"`},
		{"lone brace kept", "", `States.Format('{ {}', 1)`, `"{ 1"`},
		{"documented nine nested calls", `{"ImageRecipe":{"Arn":"arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/my-recipe/1.0.3"}}`,
			`States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1), 'x')`,
			`"1.0.x"`},
	})
}

func TestJSONFunctions_Examples(t *testing.T) {
	runEval(t, []evalCase{
		{"documented StringToJson", `{"escapedJsonString":"{\"foo\": \"bar\"}"}`, `States.StringToJson($.escapedJsonString)`, `{"foo":"bar"}`},
		{"StringToJson scalar", `{"s":"12.50"}`, `States.StringToJson($.s)`, `12.50`},
		{"StringToJson array", "", `States.StringToJson('[1, true, null]')`, `[1,true,null]`},
		{"documented JsonToString", `{"unescapedJson":{"foo":"bar"}}`, `States.JsonToString($.unescapedJson)`, `"{\"foo\":\"bar\"}"`},
		{"JsonToString prints doubles like Java", `{"v":[1.50,2,1e-7]}`, `States.JsonToString($.v)`, `"[1.5,2,1.0E-7]"`},
		{"JsonToString string", `{"v":"a<b"}`, `States.JsonToString($.v)`, `"\"a<b\""`},
		{"round trip", `{"v":{"a":{"b":[1,2]}}}`, `States.StringToJson(States.JsonToString($.v))`, `{"a":{"b":[1,2]}}`},
		{"documented JsonMerge", `{"json1":{"a":{"a1":1,"a2":2},"b":2},"json2":{"a":{"a3":1,"a4":2},"c":3}}`, `States.JsonMerge($.json1, $.json2, false)`, `{"a":{"a3":1,"a4":2},"b":2,"c":3}`},
		{"JsonMerge empty", `{"a":{},"b":{"x":1}}`, `States.JsonMerge($.a, $.b, false)`, `{"x":1}`},
	})
}

func TestArrayFunctions_Examples(t *testing.T) {
	nine := `{"inputArray":[1,2,3,4,5,6,7,8,9],"index":5,"lookingFor":5}`
	runEval(t, []evalCase{
		{"documented Array", `{"Id":123456}`, `States.Array($.Id)`, `[123456]`},
		{"documented Array mixed", `{"someJson":{"random":"abcdefghijklmnopqrstuvwxyz"}}`, `States.Array('Foo', 2020, $.someJson, null)`, `["Foo",2020,{"random":"abcdefghijklmnopqrstuvwxyz"},null]`},
		{"Array empty", "", `States.Array()`, `[]`},
		{"documented ArrayPartition", nine, `States.ArrayPartition($.inputArray,4)`, `[[1,2,3,4],[5,6,7,8],[9]]`},
		{"ArrayPartition bigger chunk", nine, `States.ArrayPartition($.inputArray, 20)`, `[[1,2,3,4,5,6,7,8,9]]`},
		{"ArrayPartition empty", `{"a":[]}`, `States.ArrayPartition($.a, 2)`, `[]`},
		{"documented ArrayContains", nine, `States.ArrayContains($.inputArray, $.lookingFor)`, `true`},
		{"ArrayContains absent", nine, `States.ArrayContains($.inputArray, 10)`, `false`},
		{"ArrayContains object", `{"a":[{"k":[1]},2]}`, `States.ArrayContains($.a, States.StringToJson('{"k":[1.0]}'))`, `true`},
		{"ArrayContains string is not number", nine, `States.ArrayContains($.inputArray, '5')`, `false`},
		{"documented ArrayRange", "", `States.ArrayRange(1, 9, 2)`, `[1,3,5,7,9]`},
		{"ArrayRange descending", "", `States.ArrayRange(5, -5, -5)`, `[5,0,-5]`},
		{"ArrayRange single", "", `States.ArrayRange(3, 3, 1)`, `[3]`},
		{"ArrayRange empty when step points away", "", `States.ArrayRange(1, 0, 1)`, `[]`},
		{"ArrayRange end not hit", "", `States.ArrayRange(0, 10, 3)`, `[0,3,6,9]`},
		{"documented ArrayGetItem", nine, `States.ArrayGetItem($.inputArray, $.index)`, `6`},
		{"ArrayGetItem first", `{"a":[{"x":1}]}`, `States.ArrayGetItem($.a, 0)`, `{"x":1}`},
		{"documented ArrayLength", nine, `States.ArrayLength($.inputArray)`, `9`},
		{"ArrayLength empty", `{"a":[]}`, `States.ArrayLength($.a)`, `0`},
		{"documented ArrayUnique", `{"inputArray":[1,2,3,3,3,3,3,3,4]}`, `States.ArrayUnique($.inputArray)`, `[1,2,3,4]`},
		{"ArrayUnique mixed", `{"a":[1,"1",1.0,null,null,{"a":1},{"a":1},[1],[1],true,true]}`, `States.ArrayUnique($.a)`, `[1,"1",null,{"a":1},[1],true]`},
		{"path with quoted comma", `{"a,b":[1,2]}`, `States.ArrayLength($['a,b'])`, `2`},
		{"filter path argument", `{"items":[{"t":"x,y","v":1},{"t":"z","v":2}]}`, `States.ArrayGetItem($.items[?(@.t == 'x,y')].v, 0)`, `1`},
		{"indefinite path is an array", `{"items":[{"id":"a"},{"id":"b"}]}`, `States.ArrayLength($.items[*].id)`, `2`},
	})
}

func TestArrayRange_Limit(t *testing.T) {
	got, err := Eval(`States.ArrayRange(1, 1000, 1)`, Env{})
	if err != nil {
		t.Fatalf("1000 items: %v", err)
	}
	if n := len(got.([]any)); n != maxRangeItems {
		t.Fatalf("len = %d", n)
	}
	_, err = Eval(`States.ArrayRange(0, 1000, 1)`, Env{})
	wantFailure(t, err, "at most 1000")
}

func TestEncodingFunctions_Examples(t *testing.T) {
	runEval(t, []evalCase{
		{"documented Base64Encode", `{"input":"Data to encode"}`, `States.Base64Encode($.input)`, `"RGF0YSB0byBlbmNvZGU="`},
		{"documented Base64Decode", `{"base64":"RGF0YSB0byBlbmNvZGU="}`, `States.Base64Decode($.base64)`, `"Data to encode"`},
		{"Base64Decode without padding", "", `States.Base64Decode('RGF0YSB0byBlbmNvZGU')`, `"Data to encode"`},
		{"Base64 unicode round trip", "", `States.Base64Decode(States.Base64Encode('héllo ✓'))`, `"héllo ✓"`},
		{"Base64Encode empty", "", `States.Base64Encode('')`, `""`},
		{"documented Hash SHA-1", `{"Data":"input data","Algorithm":"SHA-1"}`, `States.Hash($.Data, $.Algorithm)`, `"aaff4a450a104cd177d28d18d74485e8cae074b7"`},
		{"Hash MD5", "", `States.Hash('input data', 'MD5')`, `"812f45842bc6d66ee14572ce20db8e86"`},
		{"Hash SHA-256", "", `States.Hash('input data', 'SHA-256')`, `"b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3"`},
		{"Hash SHA-384", "", `States.Hash('', 'SHA-384')`, `"38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b"`},
		{"Hash SHA-512", "", `States.Hash('', 'SHA-512')`, `"cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"`},
	})
}

func TestMathFunctions_Examples(t *testing.T) {
	runEval(t, []evalCase{
		{"documented MathAdd", `{"value1":111,"step":-1}`, `States.MathAdd($.value1, $.step)`, `110`},
		{"MathAdd small", "", `States.MathAdd(1, 2)`, `3`},
		{"MathAdd rounds half up", "", `States.MathAdd(1.5, 2.4)`, `4`},
		{"MathAdd rounds negative half up", "", `States.MathAdd(-1.5, 0)`, `-1`},
		{"MathAdd int32 bounds", "", `States.MathAdd(2147483647, -2147483648)`, `-1`},
		{"MathAdd nested", "", `States.MathAdd(States.ArrayLength(States.Array(1, 2)), 40)`, `42`},
		{"MathRandom one value", "", `States.MathRandom(5, 6)`, `5`},
		{"MathRandom seeded is repeatable", "", `States.Array(States.MathRandom(0, 1000000, 7), States.MathRandom(0, 1000000, 7))`, seededPair(t)},
	})
}

// seededPair computes the expected output of two equally seeded calls.
func seededPair(t *testing.T) string {
	v, err := Eval(`States.MathRandom(0, 1000000, 7)`, Env{})
	if err != nil {
		t.Fatal(err)
	}
	return "[" + string(v.(json.Number)) + "," + string(v.(json.Number)) + "]"
}

func TestMathRandom_Range(t *testing.T) {
	env := Env{Input: jsontest.Decode(t, `{"start":1,"end":999}`), Rand: rand.New(rand.NewPCG(1, 2))}
	for i := 0; i < 200; i++ {
		v, err := Eval(`States.MathRandom($.start, $.end)`, env)
		if err != nil {
			t.Fatal(err)
		}
		n, err := v.(json.Number).Int64()
		if err != nil || n < 1 || n >= 999 {
			t.Fatalf("MathRandom = %v, want an integer in [1, 999)", v)
		}
	}
}

func TestStringSplit_Examples(t *testing.T) {
	runEval(t, []evalCase{
		{"documented comma", `{"inputString":"1,2,3,4,5","splitter":","}`, `States.StringSplit($.inputString, $.splitter)`, `["1","2","3","4","5"]`},
		{"documented several delimiters", `{"inputString":"This.is+a,test=string","splitter":".+,="}`, `States.StringSplit($.inputString, $.splitter)`, `["This","is","a","test","string"]`},
		{"empty pieces dropped", "", `States.StringSplit(',a,,b,', ',')`, `["a","b"]`},
		{"no delimiter found", "", `States.StringSplit('abc', ';')`, `["abc"]`},
		{"empty input", "", `States.StringSplit('', ',')`, `[]`},
		{"space delimiter", "", `States.StringSplit('a b  c', ' ')`, `["a","b","c"]`},
	})
}

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestUUID_Format(t *testing.T) {
	for _, env := range []Env{{}, {Rand: rand.New(rand.NewPCG(3, 4))}} {
		v, err := Eval(`States.UUID()`, env)
		if err != nil {
			t.Fatal(err)
		}
		if s, _ := v.(string); !uuidV4.MatchString(s) {
			t.Errorf("UUID = %v, want a version 4 UUID", v)
		}
	}
	a, _ := Eval(`States.UUID()`, Env{Rand: rand.New(rand.NewPCG(9, 9))})
	b, _ := Eval(`States.UUID()`, Env{Rand: rand.New(rand.NewPCG(9, 9))})
	if a != b {
		t.Errorf("seeded UUIDs differ: %v %v", a, b)
	}
}

func TestIsCall_Detection(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"States.Format('x')", true},
		{"States.UUID()", true},
		{"$.a", false},
		{"$$.Execution.Id", false},
		{"states.Format('x')", false},
		{"", false},
	}
	for _, tc := range tests {
		t.Run(tc.s, func(t *testing.T) {
			if got := IsCall(tc.s); got != tc.want {
				t.Errorf("IsCall(%q) = %v, want %v", tc.s, got, tc.want)
			}
		})
	}
}

func wantFailure(t *testing.T, err error, causePart string) {
	t.Helper()
	wantError(t, err, ErrIntrinsicFailure, causePart)
}

func wantError(t *testing.T, err error, name, causePart string) {
	t.Helper()
	var ie *Error
	if !errors.As(err, &ie) {
		t.Fatalf("error = %v (%T), want *Error", err, err)
	}
	if ie.Name != name {
		t.Errorf("Name = %q, want %q (cause %q)", ie.Name, name, ie.Cause)
	}
	if !strings.Contains(ie.Cause, causePart) || ie.Error() != ie.Cause {
		t.Errorf("Cause = %q, want it to contain %q", ie.Cause, causePart)
	}
}

func TestEval_Errors(t *testing.T) {
	input := `{"s":"str","n":5,"f":1.5,"a":[1,2],"o":{"k":1},"big":"` + strings.Repeat("x", 10001) + `","bad":"{not json"}`
	tests := []struct {
		name, expr, errName, cause string
	}{
		// Syntax.
		{"not a call", `$.a`, ErrIntrinsicFailure, "expected an intrinsic function"},
		{"unknown function", `States.Nope(1)`, ErrIntrinsicFailure, "unknown intrinsic function States.Nope"},
		{"missing paren", `States.UUID`, ErrIntrinsicFailure, "expected '('"},
		{"unclosed call", `States.Array(1, 2`, ErrIntrinsicFailure, "unclosed"},
		{"trailing text", `States.UUID() x`, ErrIntrinsicFailure, "unexpected text"},
		{"double quotes", `States.Format("x")`, ErrIntrinsicFailure, "unexpected"},
		{"unterminated string", `States.Format('x)`, ErrIntrinsicFailure, "unterminated string"},
		{"open backslash", `States.Format('a\nb')`, ErrRuntime, "open escape backslash"},
		{"missing argument", `States.Array(1,)`, ErrIntrinsicFailure, "unexpected"},
		{"bad number", `States.Array(01)`, ErrIntrinsicFailure, "invalid number"},
		{"bad path", `States.Array($.a[)`, ErrIntrinsicFailure, "invalid path"},
		{"too many nested calls", `States.Array(` + strings.Repeat(`States.Array(`, 10) + strings.Repeat(`)`, 11), ErrIntrinsicFailure, "more than 10"},
		// Paths.
		{"missing path", `States.Format('{}', $.missing)`, ErrRuntime, "$.missing"},
		{"missing context path", `States.Format('{}', $$.Nope)`, ErrRuntime, "$$.Nope"},
		// Argument counts.
		{"Format no args", `States.Format()`, ErrIntrinsicFailure, "at least 1"},
		{"Format too few values", `States.Format('{} {}', 1)`, ErrIntrinsicFailure, "2 placeholder(s) but 1"},
		{"Format too many values", `States.Format('{}', 1, 2)`, ErrIntrinsicFailure, "1 placeholder(s) but 2"},
		{"Format escaped placeholder counts zero", `States.Format('\{}', 1)`, ErrIntrinsicFailure, "0 placeholder(s) but 1"},
		{"StringToJson two args", `States.StringToJson('1', '2')`, ErrIntrinsicFailure, "exactly 1"},
		{"JsonToString none", `States.JsonToString()`, ErrIntrinsicFailure, "exactly 1"},
		{"ArrayPartition one arg", `States.ArrayPartition($.a)`, ErrIntrinsicFailure, "exactly 2"},
		{"ArrayRange two args", `States.ArrayRange(1, 2)`, ErrIntrinsicFailure, "exactly 3"},
		{"UUID with arg", `States.UUID(1)`, ErrIntrinsicFailure, "exactly 0"},
		{"MathRandom four args", `States.MathRandom(1, 2, 3, 4)`, ErrIntrinsicFailure, "2 to 3"},
		{"Hash one arg", `States.Hash('x')`, ErrIntrinsicFailure, "exactly 2"},
		{"JsonMerge two args", `States.JsonMerge($.o, $.o)`, ErrIntrinsicFailure, "exactly 3"},
		// Argument types and values.
		{"Format template not string", `States.Format($.n)`, ErrIntrinsicFailure, "must be a string"},
		{"StringToJson not string", `States.StringToJson($.o)`, ErrIntrinsicFailure, "must be a string"},
		{"StringToJson invalid", `States.StringToJson($.bad)`, ErrIntrinsicFailure, "not valid JSON"},
		{"StringToJson trailing", `States.StringToJson('1 2')`, ErrIntrinsicFailure, "after the JSON value"},
		{"ArrayPartition not array", `States.ArrayPartition($.o, 2)`, ErrIntrinsicFailure, "must be an array"},
		{"ArrayPartition zero", `States.ArrayPartition($.a, 0)`, ErrIntrinsicFailure, "positive"},
		{"ArrayPartition negative", `States.ArrayPartition($.a, -1)`, ErrIntrinsicFailure, "positive"},
		{"ArrayPartition fraction", `States.ArrayPartition($.a, 1.5)`, ErrIntrinsicFailure, "must be an integer"},
		{"ArrayContains not array", `States.ArrayContains($.s, 's')`, ErrIntrinsicFailure, "must be an array"},
		{"ArrayRange zero step", `States.ArrayRange(1, 5, 0)`, ErrIntrinsicFailure, "non-zero"},
		{"ArrayRange fraction", `States.ArrayRange(1, 5.5, 1)`, ErrIntrinsicFailure, "must be an integer"},
		{"ArrayRange string", `States.ArrayRange('1', 5, 1)`, ErrIntrinsicFailure, "must be an integer"},
		{"ArrayRange too many", `States.ArrayRange(1, 2000, 1)`, ErrIntrinsicFailure, "at most 1000"},
		{"ArrayGetItem out of range", `States.ArrayGetItem($.a, 2)`, ErrIntrinsicFailure, "out of bounds"},
		{"ArrayGetItem negative", `States.ArrayGetItem($.a, -1)`, ErrIntrinsicFailure, "out of bounds"},
		{"ArrayGetItem not array", `States.ArrayGetItem($.o, 0)`, ErrIntrinsicFailure, "must be an array"},
		{"ArrayGetItem string index", `States.ArrayGetItem($.a, '0')`, ErrIntrinsicFailure, "must be an integer"},
		{"ArrayLength not array", `States.ArrayLength($.s)`, ErrIntrinsicFailure, "must be an array"},
		{"ArrayUnique not array", `States.ArrayUnique($.n)`, ErrIntrinsicFailure, "must be an array"},
		{"Base64Encode not string", `States.Base64Encode($.n)`, ErrIntrinsicFailure, "must be a string"},
		{"Base64Encode too long", `States.Base64Encode($.big)`, ErrIntrinsicFailure, "at most 10000"},
		{"Base64Decode too long", `States.Base64Decode($.big)`, ErrIntrinsicFailure, "at most 10000"},
		{"Base64Decode invalid", `States.Base64Decode('***')`, ErrIntrinsicFailure, "not valid base64"},
		{"Hash unknown algorithm", `States.Hash('x', 'SHA-3')`, ErrIntrinsicFailure, "unsupported algorithm"},
		{"Hash algorithm case", `States.Hash('x', 'sha-256')`, ErrIntrinsicFailure, "unsupported algorithm"},
		{"Hash data not string", `States.Hash($.o, 'MD5')`, ErrIntrinsicFailure, "must be a string"},
		{"Hash too long", `States.Hash($.big, 'MD5')`, ErrIntrinsicFailure, "at most 10000"},
		{"JsonMerge deep", `States.JsonMerge($.o, $.o, true)`, ErrIntrinsicFailure, "deep merging is not supported"},
		{"JsonMerge flag not bool", `States.JsonMerge($.o, $.o, 'false')`, ErrIntrinsicFailure, "must be a boolean"},
		{"JsonMerge not object", `States.JsonMerge($.a, $.o, false)`, ErrIntrinsicFailure, "must be an object"},
		{"MathAdd string", `States.MathAdd('1', 2)`, ErrIntrinsicFailure, "must be a number"},
		{"MathAdd over int32", `States.MathAdd(2147483648, 1)`, ErrIntrinsicFailure, "outside the range"},
		{"MathRandom empty range", `States.MathRandom(5, 5)`, ErrIntrinsicFailure, "must be greater"},
		{"MathRandom not number", `States.MathRandom($.s, 5)`, ErrIntrinsicFailure, "must be a number"},
		{"StringSplit not string", `States.StringSplit($.a, ',')`, ErrIntrinsicFailure, "must be a string"},
		{"StringSplit delimiter not string", `States.StringSplit('a', 1)`, ErrIntrinsicFailure, "must be a string"},
	}
	in := jsontest.Decode(t, input)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Eval(tc.expr, Env{Input: in, Context: jsonvalue.NewObject(0)})
			wantError(t, err, tc.errName, tc.cause)
		})
	}
}

func TestEval_GoNumbers(t *testing.T) {
	in := jsonvalue.FromGo(map[string]any{"a": 1, "b": int64(2), "c": 2.0, "list": []any{1, 2.5}})
	tests := []struct{ expr, want string }{
		{`States.MathAdd($.a, $.b)`, `3`},
		{`States.ArrayRange($.a, $.c, 1)`, `[1,2]`},
		{`States.Format('{} {}', $.a, $.list)`, `"1 [1, 2.5]"`},
		{`States.ArrayContains($.list, 1)`, `true`},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			got, err := Eval(tc.expr, Env{Input: in})
			if err != nil {
				t.Fatal(err)
			}
			if g := jsontest.Encode(t, got); g != tc.want {
				t.Errorf("got %s, want %s", g, tc.want)
			}
		})
	}
}

func TestJavaDouble_Format(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{0, "0.0"},
		{1, "1.0"},
		{-2.5, "-2.5"},
		{0.001, "0.001"},
		{0.0009, "9.0E-4"},
		{9999999, "9999999.0"},
		{10000000, "1.0E7"},
		{1.2345e-10, "1.2345E-10"},
		{123456789.125, "1.23456789125E8"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := javaDouble(tc.f); got != tc.want {
				t.Errorf("javaDouble(%v) = %q, want %q", tc.f, got, tc.want)
			}
		})
	}
}
