// Command track-completion is a Lambda function of the review workflow: it counts ended audits on the review with a conditional counter and wakes the review when the last one ends (workflow.Service.Track).
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
		log.Fatalf("track-completion: %v", err)
	}
	lambdafn.Start(svc.Track)
}
