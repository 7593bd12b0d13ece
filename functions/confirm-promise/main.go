// Command confirm-promise is a Lambda function of the review workflow: it takes the auditor's answer to a promise check and completes it (workflow.Audits.ConfirmPromise, bound in internal/functions).
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
		log.Fatalf("confirm-promise: %v", err)
	}
	functions.ConfirmPromise.Start(env.Workflow(executions.New(env), nil))
}
