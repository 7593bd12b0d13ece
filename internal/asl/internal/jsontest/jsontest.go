// Package jsontest reads and writes JSON in the asl packages' tests the way
// the engine holds it: numbers as json.Number, text without HTML escaping.
package jsontest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"touchaudit/internal/asl/jsonvalue"
)

// Decode parses the JSON value s as the engine does: objects keep their
// key order, numbers are json.Number.
func Decode(t testing.TB, s string) any {
	t.Helper()
	v, err := jsonvalue.Decode([]byte(s))
	if err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return v
}

// DecodeObject is Decode for a JSON object, such as task Parameters.
func DecodeObject(t testing.TB, s string) *jsonvalue.Object {
	t.Helper()
	o, ok := Decode(t, s).(*jsonvalue.Object)
	if !ok {
		t.Fatalf("decode %s: not a JSON object", s)
	}
	return o
}

// Encode renders v as compact JSON without HTML escaping, so results
// compare as text.
func Encode(t testing.TB, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatalf("encode: %v", err)
	}
	return strings.TrimSpace(b.String())
}

// DecodeMap is DecodeObject as a plain Go map, for adapters that take one
// (such as the DynamoDB request).
func DecodeMap(t testing.TB, s string) map[string]any {
	t.Helper()
	m, _ := jsonvalue.ToGo(DecodeObject(t, s)).(map[string]any)
	return m
}

// DecodeGo is Decode with objects as plain Go maps.
func DecodeGo(t testing.TB, s string) any {
	t.Helper()
	return jsonvalue.ToGo(Decode(t, s))
}
