// Command evidence is the EvidenceFunction Lambda behind the API Gateway
// HTTP API: the walks' photos and files (httpapi.Evidence: an auditor's
// upload URL and its confirmation, a file's download URL), over the table
// and the S3 evidence bucket, with identity from the Cognito JWT
// authorizer's claims as for the api function. It is the only function
// whose role may touch the bucket.
package main

import (
	"context"
	"log"
	"os"

	"touchaudit/internal/httpapi"
	"touchaudit/internal/lambdaenv"
	"touchaudit/internal/lambdaenv/evidence"
	"touchaudit/internal/lambdafn"
)

func main() {
	env, err := lambdaenv.Load(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("evidence: %v", err)
	}
	// The evidence routes start no execution and send no message.
	h := httpapi.NewPart(httpapi.Evidence, env.Workflow(nil, nil), env.Store(), httpapi.Options{Files: evidence.New(env)})
	// Not a payload-2.0 event is the function's InvalidInput error; every
	// HTTP request gets an HTTP answer.
	lambdafn.Start(h.Handle)
}
