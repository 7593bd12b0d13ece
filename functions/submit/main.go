// Command submit is a Lambda function of the review workflow: it records an auditor's walkthrough and sends SendTaskSuccess to the waiting audit (workflow.Service.Submit).
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
		log.Fatalf("submit: %v", err)
	}
	lambdafn.Start(svc.Submit)
}
