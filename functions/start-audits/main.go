// Command start-audits is a Lambda function of the review workflow: it starts one audit execution per assignment, in batches, named by assignment id (workflow.Service.StartAudits).
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
		log.Fatalf("start-audits: %v", err)
	}
	lambdafn.Start(svc.StartAudits)
}
