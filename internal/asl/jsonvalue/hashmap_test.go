package jsonvalue

import (
	"reflect"
	"testing"
)

func TestHashMapOrder_AsRecordedOnAWS(t *testing.T) {
	cases := []struct {
		name string
		in   []string
		want []string
	}{
		// LocalStack parity snapshot test_reference_in_map_state
		// [MAP_STATE_REFERENCE_IN_INTRINSIC_FUNCTION].
		{"two keys", []string{"Question", "Answer"}, []string{"Answer", "Question"}},
		// test_assign_from_value[BASE_ASSIGN_FROM_INTRINSIC_FUNCTION].
		{"seven keys",
			[]string{"simpleArray", "partitionedArray", "containsElement", "numberRange", "thirdElement", "arraySize", "uniqueValues"},
			[]string{"uniqueValues", "simpleArray", "thirdElement", "partitionedArray", "arraySize", "containsElement", "numberRange"}},
		{"three keys", []string{"mergedJson", "parsedJson", "stringifiedJson"}, []string{"parsedJson", "mergedJson", "stringifiedJson"}},
		{"single letters by code", []string{"d", "b", "a", "c"}, []string{"a", "b", "c", "d"}},
		{"empty", nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := NewObject(0)
			for i, k := range c.in {
				o.Set(k, i)
			}
			got := HashMapOrder(o)
			if !reflect.DeepEqual(got.Keys(), c.want) && len(c.want) > 0 {
				t.Errorf("got %v, want %v", got.Keys(), c.want)
			}
			for i, k := range c.in {
				if got.Value(k) != i {
					t.Errorf("%s = %v, want %d", k, got.Value(k), i)
				}
			}
		})
	}
}

func TestJavaStringHash(t *testing.T) {
	// Values of "...".hashCode() in Java.
	for s, want := range map[string]int32{"": 0, "a": 97, "Answer": 1966025694, "hello world": 1794106052} {
		if got := javaStringHash(s); got != want {
			t.Errorf("hash(%q) = %d, want %d", s, got, want)
		}
	}
}
