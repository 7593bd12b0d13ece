// Package jsonata evaluates the JSONata expressions of Step Functions
// states ("{% ... %}" strings in Arguments, Output, Assign, Condition and
// the other JSONata fields) with github.com/blues/jsonata-go, a Go port of
// JSONata 1.5.4, and adds what Step Functions adds to the language: the
// $states variable, workflow variables, $partition, $range, $hash,
// $random, $uuid and $parse, and $now/$millis read from the engine clock
// (so that they follow virtual time).
//
// Values go in and come out as the engine holds JSON: json.Number for
// numbers, nil for null, *jsonvalue.Object and []any. Key order is kept
// where it is known (see order), although jsonata-go holds objects as Go
// maps: a template keeps its own, an object an expression passes through
// ($states.input, a variable, a member of either, a $parse result) keeps
// the order it came in with, and an object constructor's literal keys come
// out in the constructor's order. An object jsonata-go builds in any other
// way ($merge, $spread, a transform, computed keys) comes out with sorted
// keys, where AWS would keep JSONata's insertion order.
package jsonata

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"touchaudit/internal/asl/jsonvalue"

	jsonata "github.com/blues/jsonata-go"
	"github.com/blues/jsonata-go/jlib"
	"github.com/blues/jsonata-go/jparse"
	"github.com/blues/jsonata-go/jtypes"
)

// IsExpr reports whether s is a JSONata expression string: "{%" ... "%}".
func IsExpr(s string) bool {
	return len(s) >= 4 && strings.HasPrefix(s, "{%") && strings.HasSuffix(s, "%}")
}

// body is the expression inside "{% %}".
func body(s string) string { return strings.TrimSpace(s[2 : len(s)-2]) }

// Check compiles the expression of s ("{% ... %}") and returns its syntax
// error, if any.
func Check(s string) error {
	b := body(s)
	if b == "" {
		return errors.New("the expression is empty")
	}
	_, err := compile(b)
	return err
}

// compile never lets a panic of the parser escape.
func compile(b string) (e *jsonata.Expr, err error) {
	defer func() {
		if r := recover(); r != nil {
			e, err = nil, fmt.Errorf("%v", r)
		}
	}()
	return jsonata.Compile(b)
}

// Env is what an expression can see.
type Env struct {
	// States is $states: "input", "context", and where they exist
	// "result" and "errorOutput".
	States map[string]any
	// Vars are the workflow variables in scope, by name without "$".
	Vars map[string]any
	// Now is the engine clock's time, for $now() and $millis().
	Now time.Time
	// Rand drives $random() without a seed and $uuid(); nil: a fixed seed.
	Rand *rand.Rand
}

// Error is a failed evaluation: the expression threw, or (Undefined) it
// yielded nothing where a value is needed.
type Error struct {
	Expr      string // the whole "{% ... %}" string
	Undefined bool
	Err       error
	// Path locates the expression inside a template: the object keys and
	// array indexes from the field down ("result" for Output.result).
	Path []string
}

func (e *Error) Error() string {
	if e.Undefined {
		return fmt.Sprintf("The JSONata expression '%s' returned nothing (undefined).", body(e.Expr))
	}
	return fmt.Sprintf("The JSONata expression '%s' threw an error during evaluation: %v", body(e.Expr), e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Eval evaluates one "{% ... %}" string. An undefined result is an *Error
// with Undefined set.
func Eval(s string, env Env) (v any, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = nil, &Error{Expr: s, Err: fmt.Errorf("%v", r)}
		}
	}()
	ex, err := compile(body(s))
	if err != nil {
		return nil, &Error{Expr: s, Err: err}
	}
	o := order{seen: map[uintptr][]string{}}
	vars := make(map[string]any, len(env.Vars)+1)
	for k, x := range env.Vars {
		vars[k] = o.toJSONata(x)
	}
	vars["states"] = o.toJSONata(env.States)
	if err := ex.RegisterVars(vars); err != nil {
		return nil, &Error{Expr: s, Err: err}
	}
	if err := ex.RegisterExts(functions(env, &o)); err != nil {
		return nil, &Error{Expr: s, Err: err}
	}
	out, err := ex.Eval(nullValue)
	if errors.Is(err, jsonata.ErrUndefined) {
		if emptyArrayMember(body(s), env) {
			return []any{}, nil
		}
		return nil, &Error{Expr: s, Undefined: true}
	}
	if err != nil {
		return nil, &Error{Expr: s, Err: err}
	}
	var shape *shape
	if root, err := parse(body(s)); err == nil {
		shape = shapeOf(root)
	}
	res, err := o.fromJSONata(out, shape)
	if err != nil {
		return nil, &Error{Expr: s, Err: err}
	}
	return res, nil
}

