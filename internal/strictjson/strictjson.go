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
// bundles and cold starts"); this one reads the document once, byte by
// byte, beside the Go type, and then lets encoding/json, which every
// function links anyway, decode it. (encoding/json's Decoder.Token made
// that walk three times slower than the decoding itself.)
package strictjson

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
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
	w := &walker{b: b}
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

// walker reads the document byte by byte, in order, beside the Go type
// each value decodes into. It accepts exactly the JSON encoding/json
// accepts, and UTF-8 only.
type walker struct {
	b     []byte
	i     int // the next byte
	path  []string
	depth int // objects and arrays open
}

// maxDepth is how deeply objects and arrays may nest, as encoding/json and
// go-json-experiment/json allow: the walk recurses per level, and without
// a bound a 512 KiB body of '[' would grow its stack to hundreds of MB.
const maxDepth = 10000

var errMaxDepth = errors.New("exceeded max depth")

// nest enters an object or an array at the next byte; the caller leaves it
// with w.depth--.
func (w *walker) nest() error {
	if w.depth++; w.depth > maxDepth {
		return w.syntaxError(w.i, errMaxDepth)
	}
	return nil
}

func (w *walker) fail(err error) *Error {
	return &Error{Pointer: slices.Clone(w.path), Err: err}
}

func (w *walker) syntaxError(off int, err error) *Error {
	return &Error{Syntax: true, Offset: int64(off), Pointer: slices.Clone(w.path), Err: err}
}

// invalid is a syntax error at the next byte, or at the end of input.
func (w *walker) invalid(context string) *Error {
	if w.i >= len(w.b) {
		return w.syntaxError(len(w.b), io.ErrUnexpectedEOF)
	}
	return w.syntaxError(w.i, fmt.Errorf("invalid character %q %s", w.b[w.i], context))
}

func (w *walker) skipSpace() {
	for w.i < len(w.b) && isSpace(w.b[w.i]) {
		w.i++
	}
}

// peek is the kind of the value that begins at the next byte but white
// space.
func (w *walker) peek() (Kind, error) {
	w.skipSpace()
	if w.i < len(w.b) {
		switch c := w.b[w.i]; {
		case c == '{', c == '[', c == '"', c == 't', c == 'f', c == 'n':
			return Kind(c), nil
		case c == '-', '0' <= c && c <= '9':
			return '0', nil
		}
	}
	return 0, w.invalid("looking for beginning of value")
}

// end checks that nothing but white space follows the value.
func (w *walker) end() error {
	w.skipSpace()
	if w.i < len(w.b) {
		return w.invalid("after top-level value")
	}
	return nil
}

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	timeType            = reflect.TypeFor[time.Time]()
	rawType             = reflect.TypeFor[json.RawMessage]()
)

// value walks one value decoded into t (nil: any value, kept as is).
func (w *walker) value(t reflect.Type) error {
	ptr := false
	for t != nil && t.Kind() == reflect.Pointer && !reflect.PointerTo(t).Implements(unmarshalerType) {
		t, ptr = t.Elem(), true
	}
	if t == rawType || (t != nil && t.Kind() == reflect.Interface && t.NumMethod() == 0) {
		t = nil
	}
	k, err := w.peek()
	if err != nil {
		return err
	}
	if t != nil && reflect.PointerTo(t).Implements(unmarshalerType) {
		return w.unmarshaler(k, t, ptr)
	}
	switch k {
	case '{':
		return w.object(t)
	case '[':
		return w.array(t)
	case '"':
		isBytes := t != nil && t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8
		s, err := w.str(isBytes)
		switch {
		case err != nil:
			return err
		case t == nil, t.Kind() == reflect.String, reflect.PointerTo(t).Implements(textUnmarshalerType):
			return nil
		case isBytes:
			if _, err := base64.StdEncoding.DecodeString(s); err != nil {
				return w.fail(err)
			}
			return nil
		}
	case '0':
		n, err := w.number()
		if err != nil || t == nil {
			return err
		}
		if ok, err := fits(n, t); ok {
			if err != nil {
				return w.fail(err)
			}
			return nil
		}
	default:
		if err := w.literal(k); err != nil || k == 'n' || t == nil || t.Kind() == reflect.Bool {
			return err
		}
	}
	return w.mismatch(k, t)
}

// unmarshaler walks a value of a type that decodes itself: the document's
// syntax beneath it first, then the type's own verdict, null included
// unless it goes into a pointer (which it sets to nil) or a time (which
// it leaves zero), as both encoding/json and go-json-experiment/json
// decode null.
func (w *walker) unmarshaler(k Kind, t reflect.Type, ptr bool) error {
	start := w.i
	if err := w.value(nil); err != nil {
		return err
	}
	raw := w.b[start:w.i]
	switch {
	case k == 'n' && (ptr || t == timeType):
		return nil
	case t == timeType && k != '"':
		return w.mismatch(k, t)
	case t == timeType:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return w.fail(err)
		}
		if err := checkTime(s); err != nil {
			return w.fail(err)
		}
		return nil
	}
	if err := reflect.New(t).Interface().(json.Unmarshaler).UnmarshalJSON(raw); err != nil {
		return w.fail(err)
	}
	return nil
}

