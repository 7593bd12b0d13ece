package jsonvalue

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

func TestDecode_KeepsKeyOrder(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"unsorted", `{"b":1,"a":2}`, `{"b":1,"a":2}`},
		{"nested", `{"z":{"y":[{"d":1,"c":2}],"x":null},"a":"<&>"}`, `{"z":{"y":[{"d":1,"c":2}],"x":null},"a":"<&>"}`},
		{"repeated key keeps first place, last value", `{"a":1,"b":2,"a":3}`, `{"a":3,"b":2}`},
		{"number text kept", `{"n":1.50}`, `{"n":1.50}`},
		{"empty", `{}`, `{}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := Decode([]byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			// As the engine prints: an Encoder without HTML escaping
			// (json.Marshal would escape the object's output again).
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(v); err != nil {
				t.Fatal(err)
			}
			if b := bytes.TrimSpace(buf.Bytes()); string(b) != c.want {
				t.Errorf("got %s, want %s", b, c.want)
			}
		})
	}
}

func TestDecode_RejectsBadJSON(t *testing.T) {
	for _, in := range []string{``, `{`, `{"a":1} 2`, `[1,]`, `{"a"}`} {
		if _, err := Decode([]byte(in)); err == nil {
			t.Errorf("Decode(%q): no error", in)
		}
	}
}

func TestObject_SetDelete(t *testing.T) {
	o := NewObject(0)
	o.Set("b", 1)
	o.Set("a", 2)
	o.Set("b", 3) // existing key keeps its place
	o.Set("c", 4) // new key goes last
	o.Delete("a")
	o.Delete("missing")
	if got, want := o.Keys(), []string{"b", "c"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("keys %v, want %v", got, want)
	}
	if v, _ := o.Get("b"); v != 3 {
		t.Errorf("b = %v, want 3", v)
	}
	if o.Len() != 2 {
		t.Errorf("Len %d, want 2", o.Len())
	}
	c := o.Clone()
	c.Set("d", 5)
	if o.Len() != 2 {
		t.Errorf("Clone shares keys with the original")
	}
	var zero Object
	zero.Set("x", 1)
	if b, _ := json.Marshal(&zero); string(b) != `{"x":1}` {
		t.Errorf("zero value: %s", b)
	}
}

func TestFromGo_SortsMapKeys(t *testing.T) {
	v := FromGo(map[string]any{"b": map[string]any{"d": 1, "c": 2}, "a": []any{map[string]any{"f": 1, "e": 2}}})
	b, _ := json.Marshal(v)
	if want := `{"a":[{"e":2,"f":1}],"b":{"c":2,"d":1}}`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
	if back := ToGo(v); !reflect.DeepEqual(back, map[string]any{"b": map[string]any{"d": 1, "c": 2}, "a": []any{map[string]any{"f": 1, "e": 2}}}) {
		t.Errorf("ToGo: %#v", back)
	}
}

func TestObject_UnmarshalJSON(t *testing.T) {
	var o Object
	if err := json.Unmarshal([]byte(`{"b":1,"a":{"d":1,"c":2}}`), &o); err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(&o); string(b) != `{"b":1,"a":{"d":1,"c":2}}` {
		t.Errorf("got %s", b)
	}
	if err := json.Unmarshal([]byte(`[1]`), &o); err == nil {
		t.Error("array into Object: no error")
	}
}
