package intrinsic

import (
	"bytes"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"math"
	mrand "math/rand/v2"
	"strconv"
	"strings"
	"touchaudit/internal/asl/jsonvalue"
	"unicode/utf8"

	"touchaudit/internal/asl/jsonpath"
)

// Limits from the Step Functions developer guide, "Intrinsic functions".
const (
	// maxRangeItems: "The newly generated array can't contain more than
	// 1000 items" (States.ArrayRange).
	maxRangeItems = 1000
	// maxEncodeChars: Base64Encode, Base64Decode and Hash take "a string
	// of 10,000 characters or less".
	maxEncodeChars = 10000
	// minInt, maxInt: MathAdd and MathRandom take "integer values in the
	// range of -2147483648 and 2147483647".
	minInt = math.MinInt32
	maxInt = math.MaxInt32
)

// function evaluates one intrinsic given its evaluated arguments; raw are
// the parsed arguments for the few functions that look at their form.
type function func(env *Env, args []any, raw []arg) (any, error)

var functions map[string]function

func init() {
	functions = map[string]function{
		"States.Format":         format,
		"States.StringToJson":   stringToJSON,
		"States.JsonToString":   jsonToString,
		"States.Array":          array,
		"States.ArrayPartition": arrayPartition,
		"States.ArrayContains":  arrayContains,
		"States.ArrayRange":     arrayRange,
		"States.ArrayGetItem":   arrayGetItem,
		"States.ArrayLength":    arrayLength,
		"States.ArrayUnique":    arrayUnique,
		"States.Base64Encode":   base64Encode,
		"States.Base64Decode":   base64Decode,
		"States.Hash":           hashFn,
		"States.JsonMerge":      jsonMerge,
		"States.MathRandom":     mathRandom,
		"States.MathAdd":        mathAdd,
		"States.StringSplit":    stringSplit,
		"States.UUID":           uuid,
	}
}

