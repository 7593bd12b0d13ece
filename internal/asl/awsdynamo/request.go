package awsdynamo

import (
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// request reads the fields of a task's Parameters into an SDK input. It
// keeps the first problem and reports it, with any unknown field, from done.
// A field that is absent or JSON null is left unset, so DynamoDB itself
// rejects a missing required field, as it does behind Step Functions.
type request struct {
	op   string
	path string // "" at the top, "Expected.price." inside a nested object
	m    map[string]any
	seen map[string]bool
	err  *error
}

func newRequest(op string, m map[string]any) *request {
	var err error
	return &request{op: op, m: m, seen: map[string]bool{}, err: &err}
}

func (r *request) nested(field string, m map[string]any) *request {
	return &request{op: r.op, path: r.path + field + ".", m: m, seen: map[string]bool{}, err: r.err}
}

func (r *request) fail(field string, err error) {
	if *r.err == nil {
		*r.err = fmt.Errorf("%s%s: %w", r.path, field, err)
	}
}

func (r *request) get(field string) (any, bool) {
	r.seen[field] = true
	v, ok := r.m[field]
	return v, ok && v != nil
}

// checkUnknown reports a field that the DynamoDB API does not have for
// this action. Step Functions rejects those when the state machine is created.
func (r *request) checkUnknown() {
	for _, k := range slices.Sorted(maps.Keys(r.m)) {
		if !r.seen[k] {
			r.fail(k, fmt.Errorf("the field is not supported by Step Functions for dynamodb:%s", r.op))
			return
		}
	}
}

// done returns the first problem as the task's error, or nil.
func (r *request) done() error {
	r.checkUnknown()
	if *r.err != nil {
		return parameterError(r.op, *r.err)
	}
	return nil
}

func (r *request) string(field string) *string {
	v, ok := r.get(field)
	if !ok {
		return nil
	}
	s, err := str(field, v)
	if err != nil {
		r.fail(field, err)
		return nil
	}
	return &s
}

// enum reads a string enumeration such as ReturnValues; "" when absent,
// which the SDK leaves out of the request.
func (r *request) enum(field string) string {
	if s := r.string(field); s != nil {
		return *s
	}
	return ""
}

func (r *request) bool(field string) *bool {
	v, ok := r.get(field)
	if !ok {
		return nil
	}
	b, isBool := v.(bool)
	if !isBool {
		r.fail(field, fmt.Errorf("the value must be a BOOLEAN, got %s", jsonType(v)))
		return nil
	}
	return &b
}

func (r *request) strings(field string) []string {
	v, ok := r.get(field)
	if !ok {
		return nil
	}
	ss, err := strs(field, v)
	if err != nil {
		r.fail(field, err)
	}
	return ss
}

func (r *request) object(field string) map[string]any {
	v, ok := r.get(field)
	if !ok {
		return nil
	}
	m, isObj := v.(map[string]any)
	if !isObj {
		r.fail(field, fmt.Errorf("the value must be an OBJECT, got %s", jsonType(v)))
	}
	return m
}

// names reads ExpressionAttributeNames: {"#n": "name"}.
func (r *request) names(field string) map[string]string {
	obj := r.object(field)
	if obj == nil {
		return nil
	}
	out := make(map[string]string, len(obj))
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		s, err := str(k, obj[k])
		if err != nil {
			r.fail(field, err)
			return nil
		}
		out[k] = s
	}
	return out
}

// attributes reads Key, Item or ExpressionAttributeValues.
func (r *request) attributes(field string) map[string]types.AttributeValue {
	v, ok := r.get(field)
	if !ok {
		return nil
	}
	m, err := toAttributeMap(v)
	if err != nil {
		r.fail(field, err)
	}
	return m
}

func (r *request) attribute(field string) types.AttributeValue {
	v, ok := r.get(field)
	if !ok {
		return nil
	}
	av, err := toAttributeValue(v)
	if err != nil {
		r.fail(field, err)
	}
	return av
}

func (r *request) attributeList(field string) []types.AttributeValue {
	v, ok := r.get(field)
	if !ok {
		return nil
	}
	av, err := toAttributeValue(map[string]any{"L": v})
	if err != nil {
		r.fail(field, err)
		return nil
	}
	return av.(*types.AttributeValueMemberL).Value
}

// each calls f with a reader for every object under field (the legacy
// Expected and AttributeUpdates maps: attribute name → object).
func (r *request) each(field string, f func(name string, q *request)) {
	obj := r.object(field)
	for _, name := range slices.Sorted(maps.Keys(obj)) {
		sub, ok := obj[name].(map[string]any)
		if !ok {
			r.fail(field+"."+name, fmt.Errorf("the value must be an OBJECT, got %s", jsonType(obj[name])))
			return
		}
		q := r.nested(field+"."+name, sub)
		f(name, q)
		q.checkUnknown()
	}
}

// expected reads the legacy Expected parameter.
func (r *request) expected(field string) map[string]types.ExpectedAttributeValue {
	var out map[string]types.ExpectedAttributeValue
	r.each(field, func(name string, q *request) {
		if out == nil {
			out = map[string]types.ExpectedAttributeValue{}
		}
		out[name] = types.ExpectedAttributeValue{
			Value:              q.attribute("Value"),
			Exists:             q.bool("Exists"),
			ComparisonOperator: types.ComparisonOperator(q.enum("ComparisonOperator")),
			AttributeValueList: q.attributeList("AttributeValueList"),
		}
	})
	return out
}

// attributeUpdates reads the legacy AttributeUpdates parameter.
func (r *request) attributeUpdates(field string) map[string]types.AttributeValueUpdate {
	var out map[string]types.AttributeValueUpdate
	r.each(field, func(name string, q *request) {
		if out == nil {
			out = map[string]types.AttributeValueUpdate{}
		}
		out[name] = types.AttributeValueUpdate{
			Value:  q.attribute("Value"),
			Action: types.AttributeAction(q.enum("Action")),
		}
	})
	return out
}

// askedCapacity keeps ConsumedCapacity only when the request asked for it
// (ReturnConsumedCapacity INDEXES or TOTAL). DynamoDB returns it only then;
// moto_server returns it always.
func (r *request) askedCapacity(c *types.ConsumedCapacity) *types.ConsumedCapacity {
	if v, _ := r.m["ReturnConsumedCapacity"].(string); v == "" || v == string(types.ReturnConsumedCapacityNone) {
		return nil
	}
	return c
}

// askedMetrics is askedCapacity for ItemCollectionMetrics
// (ReturnItemCollectionMetrics SIZE).
func (r *request) askedMetrics(m *types.ItemCollectionMetrics) *types.ItemCollectionMetrics {
	if v, _ := r.m["ReturnItemCollectionMetrics"].(string); v == "" || v == string(types.ReturnItemCollectionMetricsNone) {
		return nil
	}
	return m
}
