// Command confirm-promise is a Lambda function of the review workflow: it takes the auditor's answer to a promise check and completes it (workflow.Service.ConfirmPromise).
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
		log.Fatalf("confirm-promise: %v", err)
	}
	lambdafn.Start(svc.ConfirmPromise)
}
