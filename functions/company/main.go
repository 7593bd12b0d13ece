// Command company is the CompanyFunction Lambda behind the API Gateway HTTP
// API: a CX lead's company configuration (httpapi.Company: GET and PUT
// /api/company), over the table and, for PUT, the Cognito user pool the
// staff is synced to, with identity from the Cognito JWT authorizer's
// claims as for the api function.
package main

import (
	"context"
	"log"
	"os"

	"touchaudit/internal/httpapi"
	"touchaudit/internal/lambdaenv"
	"touchaudit/internal/lambdaenv/directory"
	"touchaudit/internal/lambdafn"
)

func main() {
	env, err := lambdaenv.Load(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("company: %v", err)
	}
	// A published standard version reschedules the touchpoints, which
	// starts no execution.
	h := httpapi.NewPart(httpapi.Company, env.Workflow(nil, nil), env.Store(), httpapi.Options{Directory: directory.New(env)})
	// Not a payload-2.0 event is the function's InvalidInput error; every
	// HTTP request gets an HTTP answer.
	lambdafn.Start(h.Handle)
}