// emptyArrayMember reports whether an expression that yielded nothing is
// a path whose last step names a member holding an empty array. JSONata
// 2.0 returns that array ($states.input.items is [] for "items": []);
// jsonata-go drops an empty array at the end of a path.
func emptyArrayMember(b string, env Env) bool {
	root, err := parse(b)
	if err != nil {
		return false
	}
	path, ok := root.(*jparse.PathNode)
	if !ok || len(path.Steps) < 2 || path.KeepArrays {
		return false
	}
	last, ok := path.Steps[len(path.Steps)-1].(*jparse.NameNode)
	if !ok {
		return false
	}
	parent := jparse.PathNode{Steps: path.Steps[:len(path.Steps)-1]}
	v, err := Eval("{% "+parent.String()+" %}", env)
	if err != nil {
		return false
	}
	m, ok := v.(*jsonvalue.Object)
	if !ok {
		return false
	}
	a, ok := m.Value(last.Value).([]any)
	return ok && len(a) == 0
}

// parse never lets a panic of the parser escape.
func parse(b string) (n jparse.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			n, err = nil, fmt.Errorf("%v", r)
		}
	}()
	return jparse.Parse(b)
}

// EvalTemplate evaluates a JSON value in which any string that is a whole
// "{% ... %}" expression is replaced by its value (Arguments, Output,
// Assign, ItemSelector). Inside an object or array an expression must
// yield a value. field names the place for errors ("Output",
// "Arguments.title").
func EvalTemplate(v any, env Env) (any, error) {
	switch t := v.(type) {
	case string:
		if IsExpr(t) {
			return Eval(t, env)
		}
		return t, nil
	case *jsonvalue.Object:
		// The output keeps the template's key order, as AWS prints it.
		out := jsonvalue.NewObject(t.Len())
		for _, k := range t.Keys() {
			x, err := EvalTemplate(t.Value(k), env)
			if err != nil {
				return nil, under(k, err)
			}
			out.Set(k, x)
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			x, err := EvalTemplate(e, env)
			if err != nil {
				return nil, under(strconv.Itoa(i), err)
			}
			out[i] = x
		}
		return out, nil
	}
	return v, nil
}

// under prefixes the location of a failed expression with a key.
func under(k string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		e.Path = append([]string{k}, e.Path...)
	}
	return err
}

// CheckTemplate compiles every expression in a template and returns the
// first syntax error with the expression.
func CheckTemplate(v any) (string, error) {
	switch t := v.(type) {
	case string:
		if IsExpr(t) {
			return t, Check(t)
		}
	case *jsonvalue.Object:
		for _, k := range t.Keys() {
			if s, err := CheckTemplate(t.Value(k)); err != nil {
				return s, err
			}
		}
	case []any:
		for _, e := range t {
			if s, err := CheckTemplate(e); err != nil {
				return s, err
			}
		}
	}
	return "", nil
}

// nullValue is how jsonata-go represents JSON null (its null literal);
// a plain nil would read as undefined.
var nullValue = (*any)(nil)

// order carries key order across jsonata-go, which holds objects as Go
// maps. Going in, it remembers each object's keys by the map it became;
// coming out, a map it remembers with the same keys (a value passed
// through: $states.input, a variable, a member of either) gets them back in
// that order, and a map an object constructor built gets its literal keys
// in the constructor's order (shape). Any other map's keys are sorted.
type order struct {
	seen map[uintptr][]string
}

