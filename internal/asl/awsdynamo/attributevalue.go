package awsdynamo

import (
	"encoding/base64"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// toAttributeValue converts one attribute value in the JSON form of the
// DynamoDB API ({"S":"x"}, {"N":"1"}, {"B":"base64"}, {"M":{...}}, ...) to
// the SDK type. Numbers stay strings, as on the wire, so no precision is lost.
func toAttributeValue(v any) (types.AttributeValue, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("an attribute value must be an object such as {\"S\":\"text\"}, got %s", jsonType(v))
	}
	switch len(obj) {
	case 0:
		// DynamoDB's own wording for these two mistakes.
		//lint:ignore ST1005 DynamoDB's message, word for word
		return nil, fmt.Errorf("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
	case 1:
	default:
		//lint:ignore ST1005 DynamoDB's message, word for word
		return nil, fmt.Errorf("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
	}
	for typ, x := range obj {
		switch typ {
		case "S":
			s, err := str(typ, x)
			return &types.AttributeValueMemberS{Value: s}, err
		case "N":
			s, err := str(typ, x)
			return &types.AttributeValueMemberN{Value: s}, err
		case "B":
			b, err := binary(typ, x)
			return &types.AttributeValueMemberB{Value: b}, err
		case "BOOL":
			b, ok := x.(bool)
			if !ok {
				return nil, fmt.Errorf("the value for the field 'BOOL' must be a BOOLEAN, got %s", jsonType(x))
			}
			return &types.AttributeValueMemberBOOL{Value: b}, nil
		case "NULL":
			b, ok := x.(bool)
			if !ok {
				return nil, fmt.Errorf("the value for the field 'NULL' must be a BOOLEAN, got %s", jsonType(x))
			}
			return &types.AttributeValueMemberNULL{Value: b}, nil
		case "SS", "NS":
			ss, err := strs(typ, x)
			if typ == "SS" {
				return &types.AttributeValueMemberSS{Value: ss}, err
			}
			return &types.AttributeValueMemberNS{Value: ss}, err
		case "BS":
			list, ok := x.([]any)
			if !ok {
				return nil, fmt.Errorf("the value for the field 'BS' must be an ARRAY, got %s", jsonType(x))
			}
			bs := make([][]byte, len(list))
			for i, e := range list {
				b, err := binary("BS", e)
				if err != nil {
					return nil, err
				}
				bs[i] = b
			}
			return &types.AttributeValueMemberBS{Value: bs}, nil
		case "M":
			m, err := toAttributeMap(x)
			return &types.AttributeValueMemberM{Value: m}, err
		case "L":
			list, ok := x.([]any)
			if !ok {
				return nil, fmt.Errorf("the value for the field 'L' must be an ARRAY, got %s", jsonType(x))
			}
			l := make([]types.AttributeValue, len(list))
			for i, e := range list {
				av, err := toAttributeValue(e)
				if err != nil {
					return nil, err
				}
				l[i] = av
			}
			return &types.AttributeValueMemberL{Value: l}, nil
		default:
			return nil, fmt.Errorf("unknown attribute value type %q (S, N, B, SS, NS, BS, M, L, NULL, BOOL)", typ)
		}
	}
	panic("unreachable")
}

// toAttributeMap converts an item, a key or ExpressionAttributeValues.
func toAttributeMap(v any) (map[string]types.AttributeValue, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("expected an object of attribute values, got %s", jsonType(v))
	}
	m := make(map[string]types.AttributeValue, len(obj))
	for _, k := range slices.Sorted(maps.Keys(obj)) { // sorted, so the first error is stable
		av, err := toAttributeValue(obj[k])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		m[k] = av
	}
	return m, nil
}

// fromAttributeValue is the inverse of toAttributeValue: the JSON form
// Step Functions shows in a task result.
func fromAttributeValue(av types.AttributeValue) any {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		return map[string]any{"S": v.Value}
	case *types.AttributeValueMemberN:
		return map[string]any{"N": v.Value}
	case *types.AttributeValueMemberB:
		return map[string]any{"B": base64.StdEncoding.EncodeToString(v.Value)}
	case *types.AttributeValueMemberBOOL:
		return map[string]any{"BOOL": v.Value}
	case *types.AttributeValueMemberNULL:
		return map[string]any{"NULL": v.Value}
	case *types.AttributeValueMemberSS:
		return map[string]any{"SS": anySlice(v.Value)}
	case *types.AttributeValueMemberNS:
		return map[string]any{"NS": anySlice(v.Value)}
	case *types.AttributeValueMemberBS:
		bs := make([]any, len(v.Value))
		for i, b := range v.Value {
			bs[i] = base64.StdEncoding.EncodeToString(b)
		}
		return map[string]any{"BS": bs}
	case *types.AttributeValueMemberM:
		return map[string]any{"M": fromAttributeMap(v.Value)}
	case *types.AttributeValueMemberL:
		l := make([]any, len(v.Value))
		for i, e := range v.Value {
			l[i] = fromAttributeValue(e)
		}
		return map[string]any{"L": l}
	}
	// *types.UnknownUnionMember: a type newer than this SDK.
	return map[string]any{}
}

func fromAttributeMap(m map[string]types.AttributeValue) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = fromAttributeValue(v)
	}
	return out
}

func str(field string, v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		// Step Functions' wording for a non-string N, e.g. {"N.$":"$.count"}.
		//lint:ignore ST1005 Step Functions' message, word for word
		return "", fmt.Errorf("The value for the field '%s' must be a STRING, got %s", field, jsonType(v))
	}
	return s, nil
}

func strs(field string, v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("the value for the field '%s' must be an ARRAY of STRING, got %s", field, jsonType(v))
	}
	out := make([]string, len(list))
	for i, e := range list {
		s, err := str(field, e)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

func binary(field string, v any) ([]byte, error) {
	s, err := str(field, v)
	if err != nil {
		return nil, err
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("the value for the field '%s' must be base64: %v", field, err)
	}
	return b, nil
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// jsonType names a decoded JSON value's type as Step Functions' messages do.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "NULL"
	case string:
		return "STRING"
	case bool:
		return "BOOLEAN"
	case map[string]any:
		return "OBJECT"
	case []any:
		return "ARRAY"
	}
	return "NUMBER"
}
