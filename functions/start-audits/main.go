// Command start-audits is a Lambda function of the review workflow: it starts one audit execution per assignment, in batches, named by assignment id (workflow.Reviews.StartAudits, bound in internal/functions).
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
		log.Fatalf("start-audits: %v", err)
	}
	functions.StartAudits.Start(env.Workflow(executions.New(env), nil))
}
