// Command plan-review is a Lambda function of the review workflow: it creates the review and writes one planned assignment per walk of every touchpoint due (workflow.Service.PlanReview).
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
		log.Fatalf("plan-review: %v", err)
	}
	lambdafn.Start(svc.PlanReview)
}