// toJSONata converts an engine value for jsonata-go: numbers as float64
// (JSONata's numbers are IEEE doubles, as on AWS), null as nullValue.
func (o *order) toJSONata(v any) any {
	switch t := v.(type) {
	case nil:
		return nullValue
	case json.Number:
		f, err := t.Float64()
		if err != nil {
			return math.Inf(1)
		}
		return f
	case *jsonvalue.Object:
		m := make(map[string]any, t.Len())
		for _, k := range t.Keys() {
			m[k] = o.toJSONata(t.Value(k))
		}
		o.seen[reflect.ValueOf(m).Pointer()] = t.Keys()
		return m
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = o.toJSONata(e)
		}
		return m
	case []any:
		a := make([]any, len(t))
		for i, e := range t {
			a[i] = o.toJSONata(e)
		}
		return a
	}
	return v
}

// fromJSONata converts a result back. Numbers go through encoding/json,
// which writes float64 as JavaScript does (1, 0.1, 1e+21); a value that
// is not JSON (a function, NaN) is an error. sh is the expression's shape
// where it builds objects (nil: none known).
func (o *order) fromJSONata(v any, sh *shape) (any, error) {
	switch t := v.(type) {
	case nil:
		return nil, nil
	case *any:
		if t == nil {
			return nil, nil
		}
		return o.fromJSONata(*t, sh)
	case string, bool:
		return t, nil
	case map[string]any:
		out := jsonvalue.NewObject(len(t))
		for _, k := range o.keys(t, sh) {
			x, err := o.fromJSONata(t[k], sh.member(k))
			if err != nil {
				return nil, err
			}
			out.Set(k, x)
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			x, err := o.fromJSONata(e, sh.item(i, len(t)))
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	}
	// Numbers and anything else jsonata-go returns (typed slices or maps)
	// go through JSON text.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("the result is not a JSON value: %v", err)
	}
	out, err := jsonvalue.Decode(buf.Bytes())
	if err != nil {
		return nil, err
	}
	return positiveZero(out), nil
}

