// Command start-review is a Lambda function of the review workflow: a CX lead's ad-hoc review: it starts the review state machine, named by the review id (workflow.Service.StartReview).
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
		log.Fatalf("start-review: %v", err)
	}
	lambdafn.Start(svc.StartReview)
}
