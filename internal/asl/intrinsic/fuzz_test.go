package intrinsic

import (
	"errors"
	"math/rand/v2"
	"testing"
	"touchaudit/internal/asl/jsonvalue"
)

func FuzzEval(f *testing.F) {
	seeds := []string{
		`States.Format('Hello, my name is {}.', $.name)`,
		`States.Format('\{\} \' \\ {}', $$.Execution.Id)`,
		`States.StringToJson($.json)`,
		`States.JsonToString($.obj)`,
		`States.Array('Foo', 2020, $.obj, null, true, -1.5e3)`,
		`States.ArrayPartition($.list, 2)`,
		`States.ArrayContains($.list, 3)`,
		`States.ArrayRange(1, 9, 2)`,
		`States.ArrayGetItem($.list, 1)`,
		`States.ArrayLength($.list)`,
		`States.ArrayUnique($.list)`,
		`States.Base64Encode($.name)`,
		`States.Base64Decode('RGF0YSB0byBlbmNvZGU=')`,
		`States.Hash($.name, 'SHA-256')`,
		`States.JsonMerge($.obj, $.obj, false)`,
		`States.MathRandom(1, 999, 7)`,
		`States.MathAdd(111, -1)`,
		`States.StringSplit('a,b;c', ',;')`,
		`States.UUID()`,
		`States.Format('{}', States.ArrayGetItem(States.StringSplit($.name, 'n'), 0))`,
		`States.Array($.list[?(@ > 1)], $['name'], $..x)`,
		`States.Format('a\q')`,
		`States.Array(`,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	input := jsonvalue.FromGo(map[string]any{
		"name": "Arnav",
		"json": `{"foo": [1, 2.5, null]}`,
		"obj":  map[string]any{"a": 1, "b": []any{"x"}},
		"list": []any{1, 2, 3, 3},
	})
	ctx := jsonvalue.FromGo(map[string]any{"Execution": map[string]any{"Id": "arn:x"}})
	f.Fuzz(func(t *testing.T, expr string) {
		env := Env{Input: input, Context: ctx, Rand: rand.New(rand.NewPCG(1, 2))}
		_, err := Eval(expr, env)
		if err != nil {
			var ie *Error
			if !errors.As(err, &ie) {
				t.Fatalf("Eval(%q) returned %T, want *Error", expr, err)
			}
			if ie.Name != ErrIntrinsicFailure && ie.Name != ErrRuntime {
				t.Fatalf("Eval(%q) error name %q", expr, ie.Name)
			}
		}
		if !IsCall(expr) && err == nil {
			t.Fatalf("Eval(%q) succeeded but IsCall is false", expr)
		}
	})
}
