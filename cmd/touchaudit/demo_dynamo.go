//go:build !demoonly

package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/dynamo"
)

// demoDynamoStore is the demo's store in DynamoDB at ep, in TABLE_NAME or a
// new table of its own.
func demoDynamoStore(ctx context.Context, ep string) (audit.Store, string, error) {
	client, err := dynamo.NewLocalClient(ctx, ep)
	if err != nil {
		return nil, "", err
	}
	table := os.Getenv("TABLE_NAME")
	if table == "" {
		table = fmt.Sprintf("%s-%d", demoTableDefault, time.Now().UnixNano())
	}
	if err := dynamo.EnsureTable(ctx, client, table); err != nil {
		return nil, "", err
	}
	return dynamo.New(client, table), "DynamoDB at " + ep + " (table " + table + ")", nil
}
