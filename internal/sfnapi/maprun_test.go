package sfnapi_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"touchaudit/internal/asl"
	"touchaudit/internal/sfnapi"
)

// TestServer_MapRuns drives a Distributed Map through the SDK:
// ListMapRuns, DescribeMapRun, ListExecutions by mapRunArn and
// DescribeExecution of a child.
func TestServer_MapRuns(t *testing.T) {
	e := asl.NewEngine(asl.Options{})
	srv := httptest.NewServer(sfnapi.NewServer(e))
	t.Cleanup(srv.Close)
	c := newClient(srv.URL)
	ctx := context.Background()
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","Label":"Stores","MaxConcurrency":2,"ToleratedFailureCount":1,"ItemsPath":"$.stores",
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"C","States":{
			"C":{"Type":"Choice","Choices":[{"Variable":"$","StringEquals":"closed","Next":"F"}],"Default":"P"},
			"F":{"Type":"Fail","Error":"Closed"},"P":{"Type":"Pass","End":true}}},"End":true}}}`
	sm, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("visits"), Definition: aws.String(def), RoleArn: aws.String(roleArn)})
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: aws.String(`{"stores":["a","closed","b"]}`)})
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: st.ExecutionArn})
	if err != nil || d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `["a",null,"b"]` {
		t.Fatalf("execution %+v %v", d, err)
	}
	runs, err := c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: st.ExecutionArn})
	if err != nil || len(runs.MapRuns) != 1 {
		t.Fatalf("ListMapRuns %+v %v", runs, err)
	}
	runArn := runs.MapRuns[0].MapRunArn
	if !strings.HasPrefix(aws.ToString(runArn), "arn:aws:states:us-east-1:123456789012:mapRun:visits/Stores:") {
		t.Errorf("map run ARN %s", aws.ToString(runArn))
	}
	mr, err := c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: runArn})
	if err != nil {
		t.Fatal(err)
	}
	if mr.Status != types.MapRunStatusSucceeded || mr.MaxConcurrency != 2 || mr.ToleratedFailureCount != 1 || mr.ItemCounts.Total != 3 ||
		mr.ItemCounts.Succeeded != 2 || mr.ItemCounts.Failed != 1 || mr.ExecutionCounts.Total != 3 || mr.StopDate == nil {
		t.Errorf("DescribeMapRun %+v items %+v", mr, mr.ItemCounts)
	}
	children, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{MapRunArn: runArn, StatusFilter: types.ExecutionStatusFailed})
	if err != nil || len(children.Executions) != 1 {
		t.Fatalf("ListExecutions by mapRunArn %+v %v", children, err)
	}
	child := children.Executions[0]
	if aws.ToString(child.MapRunArn) != aws.ToString(runArn) || aws.ToString(child.StateMachineArn) != "arn:aws:states:us-east-1:123456789012:stateMachine:visits/Stores" {
		t.Errorf("child %+v", child)
	}
	cd, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: child.ExecutionArn})
	if err != nil || aws.ToString(cd.Error) != "Closed" || aws.ToString(cd.Input) != `"closed"` || aws.ToString(cd.MapRunArn) != aws.ToString(runArn) {
		t.Errorf("child execution %+v %v", cd, err)
	}
	_, err = c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: aws.String("arn:aws:states:us-east-1:123456789012:mapRun:visits/Stores:none")})
	var nf *types.ResourceNotFound
	if !errors.As(err, &nf) {
		t.Errorf("unknown map run: %v", err)
	}
}
