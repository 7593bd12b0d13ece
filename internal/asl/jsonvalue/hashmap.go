package jsonvalue

import "unicode/utf16"

// HashMapOrder returns a copy of o with its keys in the order Java's
// java.util.HashMap iterates them when the keys are put in o's order into
// a default HashMap (16 buckets, doubled while more than 3/4 full).
//
// Step Functions builds the object of a JSONPath payload template
// (Parameters, ResultSelector, ItemSelector, Assign) that way: executions
// recorded on AWS show {"Question.$":…,"Answer.$":…} printed as
// {"Answer":…,"Question":…}, and seven intrinsic results in exactly this
// order (LocalStack parity snapshots, test_assign_reference_variables).
func HashMapOrder(o *Object) *Object {
	n := o.Len()
	buckets := 16
	for n > buckets*3/4 {
		buckets *= 2
	}
	byBucket := make([][]string, buckets)
	for _, k := range o.Keys() {
		i := spread(javaStringHash(k)) & (buckets - 1)
		byBucket[i] = append(byBucket[i], k)
	}
	out := NewObject(n)
	for _, ks := range byBucket {
		for _, k := range ks {
			out.Set(k, o.m[k])
		}
	}
	return out
}

// javaStringHash is Java's String.hashCode: s[0]*31^(n-1) + ... over the
// UTF-16 code units, in 32-bit arithmetic.
func javaStringHash(s string) int32 {
	var h int32
	for _, u := range utf16.Encode([]rune(s)) {
		h = 31*h + int32(u)
	}
	return h
}

// spread is HashMap.hash: the high half folded into the low half.
func spread(h int32) int {
	u := uint32(h)
	return int(u ^ u>>16)
}
