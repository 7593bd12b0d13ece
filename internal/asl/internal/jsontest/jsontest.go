// Package jsontest reads and writes JSON in the asl packages' tests the way
// the engine holds it: numbers as json.Number, text without HTML escaping.
package jsontest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// Decode parses the JSON value at the start of s with UseNumber, as the
// engine does.
func Decode(t testing.TB, s string) any {
	t.Helper()
	var v any
	decodeInto(t, s, &v)
	return v
}

// DecodeObject is Decode for a JSON object, such as task Parameters.
func DecodeObject(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	decodeInto(t, s, &m)
	return m
}

func decodeInto(t testing.TB, s string, v any) {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
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
