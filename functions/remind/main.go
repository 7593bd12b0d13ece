// Command remind is a Lambda function of the review workflow: after the first missed deadline it extends the deadline and reminds the auditor (workflow.Service.Remind).
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
		log.Fatalf("remind: %v", err)
	}
	lambdafn.Start(svc.Remind)
}
