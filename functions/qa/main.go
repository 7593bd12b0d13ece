// Command qa is a Lambda function of the review workflow: the QA gate's steps in the audit execution, auto-approval, the wait for a lead's decision, its timeout and a returned walk that did not come back (workflow.QA.Step, bound in internal/functions).
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
		log.Fatalf("qa: %v", err)
	}
	if err := functions.Start(wf, "qa"); err != nil {
		log.Fatalf("qa: %v", err)
	}
}
