package dynamo

import (
	"context"
	"errors"
	"fmt"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"slices"
	"time"
	"touchaudit/internal/awsclient"
)

// tableActiveTimeout bounds the wait for a new table; DynamoDB usually needs
// seconds, a table with GSIs sometimes a minute or two.
const tableActiveTimeout = 5 * time.Minute

// indexes are the GSIs the store queries, with their key attributes.
var indexes = []struct{ name, pk, sk string }{
	{indexGSI1, attrGSI1PK, attrGSI1SK},
	{indexGSI2, attrGSI2PK, attrGSI2SK},
	{indexGSI3, attrGSI3PK, attrGSI3SK},
}

// TableDefinition is the table the store needs: PK/SK and GSI1-GSI3, all
// string keys, projection ALL, on-demand capacity. template.yaml declares
// the same for deployed stacks.
func TableDefinition(table string) *dynamodb.CreateTableInput {
	in := &dynamodb.CreateTableInput{
		TableName:   aws.String(table),
		BillingMode: types.BillingModePayPerRequest,
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String(attrPK), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String(attrSK), KeyType: types.KeyTypeRange},
		},
	}
	for _, a := range []string{attrPK, attrSK} {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: aws.String(a), AttributeType: types.ScalarAttributeTypeS})
	}
	for _, ix := range indexes {
		in.AttributeDefinitions = append(in.AttributeDefinitions,
			types.AttributeDefinition{AttributeName: aws.String(ix.pk), AttributeType: types.ScalarAttributeTypeS},
			types.AttributeDefinition{AttributeName: aws.String(ix.sk), AttributeType: types.ScalarAttributeTypeS})
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName: aws.String(ix.name),
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String(ix.pk), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String(ix.sk), KeyType: types.KeyTypeRange},
			},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		})
	}
	return in
}

// EnsureTable creates the table if it does not exist, waits until it is
// ACTIVE and enables TTL on "ttl". An existing table must have the store's
// indexes. It is safe to call on every start.
func EnsureTable(ctx context.Context, client *dynamodb.Client, table string) error {
	desc, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	var missing *types.ResourceNotFoundException
	switch {
	case errors.As(err, &missing):
		_, err = client.CreateTable(ctx, TableDefinition(table))
		var inUse *types.ResourceInUseException // created meanwhile by another caller
		if err != nil && !errors.As(err, &inUse) {
			return fmt.Errorf("create table %s: %w", table, err)
		}
	case err != nil:
		return fmt.Errorf("describe table %s: %w", table, err)
	default:
		if err := checkIndexes(desc.Table); err != nil {
			return fmt.Errorf("table %s: %w", table, err)
		}
	}
	waiter := dynamodb.NewTableExistsWaiter(client, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 200*time.Millisecond, 5*time.Second
	})
	if err := waiter.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)}, tableActiveTimeout); err != nil {
		return fmt.Errorf("wait for table %s: %w", table, err)
	}
	ttl, err := client.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(table)})
	if err != nil {
		return fmt.Errorf("describe TTL of %s: %w", table, err)
	}
	if d := ttl.TimeToLiveDescription; d != nil && aws.ToString(d.AttributeName) == attrTTL &&
		(d.TimeToLiveStatus == types.TimeToLiveStatusEnabled || d.TimeToLiveStatus == types.TimeToLiveStatusEnabling) {
		return nil
	}
	_, err = client.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName:               aws.String(table),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(attrTTL), Enabled: aws.Bool(true)},
	})
	if err != nil {
		return fmt.Errorf("enable TTL on %s: %w", table, err)
	}
	return nil
}

func checkIndexes(t *types.TableDescription) error {
	var have []string
	for _, g := range t.GlobalSecondaryIndexes {
		have = append(have, aws.ToString(g.IndexName))
	}
	for _, ix := range indexes {
		if !slices.Contains(have, ix.name) {
			return fmt.Errorf("missing index %s (has %v); the store needs GSI1-GSI3 as in TableDefinition", ix.name, have)
		}
	}
	return nil
}

// NewLocalClient returns a client for a local DynamoDB-compatible endpoint
// (moto_server, DynamoDB Local): region us-east-1 and the static
// credentials test/test, which such servers accept, with the same timeouts
// and bounded retries as a Lambda function's client (awsclient.Lambda).
func NewLocalClient(ctx context.Context, endpoint string) (*dynamodb.Client, error) {
	return awsclient.Lambda.DynamoDB(awsclient.Lambda.Local(), endpoint), nil
}
