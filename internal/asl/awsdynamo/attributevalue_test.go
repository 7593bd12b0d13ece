package awsdynamo

import (
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"touchaudit/internal/asl/internal/jsontest"
)

func TestAttributeValue_RoundTrip(t *testing.T) {
	cases := []struct {
		name string
		json string
		want types.AttributeValue
	}{
		{"S", `{"S":"héllo"}`, &types.AttributeValueMemberS{Value: "héllo"}},
		{"S empty", `{"S":""}`, &types.AttributeValueMemberS{Value: ""}},
		// Numbers stay strings: no float rounding of 38-digit values.
		{"N", `{"N":"12345678901234567890123456789012345678"}`, &types.AttributeValueMemberN{Value: "12345678901234567890123456789012345678"}},
		{"N decimal", `{"N":"-0.5e-3"}`, &types.AttributeValueMemberN{Value: "-0.5e-3"}},
		{"B", `{"B":"AAEC/w=="}`, &types.AttributeValueMemberB{Value: []byte{0, 1, 2, 255}}},
		{"BOOL true", `{"BOOL":true}`, &types.AttributeValueMemberBOOL{Value: true}},
		{"BOOL false", `{"BOOL":false}`, &types.AttributeValueMemberBOOL{Value: false}},
		{"NULL", `{"NULL":true}`, &types.AttributeValueMemberNULL{Value: true}},
		{"SS", `{"SS":["a","b"]}`, &types.AttributeValueMemberSS{Value: []string{"a", "b"}}},
		{"NS", `{"NS":["1","2.5"]}`, &types.AttributeValueMemberNS{Value: []string{"1", "2.5"}}},
		{"BS", `{"BS":["AQ==","Ag=="]}`, &types.AttributeValueMemberBS{Value: [][]byte{{1}, {2}}}},
		{"L", `{"L":[{"S":"a"},{"N":"1"},{"L":[]}]}`, &types.AttributeValueMemberL{Value: []types.AttributeValue{
			&types.AttributeValueMemberS{Value: "a"}, &types.AttributeValueMemberN{Value: "1"}, &types.AttributeValueMemberL{Value: []types.AttributeValue{}},
		}}},
		{"M", `{"M":{"n":{"NULL":true},"inner":{"M":{"b":{"BOOL":true}}}}}`, &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"n":     &types.AttributeValueMemberNULL{Value: true},
			"inner": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"b": &types.AttributeValueMemberBOOL{Value: true}}},
		}}},
		{"M empty", `{"M":{}}`, &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			av, err := toAttributeValue(jsontest.DecodeGo(t, c.json))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(av, c.want) {
				t.Fatalf("toAttributeValue = %#v, want %#v", av, c.want)
			}
			if got, want := jsontest.Encode(t, fromAttributeValue(av)), jsontest.Encode(t, jsontest.DecodeGo(t, c.json)); got != want {
				t.Errorf("round trip = %s, want %s", got, want)
			}
		})
	}
}

func TestAttributeValue_Invalid(t *testing.T) {
	cases := []struct{ name, json, msg string }{
		{"not an object", `"x"`, "must be an object"},
		{"empty", `{}`, "Supplied AttributeValue is empty"},
		{"two types", `{"S":"a","N":"1"}`, "more than one datatypes"},
		{"number N", `{"N":5}`, "The value for the field 'N' must be a STRING"},
		{"bad base64", `{"B":"%%%"}`, "must be base64"},
		{"BOOL string", `{"BOOL":"true"}`, "'BOOL' must be a BOOLEAN"},
		{"SS of numbers", `{"SS":[1]}`, "'SS' must be a STRING"},
		{"nested", `{"M":{"a":{"L":[{"X":"1"}]}}}`, `a: unknown attribute value type "X"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := toAttributeValue(jsontest.DecodeGo(t, c.json))
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %v, want one containing %q", err, c.msg)
			}
		})
	}
}

func TestRequest_Fields(t *testing.T) {
	r := newRequest("updateItem", jsontest.DecodeMap(t, `{
		"TableName":"T","ConsistentRead":true,"AttributesToGet":["a"],
		"ExpressionAttributeNames":{"#n":"n"},
		"Expected":{"a":{"Value":{"S":"x"},"Exists":true}},
		"AttributeUpdates":{"c":{"Action":"ADD","Value":{"N":"1"}}}}`))
	if *r.string("TableName") != "T" || !*r.bool("ConsistentRead") || r.strings("AttributesToGet")[0] != "a" || r.names("ExpressionAttributeNames")["#n"] != "n" {
		t.Error("scalar fields not read")
	}
	exp := r.expected("Expected")["a"]
	if !*exp.Exists || exp.Value.(*types.AttributeValueMemberS).Value != "x" {
		t.Errorf("Expected = %#v", exp)
	}
	if u := r.attributeUpdates("AttributeUpdates")["c"]; u.Action != types.AttributeActionAdd {
		t.Errorf("AttributeUpdates = %#v", u)
	}
	if err := r.done(); err != nil {
		t.Fatal(err)
	}

	for name, c := range map[string]struct{ json, msg string }{
		"unknown field":        {`{"TableName":"T","Bogus":1}`, "Bogus: the field is not supported"},
		"unknown nested field": {`{"Expected":{"a":{"Valu":{"S":"x"}}}}`, "Expected.a.Valu: the field is not supported"},
		"wrong type":           {`{"TableName":1}`, "TableName: The value for the field 'TableName' must be a STRING"},
	} {
		t.Run(name, func(t *testing.T) {
			r := newRequest("putItem", jsontest.DecodeMap(t, c.json))
			r.string("TableName")
			r.expected("Expected")
			err := r.done()
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("error %v, want one containing %q", err, c.msg)
			}
			if got := err.(*Error).ErrorName(); got != "DynamoDB.AmazonDynamoDBException" {
				t.Errorf("ErrorName = %s", got)
			}
		})
	}
}
