// Package strictjson decodes JSON that a client sends into Go values
// strictly, on top of encoding/json: a member no field of the Go type names
// exactly (names are case-sensitive), a name given twice in one object,
// invalid UTF-8, a JSON kind the Go type cannot hold, a number out of its
// range and data after the value are refused, each error with the JSON
// pointer of the offending value.
//
// encoding/json alone matches names case-insensitively, keeps the last of
// duplicate names (RFC 8259 leaves them undefined, so a proxy and the API
// could read different documents) and replaces invalid UTF-8. A package
// that does all of this itself (github.com/go-json-experiment/json) cost
// each Lambda function that linked it about 180 kB zipped (README "Lambda
// bundles and cold starts"); this one walks the document's tokens beside
// the Go type and then lets encoding/json, which every function links
// anyway, decode it.
package strictjson

import (
	"bytes"
	"encoding"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Kind is a JSON value's kind by its first byte, as jsontext names kinds:
// '"' string, '0' number, 't' true, 'f' false, 'n' null, '{' object,
// '[' array.
type Kind byte

// String is the kind's name as jsontext.Kind gives it: "string",
// "number", "true", "false", "null", and "{" or "[" for an object or an
// array.
func (k Kind) String() string {
	switch k {
	case '"':
		return "string"
	case '0':
		return "number"
	case 't':
		return "true"
	case 'f':
		return "false"
	case 'n':
		return "null"
	case '{':
		return "{"
	case '[':
		return "["
	}
	return "value"
}

// Sentinel errors an Error wraps (errors.Is).
var (
	// ErrDuplicateName is a name given twice in one object.
	ErrDuplicateName = errors.New("duplicate object member name")
	// ErrUnknownName is a member no field of the Go type names exactly.
	ErrUnknownName = errors.New("unknown object member name")
	// ErrInvalidUTF8 is input that is not UTF-8.
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
)

// Error is why a document was refused.
type Error struct {
	// Pointer is the offending value's place: the JSON pointer's tokens
	// ("walkthrough", "timeline", "1", "end"); for a duplicate or unknown
	// name, the member's own. Empty is the whole document.
	Pointer []string
	// Syntax: the document is no JSON (malformed, invalid UTF-8, a
	// duplicate name, data after the value); Offset is the byte where it
	// was found.
	Syntax bool
	Offset int64
	// JSONKind and GoType are a kind the Go type cannot hold; Err is nil
	// then.
	JSONKind Kind
	GoType   reflect.Type
	// Err is the cause: ErrDuplicateName, ErrUnknownName, ErrInvalidUTF8,
	// io.ErrUnexpectedEOF, the syntax error, or a value's own decoding
	// error (a number out of range, a date that is none).
	Err error
}

func (e *Error) Error() string {
	where := ""
	if len(e.Pointer) > 0 {
		where = " at /" + strings.Join(e.Pointer, "/")
	}
	switch {
	case e.Syntax:
		return fmt.Sprintf("json: syntax error at byte %d%s: %v", e.Offset, where, e.Err)
	case e.Err == nil:
		return fmt.Sprintf("json: cannot unmarshal JSON %s into %v%s", e.JSONKind, e.GoType, where)
	}
	return fmt.Sprintf("json: cannot unmarshal%s: %v", where, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Unmarshal decodes the one JSON value in b into v (a non-nil pointer)
// strictly, or returns an *Error and leaves v untouched.
func Unmarshal(b []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("strictjson: Unmarshal needs a non-nil pointer, not %T", v)
	}
	// One pass in document order: the first error found is reported, a
	// value of the wrong kind once it has been read whole (as
	// go-json-experiment/json, which this package replaced, reported
	// them).
	w := newWalker(b)
	if err := w.value(rv.Type().Elem()); err != nil {
		return err
	}
	if err := w.end(); err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		// The walk has checked what encoding/json checks; this is a
		// value the walk could not see into.
		return &Error{Err: err}
	}
	return nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func newWalker(b []byte) *walker {
	w := &walker{b: b, dec: json.NewDecoder(bytes.NewReader(b))}
	w.dec.UseNumber()
	return w
}

// end checks that nothing but white space follows the value.
func (w *walker) end() error {
	off := w.dec.InputOffset()
	for off < int64(len(w.b)) && isSpace(w.b[off]) {
		off++
	}
	if off == int64(len(w.b)) {
		return nil
	}
	return &Error{Syntax: true, Offset: off, Err: fmt.Errorf("invalid character %q after top-level value", w.b[off])}
}

// walker reads the document's tokens in order, beside the Go type each
// value decodes into.
type walker struct {
	b    []byte
	dec  *json.Decoder
	path []string
}

func (w *walker) fail(err error) *Error {
	return &Error{Pointer: append([]string(nil), w.path...), Err: err}
}

// token is the next token, or the syntax error at it.
func (w *walker) token() (json.Token, error) {
	start := w.dec.InputOffset()
	tok, err := w.dec.Token()
	if err == nil {
		if s, isString := tok.(string); isString && strings.ContainsRune(s, utf8.RuneError) {
			// encoding/json turns invalid UTF-8 and an escaped lone
			// surrogate ("\ud800") into U+FFFD. (Invalid UTF-8 outside a
			// string is a syntax error to it already.)
			raw := w.b[start:w.dec.InputOffset()]
			off := loneSurrogate(raw)
			if !utf8.Valid(raw) {
				off = invalidUTF8(raw)
			}
			if off >= 0 {
				return nil, &Error{Syntax: true, Pointer: append([]string(nil), w.path...), Offset: start + int64(off), Err: ErrInvalidUTF8}
			}
		}
		return tok, nil
	}
	e := &Error{Syntax: true, Pointer: append([]string(nil), w.path...), Offset: w.dec.InputOffset(), Err: err}
	var syn *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		e.Err, e.Offset = io.ErrUnexpectedEOF, int64(len(w.b))
	case errors.As(err, &syn):
		e.Offset = syn.Offset
		if syn.Offset > 0 {
			e.Offset = syn.Offset - 1 // encoding/json counts the byte it read
		}
	}
	return nil, e
}

// loneSurrogate is the offset in a string token's text of a \u escape of
// a UTF-16 surrogate that is not half of a pair, or -1.
func loneSurrogate(raw []byte) int {
	for i := 0; i+1 < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		if raw[i+1] != 'u' {
			i++ // an escaped character, perhaps a backslash
			continue
		}
		r := hex4(raw, i+2)
		switch {
		case r >= 0xD800 && r < 0xDC00:
			if i+11 < len(raw) && raw[i+6] == '\\' && raw[i+7] == 'u' {
				if lo := hex4(raw, i+8); lo >= 0xDC00 && lo < 0xE000 {
					i += 11
					continue
				}
			}
			return i
		case r >= 0xDC00 && r < 0xE000:
			return i
		}
		i += 5
	}
	return -1
}

