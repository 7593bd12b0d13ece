// Command submit is a Lambda function of the review workflow: it records an auditor's walkthrough and sends SendTaskSuccess to the waiting audit (workflow.Audits.Submit, bound in internal/functions).
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
		log.Fatalf("submit: %v", err)
	}
	functions.Submit.Start(env.Workflow(executions.New(env), nil))
}
