// Command dispatch is a Lambda function of the review workflow: it stores the audit's task token on the assignment and notifies the auditor (workflow.Service.Dispatch).
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
		log.Fatalf("dispatch: %v", err)
	}
	lambdafn.Start(svc.Dispatch)
}