// invalidUTF8 is the offset of the first byte of b that is no UTF-8, or -1.
func invalidUTF8(b []byte) int {
	for off := 0; off < len(b); {
		r, n := utf8.DecodeRune(b[off:])
		if r == utf8.RuneError && n <= 1 {
			return off
		}
		off += n
	}
	return -1
}

// hex4 is the four hex digits at raw[i:], or -1.
func hex4(raw []byte, i int) rune {
	if i+4 > len(raw) {
		return -1
	}
	n, err := strconv.ParseUint(string(raw[i:i+4]), 16, 16)
	if err != nil {
		return -1
	}
	return rune(n)
}

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	timeType            = reflect.TypeFor[time.Time]()
	rawType             = reflect.TypeFor[json.RawMessage]()
)

// value walks one value decoded into t (nil: any value, kept as is).
func (w *walker) value(t reflect.Type) error {
	for t != nil && t.Kind() == reflect.Pointer && !reflect.PointerTo(t).Implements(unmarshalerType) {
		t = t.Elem()
	}
	start := w.dec.InputOffset()
	tok, err := w.token()
	if err != nil {
		return err
	}
	if t != nil && t != rawType && reflect.PointerTo(t).Implements(unmarshalerType) {
		// The type decodes itself: check the document's syntax beneath
		// it, then ask it.
		if err := w.rest(tok, nil); err != nil {
			return err
		}
		if tok == nil {
			return nil
		}
		if t == timeType {
			s, isString := tok.(string)
			if !isString {
				return w.mismatch(tok, t)
			}
			if err := checkTime(s); err != nil {
				return w.fail(err)
			}
			return nil
		}
		raw := bytes.TrimLeft(w.b[start:w.dec.InputOffset()], " \t\r\n,:")
		if err := reflect.New(t).Interface().(json.Unmarshaler).UnmarshalJSON(raw); err != nil {
			return w.fail(err)
		}
		return nil
	}
	return w.rest(tok, t)
}

