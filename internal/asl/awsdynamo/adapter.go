// Package awsdynamo runs the local Step Functions engine's optimised
// DynamoDB integrations (arn:aws:states:::dynamodb:getItem, putItem,
// updateItem and deleteItem) against a real DynamoDB API endpoint (AWS,
// DynamoDB Local or moto_server) through aws-sdk-go-v2.
//
// It implements asl.DynamoDB: a task's Parameters, the DynamoDB API request
// in its JSON form, become an SDK call; the response comes back in the shape
// Step Functions gives a task (the API response plus SdkHttpMetadata and
// SdkResponseMetadata), and a failure comes back under the error name Step
// Functions uses, such as DynamoDB.ConditionalCheckFailedException.
package awsdynamo

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"touchaudit/internal/asl"
)

// API is the part of *dynamodb.Client the adapter uses.
type API interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
}

// Adapter serves the DynamoDB integrations of an asl.Engine
// (asl.Options{DynamoDB: awsdynamo.New(client)}).
type Adapter struct{ api API }

var _ asl.DynamoDB = (*Adapter)(nil)

// New returns an adapter calling DynamoDB through api, usually a
// *dynamodb.Client built by main for the endpoint in use.
func New(api API) *Adapter { return &Adapter{api: api} }

// GetItem is arn:aws:states:::dynamodb:getItem.
func (a *Adapter) GetItem(ctx context.Context, req map[string]any) (map[string]any, error) {
	r := newRequest("getItem", req)
	in := &dynamodb.GetItemInput{
		TableName:                r.string("TableName"),
		Key:                      r.attributes("Key"),
		AttributesToGet:          r.strings("AttributesToGet"),
		ConsistentRead:           r.bool("ConsistentRead"),
		ExpressionAttributeNames: r.names("ExpressionAttributeNames"),
		ProjectionExpression:     r.string("ProjectionExpression"),
		ReturnConsumedCapacity:   types.ReturnConsumedCapacity(r.enum("ReturnConsumedCapacity")),
	}
	out, err := send(ctx, r, a.api.GetItem, in)
	if err != nil {
		return nil, err
	}
	res := map[string]any{}
	if out.Item != nil {
		res["Item"] = fromAttributeMap(out.Item)
	}
	return withMetadata(res, r.askedCapacity(out.ConsumedCapacity), nil, out.ResultMetadata), nil
}

// PutItem is arn:aws:states:::dynamodb:putItem.
func (a *Adapter) PutItem(ctx context.Context, req map[string]any) (map[string]any, error) {
	r := newRequest("putItem", req)
	in := &dynamodb.PutItemInput{
		TableName:                           r.string("TableName"),
		Item:                                r.attributes("Item"),
		ConditionExpression:                 r.string("ConditionExpression"),
		ConditionalOperator:                 types.ConditionalOperator(r.enum("ConditionalOperator")),
		Expected:                            r.expected("Expected"),
		ExpressionAttributeNames:            r.names("ExpressionAttributeNames"),
		ExpressionAttributeValues:           r.attributes("ExpressionAttributeValues"),
		ReturnConsumedCapacity:              types.ReturnConsumedCapacity(r.enum("ReturnConsumedCapacity")),
		ReturnItemCollectionMetrics:         types.ReturnItemCollectionMetrics(r.enum("ReturnItemCollectionMetrics")),
		ReturnValues:                        types.ReturnValue(r.enum("ReturnValues")),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailure(r.enum("ReturnValuesOnConditionCheckFailure")),
	}
	out, err := send(ctx, r, a.api.PutItem, in)
	if err != nil {
		return nil, err
	}
	return r.written(out.Attributes, out.ConsumedCapacity, out.ItemCollectionMetrics, out.ResultMetadata), nil
}