// mismatch is a JSON kind that t cannot hold. Into a string, a number or
// bytes an object or array is reported once it has been read whole (a
// syntax error in it comes first), into anything else at once, as
// go-json-experiment/json reported it. A scalar has been read.
func (w *walker) mismatch(k Kind, t reflect.Type) error {
	readWhole := false
	switch t.Kind() {
	case reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		readWhole = true
	case reflect.Slice:
		readWhole = t.Elem().Kind() == reflect.Uint8
	}
	if (k == '{' || k == '[') && readWhole {
		if err := w.value(nil); err != nil {
			return err
		}
	}
	return &Error{Pointer: slices.Clone(w.path), JSONKind: k, GoType: t}
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
		return w.mismatch('{', t)
	}
	if err := w.nest(); err != nil {
		return err
	}
	defer func() { w.depth-- }()
	w.i++ // '{'
	w.skipSpace()
	if w.i < len(w.b) && w.b[w.i] == '}' {
		w.i++
		return nil
	}
	var seen map[string]bool
	for {
		w.skipSpace()
		if w.i >= len(w.b) || w.b[w.i] != '"' {
			// go-json-experiment/json read a value there whole before
			// refusing it as a name: an error inside it came first.
			at := w.i
			if _, err := w.peek(); err == nil {
				if err := w.value(nil); err != nil {
					return err
				}
			}
			w.i = at
			return w.invalid("looking for beginning of object key string")
		}
		at := w.i
		name, err := w.str(true)
		if err != nil {
			return err
		}
		w.path = append(w.path, escape(name))
		ft := elem
		if fields != nil {
			var known bool
			if ft, known = fields[name]; !known {
				return w.fail(ErrUnknownName)
			}
		}
		if seen[name] {
			return w.syntaxError(at, ErrDuplicateName)
		}
		if seen == nil {
			seen = map[string]bool{}
		}
		seen[name] = true
		w.skipSpace()
		if w.i >= len(w.b) || w.b[w.i] != ':' {
			return w.invalid("after object key")
		}
		w.i++
		if err := w.value(ft); err != nil {
			return err
		}
		w.path = w.path[:len(w.path)-1]
		if more, err := w.next('}', "after object key:value pair"); !more {
			return err
		}
	}
}

// next reads what follows a member or an element: a comma (more to come)
// or closer (the end); anything else is a syntax error, after what.
func (w *walker) next(closer byte, after string) (more bool, err error) {
	w.skipSpace()
	if w.i < len(w.b) && w.b[w.i] == ',' {
		w.i++
		return true, nil
	}
	if w.i < len(w.b) && w.b[w.i] == closer {
		w.i++
		return false, nil
	}
	return false, w.invalid(after)
}

func (w *walker) array(t reflect.Type) error {
	var elem reflect.Type
	switch {
	case t == nil:
	case t.Kind() == reflect.Slice, t.Kind() == reflect.Array:
		elem = t.Elem()
	default:
		return w.mismatch('[', t)
	}
	if err := w.nest(); err != nil {
		return err
	}
	defer func() { w.depth-- }()
	w.i++ // '['
	w.skipSpace()
	// A Go array takes exactly its length: encoding/json would drop the
	// extra elements or leave the missing ones zero.
	length := func(n int) error {
		if t != nil && t.Kind() == reflect.Array && n != t.Len() {
			return w.fail(fmt.Errorf("cannot unmarshal JSON array of %d elements into Go %v: want %d", n, t, t.Len()))
		}
		return nil
	}
	if w.i < len(w.b) && w.b[w.i] == ']' {
		w.i++
		return length(0)
	}
	for n := 0; ; n++ {
		w.path = append(w.path, strconv.Itoa(n))
		if err := w.value(elem); err != nil {
			return err
		}
		w.path = w.path[:len(w.path)-1]
		more, err := w.next(']', "after array element")
		if err != nil {
			return err
		}
		if !more {
			return length(n + 1)
		}
	}
}

// literal reads true, false or null.
func (w *walker) literal(k Kind) error {
	word := "null"
	switch k {
	case 't':
		word = "true"
	case 'f':
		word = "false"
	}
	for j := range len(word) {
		if w.i >= len(w.b) || w.b[w.i] != word[j] {
			return w.invalid("in literal " + word)
		}
		w.i++
	}
	return nil
}

