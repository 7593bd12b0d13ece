// Command verify-promise is a Lambda function of the review workflow: it stores a promise check's task token and asks the auditor whether the promise was kept (workflow.Service.AskPromise).
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
		log.Fatalf("verify-promise: %v", err)
	}
	lambdafn.Start(svc.AskPromise)
}