// UpdateItem is arn:aws:states:::dynamodb:updateItem.
func (a *Adapter) UpdateItem(ctx context.Context, req map[string]any) (map[string]any, error) {
	r := newRequest("updateItem", req)
	in := &dynamodb.UpdateItemInput{
		TableName:                           r.string("TableName"),
		Key:                                 r.attributes("Key"),
		AttributeUpdates:                    r.attributeUpdates("AttributeUpdates"),
		ConditionExpression:                 r.string("ConditionExpression"),
		ConditionalOperator:                 types.ConditionalOperator(r.enum("ConditionalOperator")),
		Expected:                            r.expected("Expected"),
		ExpressionAttributeNames:            r.names("ExpressionAttributeNames"),
		ExpressionAttributeValues:           r.attributes("ExpressionAttributeValues"),
		ReturnConsumedCapacity:              types.ReturnConsumedCapacity(r.enum("ReturnConsumedCapacity")),
		ReturnItemCollectionMetrics:         types.ReturnItemCollectionMetrics(r.enum("ReturnItemCollectionMetrics")),
		ReturnValues:                        types.ReturnValue(r.enum("ReturnValues")),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailure(r.enum("ReturnValuesOnConditionCheckFailure")),
		UpdateExpression:                    r.string("UpdateExpression"),
	}
	out, err := send(ctx, r, a.api.UpdateItem, in)
	if err != nil {
		return nil, err
	}
	return r.written(out.Attributes, out.ConsumedCapacity, out.ItemCollectionMetrics, out.ResultMetadata), nil
}

// DeleteItem is arn:aws:states:::dynamodb:deleteItem.
func (a *Adapter) DeleteItem(ctx context.Context, req map[string]any) (map[string]any, error) {
	r := newRequest("deleteItem", req)
	in := &dynamodb.DeleteItemInput{
		TableName:                           r.string("TableName"),
		Key:                                 r.attributes("Key"),
		ConditionExpression:                 r.string("ConditionExpression"),
		ConditionalOperator:                 types.ConditionalOperator(r.enum("ConditionalOperator")),
		Expected:                            r.expected("Expected"),
		ExpressionAttributeNames:            r.names("ExpressionAttributeNames"),
		ExpressionAttributeValues:           r.attributes("ExpressionAttributeValues"),
		ReturnConsumedCapacity:              types.ReturnConsumedCapacity(r.enum("ReturnConsumedCapacity")),
		ReturnItemCollectionMetrics:         types.ReturnItemCollectionMetrics(r.enum("ReturnItemCollectionMetrics")),
		ReturnValues:                        types.ReturnValue(r.enum("ReturnValues")),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailure(r.enum("ReturnValuesOnConditionCheckFailure")),
	}
	out, err := send(ctx, r, a.api.DeleteItem, in)
	if err != nil {
		return nil, err
	}
	return r.written(out.Attributes, out.ConsumedCapacity, out.ItemCollectionMetrics, out.ResultMetadata), nil
}

// send makes the SDK call for a task whose Parameters r has read into in.
// A problem in the Parameters fails the task before anything is sent, and
// a failed call comes back under the error name Step Functions uses.
func send[In, Out any](ctx context.Context, r *request, call func(context.Context, *In, ...func(*dynamodb.Options)) (*Out, error), in *In) (*Out, error) {
	if err := r.done(); err != nil {
		return nil, err
	}
	out, err := call(ctx, in, asSent)
	if err != nil {
		return nil, taskError(err)
	}
	return out, nil
}

// asSent turns off the Go SDK's client-side check of required parameters,
// so that a request missing TableName or Key reaches DynamoDB and fails with
// DynamoDB's ValidationException, as it does from Step Functions (whose
// Java SDK has no such check).
func asSent(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		_, _ = s.Initialize.Remove("OperationInputValidation") // absent is fine
		return nil
	})
}

// written is the task result of putItem, updateItem and deleteItem:
// the returned Attributes, if any, and what r asked for besides.
func (r *request) written(attrs map[string]types.AttributeValue, cc *types.ConsumedCapacity, icm *types.ItemCollectionMetrics, md middleware.Metadata) map[string]any {
	res := map[string]any{}
	if attrs != nil {
		res["Attributes"] = fromAttributeMap(attrs)
	}
	return withMetadata(res, r.askedCapacity(cc), r.askedMetrics(icm), md)
}