func (c *call) eval(env *Env) (any, error) {
	args := make([]any, len(c.args))
	for i, a := range c.args {
		v, err := a.eval(env)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	return functions[c.name](env, args, c.args)
}

func (a arg) eval(env *Env) (any, error) {
	switch a.kind {
	case argString:
		return a.str, nil
	case argValue:
		return a.value, nil
	case argCall:
		return a.call.eval(env)
	}
	doc := env.Input
	if a.path.Context() {
		doc = env.Context
	}
	if name := a.path.Variable(); name != "" {
		v, ok := env.Vars[name]
		if !ok {
			return nil, &Error{Name: ErrRuntime, Cause: fmt.Sprintf("The variable '$%s' in the argument '%s' is not defined", name, a.path)}
		}
		doc = v
	}
	v, err := a.path.Get(doc)
	var nf *jsonpath.NotFoundError
	if errors.As(err, &nf) {
		return nil, &Error{Name: ErrRuntime, Cause: fmt.Sprintf("The JsonPath argument for the field '%s' could not be found in the input '%s'", a.path, compactJSON(doc))}
	}
	if err != nil {
		return nil, &Error{Name: ErrRuntime, Cause: err.Error()}
	}
	return v, nil
}

// argCount checks the number of arguments.
func argCount(name string, args []any, min, max int) error {
	n := len(args)
	if n >= min && n <= max {
		return nil
	}
	var want string
	switch {
	case min == max:
		want = fmt.Sprintf("exactly %d", min)
	case max == math.MaxInt:
		want = fmt.Sprintf("at least %d", min)
	default:
		want = fmt.Sprintf("%d to %d", min, max)
	}
	return failf("%s takes %s argument(s) but %d were given", name, want, n)
}

// argReader reads one call's evaluated arguments. Each accessor checks
// a type and words the failure as AWS does. After the first failure the
// accessors return zero values and err keeps that failure, so a function
// reads its arguments in order and checks err once.
type argReader struct {
	name string
	args []any
	err  error
}

// readArgs checks the number of arguments and returns their reader.
func readArgs(name string, args []any, min, max int) *argReader {
	return &argReader{name: name, args: args, err: argCount(name, args, min, max)}
}

// ok reports whether no check has failed yet.
func (r *argReader) ok() bool { return r.err == nil }

// mismatch records that argument i is not of the wanted type.
func (r *argReader) mismatch(i int, want, got string) {
	r.err = failf("%s: the %s argument must be %s, got %s", r.name, ordinal(i), want, got)
}

func (r *argReader) string(i int) string {
	if !r.ok() {
		return ""
	}
	s, ok := r.args[i].(string)
	if !ok {
		r.mismatch(i, "a string", typeName(r.args[i]))
	}
	return s
}

// encodable is a string that Base64Encode, Base64Decode and Hash accept.
func (r *argReader) encodable(i int) string {
	s := r.string(i)
	if !r.ok() {
		return ""
	}
	if n := utf8.RuneCountInString(s); n > maxEncodeChars {
		r.err = failf("%s: the input has %d characters; at most %d are allowed", r.name, n, maxEncodeChars)
		return ""
	}
	return s
}

func (r *argReader) array(i int) []any {
	if !r.ok() {
		return nil
	}
	a, ok := r.args[i].([]any)
	if !ok {
		r.mismatch(i, "an array", typeName(r.args[i]))
	}
	return a
}

func (r *argReader) object(i int) *jsonvalue.Object {
	if !r.ok() {
		return nil
	}
	m, ok := r.args[i].(*jsonvalue.Object)
	if !ok {
		r.mismatch(i, "an object", typeName(r.args[i]))
	}
	return m
}

func (r *argReader) boolean(i int) bool {
	if !r.ok() {
		return false
	}
	b, ok := r.args[i].(bool)
	if !ok {
		r.mismatch(i, "a boolean", typeName(r.args[i]))
	}
	return b
}

// integer requires an integral number.
func (r *argReader) integer(i int) int64 {
	if !r.ok() {
		return 0
	}
	f, ok := toFloat(r.args[i])
	if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		r.mismatch(i, "an integer", render(r.args[i]))
		return 0
	}
	return int64(f)
}

// roundedInt accepts any number and rounds it half up, as AWS does for
// MathAdd and MathRandom ("Step Functions will round it off to the
// nearest integer"), then checks the 32-bit range.
func (r *argReader) roundedInt(i int) int64 {
	if !r.ok() {
		return 0
	}
	f, ok := toFloat(r.args[i])
	if !ok {
		r.mismatch(i, "a number", typeName(r.args[i]))
		return 0
	}
	n := math.Floor(f + 0.5)
	if n < minInt || n > maxInt {
		r.err = failf("%s: the %s argument %s is outside the range %d to %d", r.name, ordinal(i), render(r.args[i]), minInt, maxInt)
		return 0
	}
	return int64(n)
}

func ordinal(i int) string {
	return [...]string{"first", "second", "third", "fourth"}[min(i, 3)]
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case *jsonvalue.Object:
		return "object"
	}
	if _, ok := toFloat(v); ok {
		return "number"
	}
	return fmt.Sprintf("%T", v)
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(n), 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return 0, false
		}
		return f, true
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case int32:
		return float64(n), true
	}
	return 0, false
}

func intNumber(i int64) json.Number { return json.Number(strconv.FormatInt(i, 10)) }

