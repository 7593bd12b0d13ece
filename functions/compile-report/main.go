// Command compile-report is a Lambda function of the review workflow: it aggregates the review's results into the stored report and completes the review (workflow.Service.CompileReport).
package main

import (
	"context"
	"log"
	"os"

	"touchaudit/internal/lambdaenv"
	"touchaudit/internal/lambdafn"
)

func main() {
	svc, err := lambdaenv.Workflow(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("compile-report: %v", err)
	}
	lambdafn.Start(svc.CompileReport)
}
