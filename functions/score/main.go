// Command score is a Lambda function of the review workflow: it values a walkthrough against the review's standard, and again with the verdicts of its promise checks (workflow.Audits.Score, bound in internal/functions).
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
		log.Fatalf("score: %v", err)
	}
	functions.Score.Start(env.Workflow(nil, nil))
}
