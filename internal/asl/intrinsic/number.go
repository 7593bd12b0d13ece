package intrinsic

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"touchaudit/internal/asl/jsonvalue"
)

// Step Functions reads JSON with Jackson: integers stay integers and every
// number written with a fraction or exponent becomes a Java double. When
// such a value is turned back into text (States.Format, States.JsonToString)
// it is printed with Java's Double.toString, so 1.50 prints as 1.5 and
// 1e10 as 1.0E10. canonical rewrites numbers that way.

// javaDoubleFixedMin and javaDoubleFixedMax bound the magnitudes that
// Double.toString prints without an exponent (Java SE API, Double.toString:
// "If m is greater than or equal to 10^-3 but less than 10^7 ...").
const (
	javaDoubleFixedMin = 1e-3
	javaDoubleFixedMax = 1e7
)

// javaDouble formats f like Java's Double.toString.
func javaDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	if a := math.Abs(f); a >= javaDoubleFixedMin && a < javaDoubleFixedMax {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±xx
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}

// isIntegerText reports whether a JSON number is written as an integer.
func isIntegerText(s string) bool {
	return !strings.ContainsAny(s, ".eE")
}

// numberText renders a number the way Step Functions prints it.
func numberText(v any) (string, bool) {
	switch n := v.(type) {
	case json.Number:
		if isIntegerText(string(n)) {
			return string(n), true
		}
		f, ok := toFloat(n)
		if !ok {
			return string(n), true
		}
		return javaDouble(f), true
	case float64:
		return floatText(n), true
	case float32:
		return floatText(float64(n)), true
	case int:
		return strconv.Itoa(n), true
	case int64:
		return strconv.FormatInt(n, 10), true
	case int32:
		return strconv.FormatInt(int64(n), 10), true
	}
	return "", false
}

// floatText prints a float64 from a Go handler. Go's encoding/json writes
// integral floats without a fraction, so Jackson would read them back as
// integers.
func floatText(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return javaDouble(f)
}

// canonical returns v with every number replaced by its printed form, so
// that encoding/json writes numbers as Step Functions does.
func canonical(v any) any {
	switch x := v.(type) {
	case *jsonvalue.Object:
		out := jsonvalue.NewObject(x.Len())
		for _, k := range x.Keys() {
			e, _ := x.Get(k)
			out.Set(k, canonical(e))
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = canonical(e)
		}
		return out
	}
	if s, ok := numberText(v); ok {
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return json.Number(s)
		}
		// NaN and infinities have no JSON form; keep the Java spelling.
		return s
	}
	return v
}
