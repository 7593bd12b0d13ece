package asl

import (
	"context"
	"testing"
)

const mockConfig = `{
  "StateMachines": {
    "LambdaSQSIntegration": {
      "TestCases": {
        "HappyPath": {"LambdaState": "MockedLambdaSuccess", "SQSState": "MockedSQSSuccess"},
        "RetryPath": {"LambdaState": "MockedLambdaRetry", "SQSState": "MockedSQSSuccess"},
        "HybridPath": {"LambdaState": "MockedLambdaSuccess"}
      }
    }
  },
  "MockedResponses": {
    "MockedLambdaSuccess": {"0": {"Return": {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}}},
    "MockedSQSSuccess": {"0": {"Return": {"MD5OfMessageBody": "3bcb6e8e", "MessageId": "3bcb6e8e-8b51"}}},
    "MockedLambdaRetry": {
      "0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "Lambda resource is not ready."}},
      "1-2": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "Lambda timed out."}},
      "3": {"Return": {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}}
    }
  }
}`

const mockedDef = `{"StartAt":"LambdaState","States":{
  "LambdaState":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"HelloFunction"},
    "Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":2,"MaxAttempts":3}],"Next":"SQSState"},
  "SQSState":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","Parameters":{"QueueUrl":"q","MessageBody.$":"$"},"End":true}}}`

func TestMock_TestCases(t *testing.T) {
	cfg, err := ParseMockConfig([]byte(mockConfig))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		testCase, wantStatus, wantErr string
		wantCalls                     int
	}{
		{"HappyPath", StatusSucceeded, "", 0},
		{"RetryPath", StatusSucceeded, "", 0},
		{"HybridPath", StatusFailed, ErrTaskFailed, 0}, // SQSState is not mocked and has no handler
	}
	for _, tc := range tests {
		t.Run(tc.testCase, func(t *testing.T) {
			e := NewEngine(Options{Mocks: cfg})
			sm, err := e.CreateStateMachine(CreateStateMachineInput{Name: "LambdaSQSIntegration", Definition: mockedDef})
			if err != nil {
				t.Fatal(err)
			}
			st, err := e.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn + "#" + tc.testCase})
			if err != nil {
				t.Fatal(err)
			}
			d, _ := e.WaitForExecution(context.Background(), st.ExecutionArn)
			if d.Status != tc.wantStatus || d.Error != tc.wantErr {
				t.Errorf("got %s %s %s", d.Status, d.Error, d.Cause)
			}
			if tc.testCase == "HappyPath" && *d.Output != `{"MD5OfMessageBody":"3bcb6e8e","MessageId":"3bcb6e8e-8b51"}` {
				t.Errorf("output %s", *d.Output)
			}
			if tc.testCase == "RetryPath" && d.StateTransitions != 2+3 {
				t.Errorf("RetryPath transitions %d, want 5", d.StateTransitions)
			}
		})
	}
}

func TestMock_Errors(t *testing.T) {
	tests := []struct{ name, cfg string }{
		{"not JSON", `{`},
		{"unknown response", `{"StateMachines":{"S":{"TestCases":{"T":{"A":"Missing"}}}},"MockedResponses":{}}`},
		{"bad range", `{"MockedResponses":{"R":{"2-1":{"Return":1}}}}`},
		{"both return and throw", `{"MockedResponses":{"R":{"0":{"Return":1,"Throw":{"Error":"E"}}}}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseMockConfig([]byte(tc.cfg)); err == nil {
				t.Error("expected an error")
			}
		})
	}
	e := NewEngine(Options{})
	sm, _ := e.CreateStateMachine(CreateStateMachineInput{Name: "S", Definition: passDef})
	if _, err := e.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn + "#Nope"}); !IsCode(err, CodeValidationException) {
		t.Errorf("unknown test case: %v", err)
	}
}
