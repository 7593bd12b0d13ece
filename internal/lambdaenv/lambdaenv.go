// Package lambdaenv builds touchaudit's adapters and services for a Lambda
// function from its configuration, building the AWS configuration once per
// function, so that each functions/<name>/main.go is a few lines of wiring.
// main passes os.Getenv in: only main reads the environment. Every AWS
// client gets awsclient.Lambda's timeouts and bounded retries.
//
// Variables:
//
//	AWS_REGION                 the function's region (Lambda sets it; AWS_DEFAULT_REGION also works)
//	AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
//	                           the execution role's credentials (Lambda sets them)
//	AWS_ENDPOINT_URL           another endpoint for every AWS client (moto in the smoke tests)
//	TABLE_NAME                 the single DynamoDB table (required)
//	DYNAMODB_ENDPOINT          another DynamoDB API (moto, DynamoDB Local)
//	SFN_ENDPOINT               another Step Functions API (touchaudit's local engine)
//	AUDIT_STATE_MACHINE_ARN    started once per assignment
//	REVIEW_STATE_MACHINE_ARN   started once per review
//	EVIDENCE_BUCKET            the S3 bucket of the walks' photos and files (api function)
//	S3_ENDPOINT                another S3 API (moto)
//	SES_FROM                   the notifications' sender; unset: notifications are only logged
//	SES_ENDPOINT               another SES v2 API (moto)
//	SES_MAX_SEND_RATE          messages per second per function instance (default 1, the sandbox's)
//	SES_CONFIGURATION_SET      the SES configuration set of every message (optional)
//	APP_URL                    the form's address, for links in messages and the sign-in redirect
//	USER_POOL_ID               the Cognito user pool a company import syncs staff to; unset: no sync
//	COGNITO_ENDPOINT           another Cognito user pools API (moto)
//	COGNITO_INVITE             "true": Cognito emails new users a temporary password
//	COGNITO_DOMAIN             the managed login's base URL (https://<prefix>.auth.<region>.amazoncognito.com)
//	USER_POOL_CLIENT_ID        the form's app client; with COGNITO_DOMAIN and APP_URL, GET /config.json sends the form to the managed login
package lambdaenv

import (
	"context"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"touchaudit/internal/audit"
	"touchaudit/internal/awsclient"
	"touchaudit/internal/cognito"
	"touchaudit/internal/dynamo"
	"touchaudit/internal/message"
	"touchaudit/internal/s3"
	"touchaudit/internal/ses"
	"touchaudit/internal/stepfunctions"
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
// Functions client, the notifier and the wall clock.
func (e *Env) Workflow() *workflow.Workflow {
	client := awsclient.Lambda.StepFunctions(e.aws, e.getenv("SFN_ENDPOINT"))
	wcfg := workflow.Config{
		AuditStateMachineArn:  e.getenv("AUDIT_STATE_MACHINE_ARN"),
		ReviewStateMachineArn: e.getenv("REVIEW_STATE_MACHINE_ARN"),
	}
	return workflow.New(e.store, stepfunctions.New(client), e.Notifier(), workflow.SystemClock{}, wcfg, nil)
}

// Notifier is the SES notifier when SES_FROM is set (its idempotency
// records in the table), else the log notifier.
func (e *Env) Notifier() workflow.Notifier {
	from := e.getenv("SES_FROM")
	if from == "" {
		return workflow.LogNotifier{}
	}
	endpoint := e.getenv("SES_ENDPOINT")
	client := sesv2.NewFromConfig(awsclient.Lambda.Config(e.aws), func(o *sesv2.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	rate, _ := strconv.ParseFloat(e.getenv("SES_MAX_SEND_RATE"), 64)
	return ses.New(client, message.NewComposer(e.store, e.getenv("APP_URL")), e.store,
		ses.Options{From: from, ConfigurationSet: e.getenv("SES_CONFIGURATION_SET"), Rate: rate})
}

// Directory is the Cognito staff directory when USER_POOL_ID is set, else
// nil (no sync).
func (e *Env) Directory() audit.StaffDirectory {
	pool := e.getenv("USER_POOL_ID")
	if pool == "" {
		return nil
	}
	endpoint := e.getenv("COGNITO_ENDPOINT")
	client := cip.NewFromConfig(awsclient.Lambda.Config(e.aws), func(o *cip.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	return cognito.New(client, pool, cognito.Options{Invite: e.getenv("COGNITO_INVITE") == "true"})
}

// Companies is the company import over the store and the directory; an
// import that publishes a standard version reschedules the touchpoints.
func (e *Env) Companies() *audit.CompanyService {
	return audit.NewCompanyService(e.store).WithDirectory(e.Directory()).WithRescheduler(e.Workflow().Reviews)
}

// SignIn is the managed login of the form and the lead console when
// COGNITO_DOMAIN, USER_POOL_CLIENT_ID and APP_URL are set, else nil (dev
// sign-in). The console's callback is APP_URL + "console/"; the function
// serving the console's shell passes SignIn().Origin() to console.NewShell.
func (e *Env) SignIn() *webform.SignIn {
	s := webform.SignIn{Domain: e.getenv("COGNITO_DOMAIN"), ClientID: e.getenv("USER_POOL_CLIENT_ID"), RedirectURI: e.getenv("APP_URL")}
	if s.Domain == "" || s.ClientID == "" || s.RedirectURI == "" {
		return nil
	}
	return &s
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