// jsonText renders a value as compact JSON without HTML escaping.
func jsonText(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(canonical(v)); err != nil {
		return "", failf("value cannot be rendered as JSON: %v", err)
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// render is how States.Format shows a value: as Java's toString shows the
// JSON tree AWS holds, so strings as they are, numbers as Java prints them,
// objects as {key=value, key=value} and arrays as [a, b], with nested
// strings unquoted (AWS answers States.Format('x={}', {"Arg1":1,"Arg2":[]})
// with "x={Arg1=1, Arg2=[]}").
func render(v any) string {
	var b strings.Builder
	renderTo(&b, v)
	return b.String()
}

func renderTo(b *strings.Builder, v any) {
	switch x := v.(type) {
	case string:
		b.WriteString(x)
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case *jsonvalue.Object:
		// In key order, as Java prints the LinkedHashMap AWS holds.
		b.WriteByte('{')
		for i, k := range x.Keys() {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k)
			b.WriteByte('=')
			e, _ := x.Get(k)
			renderTo(b, e)
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			renderTo(b, e)
		}
		b.WriteByte(']')
	default:
		if s, ok := numberText(v); ok {
			b.WriteString(s)
			return
		}
		fmt.Fprint(b, v)
	}
}

func format(_ *Env, args []any, raw []arg) (any, error) {
	const name = "States.Format"
	r := readArgs(name, args, 1, math.MaxInt)
	tmpl := r.string(0)
	if !r.ok() {
		return nil, r.err
	}
	var holes []int
	if raw[0].kind == argString {
		holes = raw[0].holes
	} else {
		for i := 0; ; {
			j := strings.Index(tmpl[i:], "{}")
			if j < 0 {
				break
			}
			holes = append(holes, i+j)
			i += j + 2
		}
	}
	if len(holes) != len(args)-1 {
		return nil, failf("%s: the format string has %d placeholder(s) but %d value argument(s) were given", name, len(holes), len(args)-1)
	}
	var b strings.Builder
	last := 0
	for i, h := range holes {
		b.WriteString(tmpl[last:h])
		b.WriteString(render(args[i+1]))
		last = h + 2
	}
	b.WriteString(tmpl[last:])
	return b.String(), nil
}

func stringToJSON(_ *Env, args []any, _ []arg) (any, error) {
	const name = "States.StringToJson"
	r := readArgs(name, args, 1, 1)
	s := r.string(0)
	if !r.ok() {
		return nil, r.err
	}
	// AWS answers null for an empty or blank string (recorded on AWS:
	// LocalStack test_json_manipulation snapshot, test_string_to_json).
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	v, err := jsonvalue.Decode([]byte(s))
	if err != nil {
		return nil, failf("%s: the argument is not valid JSON: %v", name, err)
	}
	return integerZero(v), nil
}

// integerZero turns the integer -0 into 0, as AWS's JSON parser reads it
// (recorded on AWS: StringToJson("-0") is 0).
func integerZero(v any) any {
	switch x := v.(type) {
	case json.Number:
		if x == "-0" {
			return json.Number("0")
		}
	case []any:
		for i := range x {
			x[i] = integerZero(x[i])
		}
	case *jsonvalue.Object:
		for _, k := range x.Keys() {
			e, _ := x.Get(k)
			x.Set(k, integerZero(e))
		}
	}
	return v
}

func jsonToString(_ *Env, args []any, _ []arg) (any, error) {
	if err := argCount("States.JsonToString", args, 1, 1); err != nil {
		return nil, err
	}
	return jsonText(args[0])
}

func array(_ *Env, args []any, _ []arg) (any, error) {
	return append([]any{}, args...), nil
}

func arrayPartition(_ *Env, args []any, _ []arg) (any, error) {
	const name = "States.ArrayPartition"
	r := readArgs(name, args, 2, 2)
	a, size := r.array(0), r.integer(1)
	if !r.ok() {
		return nil, r.err
	}
	if size <= 0 {
		return nil, failf("%s: the chunk size must be a positive, non-zero integer, got %d", name, size)
	}
	out := []any{}
	for i := 0; i < len(a); i += int(min(size, int64(len(a)))) {
		end := min(int64(i)+size, int64(len(a)))
		out = append(out, append([]any{}, a[i:end]...))
	}
	return out, nil
}

func arrayContains(_ *Env, args []any, _ []arg) (any, error) {
	r := readArgs("States.ArrayContains", args, 2, 2)
	a := r.array(0)
	if !r.ok() {
		return nil, r.err
	}
	for _, v := range a {
		if jsonpath.Equal(v, args[1]) {
			return true, nil
		}
	}
	return false, nil
}

func arrayRange(_ *Env, args []any, _ []arg) (any, error) {
	const name = "States.ArrayRange"
	r := readArgs(name, args, 3, 3)
	start, end, step := r.integer(0), r.integer(1), r.integer(2)
	if !r.ok() {
		return nil, r.err
	}
	if step == 0 {
		return nil, failf("%s: the step (third argument) must be a non-zero integer", name)
	}
	var count int64
	switch {
	case step > 0 && start <= end:
		count = (end-start)/step + 1
	case step < 0 && start >= end:
		count = (start-end)/(-step) + 1
	}
	if count > maxRangeItems {
		return nil, failf("%s: the range would have %d items; at most %d are allowed", name, count, maxRangeItems)
	}
	out := make([]any, 0, count)
	for i := int64(0); i < count; i++ {
		out = append(out, intNumber(start+i*step))
	}
	return out, nil
}

func arrayGetItem(_ *Env, args []any, _ []arg) (any, error) {
	const name = "States.ArrayGetItem"
	r := readArgs(name, args, 2, 2)
	a, idx := r.array(0), r.integer(1)
	if !r.ok() {
		return nil, r.err
	}
	if idx < 0 || idx >= int64(len(a)) {
		return nil, failf("%s: index %d is out of bounds for an array of length %d", name, idx, len(a))
	}
	return a[idx], nil
}

func arrayLength(_ *Env, args []any, _ []arg) (any, error) {
	r := readArgs("States.ArrayLength", args, 1, 1)
	a := r.array(0)
	if !r.ok() {
		return nil, r.err
	}
	return intNumber(int64(len(a))), nil
}

func arrayUnique(_ *Env, args []any, _ []arg) (any, error) {
	r := readArgs("States.ArrayUnique", args, 1, 1)
	a := r.array(0)
	if !r.ok() {
		return nil, r.err
	}
	// Bucket by a cheap key, then compare exactly within the bucket, so
	// large arrays stay near linear.
	seen := map[string][]any{}
	out := []any{}
next:
	for _, v := range a {
		k := bucket(v)
		for _, s := range seen[k] {
			if jsonpath.Equal(s, v) {
				continue next
			}
		}
		seen[k] = append(seen[k], v)
		out = append(out, v)
	}
	return out, nil
}

func bucket(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "s" + x
	case bool:
		return "b" + strconv.FormatBool(x)
	case []any:
		return "a" + strconv.Itoa(len(x))
	case *jsonvalue.Object:
		return "o" + strconv.Itoa(x.Len())
	}
	if f, ok := toFloat(v); ok {
		return "n" + strconv.FormatFloat(f, 'g', -1, 64)
	}
	return "?"
}

