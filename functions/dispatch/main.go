// Command dispatch is a Lambda function of the review workflow: it stores the audit's task token on the assignment and notifies the auditor (workflow.Audits.Dispatch, bound in internal/functions).
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
		log.Fatalf("dispatch: %v", err)
	}
	if err := functions.Start(wf, "dispatch"); err != nil {
		log.Fatalf("dispatch: %v", err)
	}
}
