// Command api is the ApiFunction Lambda behind the API Gateway HTTP API: the
// auditors' walks and the CX leads' reviews, QA and actions under /api
// (httpapi.Auditors, identity from the Cognito JWT authorizer's claims),
// and every other /api path, which it answers 404. The evidence, company,
// form and console functions serve the rest (httpapi.Parts).
package main

import (
	"context"
	"log"
	"os"

	"touchaudit/internal/httpapi"
	"touchaudit/internal/lambdaenv"
	"touchaudit/internal/lambdaenv/executions"
	"touchaudit/internal/lambdafn"
)

func main() {
	ctx := context.Background()
	env, err := lambdaenv.Load(ctx, os.Getenv)
	if err != nil {
		log.Fatalf("api: %v", err)
	}
	// The role grants no ses:SendEmail: the API's notifications (an appeal
	// tells the leads) are logged, best effort as everywhere.
	h := httpapi.NewPart(httpapi.Auditors, env.Workflow(executions.New(env), nil), env.Store(), httpapi.Options{})
	// Not a payload-2.0 event is the function's InvalidInput error; every
	// HTTP request gets an HTTP answer.
	lambdafn.Start(h.Handle)
}
