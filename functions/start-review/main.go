// Command start-review is a Lambda function of the review workflow: a CX lead's ad-hoc review: it starts the review state machine, named by the review id (workflow.Reviews.StartReview, bound in internal/functions).
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
		log.Fatalf("start-review: %v", err)
	}
	if err := functions.Start(wf, "start-review"); err != nil {
		log.Fatalf("start-review: %v", err)
	}
}
