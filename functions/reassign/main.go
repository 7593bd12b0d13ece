// Command reassign is a Lambda function of the review workflow: after the second missed deadline it hands the walk to another eligible auditor (workflow.Audits.Reassign, bound in internal/functions).
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
		log.Fatalf("reassign: %v", err)
	}
	if err := functions.Start(wf, "reassign"); err != nil {
		log.Fatalf("reassign: %v", err)
	}
}
