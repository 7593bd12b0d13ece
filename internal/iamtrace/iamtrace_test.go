package iamtrace

import (
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

func TestCalls_NamesIAMActions(t *testing.T) {
	for _, c := range []struct {
		name, method, path, target, body string
		want                             []Call
	}{
		{"query of an index", "POST", "/", "DynamoDB_20120810.Query", `{"TableName":"T","IndexName":"GSI2"}`,
			[]Call{{"dynamodb:Query", "table/T/index/GSI2"}}},
		{"transaction item by item", "POST", "/", "DynamoDB_20120810.TransactWriteItems",
			`{"TransactItems":[{"Put":{"TableName":"T"}},{"Update":{"TableName":"T"}}]}`,
			[]Call{{"dynamodb:PutItem", "table/T"}, {"dynamodb:UpdateItem", "table/T"}}},
		{"batch write", "POST", "/", "DynamoDB_20120810.BatchWriteItem", `{"RequestItems":{"T":[]}}`,
			[]Call{{"dynamodb:BatchWriteItem", "table/T"}}},
		{"start execution", "POST", "/", "AWSStepFunctions.StartExecution", `{"stateMachineArn":"arn:sm"}`,
			[]Call{{"states:StartExecution", "arn:sm"}}},
		{"task token", "POST", "/", "AWSStepFunctions.SendTaskSuccess", `{"taskToken":"x"}`,
			[]Call{{"states:SendTaskSuccess", "*"}}},
		{"cognito", "POST", "/", "AWSCognitoIdentityProviderService.AdminCreateUser", `{"UserPoolId":"p"}`,
			[]Call{{"cognito-idp:AdminCreateUser", "userpool/p"}}},
		{"ses v2", "POST", "/v2/email/outbound-emails", "", `{"FromEmailAddress":"a@b"}`,
			[]Call{{"ses:SendEmail", "identity/a@b"}}},
		{"head object", "HEAD", "/bucket/evidence/x.jpg", "", "", []Call{{"s3:GetObject", "bucket/evidence/x.jpg"}}},
		{"anything else", "GET", "/bucket", "", "", []Call{{"unknown", "GET /bucket "}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
			if c.target != "" {
				req.Header.Set("X-Amz-Target", c.target)
			}
			got := Calls(req, []byte(c.body))
			slices.SortFunc(got, func(a, b Call) int { return strings.Compare(a.Action, b.Action) })
			if !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}
