package awsdynamo_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"touchaudit/internal/asl"
	"touchaudit/internal/asl/awsdynamo"
	"touchaudit/internal/asl/internal/jsontest"
	"touchaudit/internal/motoserver"
)

// motoClient returns a DynamoDB client for the shared moto_server and
// creates table (partition key "pk", a string) on it.
func motoClient(t *testing.T, table string) *dynamodb.Client {
	t.Helper()
	srv := motoserver.Shared(t)
	client := dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(srv.Endpoint),
	})
	_, err := client.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName:            aws.String(table),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
	})
	if err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
	return client
}

// run executes definition on a virtual-time engine using db and returns
// the execution's description.
func run(t *testing.T, db asl.DynamoDB, definition, input string) *asl.ExecutionDescription {
	t.Helper()
	e := asl.NewEngine(asl.Options{DynamoDB: db})
	sm, err := e.CreateStateMachine(asl.CreateStateMachineInput{Name: "ddb", Definition: definition})
	if err != nil {
		t.Fatalf("CreateStateMachine: %v", err)
	}
	st, err := e.StartExecution(asl.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: input})
	if err != nil {
		t.Fatalf("StartExecution: %v", err)
	}
	d, err := e.WaitForExecution(context.Background(), st.ExecutionArn)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// stripMetadata checks the SdkHttpMetadata and SdkResponseMetadata that
// Step Functions adds to a DynamoDB result (their values vary per call) and
// returns the rest of the result.
func stripMetadata(t *testing.T, name string, result any) map[string]any {
	t.Helper()
	res, ok := result.(map[string]any)
	if !ok {
		t.Fatalf("%s: result %v is not an object", name, result)
	}
	http, _ := res["SdkHttpMetadata"].(map[string]any)
	resp, _ := res["SdkResponseMetadata"].(map[string]any)
	if http == nil || resp == nil {
		t.Fatalf("%s: no SdkHttpMetadata/SdkResponseMetadata in %s", name, jsontest.Encode(t, res))
	}
	if http["HttpStatusCode"] != json.Number("200") {
		t.Errorf("%s: HttpStatusCode = %v", name, http["HttpStatusCode"])
	}
	headers, _ := http["HttpHeaders"].(map[string]any)
	all, _ := http["AllHttpHeaders"].(map[string]any)
	if headers["Content-Type"] == nil || len(all) != len(headers) {
		t.Errorf("%s: headers %v / %v", name, headers, all)
	}
	for h, v := range headers {
		if list, _ := all[h].([]any); len(list) == 0 || list[len(list)-1] != v {
			t.Errorf("%s: AllHttpHeaders[%s] = %v, HttpHeaders[%s] = %v", name, h, all[h], h, v)
		}
	}
	if id := resp["RequestId"]; id == "" || id != headers["x-amzn-RequestId"] {
		t.Errorf("%s: RequestId %q, x-amzn-RequestId header %q", name, id, headers["x-amzn-RequestId"])
	}
	rest := map[string]any{}
	for k, v := range res {
		if k != "SdkHttpMetadata" && k != "SdkResponseMetadata" {
			rest[k] = v
		}
	}
	return rest
}

