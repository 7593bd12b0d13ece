// Command remind is a Lambda function of the review workflow: after the first missed deadline it extends the deadline and reminds the auditor (workflow.Audits.Remind, bound in internal/functions).
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
		log.Fatalf("remind: %v", err)
	}
	functions.Remind.Start(env.Workflow(nil, nil))
}
