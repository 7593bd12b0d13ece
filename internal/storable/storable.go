// Package storable checks, before a store writes a value, that every later
// read, listing or scan can decode it again. A value that could not be read
// back (a time in year 10026, which RFC 3339 cannot write; a NaN weight,
// which JSON cannot) would poison every listing that meets it, so stores
// refuse it at write with an audit.Invalid error that names the field, and
// store nothing. Both internal/memstore and internal/dynamo call Check.
package storable

import (
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"

	"touchaudit/internal/audit"
)

// Years a stored time may have: RFC 3339, the form JSON and both stores
// write and DynamoDB sort keys compare as strings, has exactly four year
// digits (https://www.rfc-editor.org/rfc/rfc3339#section-5.6), and Go's
// zero time, the earliest the domain uses, is in year 1.
const (
	MinYear = 1
	MaxYear = 9999
)

var (
	timeType        = reflect.TypeFor[time.Time]()
	marshalerType   = reflect.TypeFor[json.Marshaler]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textMarshaler   = reflect.TypeFor[encoding.TextMarshaler]()
)

// Check walks v by its JSON field names and returns audit.Invalid naming
// every field that could not be read back after a write, or nil. what
// names the value in the message ("submission", "assignment a1").
func Check(what string, v any) error {
	c := checker{}
	c.walk("", reflect.ValueOf(v))
	if len(c.problems) == 0 {
		return nil
	}
	return &audit.Error{Code: audit.Invalid, Message: "cannot store " + what, Problems: c.problems}
}

// Time returns the reason t cannot be stored, or "".
func Time(t time.Time) string {
	for _, y := range []int{t.Year(), t.UTC().Year()} {
		if y < MinYear || y > MaxYear {
			return fmt.Sprintf("year %d is outside %04d-%04d (RFC 3339 times have 4-digit years)", y, MinYear, MaxYear)
		}
	}
	if _, err := t.MarshalText(); err != nil {
		return err.Error()
	}
	return ""
}

type checker struct {
	problems []audit.Problem
}

func (c *checker) add(path, reason string) {
	c.problems = append(c.problems, audit.Problem{Path: path, Reason: reason})
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func (c *checker) walk(path string, v reflect.Value) {
	if !v.IsValid() {
		return
	}
	t := v.Type()
	if t == timeType {
		if reason := Time(v.Interface().(time.Time)); reason != "" {
			c.add(path, reason)
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			c.walk(path, v.Elem())
		}
		return
	}
	// A type with its own JSON form (audit.Date, audit.Duration) is checked
	// by a round trip through that form: it must encode and decode again.
	if t.Implements(marshalerType) && reflect.PointerTo(t).Implements(unmarshalerType) {
		c.roundTrip(path, v)
		return
	}
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			c.add(path, fmt.Sprintf("%v is not a number JSON or DynamoDB can hold", f))
		}
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if f.Anonymous && name == "" {
				c.walk(path, v.Field(i))
				continue
			}
			if name == "" {
				name = f.Name
			}
			c.walk(join(path, name), v.Field(i))
		}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return // bytes are stored as base64 or binary
		}
		for i := range v.Len() {
			c.walk(fmt.Sprintf("%s[%d]", path, i), v.Index(i))
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			c.walk(join(path, keyString(iter.Key())), iter.Value())
		}
	}
}

func keyString(k reflect.Value) string {
	if k.Kind() == reflect.String {
		return k.String()
	}
	if k.Type().Implements(textMarshaler) {
		if b, err := k.Interface().(encoding.TextMarshaler).MarshalText(); err == nil {
			return string(b)
		}
	}
	return fmt.Sprint(k.Interface())
}

func (c *checker) roundTrip(path string, v reflect.Value) {
	b, err := v.Interface().(json.Marshaler).MarshalJSON()
	if err != nil {
		c.add(path, err.Error())
		return
	}
	back := reflect.New(v.Type())
	if err := back.Interface().(json.Unmarshaler).UnmarshalJSON(b); err != nil {
		c.add(path, fmt.Sprintf("%s would not read back: %v", b, err))
	}
}
