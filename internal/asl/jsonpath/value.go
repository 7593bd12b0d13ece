package jsonpath

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"touchaudit/internal/asl/jsonvalue"
)

// num is a JSON number reduced to something comparable: exact for
// integers that fit in int64, float64 otherwise.
type num struct {
	i     int64
	f     float64
	exact bool
}

func (a num) cmp(b num) int {
	if a.exact && b.exact {
		switch {
		case a.i < b.i:
			return -1
		case a.i > b.i:
			return 1
		}
		return 0
	}
	switch {
	case a.f < b.f:
		return -1
	case a.f > b.f:
		return 1
	}
	return 0
}

// toNum converts any supported number representation; ok is false for
// non-numbers.
func toNum(v any) (num, bool) {
	switch n := v.(type) {
	case json.Number:
		return parseNum(string(n))
	case float64:
		return floatNum(n), true
	case float32:
		return floatNum(float64(n)), true
	case int:
		return num{i: int64(n), f: float64(n), exact: true}, true
	case int64:
		return num{i: n, f: float64(n), exact: true}, true
	case int32:
		return num{i: int64(n), f: float64(n), exact: true}, true
	case uint64:
		if n > math.MaxInt64 {
			return num{f: float64(n)}, true
		}
		return num{i: int64(n), f: float64(n), exact: true}, true
	case uint:
		return toNum(uint64(n))
	}
	return num{}, false
}

func floatNum(f float64) num {
	if f == math.Trunc(f) && math.Abs(f) < 1<<62 {
		return num{i: int64(f), f: f, exact: true}
	}
	return num{f: f}
}

func parseNum(s string) (num, bool) {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return num{i: i, f: float64(i), exact: true}, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return num{}, false
	}
	return floatNum(f), true
}

func isNumber(v any) bool {
	_, ok := toNum(v)
	return ok
}

// looseEqual is Jayway's "==": numbers compare by value, a number equals a
// string holding the same number, containers compare deeply.
func looseEqual(a, b any) bool {
	if isNumber(a) || isNumber(b) {
		na, ok1 := numeric(a)
		nb, ok2 := numeric(b)
		return ok1 && ok2 && na.cmp(nb) == 0
	}
	return Equal(a, b)
}

// numeric converts a number, or a string that spells one, to a rational.
func numeric(v any) (num, bool) {
	if s, ok := v.(string); ok {
		if !isJSONNumberText(s) {
			return num{}, false
		}
		return parseNum(s)
	}
	return toNum(v)
}

// isJSONNumberText keeps strconv from accepting forms such as "Inf",
// "0x10" or "1_000" that are not JSON numbers.
func isJSONNumberText(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789+-.eE", c) {
			return false
		}
	}
	return true
}

// order compares two numbers or two strings; ok is false for other pairs,
// which never satisfy an ordering operator.
func order(a, b any) (int, bool) {
	if na, ok := toNum(a); ok {
		if nb, ok := toNum(b); ok {
			return na.cmp(nb), true
		}
		return 0, false
	}
	sa, ok1 := a.(string)
	sb, ok2 := b.(string)
	if ok1 && ok2 {
		return strings.Compare(sa, sb), true
	}
	return 0, false
}

// Equal reports whether two JSON values are equal, comparing numbers by
// value regardless of their Go representation.
func Equal(a, b any) bool {
	if isNumber(a) || isNumber(b) {
		na, ok1 := toNum(a)
		nb, ok2 := toNum(b)
		return ok1 && ok2 && na.cmp(nb) == 0
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case *jsonvalue.Object:
		y, ok := b.(*jsonvalue.Object)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for _, k := range x.Keys() {
			xv, _ := x.Get(k)
			yv, ok := y.Get(k)
			if !ok || !Equal(xv, yv) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return false
}
