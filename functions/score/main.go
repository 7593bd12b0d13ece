// Command score is a Lambda function of the review workflow: it values a walkthrough against the review's standard, and again with the verdicts of its promise checks (workflow.Service.Score).
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
		log.Fatalf("score: %v", err)
	}
	lambdafn.Start(svc.Score)
}