func base64Encode(_ *Env, args []any, _ []arg) (any, error) {
	r := readArgs("States.Base64Encode", args, 1, 1)
	s := r.encodable(0)
	if !r.ok() {
		return nil, r.err
	}
	return base64.StdEncoding.EncodeToString([]byte(s)), nil
}

func base64Decode(_ *Env, args []any, _ []arg) (any, error) {
	const name = "States.Base64Decode"
	r := readArgs(name, args, 1, 1)
	s := r.encodable(0)
	if !r.ok() {
		return nil, r.err
	}
	enc := base64.StdEncoding
	if !strings.Contains(s, "=") && len(s)%4 != 0 {
		// Padding is optional, as with Java's Base64 decoder.
		enc = base64.RawStdEncoding
	}
	b, err := enc.DecodeString(s)
	if err != nil {
		return nil, failf("%s: the argument is not valid base64: %v", name, err)
	}
	// Java decodes the bytes as UTF-8 with replacement characters.
	return strings.ToValidUTF8(string(b), "\uFFFD"), nil
}

// hashAlgorithms are the algorithms States.Hash accepts, by their AWS
// names.
var hashAlgorithms = map[string]func() hash.Hash{
	"MD5":     md5.New,
	"SHA-1":   sha1.New,
	"SHA-256": sha256.New,
	"SHA-384": sha512.New384,
	"SHA-512": sha512.New,
}

