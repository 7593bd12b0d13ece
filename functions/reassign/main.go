// Command reassign is a Lambda function of the review workflow: after the second missed deadline it hands the walk to another eligible auditor (workflow.Audits.Reassign, bound in internal/functions).
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
		log.Fatalf("reassign: %v", err)
	}
	functions.Reassign.Start(env.Workflow(executions.New(env), notifier.New(env)))
}
