// Command form is the FormFunction Lambda behind the API Gateway HTTP API:
// the static pages, without an identity: the auditors' mobile audit form
// (internal/webform) on GET / and every GET path outside /api and
// /console/, and the CX lead console's page under /console/
// (console.Shell; its fragments come from the console function). Both sign
// in through the managed login that COGNITO_DOMAIN, USER_POOL_CLIENT_ID and
// APP_URL name (GET /config.json), and it calls no AWS service: no table,
// no client.
package main

import (
	"log"
	"os"

	"touchaudit/internal/console"
	"touchaudit/internal/httpapi"
	"touchaudit/internal/lambdafn"
	"touchaudit/internal/webform"
)

func main() {
	signIn := webform.SignInFrom(os.Getenv)
	shell, err := console.NewShell(signIn.Origin())
	if err != nil {
		log.Fatalf("form: %v", err)
	}
	o := httpapi.Options{Form: webform.HandlerWith(signIn), Shell: shell}
	// Not a payload-2.0 event is the function's InvalidInput error; every
	// HTTP request gets an HTTP answer.
	lambdafn.Start(httpapi.NewRoutes(o).Handle)
}
