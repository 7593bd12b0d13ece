package functions_test

import (
	"context"
	"fmt"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"touchaudit/internal/cognito"
	"touchaudit/internal/dynamo"
	"touchaudit/internal/iamtrace"
	"touchaudit/internal/samtemplate"
	"touchaudit/internal/ses"
	"touchaudit/internal/stepfunctions"
)

// Least privilege, proven by the smoke test: every function runs with the
// environment template.yaml gives it (transformed offline by samtranslator)
// and its AWS calls pass through a recording proxy (internal/iamtrace). Then
//
//   - every call a function made is allowed by its role's statements, action
//     and resource (table and index ARNs, state machine ARNs, user pool,
//     SES identity, bucket prefix), and
//   - every action its role grants was called by it, so a grant no code path
//     of the smoke events uses fails the test until an event uses it or the
//     grant goes.
//
// Limits: a call on a path no event reaches is not seen; if it needs an
// action the role lacks, only AWS will tell. Presigned URLs are signed, not
// sent, by the function: the phones' uploads use its s3:PutObject (see
// signedFor). The managed policies SAM adds for the runtime's logs and
// traces are not the handler's and are checked by name only.

// smokeStack is the stack the smoke test reads the template for; SES is
// on, so that the notifying functions send.
var smokeStack = samtemplate.Stack{Name: "touchaudit-smoke", Region: region, Account: "123456789012",
	Parameters: map[string]string{"SesFromAddress": smokeSender}}

const smokeSender = "audits@smoke.example.com"

// runtimePolicies are the managed policies a function may hold: the Lambda
// runtime's logs and X-Ray's trace segments.
var runtimePolicies = []string{"AWSLambdaBasicExecutionRole", "AWSXrayWriteOnlyAccess"}

// signedFor are actions a function grants through presigned URLs, which
// others send with its credentials: the recorder never sees them.
var signedFor = map[string]string{"s3:PutObject": "EVIDENCE_BUCKET", "s3:GetObject": "EVIDENCE_BUCKET"}

// unexercised are grants on paths the smoke events do not reach, by
// function and action, each with the path that needs it. An entry whose
// action is called fails the test, so the list only shrinks.
var unexercised = map[string]map[string]string{
	"api":              {"states:SendTaskSuccess": "a lead's QA decision and a promise answer resume the waiting audit"},
	"assign-auditors":  {"states:SendTaskSuccess": "a review whose walks all stay unstaffed is woken at once"},
	"dispatch":         {"states:SendTaskSuccess": "a walk already submitted when its audit dispatches resumes at once"},
	"qa":               {"states:SendTaskSuccess": "an auto-approved walk resumes its audit's QA wait"},
	"reassign":         {"states:SendTaskSuccess": "the replaced walk's wait is ended"},
	"submit":           {"states:SendTaskSuccess": "a dispatched audit (one with a task token) resumes on submission"},
	"track-completion": {"states:SendTaskSuccess": "the last ended audit wakes the review", "ses:SendEmail": "the lead is told when the review's audits are done"},
}

// adapterActions are the IAM actions the AWS adapters can ask for: the
// methods of their API interfaces. A transaction (internal/dynamo) holds
// puts and updates only, which IAM authorises as PutItem and UpdateItem.
// An action of this set that a function does not call may stay in a
// statement whose other actions it calls: one access class (reads of the
// table, writes of the table, the staff sync's user administration).
func adapterActions() map[string]bool {
	out := map[string]bool{}
	for prefix, api := range map[string]reflect.Type{
		"dynamodb":    reflect.TypeFor[dynamo.API](),
		"states":      reflect.TypeFor[stepfunctions.API](),
		"ses":         reflect.TypeFor[ses.API](),
		"cognito-idp": reflect.TypeFor[cognito.API](),
	} {
		for i := range api.NumMethod() {
			out[prefix+":"+api.Method(i).Name] = true
		}
	}
	if out["dynamodb:TransactWriteItems"] {
		delete(out, "dynamodb:TransactWriteItems")
		out["dynamodb:PutItem"], out["dynamodb:UpdateItem"] = true, true
	}
	return out
}

// evidenceBucket is the smoke test's bucket in moto.
const evidenceBucket = "smoke-evidence"

