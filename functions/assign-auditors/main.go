// Command assign-auditors is a Lambda function of the review workflow: it staffs the planned walks with the assignment engine (workflow.Reviews.AssignAuditors, bound in internal/functions).
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
		log.Fatalf("assign-auditors: %v", err)
	}
	if err := functions.Start(wf, "assign-auditors"); err != nil {
		log.Fatalf("assign-auditors: %v", err)
	}
}
