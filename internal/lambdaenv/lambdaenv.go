// Package lambdaenv builds touchaudit's adapters and services for a Lambda
// function from its configuration, building the AWS configuration once per
// function, so that each functions/<name>/main.go is a few lines of wiring.
// main passes os.Getenv in: only main reads the environment. Every AWS
// client gets awsclient.Lambda's timeouts and bounded retries.
//
// This package builds the DynamoDB store, which every function has. Each
// other AWS client lives in a package of its own, which a function imports
// only when its IAM role (template.yaml) may call that service: a client a
// function links costs it zip bytes and package inits at every cold start.
//
//	lambdaenv/executions  Step Functions (states:StartExecution, states:SendTaskSuccess)
//	lambdaenv/notifier    SES (ses:SendEmail)
//	lambdaenv/directory   the Cognito user pool (cognito-idp:*)
//	lambdaenv/evidence    the S3 evidence bucket (s3:PutObject, s3:GetObject)
//
// functions/policy_test.go checks each main's imports against its role.
//
// Variables:
//
//	AWS_REGION                 the function's region (Lambda sets it; AWS_DEFAULT_REGION also works)
//	AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
//	                           the execution role's credentials (Lambda sets them)
//	AWS_ENDPOINT_URL           another endpoint for every AWS client (moto in the smoke tests)
//	TABLE_NAME                 the single DynamoDB table (required)
//	DYNAMODB_ENDPOINT          another DynamoDB API (moto, DynamoDB Local)
//	AUDIT_STATE_MACHINE_ARN    started once per assignment (through lambdaenv/executions)
//	REVIEW_STATE_MACHINE_ARN   started once per review (through lambdaenv/executions)
//	APP_URL                    the form's address: the sign-in redirect (and links in messages)
//	COGNITO_DOMAIN             the managed login's base URL (https://<prefix>.auth.<region>.amazoncognito.com)
//	USER_POOL_CLIENT_ID        the form's app client; with COGNITO_DOMAIN and APP_URL, GET /config.json sends the form to the managed login
package lambdaenv

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"touchaudit/internal/audit"
	"touchaudit/internal/awsclient"
	"touchaudit/internal/dynamo"
	"touchaudit/internal/webform"
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

// Load builds the AWS configuration from the environment (AWSConfig) and
// the DynamoDB store.
func Load(_ context.Context, getenv Getenv) (*Env, error) {
	if getenv("TABLE_NAME") == "" {
		return nil, fmt.Errorf("TABLE_NAME is not set")
	}
	cfg, err := AWSConfig(getenv)
	if err != nil {
		return nil, err
	}
	return newEnv(cfg, getenv)
}

// AWSConfig is the AWS configuration Lambda hands a function: the region
// and the execution role's temporary credentials, all in the environment
// (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
// config.LoadDefaultConfig would also look for what a laptop has (shared
// config files, SSO, web identity, IMDS); linking those sources cost each
// function about 60 package inits, 1 MB and a third of its cold start.
func AWSConfig(getenv Getenv) (aws.Config, error) {
	region := getenv("AWS_REGION")
	if region == "" {
		region = getenv("AWS_DEFAULT_REGION")
	}
	if region == "" {
		return aws.Config{}, fmt.Errorf("AWS_REGION is not set")
	}
	id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		return aws.Config{}, fmt.Errorf("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set (Lambda sets the execution role's)")
	}
	cfg := aws.Config{
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider(id, secret, getenv("AWS_SESSION_TOKEN")),
	}
	if endpoint := getenv("AWS_ENDPOINT_URL"); endpoint != "" {
		cfg.BaseEndpoint = aws.String(endpoint)
	}
	return cfg, nil
}

// LoadReadOnly is Load with a store that only reads (dynamo.NewReadOnly),
// for a function whose role grants no writes: the console function.
// (Load would convert the client to an interface, which links all of its
// operations into a binary that reflects over methods, as html/template
// does.)
func LoadReadOnly(_ context.Context, getenv Getenv) (*Env, error) {
	table := getenv("TABLE_NAME")
	if table == "" {
		return nil, fmt.Errorf("TABLE_NAME is not set")
	}
	cfg, err := AWSConfig(getenv)
	if err != nil {
		return nil, err
	}
	return &Env{aws: cfg, getenv: getenv, store: dynamo.NewReadOnly(awsclient.Lambda.DynamoDB(cfg, getenv("DYNAMODB_ENDPOINT")), table)}, nil
}

func newEnv(cfg aws.Config, getenv Getenv) (*Env, error) {
	table := getenv("TABLE_NAME")
	if table == "" {
		return nil, fmt.Errorf("TABLE_NAME is not set")
	}
	return &Env{aws: cfg, getenv: getenv, store: dynamo.New(awsclient.Lambda.DynamoDB(cfg, getenv("DYNAMODB_ENDPOINT")), table)}, nil
}

// AWS is the function's AWS configuration, for the clients of the
// sub-packages (they apply awsclient.Lambda to it).
func (e *Env) AWS() aws.Config { return e.aws }

// Getenv reads one of the function's variables.
func (e *Env) Getenv(key string) string { return e.getenv(key) }

// Store is the DynamoDB store.
func (e *Env) Store() *dynamo.Store { return e.store }

// Workflow builds the review workflow's use cases over the store, the
// executions and notifier the function's role allows, and the wall clock.
// A nil exec is a function that may not call Step Functions: a call
// fails with ErrNoExecutions. A nil notify only logs the notifications.
func (e *Env) Workflow(exec workflow.Executions, notify workflow.Notifier) *workflow.Workflow {
	if exec == nil {
		exec = noExecutions{}
	}
	if notify == nil {
		notify = workflow.LogNotifier{}
	}
	wcfg := workflow.Config{
		AuditStateMachineArn:  e.getenv("AUDIT_STATE_MACHINE_ARN"),
		ReviewStateMachineArn: e.getenv("REVIEW_STATE_MACHINE_ARN"),
	}
	return workflow.New(e.store, exec, notify, workflow.SystemClock{}, wcfg, nil)
}

// ErrNoExecutions is a Step Functions call from a function whose role
// grants none (internal/functions says which functions may).
var ErrNoExecutions = errors.New("this function's role may not call Step Functions")

type noExecutions struct{}

func (noExecutions) StartExecution(context.Context, string, string, []byte) error {
	return ErrNoExecutions
}

func (noExecutions) SendTaskSuccess(context.Context, string, []byte) error { return ErrNoExecutions }

// Companies is the company import over the store and dir (nil: no sync);
// an import that publishes a standard version reschedules the touchpoints.
func (e *Env) Companies(dir audit.StaffDirectory) *audit.CompanyService {
	return audit.NewCompanyService(e.store).WithDirectory(dir).WithRescheduler(e.Workflow(nil, nil).Reviews)
}

// SignIn is the managed login of the form and the lead console when
// COGNITO_DOMAIN, USER_POOL_CLIENT_ID and APP_URL are set, else nil (dev
// sign-in). The console's callback is APP_URL + "console/"; the function
// serving the console's shell passes SignIn().Origin() to console.NewShell.
func (e *Env) SignIn() *webform.SignIn { return webform.SignInFrom(e.getenv) }
