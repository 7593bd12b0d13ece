// Command compile-report is a Lambda function of the review workflow: it aggregates the review's results into the stored report and completes the review (workflow.Reviews.CompileReport, bound in internal/functions).
package main

import (
	"context"
	"log"
	"os"

	"touchaudit/internal/functions"
	"touchaudit/internal/lambdaenv"
)

func main() {
	wf, err := lambdaenv.Workflow(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("compile-report: %v", err)
	}
	if err := functions.Start(wf, "compile-report"); err != nil {
		log.Fatalf("compile-report: %v", err)
	}
}
