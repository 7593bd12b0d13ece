// Command reassign is a Lambda function of the review workflow: after the second missed deadline it hands the walk to another eligible auditor (workflow.Service.Reassign).
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
		log.Fatalf("reassign: %v", err)
	}
	lambdafn.Start(svc.Reassign)
}