// rest walks the value that begins with tok.
func (w *walker) rest(tok json.Token, t reflect.Type) error {
	if t == rawType || (t != nil && t.Kind() == reflect.Interface && t.NumMethod() == 0) {
		t = nil
	}
	switch x := tok.(type) {
	case nil:
		return nil
	case json.Delim:
		if x == '{' {
			return w.object(t)
		}
		return w.array(t)
	case string:
		switch {
		case t == nil, t.Kind() == reflect.String, reflect.PointerTo(t).Implements(textUnmarshalerType):
			return nil
		case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
			if _, err := base64.StdEncoding.DecodeString(x); err != nil {
				return w.fail(err)
			}
			return nil
		}
	case bool:
		if t == nil || t.Kind() == reflect.Bool {
			return nil
		}
	case json.Number:
		if t == nil {
			return nil
		}
		if ok, err := fits(x, t); ok {
			if err != nil {
				return w.fail(err)
			}
			return nil
		}
	}
	return w.mismatch(tok, t)
}

// checkTime refuses what RFC 3339 does not allow but time.Parse does (a
// one-digit hour, a comma before the fraction, a zone offset out of range;
// https://go.dev/issue/57912), as go-json-experiment/json refused them.
func checkTime(s string) error {
	var t time.Time
	if err := t.UnmarshalText([]byte(s)); err != nil {
		return err
	}
	bad := func(elem, value, message string) error {
		return &time.ParseError{Layout: time.RFC3339, Value: s, LayoutElem: elem, ValueElem: value, Message: message}
	}
	dec2 := func(b string) int { return int(b[0]-'0')*10 + int(b[1]-'0') }
	switch {
	case s[len("2006-01-02T")+1] == ':':
		return bad("15", s[len("2006-01-02T"):][:1], "")
	case s[len("2006-01-02T15:04:05")] == ',':
		return bad(".", ",", "")
	case s[len(s)-1] != 'Z':
		switch {
		case dec2(s[len(s)-len("07:00"):]) >= 24:
			return bad("Z07:00", s[len(s)-len("Z07:00"):], ": timezone hour out of range")
		case dec2(s[len(s)-len("00"):]) >= 60:
			return bad("Z07:00", s[len(s)-len("Z07:00"):], ": timezone minute out of range")
		}
	}
	return nil
}

// fits reports whether a number may go into t, and the error if it is out
// of t's range.
func fits(n json.Number, t reflect.Type) (bool, error) {
	var err error
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		var i int64
		if i, err = strconv.ParseInt(string(n), 10, 64); err == nil && reflect.Zero(t).OverflowInt(i) {
			err = fmt.Errorf("cannot unmarshal %s into %v: value out of range", n, t)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		var u uint64
		if u, err = strconv.ParseUint(string(n), 10, 64); err == nil && reflect.Zero(t).OverflowUint(u) {
			err = fmt.Errorf("cannot unmarshal %s into %v: value out of range", n, t)
		}
	case reflect.Float32, reflect.Float64:
		var f float64
		if f, err = strconv.ParseFloat(string(n), t.Bits()); err == nil && (math.IsInf(f, 0) || reflect.Zero(t).OverflowFloat(f)) {
			err = fmt.Errorf("cannot unmarshal %s into %v: value out of range", n, t)
		}
	default:
		return false, nil
	}
	return true, err
}

