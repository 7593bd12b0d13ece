package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"touchaudit/internal/audit"
)

// putAll writes items with BatchWriteItem, 25 per call, resending the items
// DynamoDB returns unprocessed (it does under throttling) with backoff.
// Items must have distinct keys: a call with duplicate keys is refused.
func (s *Store) putAll(ctx context.Context, what string, items []map[string]types.AttributeValue) error {
	for len(items) > 0 {
		n := min(batchWriteMax, len(items))
		pending := make([]types.WriteRequest, n)
		for i, item := range items[:n] {
			pending[i] = types.WriteRequest{PutRequest: &types.PutRequest{Item: item}}
		}
		items = items[n:]
		for attempt := 0; len(pending) > 0; attempt++ {
			if attempt > 0 {
				if attempt >= maxAttempts {
					return audit.Errorf(audit.Internal, "put %s: %d items still unprocessed after %d attempts", what, len(pending), attempt)
				}
				if err := sleep(ctx, backoff(attempt-1)); err != nil {
					return err
				}
			}
			out, err := s.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
				RequestItems: map[string][]types.WriteRequest{s.table: pending},
			})
			if err != nil {
				return fail("put "+what, err)
			}
			pending = out.UnprocessedItems[s.table]
		}
	}
	return nil
}

// getAll reads items by key with BatchGetItem (100 per call, strongly
// consistent), resending unprocessed keys with backoff. Missing items are
// left out; the result is in no particular order.
func (s *Store) getAll(ctx context.Context, what string, keys []map[string]types.AttributeValue) ([]map[string]types.AttributeValue, error) {
	var found []map[string]types.AttributeValue
	for len(keys) > 0 {
		n := min(batchGetMax, len(keys))
		pending := &types.KeysAndAttributes{Keys: keys[:n], ConsistentRead: aws.Bool(true)}
		keys = keys[n:]
		for attempt := 0; pending != nil && len(pending.Keys) > 0; attempt++ {
			if attempt > 0 {
				if attempt >= maxAttempts {
					return nil, audit.Errorf(audit.Internal, "get %s: %d keys still unprocessed after %d attempts", what, len(pending.Keys), attempt)
				}
				if err := sleep(ctx, backoff(attempt-1)); err != nil {
					return nil, err
				}
			}
			out, err := s.client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{
				RequestItems: map[string]types.KeysAndAttributes{s.table: *pending},
			})
			if err != nil {
				return nil, fail("get "+what, err)
			}
			found = append(found, out.Responses[s.table]...)
			next, ok := out.UnprocessedKeys[s.table]
			if !ok {
				break
			}
			pending = &next
		}
	}
	return found, nil
}
