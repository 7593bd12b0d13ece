package sfnapi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// TestServer_DefinitionOperations drives UpdateStateMachine,
// DeleteStateMachine, ValidateStateMachineDefinition, TestState and
// GetExecutionHistory without execution data through the SDK.
func TestServer_DefinitionOperations(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.client
	created, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("waits"), RoleArn: aws.String(roleArn),
		Definition: aws.String(`{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":5,"Next":"P"},"P":{"Type":"Pass","Result":"v1","End":true}}}`)})
	if err != nil {
		t.Fatal(err)
	}
	arn := created.StateMachineArn

	t.Run("validate", func(t *testing.T) {
		ok, err := c.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(`{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`)})
		if err != nil || ok.Result != types.ValidateStateMachineDefinitionResultCodeOk || len(ok.Diagnostics) != 0 {
			t.Fatalf("valid: %+v %v", ok, err)
		}
		bad, err := c.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{MaxResults: 1,
			Definition: aws.String(`{"StartAt":"P","States":{"P":{"Type":"Pass","Next":"Q","Bogus":1},"Q":{"Type":"Succeed"},"R":{"Type":"Succeed"}}}`)})
		if err != nil || bad.Result != types.ValidateStateMachineDefinitionResultCodeFail || len(bad.Diagnostics) != 1 || !aws.ToBool(bad.Truncated) {
			t.Fatalf("invalid: %+v %v", bad, err)
		}
		if d := bad.Diagnostics[0]; d.Severity != types.ValidateStateMachineDefinitionSeverityError || aws.ToString(d.Code) != "SCHEMA_VALIDATION_FAILED" || aws.ToString(d.Location) != "/States/P" {
			t.Errorf("diagnostic %s %s %q at %q", d.Severity, aws.ToString(d.Code), aws.ToString(d.Message), aws.ToString(d.Location))
		}
	})

	t.Run("update", func(t *testing.T) {
		up, err := c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: arn,
			Definition: aws.String(`{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"v2","End":true}}}`)})
		if err != nil || up.UpdateDate == nil || aws.ToString(up.RevisionId) == "" {
			t.Fatalf("%+v %v", up, err)
		}
		d, _ := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: arn})
		if !strings.Contains(aws.ToString(d.Definition), "v2") || aws.ToString(d.RevisionId) != aws.ToString(up.RevisionId) {
			t.Errorf("after update: %s revision %s", aws.ToString(d.Definition), aws.ToString(d.RevisionId))
		}
		_, err = c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: arn, Definition: aws.String(`{"StartAt":"X","States":{"P":{"Type":"Pass","End":true}}}`)})
		e := wantAPIError[*types.InvalidDefinition](t, err)
		if !strings.Contains(e.ErrorMessage(), "MISSING_TRANSITION_TARGET: Missing 'Next' target: X at /StartAt") {
			t.Errorf("message %q", e.ErrorMessage())
		}
		_, err = c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: arn})
		wantAPIError[*types.MissingRequiredParameter](t, err)
	})

	t.Run("history without execution data", func(t *testing.T) {
		ex, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: arn, Input: aws.String(`{"secret":1}`)})
		if err != nil {
			t.Fatal(err)
		}
		h, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: ex.ExecutionArn, IncludeExecutionData: aws.Bool(false)})
		if err != nil || len(h.Events) != 4 {
			t.Fatalf("%d events, %v", len(h.Events), err)
		}
		for _, ev := range h.Events {
			if d := ev.ExecutionStartedEventDetails; d != nil && (d.Input != nil || aws.ToString(d.RoleArn) != roleArn) {
				t.Errorf("ExecutionStarted keeps its input: %+v", d)
			}
			if d := ev.StateEnteredEventDetails; d != nil && (d.Input != nil || aws.ToString(d.Name) != "P") {
				t.Errorf("StateEntered: %+v", d)
			}
			if d := ev.ExecutionSucceededEventDetails; d != nil && d.Output != nil {
				t.Errorf("ExecutionSucceeded keeps its output")
			}
		}
	})

	t.Run("test state", func(t *testing.T) {
		out, err := c.TestState(ctx, &sfn.TestStateInput{InspectionLevel: types.InspectionLevelDebug, Input: aws.String(`{"a":{"b":2}}`),
			Definition: aws.String(`{"Type":"Pass","InputPath":"$.a","Parameters":{"c.$":"$.b"},"ResultPath":"$.r","Next":"After"}`)}, withoutHostPrefix)
		if err != nil {
			t.Fatal(err)
		}
		if out.Status != types.TestExecutionStatusSucceeded || aws.ToString(out.Output) != `{"a":{"b":2},"r":{"c":2}}` || aws.ToString(out.NextState) != "After" {
			t.Errorf("%s %s next %s", out.Status, aws.ToString(out.Output), aws.ToString(out.NextState))
		}
		if d := out.InspectionData; d == nil || aws.ToString(d.AfterInputPath) != `{"b":2}` || aws.ToString(d.AfterParameters) != `{"c":2}` {
			t.Errorf("inspection data %+v", d)
		}
	})

	t.Run("delete", func(t *testing.T) {
		if _, err := c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: arn}); err != nil {
			t.Fatal(err)
		}
		_, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: arn})
		wantAPIError[*types.StateMachineDoesNotExist](t, err)
	})
}

// withoutHostPrefix keeps the SDK from prefixing TestState's host with
// "sync-" (its endpoint trait, as for StartSyncExecution), which a local
// endpoint such as 127.0.0.1 does not resolve.
func withoutHostPrefix(o *sfn.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("DisableEndpointHostPrefix",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
			}), middleware.Before)
	})
}