// withMetadata completes a task result: ConsumedCapacity and
// ItemCollectionMetrics when DynamoDB returned them, and the SdkHttpMetadata
// and SdkResponseMetadata that Step Functions adds to every DynamoDB result.
func withMetadata(res map[string]any, cc *types.ConsumedCapacity, icm *types.ItemCollectionMetrics, md middleware.Metadata) map[string]any {
	if cc != nil {
		res["ConsumedCapacity"] = consumedCapacity(cc)
	}
	if icm != nil {
		res["ItemCollectionMetrics"] = itemCollectionMetrics(icm)
	}
	all, single := map[string]any{}, map[string]any{}
	status := http.StatusOK
	if raw, ok := awsmiddleware.GetRawResponse(md).(*smithyhttp.Response); ok {
		status = raw.StatusCode
		for name, values := range raw.Header {
			if len(values) == 0 {
				continue
			}
			name = headerName(name)
			all[name] = anySlice(values)
			single[name] = values[len(values)-1]
		}
	}
	requestID, _ := awsmiddleware.GetRequestIDMetadata(md)
	res["SdkHttpMetadata"] = map[string]any{
		"AllHttpHeaders": all,
		"HttpHeaders":    single,
		"HttpStatusCode": json.Number(strconv.Itoa(status)),
	}
	res["SdkResponseMetadata"] = map[string]any{"RequestId": requestID}
	return res
}

// headerName undoes Go's canonicalisation for the headers DynamoDB spells
// otherwise, so results read as they do on AWS.
func headerName(canonical string) string {
	switch canonical {
	case "X-Amzn-Requestid":
		return "x-amzn-RequestId"
	case "X-Amz-Crc32":
		return "x-amz-crc32"
	}
	return canonical
}

func consumedCapacity(c *types.ConsumedCapacity) map[string]any {
	m := capacity(c.CapacityUnits, c.ReadCapacityUnits, c.WriteCapacityUnits)
	if c.TableName != nil {
		m["TableName"] = *c.TableName
	}
	if c.Table != nil {
		m["Table"] = capacity(c.Table.CapacityUnits, c.Table.ReadCapacityUnits, c.Table.WriteCapacityUnits)
	}
	for field, idx := range map[string]map[string]types.Capacity{"GlobalSecondaryIndexes": c.GlobalSecondaryIndexes, "LocalSecondaryIndexes": c.LocalSecondaryIndexes} {
		if idx == nil {
			continue
		}
		out := map[string]any{}
		for name, ic := range idx {
			out[name] = capacity(ic.CapacityUnits, ic.ReadCapacityUnits, ic.WriteCapacityUnits)
		}
		m[field] = out
	}
	return m
}

func capacity(total, read, write *float64) map[string]any {
	m := map[string]any{}
	for field, v := range map[string]*float64{"CapacityUnits": total, "ReadCapacityUnits": read, "WriteCapacityUnits": write} {
		if v != nil {
			m[field] = number(*v)
		}
	}
	return m
}

func itemCollectionMetrics(icm *types.ItemCollectionMetrics) map[string]any {
	m := map[string]any{}
	if icm.ItemCollectionKey != nil {
		m["ItemCollectionKey"] = fromAttributeMap(icm.ItemCollectionKey)
	}
	if icm.SizeEstimateRangeGB != nil {
		gb := make([]any, len(icm.SizeEstimateRangeGB))
		for i, f := range icm.SizeEstimateRangeGB {
			gb[i] = number(f)
		}
		m["SizeEstimateRangeGB"] = gb
	}
	return m
}

// number is a JSON number as the asl engine holds one.
func number(f float64) json.Number { return json.Number(strconv.FormatFloat(f, 'f', -1, 64)) }