func hashFn(_ *Env, args []any, _ []arg) (any, error) {
	const name = "States.Hash"
	r := readArgs(name, args, 2, 2)
	data, alg := r.encodable(0), r.string(1)
	if !r.ok() {
		return nil, r.err
	}
	newHash, ok := hashAlgorithms[alg]
	if !ok {
		return nil, failf("%s: unsupported algorithm %q; use one of MD5, SHA-1, SHA-256, SHA-384, SHA-512", name, alg)
	}
	h := newHash()
	h.Write([]byte(data))
	return hex.EncodeToString(h.Sum(nil)), nil
}

func jsonMerge(_ *Env, args []any, _ []arg) (any, error) {
	const name = "States.JsonMerge"
	r := readArgs(name, args, 3, 3)
	a, b, deep := r.object(0), r.object(1), r.boolean(2)
	if !r.ok() {
		return nil, r.err
	}
	if deep {
		return nil, failf("%s: deep merging is not supported; the third argument must be false", name)
	}
	// a's keys keep their places (overwritten in place by b's values), and
	// b's new keys follow, as Java's LinkedHashMap.putAll orders them.
	out := a.Clone()
	for _, k := range b.Keys() {
		v, _ := b.Get(k)
		out.Set(k, v)
	}
	return out, nil
}

func mathRandom(env *Env, args []any, _ []arg) (any, error) {
	const name = "States.MathRandom"
	r := readArgs(name, args, 2, 3)
	start, end := r.roundedInt(0), r.roundedInt(1)
	if !r.ok() {
		return nil, r.err
	}
	if end <= start {
		return nil, failf("%s: the end (%d) must be greater than the start (%d)", name, end, start)
	}
	rnd := env.Rand
	if len(args) == 3 {
		seed := r.roundedInt(2)
		if !r.ok() {
			return nil, r.err
		}
		rnd = mrand.New(mrand.NewPCG(uint64(seed), 0))
	}
	span := end - start
	var v int64
	if rnd != nil {
		v = rnd.Int64N(span)
	} else {
		v = mrand.Int64N(span)
	}
	return intNumber(start + v), nil
}

func mathAdd(_ *Env, args []any, _ []arg) (any, error) {
	r := readArgs("States.MathAdd", args, 2, 2)
	a, b := r.roundedInt(0), r.roundedInt(1)
	if !r.ok() {
		return nil, r.err
	}
	return intNumber(a + b), nil
}

// stringSplit splits on any of the delimiter characters and drops empty
// pieces, like Java's StringTokenizer.
func stringSplit(_ *Env, args []any, _ []arg) (any, error) {
	r := readArgs("States.StringSplit", args, 2, 2)
	s, delims := r.string(0), r.string(1)
	if !r.ok() {
		return nil, r.err
	}
	out := []any{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(delims, r) }) {
		out = append(out, f)
	}
	return out, nil
}

func uuid(env *Env, args []any, _ []arg) (any, error) {
	if err := argCount("States.UUID", args, 0, 0); err != nil {
		return nil, err
	}
	var b [16]byte
	if env.Rand != nil {
		for i := 0; i < 16; i += 8 {
			v := env.Rand.Uint64()
			for j := 0; j < 8; j++ {
				b[i+j] = byte(v >> (8 * j))
			}
		}
	} else if _, err := rand.Read(b[:]); err != nil {
		return nil, failf("States.UUID: %v", err)
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

// compactJSON is v as compact JSON without HTML escaping, as AWS quotes
// inputs in error causes.
func compactJSON(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}
