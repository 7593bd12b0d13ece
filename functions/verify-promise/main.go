// Command verify-promise is a Lambda function of the review workflow: it stores a promise check's task token and asks the auditor whether the promise was kept (workflow.Audits.AskPromise, bound in internal/functions).
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
		log.Fatalf("verify-promise: %v", err)
	}
	if err := functions.Start(wf, "verify-promise"); err != nil {
		log.Fatalf("verify-promise: %v", err)
	}
}
