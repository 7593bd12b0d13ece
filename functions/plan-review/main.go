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
	env, err := lambdaenv.Load(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("plan-review: %v", err)
	}
	functions.PlanReview.Start(env.Workflow(nil, nil))
}
