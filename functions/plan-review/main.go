// Command plan-review is a Lambda function of the review workflow: it creates the review and writes one planned assignment per walk of every touchpoint due (workflow.Reviews.PlanReview, bound in internal/functions).
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
		log.Fatalf("plan-review: %v", err)
	}
	if err := functions.Start(wf, "plan-review"); err != nil {
		log.Fatalf("plan-review: %v", err)
	}
}