func TestAdapter_ItemLifecycleOnMoto(t *testing.T) {
	const table = "awsdynamo-lifecycle"
	db := awsdynamo.New(motoClient(t, table))
	def := `{"StartAt":"Put","States":{
		"Put":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:putItem","ResultPath":"$.put","Next":"Get",
			"Parameters":{"TableName":"` + table + `","Item":{"pk":{"S.$":"$.id"},"visits":{"N":"1"},"tags":{"SS":["a"]},"bin":{"B":"AAE="},
				"doc":{"M":{"ok":{"BOOL":true},"none":{"NULL":true},"list":{"L":[{"S":"x"},{"N":"2.5"}]}}}}}},
		"Get":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:getItem","ResultPath":"$.get","Next":"Count",
			"Parameters":{"TableName":"` + table + `","Key":{"pk":{"S.$":"$.id"}},"ConsistentRead":true,"ProjectionExpression":"pk, visits, tags, bin, doc"}},
		"Count":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:updateItem","ResultPath":"$.count","Next":"PutAgain",
			"Parameters":{"TableName":"` + table + `","Key":{"pk":{"S.$":"$.id"}},"UpdateExpression":"ADD #v :one",
				"ExpressionAttributeNames":{"#v":"visits"},"ExpressionAttributeValues":{":one":{"N":"1"}},"ReturnValues":"UPDATED_NEW"}},
		"PutAgain":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:putItem","Next":"Unreachable",
			"Parameters":{"TableName":"` + table + `","Item":{"pk":{"S.$":"$.id"}},"ConditionExpression":"attribute_not_exists(pk)"},
			"Catch":[{"ErrorEquals":["DynamoDB.ConditionalCheckFailedException"],"ResultPath":"$.conflict","Next":"Delete"}]},
		"Unreachable":{"Type":"Fail","Error":"Unreachable"},
		"Delete":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:deleteItem","ResultPath":"$.delete","Next":"GetGone",
			"Parameters":{"TableName":"` + table + `","Key":{"pk":{"S.$":"$.id"}},"ReturnValues":"ALL_OLD"}},
		"GetGone":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:getItem","ResultPath":"$.gone","End":true,
			"Parameters":{"TableName":"` + table + `","Key":{"pk":{"S.$":"$.id"}}}}}}`
	d := run(t, db, def, `{"id":"walk-1"}`)
	if d.Status != asl.StatusSucceeded {
		t.Fatalf("status %s: %s: %s", d.Status, d.Error, d.Cause)
	}
	out := jsontest.DecodeMap(t, *d.Output)
	// One-element set: DynamoDB does not keep a set's order.
	item := `{"pk":{"S":"walk-1"},"visits":{"N":"1"},"tags":{"SS":["a"]},"bin":{"B":"AAE="},
		"doc":{"M":{"ok":{"BOOL":true},"none":{"NULL":true},"list":{"L":[{"S":"x"},{"N":"2.5"}]}}}}`
	counted := strings.Replace(item, `"visits":{"N":"1"}`, `"visits":{"N":"2"}`, 1)

	// The documented shapes: the DynamoDB API response, plus metadata.
	for _, c := range []struct{ state, want string }{
		{"put", `{}`},
		{"get", `{"Item":` + item + `}`},
		{"count", `{"Attributes":{"visits":{"N":"2"}}}`},
		{"delete", `{"Attributes":` + counted + `}`},
		{"gone", `{}`},
	} {
		t.Run(c.state, func(t *testing.T) {
			got := stripMetadata(t, c.state, out[c.state])
			if jsontest.Encode(t, got) != jsontest.Encode(t, jsontest.DecodeMap(t, c.want)) {
				t.Errorf("got  %s\nwant %s", jsontest.Encode(t, got), jsontest.Encode(t, jsontest.DecodeMap(t, c.want)))
			}
		})
	}
	t.Run("conflict", func(t *testing.T) {
		conflict, _ := out["conflict"].(map[string]any)
		if conflict["Error"] != "DynamoDB.ConditionalCheckFailedException" {
			t.Errorf("Error = %v", conflict["Error"])
		}
		cause, _ := conflict["Cause"].(string)
		if !strings.HasPrefix(cause, "The conditional request failed (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException; Request ID: ") ||
			!strings.HasSuffix(cause, "; Proxy: null)") {
			t.Errorf("Cause = %q", cause)
		}
	})
}

func TestAdapter_ServiceErrorsOnMoto(t *testing.T) {
	const table = "awsdynamo-errors"
	db := awsdynamo.New(motoClient(t, table))
	cases := []struct {
		name, params, action, wantError, wantCause string
	}{
		{"no such table", `{"TableName":"awsdynamo-missing","Key":{"pk":{"S":"a"}}}`, "getItem",
			"DynamoDB.ResourceNotFoundException", "(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ResourceNotFoundException; Request ID: "},
		// Step Functions reports DynamoDB's ValidationException under the
		// Java SDK's base class, not as DynamoDB.ValidationException.
		{"bad update expression", `{"TableName":"` + table + `","Key":{"pk":{"S":"a"}},"UpdateExpression":"SET"}`, "updateItem",
			"DynamoDB.AmazonDynamoDBException", "Error Code: ValidationException; Request ID: "},
		{"attribute value of two types", `{"TableName":"` + table + `","Item":{"pk":{"S":"a","N":"1"}}}`, "putItem",
			"DynamoDB.AmazonDynamoDBException", "Supplied AttributeValue has more than one datatypes set"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:` + c.action + `","Parameters":` + c.params + `,"End":true}}}`
			d := run(t, db, def, `{}`)
			if d.Status != asl.StatusFailed || d.Error != c.wantError || !strings.Contains(d.Cause, c.wantCause) {
				t.Errorf("got %s %q %q\nwant FAILED %q with cause containing %q", d.Status, d.Error, d.Cause, c.wantError, c.wantCause)
			}
		})
	}
}

