// Package directory builds the Cognito staff directory of a function whose
// role may administer the user pool's users (internal/lambdaenv).
//
// Variables:
//
//	USER_POOL_ID      the Cognito user pool a company import syncs staff to; unset: no sync
//	COGNITO_ENDPOINT  another Cognito user pools API (moto)
//	COGNITO_INVITE    "true": Cognito emails new users a temporary password
package directory

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"touchaudit/internal/audit"
	"touchaudit/internal/awsclient"
	"touchaudit/internal/cognito"
	"touchaudit/internal/lambdaenv"
)

// New is the Cognito staff directory when USER_POOL_ID is set, else nil
// (no sync).
func New(e *lambdaenv.Env) audit.StaffDirectory {
	pool := e.Getenv("USER_POOL_ID")
	if pool == "" {
		return nil
	}
	endpoint := e.Getenv("COGNITO_ENDPOINT")
	client := cip.NewFromConfig(awsclient.Lambda.Config(e.AWS()), func(o *cip.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	return cognito.New(client, pool, cognito.Options{Invite: e.Getenv("COGNITO_INVITE") == "true"})
}
