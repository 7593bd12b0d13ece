// Command track-completion is a Lambda function of the review workflow: it counts ended audits on the review with a conditional counter and wakes the review when the last one ends (workflow.Reviews.Track, bound in internal/functions).
package main

import (
	"context"
	"log"
	"os"

	"touchaudit/internal/functions"
	"touchaudit/internal/lambdaenv"
	"touchaudit/internal/lambdaenv/executions"
	"touchaudit/internal/lambdaenv/notifier"
)

func main() {
	env, err := lambdaenv.Load(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("track-completion: %v", err)
	}
	functions.TrackCompletion.Start(env.Workflow(executions.New(env), notifier.New(env)))
}
