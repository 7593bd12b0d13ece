// Command start-review is a Lambda function of the review workflow: a CX lead's ad-hoc review: it starts the review state machine, named by the review id (workflow.Reviews.StartReview, bound in internal/functions).
package main

import (
	"context"
	"log"
	"os"

	"touchaudit/internal/functions"
	"touchaudit/internal/lambdaenv"
	"touchaudit/internal/lambdaenv/executions"
)

func main() {
	env, err := lambdaenv.Load(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("start-review: %v", err)
	}
	functions.StartReview.Start(env.Workflow(executions.New(env), nil))
}
