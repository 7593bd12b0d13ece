//go:build !demoonly

package lambdafn

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// Start runs fn as this process's Lambda handler. It makes slog's default
// logger Lambda's structured logger (request id on every record,
// AWS_LAMBDA_LOG_FORMAT and AWS_LAMBDA_LOG_LEVEL respected) and never returns.
func Start[In, Out any](fn func(context.Context, In) (Out, error), opts ...Option) {
	slog.SetDefault(lambdacontext.NewLogger())
	lambda.Start(Handler(fn, opts...))
}
