// Command form is the FormFunction Lambda behind the API Gateway HTTP API:
// the auditors' mobile audit form (internal/webform) on GET / and every
// GET path outside /api, without an identity. It signs in through the
// managed login that COGNITO_DOMAIN, USER_POOL_CLIENT_ID and APP_URL name
// (GET /config.json), and calls no AWS service: no table, no client.
package main

import (
	"os"

	"touchaudit/internal/httpapi"
	"touchaudit/internal/lambdafn"
	"touchaudit/internal/webform"
)

func main() {
	o := httpapi.Options{Form: webform.HandlerWith(webform.SignInFrom(os.Getenv))}
	// Not a payload-2.0 event is the function's InvalidInput error; every
	// HTTP request gets an HTTP answer.
	lambdafn.Start(httpapi.NewRoutes(o).Handle)
}
