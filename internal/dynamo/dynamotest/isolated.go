// Package dynamotest holds what tests of the DynamoDB store need around
// moto_server.
package dynamotest

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"touchaudit/internal/dynamo"
)

// Isolated serialises writes to moto_server. moto (5.2) serves requests on
// concurrent threads, but its TransactWriteItems is not isolated: it
// deep-copies the table, checks and applies the items one by one and, when
// one fails, restores that copy, undoing writes other requests made in
// between. Its conditional PutItem checks and writes without a lock too.
// Without this wrapper the 50-submitter contract test failed 2 runs in 40:
// once two transactions both passed attribute_not_exists and committed, once
// a cancelled transaction's restore erased the winner's walkthrough.
// DynamoDB isolates both (transactions are serializable; a conflicting one
// is cancelled with TransactionConflict, which conflict_test.go injects), so
// the store needs nothing of this: only the test server does. Reads take the
// shared lock so that they never see a transaction half-applied.
type Isolated struct {
	dynamo.API
	mu sync.RWMutex
}

func (c *Isolated) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.API.GetItem(ctx, in, o...)
}

func (c *Isolated) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.API.Query(ctx, in, o...)
}

func (c *Isolated) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.API.BatchGetItem(ctx, in, o...)
}

func (c *Isolated) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.API.PutItem(ctx, in, o...)
}

func (c *Isolated) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.API.BatchWriteItem(ctx, in, o...)
}

func (c *Isolated) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.API.TransactWriteItems(ctx, in, o...)
}
