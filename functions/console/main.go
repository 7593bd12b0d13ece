// Command console is the ConsoleFunction Lambda behind the API Gateway HTTP
// API: the CX lead console's HTML fragments under /api/console/, the review
// list (GET /api/reviews) and the exports (internal/consoleapi), with
// identity from the Cognito JWT authorizer's claims as for the api
// function. It only reads the table. The console's page under /console/ is
// static and served by the form function; the api function serves the rest
// of the API and links neither the console nor its exports.
package main

import (
	"context"
	"log"
	"os"

	"touchaudit/internal/consoleapi"
	"touchaudit/internal/httpapi"
	"touchaudit/internal/lambdaenv"
	"touchaudit/internal/lambdafn"
)

func main() {
	env, err := lambdaenv.LoadReadOnly(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("console: %v", err)
	}
	o, err := consoleapi.WithRoutes(httpapi.Options{}, env.Store())
	if err != nil {
		log.Fatalf("console: %v", err)
	}
	// Not a payload-2.0 event is the function's InvalidInput error; every
	// HTTP request gets an HTTP answer.
	lambdafn.Start(httpapi.NewRoutes(o).Handle)
}