// mismatch is a JSON kind that t cannot hold. Into a string, a number or
// bytes it is reported once the value that begins with tok has been read
// (a syntax error in it comes first), into anything else at once, as
// go-json-experiment/json reported it.
func (w *walker) mismatch(tok json.Token, t reflect.Type) error {
	readWhole := false
	switch t.Kind() {
	case reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		readWhole = true
	case reflect.Slice:
		readWhole = t.Elem().Kind() == reflect.Uint8
	}
	if d, isDelim := tok.(json.Delim); isDelim && readWhole {
		var err error
		if d == '{' {
			err = w.object(nil)
		} else {
			err = w.array(nil)
		}
		if err != nil {
			return err
		}
	}
	var k Kind
	switch x := tok.(type) {
	case json.Delim:
		k = Kind(x)
	case string:
		k = '"'
	case json.Number:
		k = '0'
	case bool:
		k = 'f'
		if x {
			k = 't'
		}
	}
	return &Error{Pointer: append([]string(nil), w.path...), JSONKind: k, GoType: t}
}

func (w *walker) object(t reflect.Type) error {
	var fields map[string]reflect.Type
	var elem reflect.Type
	switch {
	case t == nil:
	case t.Kind() == reflect.Struct:
		fields = fieldsOf(t)
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String:
		elem = t.Elem()
	default:
		return w.mismatch(json.Delim('{'), t)
	}
	seen := map[string]bool{}
	for w.dec.More() {
		tok, err := w.token()
		if err != nil {
			return err
		}
		name := tok.(string) // encoding/json allows only strings here
		w.path = append(w.path, escape(name))
		ft := elem
		if fields != nil {
			var known bool
			if ft, known = fields[name]; !known {
				return w.fail(ErrUnknownName)
			}
		}
		if seen[name] {
			e := w.fail(ErrDuplicateName)
			e.Syntax, e.Offset = true, w.nameOffset()
			return e
		}
		seen[name] = true
		if err := w.value(ft); err != nil {
			return err
		}
		w.path = w.path[:len(w.path)-1]
	}
	_, err := w.token() // '}'
	return err
}

// nameOffset is where the member name just read begins.
func (w *walker) nameOffset() int64 {
	end := w.dec.InputOffset()
	i := bytes.LastIndexByte(w.b[:end-1], '"')
	for i > 0 && w.b[i-1] == '\\' {
		i = bytes.LastIndexByte(w.b[:i-1], '"')
	}
	return int64(max(i, 0))
}

func (w *walker) array(t reflect.Type) error {
	var elem reflect.Type
	switch {
	case t == nil:
	case t.Kind() == reflect.Slice, t.Kind() == reflect.Array:
		elem = t.Elem()
	default:
		return w.mismatch(json.Delim('['), t)
	}
	for i := 0; w.dec.More(); i++ {
		w.path = append(w.path, strconv.Itoa(i))
		if err := w.value(elem); err != nil {
			return err
		}
		w.path = w.path[:len(w.path)-1]
	}
	_, err := w.token() // ']'
	return err
}

// escape is a name as a JSON pointer token (RFC 6901).
func escape(name string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(name)
}

var fieldCache sync.Map // reflect.Type -> map[string]reflect.Type

// fieldsOf is the struct's members by their exact JSON names, as
// encoding/json finds them: exported fields, named by their tag, "-"
// left out, and the fields of untagged embedded structs promoted (the
// shallower of two fields of one name wins).
func fieldsOf(t reflect.Type) map[string]reflect.Type {
	if f, ok := fieldCache.Load(t); ok {
		return f.(map[string]reflect.Type)
	}
	out := map[string]reflect.Type{}
	depth := map[string]int{}
	var add func(t reflect.Type, d int)
	add = func(t reflect.Type, d int) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && name == "" {
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					add(ft, d+1)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if prev, dup := depth[name]; !dup || d < prev {
				out[name], depth[name] = f.Type, d
			}
		}
	}
	add(t, 0)
	fieldCache.Store(t, out)
	return out
}
