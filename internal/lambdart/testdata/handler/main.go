// Command handler is the fixture function for lambdart's tests. What it does
// is chosen by the event's "action".
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type event struct {
	Action  string `json:"action"`
	Value   string `json:"value"`
	SleepMS int    `json:"sleepMs"`
}

type reply struct {
	Value       string            `json:"value"`
	RequestID   string            `json:"requestId"`
	FunctionARN string            `json:"functionArn"`
	DeadlineMS  int64             `json:"deadlineMs"`
	TraceID     string            `json:"traceId"`
	PID         int               `json:"pid"`
	Env         map[string]string `json:"env"`
}

// InvalidInput is returned as a named error type, as lambdafn does, so the
// test can check that errorType carries the Go type name.
type InvalidInput struct{ Message string }

func (e *InvalidInput) Error() string { return e.Message }

func handle(ctx context.Context, ev event) (reply, error) {
	switch ev.Action {
	case "fail":
		return reply{}, &InvalidInput{Message: "value must not be empty"}
	case "panic":
		panic("fixture panic")
	case "exit":
		os.Exit(3)
	case "sleep":
		select {
		case <-time.After(time.Duration(ev.SleepMS) * time.Millisecond):
		case <-ctx.Done():
			return reply{}, ctx.Err()
		}
	}
	lc, _ := lambdacontext.FromContext(ctx)
	deadline, _ := ctx.Deadline()
	trace, _ := ctx.Value("x-amzn-trace-id").(string)
	env := map[string]string{}
	for _, k := range []string{
		"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_LOG_FORMAT",
		"AWS_REGION", "_HANDLER", "EXTRA", "AWS_LAMBDA_RUNTIME_API", "HOME",
	} {
		env[k] = os.Getenv(k)
	}
	fmt.Fprintf(os.Stderr, "fixture handled %s\n", lc.AwsRequestID)
	return reply{
		Value:       ev.Value,
		RequestID:   lc.AwsRequestID,
		FunctionARN: lc.InvokedFunctionArn,
		DeadlineMS:  deadline.UnixMilli(),
		TraceID:     trace,
		PID:         os.Getpid(),
		Env:         env,
	}, nil
}

func main() { lambda.Start(handle) }
