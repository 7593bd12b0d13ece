// Command import-company is the ImportCompanyFunction Lambda: it validates a
// company configuration (units, staff, journeys, standards) and saves it
// whole in the DynamoDB table. Invalid input fails with errorType
// InvalidInput and the offending field paths.
package main

import (
	"context"
	"log"
	"os"

	"touchaudit/internal/audit"
	"touchaudit/internal/lambdaenv"
	"touchaudit/internal/lambdafn"
)

func main() {
	store, err := lambdaenv.Store(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("import-company: %v", err)
	}
	lambdafn.Start(audit.NewCompanyService(store).Import, lambdafn.DisallowUnknownFields())
}