func (h *harness) awsConfig() aws.Config {
	return aws.Config{Region: region, BaseEndpoint: aws.String(h.endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
}

// createAWS creates what the template's environment names besides the
// table and state machines: the SES sender and the evidence bucket.
func (h *harness) createAWS(ctx context.Context) error {
	cfg := h.awsConfig()
	if _, err := sesv2.NewFromConfig(cfg).CreateEmailIdentity(ctx, &sesv2.CreateEmailIdentityInput{EmailIdentity: aws.String(smokeSender)}); err != nil {
		return err
	}
	_, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).
		CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(evidenceBucket)})
	return err
}

// userPool is the Cognito user pool of one subtest's table, created on
// first use with the template's attributes and groups.
func (h *harness) userPool(ctx context.Context, table string) (string, error) {
	h.poolMu.Lock()
	defer h.poolMu.Unlock()
	if id, ok := h.pools[table]; ok {
		return id, nil
	}
	client := cip.NewFromConfig(h.awsConfig())
	out, err := client.CreateUserPool(ctx, &cip.CreateUserPoolInput{
		PoolName:           aws.String(table),
		UsernameAttributes: []ciptypes.UsernameAttributeType{ciptypes.UsernameAttributeTypeEmail},
		Schema: []ciptypes.SchemaAttributeType{
			{Name: aws.String("staffId"), AttributeDataType: ciptypes.AttributeDataTypeString, Mutable: aws.Bool(false)},
			{Name: aws.String("companyId"), AttributeDataType: ciptypes.AttributeDataTypeString, Mutable: aws.Bool(false)},
		},
	})
	if err != nil {
		return "", err
	}
	id := aws.ToString(out.UserPool.Id)
	for _, g := range cognito.Groups {
		if _, err := client.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &id, GroupName: aws.String(g)}); err != nil {
			return "", err
		}
	}
	if h.pools == nil {
		h.pools = map[string]string{}
	}
	h.pools[table] = id
	return id, nil
}

// functionEnv is a function's environment in the transformed template.
func (h *harness) functionEnv(name string) (map[string]string, error) {
	r, ok := h.template.Resources[logicalID(name)]
	if !ok {
		return nil, fmt.Errorf("the template has no %s", logicalID(name))
	}
	env := map[string]string{}
	props, _ := h.template.Resolve(r.Properties).(map[string]any)
	envProps, _ := props["Environment"].(map[string]any)
	vars, _ := envProps["Variables"].(map[string]any)
	for k, v := range vars {
		env[k] = fmt.Sprint(v)
	}
	return env, nil
}

