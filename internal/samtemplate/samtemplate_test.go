package samtemplate

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// stage is a stack of template.yaml for one stage, as `sam deploy` would
// create it.
func stage(t *testing.T, stack, stage string) *Template {
	t.Helper()
	tmpl, err := Transform(context.Background(), "../../template.yaml", Stack{Name: stack, Region: "eu-central-1", Account: "123456789012",
		Parameters: map[string]string{"Stage": stage, "AlarmTopicArn": "arn:aws:sns:eu-central-1:123456789012:touchaudit-" + stage + "-alarms"}})
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

// nameProperties are the properties that give a resource a name which
// must be unique in an account and region (or, for a Cognito domain and a
// bucket, anywhere).
var nameProperties = map[string][]string{
	"AWS::StepFunctions::StateMachine": {"StateMachineName"},
	"AWS::Scheduler::Schedule":         {"Name"},
	"AWS::Logs::LogGroup":              {"LogGroupName"},
	"AWS::Cognito::UserPool":           {"UserPoolName"},
	"AWS::Cognito::UserPoolDomain":     {"Domain"},
	"AWS::DynamoDB::Table":             {"TableName"},
	"AWS::S3::Bucket":                  {"BucketName"},
	"AWS::Lambda::Function":            {"FunctionName"},
	"AWS::IAM::Role":                   {"RoleName"},
	"AWS::SQS::Queue":                  {"QueueName"},
	"AWS::SNS::Topic":                  {"TopicName"},
	"AWS::CloudWatch::Alarm":           {"AlarmName"},
	"AWS::ApiGatewayV2::Api":           {"Name"},
}

// physicalNames lists "type name" for every named resource of a stack.
func physicalNames(tmpl *Template) map[string]string {
	names := map[string]string{}
	for id, r := range tmpl.Resources {
		for _, prop := range nameProperties[r.Type] {
			if v, ok := r.Properties[prop]; ok {
				names[r.Type+" "+fmt.Sprint(tmpl.Resolve(v))] = id
			}
		}
		if r.Type == "AWS::StepFunctions::StateMachine" || r.Type == "AWS::Serverless::StateMachine" {
			if v, ok := r.Properties["StateMachineName"]; ok {
				names[r.Type+" "+fmt.Sprint(tmpl.Resolve(v))] = id
			}
		}
	}
	return names
}

func TestTemplate_TwoStagesLiveInOneAccount(t *testing.T) {
	test, prod := stage(t, "touchaudit-test", "test"), stage(t, "touchaudit-prod", "prod")
	testNames, prodNames := physicalNames(test), physicalNames(prod)
	if len(testNames) < 4 {
		t.Fatalf("found %d named resources, want at least the two state machines, the schedule and the workflow logs: %v", len(testNames), testNames)
	}
	for name, id := range testNames {
		t.Logf("test: %s = %s", id, name)
		if other, ok := prodNames[name]; ok {
			t.Errorf("%s (test) and %s (prod) both take the name %s", id, other, name)
		}
		if !strings.Contains(name, "touchaudit-test") {
			t.Errorf("%s is named %s, which is not derived from the stack name", id, name)
		}
	}
}

func TestTemplate_ReadyForProduction(t *testing.T) {
	tmpl := stage(t, "touchaudit-prod", "prod")
	topic := "arn:aws:sns:eu-central-1:123456789012:touchaudit-prod-alarms"
	alarms := map[string]bool{} // "namespace metric dimension-value"
	for _, id := range tmpl.OfType("AWS::CloudWatch::Alarm") {
		p := tmpl.Resolve(tmpl.Resources[id].Properties).(map[string]any)
		if fmt.Sprint(p["AlarmActions"]) != "["+topic+"]" {
			t.Errorf("alarm %s goes to %v, want the AlarmTopicArn %s", id, p["AlarmActions"], topic)
		}
		for _, d := range p["Dimensions"].([]any) {
			alarms[fmt.Sprint(p["Namespace"], " ", p["MetricName"], " ", d.(map[string]any)["Value"])] = true
		}
	}
	want := func(what, key string) {
		t.Helper()
		if !alarms[key] {
			t.Errorf("no alarm on %s (%s)", what, key)
		}
	}
	functions := tmpl.OfType("AWS::Lambda::Function")
	if len(functions) < 15 {
		t.Fatalf("found %d functions, want at least 15", len(functions))
	}
	for _, fn := range functions {
		t.Run(fn, func(t *testing.T) {
			p := tmpl.Resolve(tmpl.Resources[fn].Properties).(map[string]any)
			want("errors", "AWS/Lambda Errors "+tmpl.ref(fn))
			want("throttles", "AWS/Lambda Throttles "+tmpl.ref(fn))
			if fmt.Sprint(p["TracingConfig"]) != "map[Mode:Active]" {
				t.Errorf("X-Ray tracing is %v, want Active", p["TracingConfig"])
			}
			group := fmt.Sprint(p["LoggingConfig"].(map[string]any)["LogGroup"])
			i := slices.IndexFunc(tmpl.OfType("AWS::Logs::LogGroup"), func(id string) bool { return tmpl.ref(id) == group })
			if i < 0 {
				t.Fatalf("logs go to %q, not a log group of the stack", group)
			}
			lg := tmpl.Resources[tmpl.OfType("AWS::Logs::LogGroup")[i]].Properties
			if fmt.Sprint(lg["RetentionInDays"]) != "map[Ref:LogRetentionDays]" {
				t.Errorf("log group %s keeps logs %v, want LogRetentionDays", group, lg["RetentionInDays"])
			}
		})
	}
	for _, sm := range tmpl.OfType("AWS::StepFunctions::StateMachine") {
		for _, m := range []string{"ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"} {
			want(sm+" "+m, "AWS/States "+m+" "+tmpl.ref(sm))
		}
		if p := tmpl.Resources[sm].Properties; fmt.Sprint(p["TracingConfiguration"]) != "map[Enabled:true]" {
			t.Errorf("%s: X-Ray tracing is %v, want enabled", sm, p["TracingConfiguration"])
		}
	}
	for _, q := range tmpl.OfType("AWS::SQS::Queue") {
		want("the dead-letter queue "+q, "AWS/SQS ApproximateNumberOfMessagesVisible "+q+".QueueName")
	}
	for _, api := range tmpl.OfType("AWS::ApiGatewayV2::Api") {
		want("the API's 5xx", "AWS/ApiGateway 5xx "+tmpl.ref(api))
	}
	for _, st := range tmpl.OfType("AWS::ApiGatewayV2::Stage") {
		logs, _ := tmpl.Resources[st].Properties["AccessLogSettings"].(map[string]any)
		if logs["DestinationArn"] == nil || logs["Format"] == nil {
			t.Errorf("API stage %s has no access logs", st)
		}
	}
	for _, pool := range tmpl.OfType("AWS::Cognito::UserPool") {
		r := tmpl.Resources[pool]
		if r.DeletionPolicy != "Retain" || r.UpdateReplacePolicy != "Retain" || r.Properties["DeletionProtection"] != "ACTIVE" {
			t.Errorf("user pool %s: DeletionPolicy %q, UpdateReplacePolicy %q, DeletionProtection %v; want Retain, Retain, ACTIVE",
				pool, r.DeletionPolicy, r.UpdateReplacePolicy, r.Properties["DeletionProtection"])
		}
		if r.Properties["MfaConfiguration"] != "ON" || fmt.Sprint(r.Properties["EnabledMfas"]) != "[SOFTWARE_TOKEN_MFA]" {
			t.Errorf("user pool %s: MFA %v %v, want ON with SOFTWARE_TOKEN_MFA (leads must use TOTP)",
				pool, r.Properties["MfaConfiguration"], r.Properties["EnabledMfas"])
		}
	}
}

func TestAllows_IAMWildcards(t *testing.T) {
	stmts := []Statement{
		{Effect: "Allow", Actions: []string{"dynamodb:GetItem"}, Resources: []string{"arn:aws:dynamodb:r:1:table/T", "arn:aws:dynamodb:r:1:table/T/index/*"}},
		{Effect: "Allow", Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::b/evidence/*"}},
		{Effect: "Deny", Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::b/evidence/secret"}},
	}
	for _, c := range []struct {
		action, resource string
		want             bool
	}{
		{"dynamodb:GetItem", "arn:aws:dynamodb:r:1:table/T", true},
		{"DynamoDB:getitem", "arn:aws:dynamodb:r:1:table/T", true},
		{"dynamodb:GetItem", "arn:aws:dynamodb:r:1:table/T/index/GSI1", true},
		{"dynamodb:GetItem", "arn:aws:dynamodb:r:1:table/T2", false},
		{"dynamodb:PutItem", "arn:aws:dynamodb:r:1:table/T", false},
		{"s3:GetObject", "arn:aws:s3:::b/evidence/a/b.jpg", true},
		{"s3:GetObject", "arn:aws:s3:::b/other", false},
		{"s3:GetObject", "arn:aws:s3:::b/evidence/secret", false},
	} {
		if got := Allows(stmts, c.action, c.resource); got != c.want {
			t.Errorf("Allows(%s, %s) = %v, want %v", c.action, c.resource, got, c.want)
		}
	}
}

// TestTemplate_ManagedLogin: the app client lets the form and the lead
// console each sign in and out through the managed login, with the code
// flow only, and the callback URLs come from the AppBaseUrl parameter, not
// from the HTTP API (whose authorizer names the client: a cycle).
func TestTemplate_ManagedLogin(t *testing.T) {
	tmpl, err := Transform(context.Background(), "../../template.yaml", Stack{Name: "touchaudit-prod", Region: "eu-central-1", Account: "123456789012",
		Parameters: map[string]string{"Stage": "prod", "AlarmTopicArn": "arn:aws:sns:eu-central-1:123456789012:touchaudit-prod-alarms", "AppBaseUrl": "https://audit.bank.example/"}})
	if err != nil {
		t.Fatal(err)
	}
	clients := tmpl.OfType("AWS::Cognito::UserPoolClient")
	if len(clients) != 1 {
		t.Fatalf("%d app clients, want 1", len(clients))
	}
	raw := tmpl.Resources[clients[0]].Properties
	p := tmpl.Resolve(raw).(map[string]any)
	want := "[https://audit.bank.example/ https://audit.bank.example/console/]"
	for _, prop := range []string{"CallbackURLs", "LogoutURLs"} {
		if got := fmt.Sprint(p[prop]); got != want {
			t.Errorf("%s %s, want the form and the console: %s", prop, got, want)
		}
		if s := fmt.Sprint(raw[prop]); strings.Contains(s, "HttpApi") || strings.Contains(s, "ServerlessHttpApi") {
			t.Errorf("%s depends on the HTTP API: %s", prop, s)
		}
	}
	if fmt.Sprint(p["AllowedOAuthFlows"]) != "[code]" || p["GenerateSecret"] != false || fmt.Sprint(p["AllowedOAuthFlowsUserPoolClient"]) != "true" {
		t.Errorf("OAuth flows %v, secret %v, enabled %v; want the code flow of a public client",
			p["AllowedOAuthFlows"], p["GenerateSecret"], p["AllowedOAuthFlowsUserPoolClient"])
	}
	// The function that serves GET /config.json tells both pages where the
	// managed login is.
	env := fmt.Sprint(tmpl.Resolve(tmpl.Resources["FormFunction"].Properties["Environment"]))
	for _, v := range []string{"COGNITO_DOMAIN:https://", "USER_POOL_CLIENT_ID:", "APP_URL:https://audit.bank.example/"} {
		if !strings.Contains(env, v) {
			t.Errorf("FormFunction's environment lacks %s: %s", v, env)
		}
	}
}
