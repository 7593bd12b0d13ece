package dynamo

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"touchaudit/internal/audit"
)

// listing is one Query over an index partition, or over a partition of
// the table itself when index is "" (then pkAttr and skAttr are PK and SK,
// and the read is strongly consistent).
type listing struct {
	index      string // GSI1, GSI2, GSI3 or "" for the table
	pkAttr     string
	skAttr     string
	pk         string
	skBefore   string // if set, only sort keys < skBefore
	descending bool
}

// keyAttrs are the attributes of a LastEvaluatedKey of the listing's index.
func (l listing) keyAttrs() []string {
	if l.index == "" {
		return []string{attrPK, attrSK}
	}
	keys := []string{attrPK, attrSK, l.pkAttr, l.skAttr}
	slices.Sort(keys)
	return keys
}

func (l listing) input(table string) (*dynamodb.QueryInput, error) {
	cond := expression.Key(l.pkAttr).Equal(expression.Value(l.pk))
	if l.skBefore != "" {
		cond = cond.And(expression.Key(l.skAttr).LessThan(expression.Value(l.skBefore)))
	}
	expr, err := expression.NewBuilder().WithKeyCondition(cond).Build()
	if err != nil {
		return nil, &audit.Error{Code: audit.Internal, Message: "build key condition", Err: err}
	}
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(table),
		KeyConditionExpression:    expr.KeyCondition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
		ScanIndexForward:          aws.Bool(!l.descending),
	}
	if l.index == "" {
		in.ConsistentRead = aws.Bool(true)
	} else {
		in.IndexName = aws.String(l.index)
	}
	return in, nil
}

// page reads one page. It asks DynamoDB for one item more than the limit,
// so the cursor is "" exactly when nothing follows (a bare LastEvaluatedKey
// may precede an empty page), and builds the cursor from the last item
// returned.
func (s *Store) page(ctx context.Context, l listing, p audit.Page) ([]map[string]types.AttributeValue, string, error) {
	limit, err := p.Size()
	if err != nil {
		return nil, "", err
	}
	in, err := l.input(s.table)
	if err != nil {
		return nil, "", err
	}
	if p.Cursor != "" {
		if in.ExclusiveStartKey, err = l.decodeCursor(p.Cursor); err != nil {
			return nil, "", err
		}
	}
	var items []map[string]types.AttributeValue
	for {
		in.Limit = aws.Int32(int32(limit + 1 - len(items)))
		out, err := s.client.Query(ctx, in)
		if err != nil {
			return nil, "", fail("list "+l.pk, err)
		}
		items = append(items, out.Items...)
		// A page may also end at 1 MB of data: read on until limit+1 or the end.
		if len(items) > limit || out.LastEvaluatedKey == nil {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	if len(items) <= limit {
		return items, "", nil
	}
	items = items[:limit]
	next, err := l.encodeCursor(items[limit-1])
	return items, next, err
}

// all reads every item of the listing.
func (s *Store) all(ctx context.Context, l listing) ([]map[string]types.AttributeValue, error) {
	in, err := l.input(s.table)
	if err != nil {
		return nil, err
	}
	var items []map[string]types.AttributeValue
	for {
		out, err := s.client.Query(ctx, in)
		if err != nil {
			return nil, fail("list "+l.pk, err)
		}
		items = append(items, out.Items...)
		if out.LastEvaluatedKey == nil {
			return items, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// A cursor is the base64url JSON of the last item's key attributes, all
// strings: {"GSI1PK": "...", "GSI1SK": "...", "PK": "...", "SK": "..."}.
func (l listing) encodeCursor(item map[string]types.AttributeValue) (string, error) {
	k := map[string]string{}
	for _, a := range l.keyAttrs() {
		v, ok := item[a].(*types.AttributeValueMemberS)
		if !ok {
			return "", audit.Errorf(audit.Internal, "listed item lacks key attribute %s", a)
		}
		k[a] = v.Value
	}
	b, err := json.Marshal(k)
	if err != nil {
		return "", &audit.Error{Code: audit.Internal, Message: "encode cursor", Err: err}
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// decodeCursor refuses anything but a cursor of this very listing: the same
// key attributes, all non-empty, in the same partition.
func (l listing) decodeCursor(c string) (map[string]types.AttributeValue, error) {
	bad := audit.Errorf(audit.Invalid, "bad page cursor")
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, bad
	}
	var k map[string]string
	if err := json.Unmarshal(b, &k); err != nil || len(k) != len(l.keyAttrs()) || k[l.pkAttr] != l.pk {
		return nil, bad
	}
	start := map[string]types.AttributeValue{}
	for _, a := range l.keyAttrs() {
		v, ok := k[a]
		if !ok || v == "" {
			return nil, bad
		}
		start[a] = str(v)
	}
	return start, nil
}
