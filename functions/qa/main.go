// Command qa is a Lambda function of the review workflow: the QA gate's steps in the audit execution, auto-approval, the wait for a lead's decision, its timeout and a returned walk that did not come back (workflow.QA.Step, bound in internal/functions).
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
		log.Fatalf("qa: %v", err)
	}
	functions.QA.Start(env.Workflow(executions.New(env), notifier.New(env)))
}
