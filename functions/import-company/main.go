// Command import-company is the ImportCompanyFunction Lambda: it validates a
// company configuration (units, staff, journeys, standards), saves it
// whole in the DynamoDB table and, when USER_POOL_ID is set, syncs the
// staff to the Cognito user pool. Invalid input fails with errorType
// InvalidInput and the offending field paths.
package main

import (
	"context"
	"log"
	"os"

	"touchaudit/internal/lambdaenv"
	"touchaudit/internal/lambdaenv/directory"
	"touchaudit/internal/lambdafn"
)

func main() {
	env, err := lambdaenv.Load(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("import-company: %v", err)
	}
	lambdafn.Start(env.Companies(directory.New(env)).Import, lambdafn.DisallowUnknownFields())
}
