// Command track-completion is a Lambda function of the review workflow: it counts ended audits on the review with a conditional counter and wakes the review when the last one ends (workflow.Reviews.Track, bound in internal/functions).
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
		log.Fatalf("track-completion: %v", err)
	}
	if err := functions.Start(wf, "track-completion"); err != nil {
		log.Fatalf("track-completion: %v", err)
	}
}
