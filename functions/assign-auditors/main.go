// Command assign-auditors is a Lambda function of the review workflow: it staffs the planned walks with the assignment engine (workflow.Reviews.AssignAuditors, bound in internal/functions).
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
		log.Fatalf("assign-auditors: %v", err)
	}
	functions.AssignAuditors.Start(env.Workflow(executions.New(env), nil))
}
