// Command verify-promise is a Lambda function of the review workflow: it stores a promise check's task token and asks the auditor whether the promise was kept (workflow.Audits.AskPromise, bound in internal/functions).
package main

import (
	"context"
	"log"
	"os"

	"touchaudit/internal/functions"
	"touchaudit/internal/lambdaenv"
	"touchaudit/internal/lambdaenv/notifier"
)

func main() {
	env, err := lambdaenv.Load(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("verify-promise: %v", err)
	}
	functions.VerifyPromise.Start(env.Workflow(nil, notifier.New(env)))
}
