// Command compile-report is a Lambda function of the review workflow: it aggregates the review's results into the stored report and completes the review (workflow.Reviews.CompileReport, bound in internal/functions).
package main

import (
	"context"
	"log"
	"os"

	"touchaudit/internal/functions"
	"touchaudit/internal/lambdaenv"
	"touchaudit/internal/lambdaenv/notifier"
)

func main() {
	env, err := lambdaenv.Load(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("compile-report: %v", err)
	}
	functions.CompileReport.Start(env.Workflow(nil, notifier.New(env)))
}
