// Package lambdaenv builds touchaudit's adapters and services for a Lambda
// function from its configuration, loading the AWS configuration once per
// function, so that each functions/<name>/main.go is a few lines of wiring.
// main passes os.Getenv in: only main reads the environment. Every AWS
// client gets awsclient.Lambda's timeouts and bounded retries.
//
// Variables:
//
//	TABLE_NAME                 the single DynamoDB table (required)
//	DYNAMODB_ENDPOINT          another DynamoDB API (moto, DynamoDB Local)
//	SFN_ENDPOINT               another Step Functions API (touchaudit's local engine)
//	AUDIT_STATE_MACHINE_ARN    started once per assignment
//	REVIEW_STATE_MACHINE_ARN   started once per review
//	EVIDENCE_BUCKET            the S3 bucket of the walks' photos and files (api function)
//	S3_ENDPOINT                another S3 API (moto)
package lambdaenv

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"touchaudit/internal/awsclient"
	"touchaudit/internal/dynamo"
	"touchaudit/internal/s3"
	"touchaudit/internal/stepfunctions"
	"touchaudit/internal/workflow"
)

// Getenv reads one configuration variable (os.Getenv in main).
type Getenv func(string) string

// Env is one function's configuration: the AWS configuration is loaded
// once and the store built once, whatever the function builds over them
// (the api function needs both the store and the workflow).
type Env struct {
	aws    aws.Config
	getenv Getenv
	store  *dynamo.Store
}

// Load loads the AWS configuration and builds the DynamoDB store.
func Load(ctx context.Context, getenv Getenv) (*Env, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load AWS config: %w", err)
	}
	return newEnv(cfg, getenv)
}

func newEnv(cfg aws.Config, getenv Getenv) (*Env, error) {
	table := getenv("TABLE_NAME")
	if table == "" {
		return nil, fmt.Errorf("TABLE_NAME is not set")
	}
	return &Env{aws: cfg, getenv: getenv, store: dynamo.New(awsclient.Lambda.DynamoDB(cfg, getenv("DYNAMODB_ENDPOINT")), table)}, nil
}

// Store is the DynamoDB store.
func (e *Env) Store() *dynamo.Store { return e.store }

// Workflow builds the review workflow's use cases over the store, a Step
// Functions client, the log notifier and the wall clock.
func (e *Env) Workflow() *workflow.Workflow {
	client := awsclient.Lambda.StepFunctions(e.aws, e.getenv("SFN_ENDPOINT"))
	wcfg := workflow.Config{
		AuditStateMachineArn:  e.getenv("AUDIT_STATE_MACHINE_ARN"),
		ReviewStateMachineArn: e.getenv("REVIEW_STATE_MACHINE_ARN"),
	}
	return workflow.New(e.store, stepfunctions.New(client), workflow.LogNotifier{}, workflow.SystemClock{}, wcfg, nil)
}

// Files is the evidence file store on EVIDENCE_BUCKET, or nil when the
// variable is not set (the API then answers its evidence routes 404).
func (e *Env) Files() *s3.Bucket {
	bucket := e.getenv("EVIDENCE_BUCKET")
	if bucket == "" {
		return nil
	}
	return s3.New(awsclient.Lambda.S3(e.aws, e.getenv("S3_ENDPOINT")), bucket)
}

// Store loads the configuration and builds the DynamoDB store alone.
func Store(ctx context.Context, getenv Getenv) (*dynamo.Store, error) {
	e, err := Load(ctx, getenv)
	if err != nil {
		return nil, err
	}
	return e.Store(), nil
}

// Workflow loads the configuration and builds the workflow's use cases.
func Workflow(ctx context.Context, getenv Getenv) (*workflow.Workflow, error) {
	e, err := Load(ctx, getenv)
	if err != nil {
		return nil, err
	}
	return e.Workflow(), nil
}
