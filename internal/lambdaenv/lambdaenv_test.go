package lambdaenv

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func env(vars map[string]string) Getenv { return func(k string) string { return vars[k] } }

func TestLoad_RequiresTheTableName(t *testing.T) {
	_, err := Load(context.Background(), env(map[string]string{}))
	if err == nil || err.Error() != "TABLE_NAME is not set" {
		t.Fatalf("Load without TABLE_NAME: %v", err)
	}
}

func TestEnv_WorkflowAndStoreShareOneStore(t *testing.T) {
	e, err := newEnv(aws.Config{Region: "eu-central-1"}, env(map[string]string{"TABLE_NAME": "touchaudit", "REVIEW_STATE_MACHINE_ARN": "arn:review"}))
	if err != nil {
		t.Fatal(err)
	}
	if e.Store() == nil || e.Store() != e.Store() {
		t.Fatal("Store builds a new store on each call")
	}
	wf := e.Workflow()
	if wf.Reviews == nil || wf.Audits == nil || wf.Auditors == nil {
		t.Fatalf("Workflow left a use case out: %+v", wf)
	}
}
