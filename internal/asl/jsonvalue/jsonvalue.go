// Package jsonvalue holds JSON objects the way Step Functions does: with
// their keys in the order they were written. AWS prints an object's keys
// in input order (States.JsonToString, States.Hash of it, state output,
// history), and a Go map forgets that order, so the engine keeps objects
// as *Object instead.
//
// Values are the ones encoding/json produces with UseNumber, except that
// objects are *Object: *Object, []any, json.Number, string, bool and nil.
package jsonvalue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
)

// Object is a JSON object that remembers the order of its keys. Set on a
// new key appends it; Set on an existing key keeps its place, as AWS does
// when ResultPath overwrites a field. The zero value is an empty object.
type Object struct {
	keys []string
	m    map[string]any
}

// NewObject returns an empty object with room for n keys.
func NewObject(n int) *Object {
	return &Object{keys: make([]string, 0, n), m: make(map[string]any, n)}
}

// Get returns the value of key and whether it is present.
func (o *Object) Get(key string) (any, bool) {
	if o == nil {
		return nil, false
	}
	v, ok := o.m[key]
	return v, ok
}

// Value returns the value of key, nil when it is absent.
func (o *Object) Value(key string) any {
	v, _ := o.Get(key)
	return v
}

// Set stores v under key: in place when key exists, last otherwise.
func (o *Object) Set(key string, v any) {
	if o.m == nil {
		o.m = map[string]any{}
	}
	if _, ok := o.m[key]; !ok {
		o.keys = append(o.keys, key)
	}
	o.m[key] = v
}

// Delete removes key; the other keys keep their order.
func (o *Object) Delete(key string) {
	if _, ok := o.m[key]; !ok {
		return
	}
	delete(o.m, key)
	for i, k := range o.keys {
		if k == key {
			o.keys = append(o.keys[:i:i], o.keys[i+1:]...)
			break
		}
	}
}

// Keys returns the keys in order. The caller must not modify the slice.
func (o *Object) Keys() []string {
	if o == nil {
		return nil
	}
	return o.keys
}

// Len is the number of keys.
func (o *Object) Len() int {
	if o == nil {
		return 0
	}
	return len(o.keys)
}

// Clone returns a shallow copy: a new key order and map, the same values.
func (o *Object) Clone() *Object {
	c := NewObject(o.Len() + 1)
	for _, k := range o.Keys() {
		c.Set(k, o.m[k])
	}
	return c
}

// MarshalJSON writes the members in key order, without HTML escaping, as
// Step Functions prints JSON.
func (o *Object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.Keys() {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := encode(&b, k); err != nil {
			return nil, err
		}
		b.WriteByte(':')
		if err := encode(&b, o.m[k]); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func encode(b *bytes.Buffer, v any) error {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b.Truncate(b.Len() - 1) // Encode's trailing newline
	return nil
}

// UnmarshalJSON reads an object keeping its key order; nested objects
// become *Object too and numbers json.Number.
func (o *Object) UnmarshalJSON(data []byte) error {
	v, err := Decode(data)
	if err != nil {
		return err
	}
	obj, ok := v.(*Object)
	if !ok {
		return fmt.Errorf("jsonvalue: %s is not a JSON object", bytes.TrimSpace(data)[:1])
	}
	*o = *obj
	return nil
}

// ErrTrailingData is Decode's error for a value followed by more data.
var ErrTrailingData = errors.New("unexpected data after the JSON value")

// Decode parses exactly one JSON value. Objects keep their key order (a
// repeated key keeps its first place and its last value, as encoding/json
// keeps the last value); numbers are json.Number.
func Decode(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, ErrTrailingData
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := NewObject(0)
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string) // the decoder only yields string keys here
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				o.Set(k, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return o, nil
		case '[':
			a := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return a, nil
		}
		return nil, fmt.Errorf("unexpected %q", rune(t))
	}
	return tok, nil
}

// FromGo turns a value built in Go (map[string]any, []any, structs through
// encoding/json) into the ordered form. A map has no order, so its keys
// come out sorted, as encoding/json prints them. *Object values and
// scalars pass through; nested maps are converted.
func FromGo(v any) any {
	switch x := v.(type) {
	case *Object:
		return x
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := NewObject(len(keys))
		for _, k := range keys {
			o.Set(k, FromGo(x[k]))
		}
		return o
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = FromGo(e)
		}
		return out
	}
	return v
}

// ToGo turns ordered values back into map[string]any (for callers that
// want plain Go values); the key order is lost.
func ToGo(v any) any {
	switch x := v.(type) {
	case *Object:
		m := make(map[string]any, x.Len())
		for _, k := range x.keys {
			m[k] = ToGo(x.m[k])
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = ToGo(e)
		}
		return out
	}
	return v
}
