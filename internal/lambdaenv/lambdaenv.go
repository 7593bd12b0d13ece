// Package lambdaenv builds touchaudit's adapters and services for a Lambda
// function from its configuration, so that each functions/<name>/main.go is
// a few lines of wiring. main passes os.Getenv in: only main reads the
// environment. Every AWS client gets awsclient.Lambda's timeouts and
// bounded retries.
//
// Variables:
//
//	TABLE_NAME                 the single DynamoDB table (required)
//	DYNAMODB_ENDPOINT          another DynamoDB API (moto, DynamoDB Local)
//	SFN_ENDPOINT               another Step Functions API (touchaudit's local engine)
//	AUDIT_STATE_MACHINE_ARN    started once per assignment
//	REVIEW_STATE_MACHINE_ARN   started once per review
package lambdaenv

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"touchaudit/internal/awsclient"
	"touchaudit/internal/dynamo"
	"touchaudit/internal/stepfunctions"
	"touchaudit/internal/workflow"
)

// Getenv reads one configuration variable (os.Getenv in main).
type Getenv func(string) string

// Store builds the DynamoDB store.
func Store(ctx context.Context, getenv Getenv) (*dynamo.Store, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load AWS config: %w", err)
	}
	return store(cfg, getenv)
}

func store(cfg aws.Config, getenv Getenv) (*dynamo.Store, error) {
	table := getenv("TABLE_NAME")
	if table == "" {
		return nil, fmt.Errorf("TABLE_NAME is not set")
	}
	return dynamo.New(awsclient.Lambda.DynamoDB(cfg, getenv("DYNAMODB_ENDPOINT")), table), nil
}

// Workflow builds the review workflow service: DynamoDB store, Step
// Functions client, log notifier and wall clock.
func Workflow(ctx context.Context, getenv Getenv) (*workflow.Service, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load AWS config: %w", err)
	}
	st, err := store(cfg, getenv)
	if err != nil {
		return nil, err
	}
	client := awsclient.Lambda.StepFunctions(cfg, getenv("SFN_ENDPOINT"))
	wcfg := workflow.Config{
		AuditStateMachineArn:  getenv("AUDIT_STATE_MACHINE_ARN"),
		ReviewStateMachineArn: getenv("REVIEW_STATE_MACHINE_ARN"),
	}
	return workflow.New(st, stepfunctions.New(client), workflow.LogNotifier{}, workflow.SystemClock{}, wcfg, nil), nil
}