// number reads a number (RFC 8259: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?).
func (w *walker) number() (string, error) {
	start := w.i
	digits := func() int {
		n := 0
		for w.i < len(w.b) && '0' <= w.b[w.i] && w.b[w.i] <= '9' {
			w.i++
			n++
		}
		return n
	}
	if w.b[w.i] == '-' {
		w.i++
	}
	switch {
	case w.i < len(w.b) && w.b[w.i] == '0':
		w.i++
	case digits() == 0:
		return "", w.invalid("in numeric literal")
	}
	if w.i < len(w.b) && w.b[w.i] == '.' {
		w.i++
		if digits() == 0 {
			return "", w.invalid("after decimal point in numeric literal")
		}
	}
	if w.i < len(w.b) && (w.b[w.i] == 'e' || w.b[w.i] == 'E') {
		w.i++
		if w.i < len(w.b) && (w.b[w.i] == '+' || w.b[w.i] == '-') {
			w.i++
		}
		if digits() == 0 {
			return "", w.invalid("in exponent of numeric literal")
		}
	}
	return string(w.b[start:w.i]), nil
}

// str reads a string, which must be UTF-8 and whose \u escapes must not
// leave half a surrogate pair (encoding/json would make U+FFFD of either),
// and returns its value when want.
func (w *walker) str(want bool) (string, error) {
	w.i++ // '"'
	start, escaped := w.i, false
	for {
		if w.i >= len(w.b) {
			return "", w.syntaxError(len(w.b), io.ErrUnexpectedEOF)
		}
		switch c := w.b[w.i]; {
		case c == '"':
			w.i++
			if !want {
				return "", nil
			}
			if !escaped {
				return string(w.b[start : w.i-1]), nil
			}
			var s string
			err := json.Unmarshal(w.b[start-1:w.i], &s) // checked above
			return s, err
		case c == '\\':
			escaped = true
			if err := w.escape(); err != nil {
				return "", err
			}
		case c < ' ':
			return "", w.invalid("in string literal")
		case c < utf8.RuneSelf:
			w.i++
		default:
			r, n := utf8.DecodeRune(w.b[w.i:])
			if r == utf8.RuneError && n <= 1 {
				return "", w.syntaxError(w.i, ErrInvalidUTF8)
			}
			w.i += n
		}
	}
}

// escape reads one escape sequence in a string; a high surrogate's \u
// must be followed by a low one's.
func (w *walker) escape() error {
	at := w.i
	w.i++ // '\\'
	if w.i >= len(w.b) {
		return w.syntaxError(len(w.b), io.ErrUnexpectedEOF)
	}
	switch w.b[w.i] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		w.i++
		return nil
	case 'u':
	default:
		return w.invalid("in string escape code")
	}
	r, err := w.hex4()
	if err != nil {
		return err
	}
	switch {
	case r >= 0xDC00 && r < 0xE000:
		return w.syntaxError(at, ErrInvalidUTF8)
	case r >= 0xD800 && r < 0xDC00:
		if w.i+1 < len(w.b) && w.b[w.i] == '\\' && w.b[w.i+1] == 'u' {
			w.i++
			lo, err := w.hex4()
			if err != nil {
				return err
			}
			if lo >= 0xDC00 && lo < 0xE000 {
				return nil
			}
		}
		return w.syntaxError(at, ErrInvalidUTF8)
	}
	return nil
}

// hex4 reads the 'u' and four hex digits of a \u escape.
func (w *walker) hex4() (rune, error) {
	w.i++ // 'u'
	var r rune
	for range 4 {
		if w.i >= len(w.b) {
			return 0, w.syntaxError(len(w.b), io.ErrUnexpectedEOF)
		}
		c := w.b[w.i]
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, w.invalid("in \\u hexadecimal character escape")
		}
		w.i++
	}
	return r, nil
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
func fits(n string, t reflect.Type) (bool, error) {
	var err error
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		var i int64
		if i, err = strconv.ParseInt(n, 10, 64); err == nil && reflect.Zero(t).OverflowInt(i) {
			err = fmt.Errorf("cannot unmarshal %s into %v: value out of range", n, t)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		var u uint64
		if u, err = strconv.ParseUint(n, 10, 64); err == nil && reflect.Zero(t).OverflowUint(u) {
			err = fmt.Errorf("cannot unmarshal %s into %v: value out of range", n, t)
		}
	case reflect.Float32, reflect.Float64:
		var f float64
		if f, err = strconv.ParseFloat(n, t.Bits()); err == nil && (math.IsInf(f, 0) || reflect.Zero(t).OverflowFloat(f)) {
			err = fmt.Errorf("cannot unmarshal %s into %v: value out of range", n, t)
		}
	default:
		return false, nil
	}
	return true, err
}

// escape is a name as a JSON pointer token (RFC 6901).
func escape(name string) string {
	if !strings.ContainsAny(name, "~/") {
		return name
	}
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
