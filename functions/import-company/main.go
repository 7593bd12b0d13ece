// Command import-company is the ImportCompanyFunction Lambda: it validates a
// company configuration (units, staff, journeys, standards) and saves it
// whole in the DynamoDB table. Invalid input fails with errorType
// InvalidInput and the offending field paths.
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"touchaudit/internal/audit"
	"touchaudit/internal/dynamo"
	"touchaudit/internal/lambdafn"
)

func main() {
	table := os.Getenv("TABLE_NAME")
	if table == "" {
		log.Fatal("import-company: TABLE_NAME is not set")
	}
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Fatalf("import-company: load AWS config: %v", err)
	}
	client := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if ep := os.Getenv("DYNAMODB_ENDPOINT"); ep != "" { // moto or DynamoDB Local
			o.BaseEndpoint = aws.String(ep)
		}
	})
	svc := audit.NewCompanyService(dynamo.New(client, table))
	lambdafn.Start(svc.Import, lambdafn.DisallowUnknownFields())
}
