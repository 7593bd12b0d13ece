package stepfunctions

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"touchaudit/internal/asl"
	"touchaudit/internal/sfnapi"
	"touchaudit/internal/workflow"
)

// The adapter is tested with the real sfn client against the local engine's
// Step Functions API, which answers with AWS's error shapes.
const waitDef = `{"StartAt":"Wait","States":{"Wait":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
 "Parameters":{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:wait","Payload":{"token.$":"$$.Task.Token"}},
 "TimeoutSeconds":60,"End":true}}}`

func TestExecutions_AgainstTheLocalStepFunctionsAPI(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	var tokens []string
	reg := asl.NewRegistry()
	reg.Register("arn:aws:lambda:us-east-1:123456789012:function:wait", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		var p struct{ Token string }
		_ = json.Unmarshal(in, &p)
		mu.Lock()
		tokens = append(tokens, p.Token)
		mu.Unlock()
		return json.RawMessage(`{}`), nil
	})
	eng := asl.NewEngine(asl.Options{Registry: reg})
	sm, err := eng.CreateStateMachine(asl.CreateStateMachineInput{Name: "audit", Definition: waitDef, RoleArn: "arn:aws:iam::123456789012:role/x"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sfnapi.NewServer(eng))
	defer srv.Close()
	client := sfn.New(sfn.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	x := New(client)

	for i := 0; i < 2; i++ { // the second start is a retry: no error
		if err := x.StartExecution(ctx, sm.StateMachineArn, "a1", []byte(`{"n":1}`)); err != nil {
			t.Fatalf("start %d: %v", i, err)
		}
	}
	if err := x.StartExecution(ctx, sm.StateMachineArn, "a1", []byte(`{"n":2}`)); err != nil {
		t.Fatalf("a name already used is a retry for the workflow, not an error: %v", err)
	}
	eng.Settle(ctx)
	mu.Lock()
	tok := tokens[0]
	mu.Unlock()
	if err := x.SendTaskSuccess(ctx, tok, []byte(`{"walkthroughId":"w1"}`)); err != nil {
		t.Fatal(err)
	}
	if err := x.SendTaskSuccess(ctx, tok, []byte(`{}`)); !errors.Is(err, workflow.ErrTaskTimedOut) {
		t.Fatalf("second success: %v, want ErrTaskTimedOut", err)
	}
	if err := x.SendTaskSuccess(ctx, "not-a-token", []byte(`{}`)); !errors.Is(err, workflow.ErrInvalidToken) {
		t.Fatalf("bad token: %v, want ErrInvalidToken", err)
	}
	if err := x.StartExecution(ctx, "arn:aws:states:us-east-1:123456789012:stateMachine:nope", "a2", []byte(`{}`)); err == nil {
		t.Fatal("starting a missing state machine succeeded")
	}
}
