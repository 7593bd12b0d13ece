package lambdaenv

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"touchaudit/internal/audit"
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
	if first, again := e.Store(), e.Store(); first == nil || first != again {
		t.Fatal("Store builds a new store on each call")
	}
	wf := e.Workflow(nil, nil)
	if wf.Reviews == nil || wf.Audits == nil || wf.Auditors == nil {
		t.Fatalf("Workflow left a use case out: %+v", wf)
	}
}

// A function whose role grants no Step Functions action gets an adapter
// that refuses, by name, rather than a client it may not use.
func TestEnv_WorkflowWithoutExecutionsRefusesThem(t *testing.T) {
	e, err := newEnv(aws.Config{Region: "eu-central-1"}, env(map[string]string{"TABLE_NAME": "touchaudit"}))
	if err != nil {
		t.Fatal(err)
	}
	var x noExecutions
	if err := x.StartExecution(t.Context(), "arn:review", "r1", nil); !errors.Is(err, ErrNoExecutions) {
		t.Errorf("StartExecution = %v, want ErrNoExecutions", err)
	}
	if err := x.SendTaskSuccess(t.Context(), "token", nil); !errors.Is(err, ErrNoExecutions) {
		t.Errorf("SendTaskSuccess = %v, want ErrNoExecutions", err)
	}
	if e.Workflow(nil, nil).Reviews == nil {
		t.Fatal("no review use case")
	}
}

// A function's store, built as a function builds it, answers with an error
// within awsclient.Lambda's 7 s bound when DynamoDB hangs, after 3 attempts,
// even when the environment asks the SDK for more.
func TestStore_AnswersWithinTheBoundWhenDynamoDBHangs(t *testing.T) {
	var attempts atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		attempts.Add(1)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	// AWS_MAX_ATTEMPTS and AWS_RETRY_MODE are there to show that they
	// change nothing: the bound is awsclient.Lambda's.
	env := map[string]string{"TABLE_NAME": "touchaudit", "DYNAMODB_ENDPOINT": srv.URL,
		"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1",
		"AWS_MAX_ATTEMPTS": "10", "AWS_RETRY_MODE": "standard"}
	e, err := Load(t.Context(), func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	s := e.Store()
	start := time.Now()
	_, err = s.GetAssignment(t.Context(), "a1")
	took := time.Since(start)
	if !audit.IsCode(err, audit.Internal) {
		t.Fatalf("GetAssignment on a hung DynamoDB = %v, want an internal error", err)
	}
	if got := attempts.Load(); got != 3 {
		t.Fatalf("DynamoDB saw %d attempts, want 3", got)
	}
	// 3 attempts of 2 s and 2 waits of at most 0.5 s: 6–7 s. The bound that
	// matters is the 30 s function timeout; half of it leaves slack for a
	// loaded machine.
	t.Logf("answered after %s", took)
	if took > 15*time.Second {
		t.Fatalf("answered after %s, want well inside the 30 s function timeout", took)
	}
}

func TestAWSConfig_FromLambdasEnvironment(t *testing.T) {
	cfg, err := AWSConfig(env(map[string]string{"AWS_REGION": "eu-central-1", "AWS_DEFAULT_REGION": "us-east-1",
		"AWS_ACCESS_KEY_ID": "ASIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "eu-central-1" || cfg.BaseEndpoint != nil {
		t.Errorf("region %q, endpoint %v", cfg.Region, cfg.BaseEndpoint)
	}
	creds, err := cfg.Credentials.Retrieve(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if creds.AccessKeyID != "ASIAEXAMPLE" || creds.SecretAccessKey != "secret" || creds.SessionToken != "token" {
		t.Errorf("credentials %+v", creds)
	}

	cfg, err = AWSConfig(env(map[string]string{"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "test",
		"AWS_SECRET_ACCESS_KEY": "test", "AWS_ENDPOINT_URL": "http://127.0.0.1:5000"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "us-east-1" || aws.ToString(cfg.BaseEndpoint) != "http://127.0.0.1:5000" {
		t.Errorf("region %q, endpoint %v", cfg.Region, aws.ToString(cfg.BaseEndpoint))
	}

	for name, vars := range map[string]map[string]string{
		"no region":      {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"},
		"no credentials": {"AWS_REGION": "eu-central-1"},
		"no secret":      {"AWS_REGION": "eu-central-1", "AWS_ACCESS_KEY_ID": "test"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := AWSConfig(env(vars)); err == nil {
				t.Error("no error")
			}
		})
	}
}