// failingAPI answers every call with err.
type failingAPI struct{ err error }

func (f failingAPI) GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	return nil, f.err
}
func (f failingAPI) PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	return nil, f.err
}
func (f failingAPI) UpdateItem(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	return nil, f.err
}
func (f failingAPI) DeleteItem(context.Context, *dynamodb.DeleteItemInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	return nil, f.err
}

// Errors moto cannot be made to return, checked for the name that reaches
// the state machine's Catch.
func TestAdapter_ErrorNames(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"throughput", &types.ProvisionedThroughputExceededException{Message: aws.String("slow down")}, "DynamoDB.ProvisionedThroughputExceededException"},
		{"transaction conflict", &types.TransactionConflictException{Message: aws.String("busy")}, "DynamoDB.TransactionConflictException"},
		{"request limit", &types.RequestLimitExceeded{Message: aws.String("limit")}, "DynamoDB.RequestLimitExceededException"},
		{"internal server error", &types.InternalServerError{Message: aws.String("oops")}, "DynamoDB.InternalServerErrorException"},
		{"item collection size", &types.ItemCollectionSizeLimitExceededException{Message: aws.String("big")}, "DynamoDB.ItemCollectionSizeLimitExceededException"},
		{"throttling", &smithy.GenericAPIError{Code: "ThrottlingException", Message: "slow"}, "DynamoDB.AmazonDynamoDBException"},
		{"access denied", &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "no"}, "DynamoDB.AmazonDynamoDBException"},
		{"no answer", errors.New("dial tcp: connection refused"), "DynamoDB.SdkClientException"},
	}
	const def = `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:updateItem",
		"Parameters":{"TableName":"T","Key":{"pk":{"S":"a"}}},
		"Catch":[{"ErrorEquals":["DynamoDB.ConditionalCheckFailedException"],"Next":"Wrong"}],"End":true},
		"Wrong":{"Type":"Fail","Error":"Wrong"}}}`
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := run(t, awsdynamo.New(failingAPI{c.err}), def, `{}`)
			if d.Status != asl.StatusFailed || d.Error != c.want {
				t.Errorf("got %s %q (%s), want FAILED %q", d.Status, d.Error, d.Cause, c.want)
			}
		})
	}
}

func TestAdapter_ConsumedCapacityWhenAskedOnMoto(t *testing.T) {
	const table = "awsdynamo-capacity"
	db := awsdynamo.New(motoClient(t, table))
	ctx := context.Background()
	res, err := db.PutItem(ctx, jsontest.DecodeMap(t, `{"TableName":"`+table+`","Item":{"pk":{"S":"a"}},"ReturnConsumedCapacity":"TOTAL"}`))
	if err != nil {
		t.Fatal(err)
	}
	cc, _ := res["ConsumedCapacity"].(map[string]any)
	if cc["TableName"] != table {
		t.Errorf("ConsumedCapacity = %v", res["ConsumedCapacity"])
	}
	if _, isNumber := cc["CapacityUnits"].(json.Number); !isNumber {
		t.Errorf("CapacityUnits = %#v, want a json.Number", cc["CapacityUnits"])
	}
	res, err = db.GetItem(ctx, jsontest.DecodeMap(t, `{"TableName":"`+table+`","Key":{"pk":{"S":"a"}},"ReturnConsumedCapacity":"NONE"}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res["ConsumedCapacity"]; ok {
		t.Errorf("ConsumedCapacity returned with ReturnConsumedCapacity NONE: %v", res)
	}
}
