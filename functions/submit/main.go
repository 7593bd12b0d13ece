// Command submit is a Lambda function of the review workflow: it records an auditor's walkthrough and sends SendTaskSuccess to the waiting audit (workflow.Audits.Submit, bound in internal/functions).
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
		log.Fatalf("submit: %v", err)
	}
	if err := functions.Start(wf, "submit"); err != nil {
		log.Fatalf("submit: %v", err)
	}
}
