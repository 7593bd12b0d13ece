// Command confirm-promise is a Lambda function of the review workflow: it takes the auditor's answer to a promise check and completes it (workflow.Audits.ConfirmPromise, bound in internal/functions).
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
		log.Fatalf("confirm-promise: %v", err)
	}
	if err := functions.Start(wf, "confirm-promise"); err != nil {
		log.Fatalf("confirm-promise: %v", err)
	}
}
