// Package stepfunctions adapts the AWS Step Functions API (aws-sdk-go-v2)
// to the workflow's Executions port. It works unchanged against AWS, the
// local engine's HTTP API (internal/sfnapi) and moto.
package stepfunctions

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"touchaudit/internal/awsclient"
	"touchaudit/internal/workflow"
)

// NewClient builds a Step Functions client from cfg with the limits;
// endpoint, when not empty, replaces AWS's (the local engine, moto).
func NewClient(l awsclient.Limits, cfg aws.Config, endpoint string) *sfn.Client {
	return sfn.NewFromConfig(l.Config(cfg), func(o *sfn.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
}

// API is the part of the sfn client the adapter uses.
type API interface {
	StartExecution(ctx context.Context, in *sfn.StartExecutionInput, opts ...func(*sfn.Options)) (*sfn.StartExecutionOutput, error)
	SendTaskSuccess(ctx context.Context, in *sfn.SendTaskSuccessInput, opts ...func(*sfn.Options)) (*sfn.SendTaskSuccessOutput, error)
}

// Executions implements workflow.Executions.
type Executions struct{ api API }

var _ workflow.Executions = (*Executions)(nil)

// New returns an adapter over the client.
func New(api API) *Executions { return &Executions{api: api} }

// StartExecution starts a named execution. A name already used means a
// retry of the same start (names are assignment and review ids): it is not
// an error.
func (x *Executions) StartExecution(ctx context.Context, arn, name string, input []byte) error {
	_, err := x.api.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Name: aws.String(name), Input: aws.String(string(input))})
	var exists *types.ExecutionAlreadyExists
	if errors.As(err, &exists) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("start execution %s: %w", name, err)
	}
	return nil
}

// SendTaskSuccess completes a waiting task, mapping TaskTimedOut and
// InvalidToken to the workflow's errors.
func (x *Executions) SendTaskSuccess(ctx context.Context, token string, output []byte) error {
	_, err := x.api.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(string(output))})
	var timedOut *types.TaskTimedOut
	var invalid *types.InvalidToken
	var missing *types.TaskDoesNotExist
	switch {
	case err == nil:
		return nil
	case errors.As(err, &timedOut), errors.As(err, &missing):
		return fmt.Errorf("send task success: %w", workflow.ErrTaskTimedOut)
	case errors.As(err, &invalid):
		return fmt.Errorf("send task success: %w", workflow.ErrInvalidToken)
	}
	return fmt.Errorf("send task success: %w", err)
}