// keys gives m's keys in the order they are known in, else sorted.
func (o *order) keys(m map[string]any, sh *shape) []string {
	if ks, ok := o.seen[reflect.ValueOf(m).Pointer()]; ok && sameKeys(ks, m) {
		return ks
	}
	var out []string
	if sh != nil {
		for _, k := range sh.keys {
			if _, ok := m[k]; ok && !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	var rest []string
	for k := range m {
		if !slices.Contains(out, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

func sameKeys(ks []string, m map[string]any) bool {
	if len(ks) != len(m) {
		return false
	}
	for _, k := range ks {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

// shape is what an expression's syntax tells of the objects it builds: an
// object constructor's literal keys in order and the shapes of their
// values, and an array constructor's items.
type shape struct {
	keys    []string
	members map[string]*shape
	items   []*shape
}

// shapeOf reads the shape of an object or array constructor; nil for any
// other expression.
func shapeOf(n jparse.Node) *shape {
	switch t := n.(type) {
	case *jparse.ObjectNode:
		sh := &shape{members: map[string]*shape{}}
		for _, p := range t.Pairs {
			k, ok := p[0].(*jparse.StringNode)
			if !ok {
				continue
			}
			sh.keys = append(sh.keys, k.Value)
			if m := shapeOf(p[1]); m != nil {
				sh.members[k.Value] = m
			}
		}
		return sh
	case *jparse.ArrayNode:
		sh := &shape{}
		for _, it := range t.Items {
			sh.items = append(sh.items, shapeOf(it))
		}
		return sh
	case *jparse.BlockNode:
		if len(t.Exprs) > 0 {
			return shapeOf(t.Exprs[len(t.Exprs)-1])
		}
	}
	return nil
}

func (sh *shape) member(k string) *shape {
	if sh == nil {
		return nil
	}
	return sh.members[k]
}

// item is the shape of an array's i-th item, when the constructor's items
// and the array's match one to one.
func (sh *shape) item(i, n int) *shape {
	if sh == nil || len(sh.items) != n {
		return nil
	}
	return sh.items[i]
}

// positiveZero writes negative zero as 0, as JavaScript's JSON.stringify
// does (AWS: $parse("-0") is 0).
func positiveZero(v any) any {
	switch t := v.(type) {
	case json.Number:
		if t == "-0" {
			return json.Number("0")
		}
	case *jsonvalue.Object:
		for _, k := range t.Keys() {
			t.Set(k, positiveZero(t.Value(k)))
		}
	case []any:
		for i, e := range t {
			t[i] = positiveZero(e)
		}
	}
	return v
}

// functions are Step Functions' additions to JSONata (developer guide,
// "JSONata functions provided by Step Functions") and the clock functions.
func functions(env Env, o *order) map[string]jsonata.Extension {
	ms := env.Now.UnixMilli()
	r := env.Rand
	if r == nil {
		r = rand.New(rand.NewPCG(1, 2))
	}
	return map[string]jsonata.Extension{
		"now": {Func: func(picture, tz jtypes.OptionalString) (string, error) {
			return jlib.FromMillis(ms, picture, tz)
		}},
		"millis": {Func: func() int64 { return ms }},
		"partition": {Func: func(arr any, size float64) (any, error) {
			a, ok := asArray(arr)
			if !ok {
				return nil, errors.New("$partition: the first argument must be an array")
			}
			if size < 1 || size != math.Trunc(size) {
				return nil, errors.New("$partition: the chunk size must be a positive integer")
			}
			n := int(size)
			out := []any{}
			for i := 0; i < len(a); i += n {
				out = append(out, append([]any{}, a[i:min(i+n, len(a))]...))
			}
			return out, nil
		}},
		"range": {Func: func(start, end, step float64) (any, error) {
			if step == 0 || start != math.Trunc(start) || end != math.Trunc(end) || step != math.Trunc(step) {
				return nil, errors.New("$range: start, end and step must be integers and step must not be 0")
			}
			out := []any{}
			for x := start; (step > 0 && x <= end) || (step < 0 && x >= end); x += step {
				if len(out) >= maxRangeItems {
					return nil, fmt.Errorf("$range: the result would have more than %d items", maxRangeItems)
				}
				out = append(out, x)
			}
			return out, nil
		}},
		"hash": {Func: func(data string, algorithm string) (string, error) {
			var h hash.Hash
			switch algorithm {
			case "MD5":
				h = md5.New()
			case "SHA-1":
				h = sha1.New()
			case "SHA-256":
				h = sha256.New()
			case "SHA-384":
				h = sha512.New384()
			case "SHA-512":
				h = sha512.New()
			default:
				return "", fmt.Errorf("$hash: the algorithm %q is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512", algorithm)
			}
			h.Write([]byte(data))
			return hex.EncodeToString(h.Sum(nil)), nil
		}},
		"random": {Func: func(seed jtypes.OptionalFloat64) float64 {
			if seed.IsSet() {
				return rand.New(rand.NewPCG(math.Float64bits(seed.Float64), 0)).Float64()
			}
			return r.Float64()
		}},
		"uuid": {Func: func() string {
			var b [16]byte
			for i := range b {
				b[i] = byte(r.UintN(256))
			}
			b[6] = b[6]&0x0f | 0x40
			b[8] = b[8]&0x3f | 0x80
			x := hex.EncodeToString(b[:])
			return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
		}},
		// $assert is JSONata 2.0's; the 1.5.4 port lacks it.
		"assert": {Func: func(cond bool, msg jtypes.OptionalString) (any, error) {
			if cond {
				return nil, nil
			}
			if msg.IsSet() {
				return nil, errors.New(msg.String)
			}
			return nil, errors.New("$assert() statement failed")
		}},
		"parse": {Func: func(s string) (any, error) {
			// The engine's decoder, which keeps the objects' key order.
			v, err := jsonvalue.Decode([]byte(s))
			if errors.Is(err, jsonvalue.ErrTrailingData) {
				return nil, fmt.Errorf("$parse: %q has data after the JSON value", s)
			}
			if err != nil {
				return nil, fmt.Errorf("$parse: %q is not JSON: %v", s, err)
			}
			return o.toJSONata(v), nil
		}},
	}
}

// maxRangeItems bounds $range, as the States.ArrayRange intrinsic is
// bounded ("up to 1000 items", developer guide, intrinsic functions).
const maxRangeItems = 1000

func asArray(v any) ([]any, bool) {
	switch t := v.(type) {
	case []any:
		return t, true
	case nil:
		return nil, false
	}
	return []any{v}, v != nil
}
