package asl

import (
	"context"
	"testing"
)

const samTemplate = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  ScoreFunction:
    Type: AWS::Serverless::Function
  AuditStateMachine:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine/audit.asl.json
      DefinitionSubstitutions:
        ScoreFunctionArn: !GetAtt ScoreFunction.Arn
        TableName: !Ref AuditTable   # the table
        Stage: "dev"
      Policies:
        - LambdaInvokePolicy:
            FunctionName: !Ref ScoreFunction
  OtherMachine:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionSubstitutions:
        Stage: prod
`

func TestSAMSubstitutions(t *testing.T) {
	subs, err := SAMSubstitutions([]byte(samTemplate), "AuditStateMachine")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"ScoreFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:ScoreFunction", "TableName": "AuditTable", "Stage": "dev"}
	if compact(subs) != compact(want) {
		t.Errorf("got %v, want %v", subs, want)
	}
	if _, err := SAMSubstitutions([]byte(samTemplate), "Missing"); err == nil {
		t.Error("missing resource should be an error")
	}
	def, err := Substitute(`{"StartAt":"S","States":{"S":{"Type":"Task","Resource":"${ScoreFunctionArn}","Parameters":{"t":"${TableName}"},"End":true}}}`, subs)
	if err != nil {
		t.Fatal(err)
	}
	r := run(t, def, `{}`, handle("ScoreFunction", jsonHandler(func(in map[string]any) (any, error) { return in, nil })))
	assertJSON(t, r.output(t), `{"t":"AuditTable"}`)
	if _, err := Substitute(`"${A}" "${B}"`, map[string]string{"A": "x"}); err == nil || err.Error() != "definition substitutions missing for: B" {
		t.Errorf("missing: %v", err)
	}
}

// memoryDynamo is an in-memory DynamoDB for the integration's tests.
type memoryDynamo struct{ items map[string]map[string]any }

type ConditionalCheckFailedException struct{}

func (ConditionalCheckFailedException) Error() string { return "The conditional request failed" }

func (m *memoryDynamo) key(req map[string]any) string { return compact(req["Key"]) }
func (m *memoryDynamo) GetItem(_ context.Context, req map[string]any) (map[string]any, error) {
	if it, ok := m.items[m.key(req)]; ok {
		return map[string]any{"Item": it}, nil
	}
	return map[string]any{}, nil
}
func (m *memoryDynamo) PutItem(_ context.Context, req map[string]any) (map[string]any, error) {
	item := req["Item"].(map[string]any)
	k := compact(map[string]any{"pk": item["pk"]})
	if _, ok := m.items[k]; ok && req["ConditionExpression"] != nil {
		return nil, ConditionalCheckFailedException{}
	}
	m.items[k] = item
	return map[string]any{}, nil
}
func (m *memoryDynamo) UpdateItem(context.Context, map[string]any) (map[string]any, error) {
	return map[string]any{}, nil
}
func (m *memoryDynamo) DeleteItem(_ context.Context, req map[string]any) (map[string]any, error) {
	delete(m.items, m.key(req))
	return map[string]any{}, nil
}

func TestTask_DynamoDBIntegration(t *testing.T) {
	db := &memoryDynamo{items: map[string]map[string]any{}}
	def := `{"StartAt":"Put","States":{
		"Put":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:putItem","Parameters":{"TableName":"T","Item":{"pk":{"S.$":"$.id"}},"ConditionExpression":"attribute_not_exists(pk)"},"ResultPath":null,"Next":"Get"},
		"Get":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:getItem","Parameters":{"TableName":"T","Key":{"pk":{"S.$":"$.id"}}},"ResultSelector":{"pk.$":"$.Item.pk.S"},"Next":"PutAgain"},
		"PutAgain":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:putItem","Parameters":{"TableName":"T","Item":{"pk":{"S":"a"}},"ConditionExpression":"attribute_not_exists(pk)"},
			"Catch":[{"ErrorEquals":["DynamoDB.ConditionalCheckFailedException"],"ResultPath":"$.conflict","Next":"Done"}],"End":true},
		"Done":{"Type":"Succeed"}}}`
	e := NewEngine(Options{DynamoDB: db})
	r := runOn(t, e, "ddb", def, `{"id":"a"}`)
	out := plain(r.output(t))
	assertJSON(t, out["pk"], `"a"`)
	assertJSON(t, out["conflict"].(map[string]any)["Error"], `"DynamoDB.ConditionalCheckFailedException"`)
}
