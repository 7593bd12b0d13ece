// Command api is the ApiFunction Lambda behind the API Gateway HTTP API: the
// auditors' and CX leads' endpoints under /api (internal/httpapi, identity
// from the Cognito JWT authorizer's claims) and the mobile audit form
// (internal/webform) on every other path.
package main

import (
	"context"
	"log"
	"os"

	"touchaudit/internal/httpapi"
	"touchaudit/internal/lambdaenv"
	"touchaudit/internal/lambdaenv/directory"
	"touchaudit/internal/lambdaenv/evidence"
	"touchaudit/internal/lambdaenv/executions"
	"touchaudit/internal/lambdafn"
	"touchaudit/internal/webform"
)

func main() {
	ctx := context.Background()
	env, err := lambdaenv.Load(ctx, os.Getenv)
	if err != nil {
		log.Fatalf("api: %v", err)
	}
	o := httpapi.Options{Form: webform.HandlerWith(env.SignIn()), Directory: directory.New(env), Files: evidence.New(env)}
	// The role grants no ses:SendEmail: the API's notifications (an appeal
	// tells the leads) are logged, best effort as everywhere.
	h := httpapi.New(env.Workflow(executions.New(env), nil), env.Store(), o)
	// Not a payload-2.0 event is the function's InvalidInput error; every
	// HTTP request gets an HTTP answer.
	lambdafn.Start(h.Handle)
}
