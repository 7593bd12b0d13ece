package main

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"touchaudit/internal/motoserver"
)

// TestSfnServe_DistributedMapAWSCLI runs a Distributed Map that reads a CSV
// from moto's S3 (S3_ENDPOINT) and writes its results there, through
// `touchaudit sfn serve` and the AWS CLI: list-map-runs, describe-map-run
// and list-executions --map-run-arn.
func TestSfnServe_DistributedMapAWSCLI(t *testing.T) {
	srv := motoserver.Shared(t)
	client := sfnS3Limits.S3(sfnS3Limits.Local(), srv.Endpoint)
	ctx := context.Background()
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("serve-dmap")}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("serve-dmap"), Key: aws.String("stores.csv"),
		Body: strings.NewReader("store,open\nKrakow,yes\nGdansk,no\nPoznan,yes\n")}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("S3_ENDPOINT", srv.Endpoint)
	cli := newAWSCLI(t, startSFNServe(t))
	def := `{"StartAt":"Visit","States":{"Visit":{"Type":"Map","Label":"Stores","MaxConcurrency":2,"ToleratedFailureCount":1,
	  "ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW"},"Parameters":{"Bucket":"serve-dmap","Key":"stores.csv"}},
	  "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"Open","States":{
	    "Open":{"Type":"Choice","Choices":[{"Variable":"$.open","StringEquals":"no","Next":"Closed"}],"Default":"Walk"},
	    "Closed":{"Type":"Fail","Error":"StoreClosed"},"Walk":{"Type":"Pass","End":true}}},
	  "ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"serve-dmap","Prefix":"results"}},"End":true}}}`
	sm := cli.must(t, "create-state-machine", "--name", "visits", "--role-arn", "arn:aws:iam::123456789012:role/sfn", "--definition", def)
	ex := cli.must(t, "start-execution", "--state-machine-arn", sm["stateMachineArn"].(string), "--name", "v-1")
	arn := ex["executionArn"].(string)
	if d := cli.waitForStatus(t, arn); d["status"] != "SUCCEEDED" || !strings.Contains(d["output"].(string), `"Key":"results/`) {
		t.Fatalf("execution %v", d)
	}
	runs := cli.must(t, "list-map-runs", "--execution-arn", arn)["mapRuns"].([]any)
	if len(runs) != 1 {
		t.Fatalf("map runs %v", runs)
	}
	runArn := runs[0].(map[string]any)["mapRunArn"].(string)
	if !strings.HasPrefix(runArn, "arn:aws:states:us-east-1:123456789012:mapRun:visits/Stores:") {
		t.Errorf("map run ARN %s", runArn)
	}
	mr := cli.must(t, "describe-map-run", "--map-run-arn", runArn)
	items := mr["itemCounts"].(map[string]any)
	if mr["status"] != "SUCCEEDED" || mr["maxConcurrency"] != float64(2) || items["total"] != float64(3) || items["succeeded"] != float64(2) ||
		items["failed"] != float64(1) || items["resultsWritten"] != float64(3) {
		t.Errorf("describe-map-run %v", mr)
	}
	children := cli.must(t, "list-executions", "--map-run-arn", runArn)["executions"].([]any)
	if len(children) != 3 {
		t.Fatalf("children %v", children)
	}
	for _, c := range children {
		c := c.(map[string]any)
		if c["mapRunArn"] != runArn || c["stateMachineArn"] != "arn:aws:states:us-east-1:123456789012:stateMachine:visits/Stores" {
			t.Errorf("child %v", c)
		}
	}
	cli.wantError(t, "ResourceNotFound", "describe-map-run", "--map-run-arn", "arn:aws:states:us-east-1:123456789012:mapRun:visits/Stores:none")
}
