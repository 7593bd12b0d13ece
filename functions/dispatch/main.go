// Command dispatch is a Lambda function of the review workflow: it stores the audit's task token on the assignment and notifies the auditor (workflow.Audits.Dispatch, bound in internal/functions).
package main

import (
	"context"
	"log"
	"os"

	"touchaudit/internal/functions"
	"touchaudit/internal/lambdaenv"
	"touchaudit/internal/lambdaenv/executions"
	"touchaudit/internal/lambdaenv/notifier"
)

func main() {
	env, err := lambdaenv.Load(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("dispatch: %v", err)
	}
	functions.Dispatch.Start(env.Workflow(executions.New(env), notifier.New(env)))
}