// templateEnv is the template's environment for function name with moto's
// resources in place of the stack's: the subtest's table, the state
// machines, a user pool per table, the evidence bucket.
func (h *harness) templateEnv(ctx context.Context, name, table string) ([]string, error) {
	vars, err := h.functionEnv(name)
	if err != nil {
		return nil, err
	}
	var env []string
	for k, v := range vars {
		switch {
		case k == "TABLE_NAME":
			v = table
		case h.machines[k] != "":
			v = h.machines[k]
		case k == "USER_POOL_ID":
			if v, err = h.userPool(ctx, table); err != nil {
				return nil, fmt.Errorf("create a user pool: %w", err)
			}
		case k == "EVIDENCE_BUCKET":
			v = evidenceBucket
		}
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	return env, nil
}

// stackResource turns a recorded call's resource in moto into the ARN it
// would have in the stack, through the variable that named it to the
// function; a resource no variable names stays unresolved and fails.
func (h *harness) stackResource(c iamtrace.Call, env map[string]string) string {
	arn := "arn:aws:" + strings.SplitN(c.Action, ":", 2)[0] + ":" + smokeStack.Region + ":" + smokeStack.Account + ":"
	service, _, _ := strings.Cut(c.Action, ":")
	switch service {
	case "dynamodb":
		if rest, ok := strings.CutPrefix(c.Resource, "table/smoke-"); ok {
			_, index, _ := strings.Cut(rest, "/")
			if index != "" {
				index = "/" + index
			}
			return arn + "table/" + env["TABLE_NAME"] + index
		}
	case "states":
		if c.Resource == "*" {
			return "*"
		}
		for k, v := range h.machines {
			if v == c.Resource {
				return env[k]
			}
		}
	case "cognito-idp":
		return arn + "userpool/" + env["USER_POOL_ID"]
	case "ses":
		return arn + c.Resource
	case "s3":
		if key, ok := strings.CutPrefix(c.Resource, evidenceBucket+"/"); ok {
			return "arn:aws:s3:::" + env["EVIDENCE_BUCKET"] + "/" + key
		}
	}
	return "unresolved " + c.Resource
}

// leastPrivilege compares each function's recorded calls with its role.
func (h *harness) leastPrivilege(t *testing.T, names []string) {
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			id := logicalID(name)
			stmts, managed, err := h.template.RoleStatements(id)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range managed {
				if !slices.Contains(runtimePolicies, m) {
					t.Errorf("%s holds managed policy %s; only %v are allowed", id, m, runtimePolicies)
				}
			}
			env, err := h.functionEnv(name)
			if err != nil {
				t.Fatal(err)
			}
			called := map[string]bool{}
			for _, c := range h.recorder.Calls(name) {
				called[strings.ToLower(c.Action)] = true
				res := h.stackResource(c, env)
				if samtemplate.Allows(stmts, c.Action, res) {
					t.Logf("called %s on %s", c.Action, res)
				} else {
					t.Errorf("%s calls %s on %s, which its role does not allow", id, c.Action, res)
				}
			}
			for _, s := range stmts {
				if s.Effect != "Allow" {
					continue
				}
				for _, a := range s.Actions {
					if strings.Contains(a, "*") {
						t.Errorf("%s is granted the wildcard action %s", id, a)
						continue
					}
					if v, ok := signedFor[a]; ok && env[v] != "" {
						continue
					}
					reason, exempt := unexercised[name][a]
					switch {
					case called[strings.ToLower(a)] && exempt:
						t.Errorf("%s calls %s now: drop it from unexercised", id, a)
					case called[strings.ToLower(a)]:
					case exempt:
						t.Logf("granted %s unexercised: %s", a, reason)
					case adapterActions()[a] && slices.ContainsFunc(s.Actions, func(b string) bool { return called[strings.ToLower(b)] }):
						t.Logf("granted %s with the rest of its statement %v", a, s.Actions)
					default:
						t.Errorf("%s is granted %s on %v, which none of its smoke events calls", id, a, s.Resources)
					}
				}
			}
		})
	}
}

// clientPackages are the packages of internal/lambdaenv that build an AWS
// client other than DynamoDB's, by the service prefix of the IAM actions
// that client needs.
var clientPackages = map[string]string{
	"touchaudit/internal/lambdaenv/executions": "states",
	"touchaudit/internal/lambdaenv/notifier":   "ses",
	"touchaudit/internal/lambdaenv/directory":  "cognito-idp",
	"touchaudit/internal/lambdaenv/evidence":   "s3",
}

// A function links an AWS client exactly when its role may call that
// service: a client its role does not allow is dead weight at every cold
// start, and a grant without the client is a grant nothing uses. (Which
// workflow function imports what follows its entry in internal/functions,
// whose test checks the imports against the entry's flags.)
func TestPolicy_EachMainLinksTheClientsItsRoleAllows(t *testing.T) {
	tmpl, err := samtemplate.Transform(context.Background(), "../template.yaml", smokeStack)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range functionNames(t) {
		t.Run(name, func(t *testing.T) {
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(name, "main.go"), nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			linked := map[string]bool{}
			for _, im := range f.Imports {
				p, _ := strconv.Unquote(im.Path.Value)
				if service, ok := clientPackages[p]; ok {
					linked[service] = true
				}
			}
			stmts, _, err := tmpl.RoleStatements(logicalID(name))
			if err != nil {
				t.Fatal(err)
			}
			granted := map[string]bool{}
			for _, s := range stmts {
				for _, a := range s.Actions {
					if service, _, _ := strings.Cut(a, ":"); s.Effect == "Allow" && service != "dynamodb" {
						granted[service] = true
					}
				}
			}
			for _, service := range []string{"states", "ses", "cognito-idp", "s3"} {
				if linked[service] != granted[service] {
					t.Errorf("functions/%s links the %s client: %v; its role grants %s actions: %v", name, service, linked[service], service, granted[service])
				}
			}
		})
	}
}
