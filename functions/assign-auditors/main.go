// Command assign-auditors is a Lambda function of the review workflow: it staffs the planned walks with the assignment engine (workflow.Service.AssignAuditors).
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
		log.Fatalf("assign-auditors: %v", err)
	}
	lambdafn.Start(svc.AssignAuditors)
}
