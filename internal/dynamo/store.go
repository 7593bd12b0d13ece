package dynamo

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"touchaudit/internal/audit"
)

// API is the part of the DynamoDB client the store uses; *dynamodb.Client
// satisfies it, and tests wrap it to inject faults.
type API interface {
	GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	BatchWriteItem(context.Context, *dynamodb.BatchWriteItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
	BatchGetItem(context.Context, *dynamodb.BatchGetItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
	TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
}

// sdk is the reading half of API over the SDK client's methods, held as
// function values. A binary that also calls methods by reflection
// (html/template, in the console function) keeps every exported method of
// every type it converts to an interface, and of the types those hold:
// *dynamodb.Client as API, or in a struct field, would link all of the
// client's operations (about 1 MB) rather than these three. Writes fail.
type sdk struct {
	getItem      func(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	query        func(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	batchGetItem func(context.Context, *dynamodb.BatchGetItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
}

var _ API = sdk{}

func (x sdk) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	return x.getItem(ctx, in, o...)
}

// ErrReadOnly is a write to a store made by NewReadOnly.
var ErrReadOnly = errors.New("dynamo: this store only reads (NewReadOnly)")

func (sdk) PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	return nil, ErrReadOnly
}

func (x sdk) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	return x.query(ctx, in, o...)
}

func (sdk) BatchWriteItem(context.Context, *dynamodb.BatchWriteItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	return nil, ErrReadOnly
}

func (x sdk) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	return x.batchGetItem(ctx, in, o...)
}

func (sdk) TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	return nil, ErrReadOnly
}

// Store is audit.Store on one DynamoDB table (see the package comment).
type Store struct {
	client API
	table  string
	now    func() time.Time
}

var _ audit.Store = (*Store)(nil)

// New returns a store on the given table, which must have the keys that
// EnsureTable creates.
func New(client API, table string) *Store {
	return &Store{client: client, table: table, now: time.Now}
}

// NewReadOnly is a store on the table that only reads: every write fails
// with ErrReadOnly. The console function, whose role may only read, links
// three of the client's operations (see sdk).
func NewReadOnly(c *dynamodb.Client, table string) *Store {
	return New(sdk{getItem: c.GetItem, query: c.Query, batchGetItem: c.BatchGetItem}, table)
}

// Attribute and index names; template.yaml declares the same.
const (
	attrPK     = "PK"
	attrSK     = "SK"
	attrGSI1PK = "GSI1PK"
	attrGSI1SK = "GSI1SK"
	attrGSI2PK = "GSI2PK"
	attrGSI2SK = "GSI2SK"
	attrGSI3PK = "GSI3PK"
	attrGSI3SK = "GSI3SK"
	attrTTL    = "ttl"
	attrEntity = "entity"
	attrBody   = "body"

	indexGSI1 = "GSI1"
	indexGSI2 = "GSI2"
	indexGSI3 = "GSI3"
)

// Limits of DynamoDB (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html)
// and the retry policy built on them.
const (
	// batchWriteMax is BatchWriteItem's limit of put/delete requests per call.
	batchWriteMax = 25
	// batchGetMax is BatchGetItem's limit of keys per call.
	batchGetMax = 100
	// maxBodyBytes bounds a compressed body (company configuration, report):
	// DynamoDB's item limit is 400 KB including names and keys.
	maxBodyBytes = 350 * 1024
	// maxAttempts bounds retries of unprocessed batch items and of
	// transactions cancelled by a conflicting transaction.
	maxAttempts = 8
	// backoffBase and backoffCap shape the exponential backoff between them
	// (AWS's "equal jitter": half fixed, half random).
	backoffBase = 20 * time.Millisecond
	backoffCap  = time.Second
)

// encodeOpts and decodeOpts map domain structs by their json tags, so the
// stored attribute names are those of the API and of the memstore file.
func encodeOpts(o *attributevalue.EncoderOptions) { o.TagKey = "json" }
func decodeOpts(o *attributevalue.DecoderOptions) { o.TagKey = "json" }

func marshal(v any) (map[string]types.AttributeValue, error) {
	item, err := attributevalue.MarshalMapWithOptions(v, encodeOpts)
	if err != nil {
		return nil, &audit.Error{Code: audit.Internal, Message: fmt.Sprintf("encode %T", v), Err: err}
	}
	return item, nil
}

func unmarshal(item map[string]types.AttributeValue, v any) error {
	if err := attributevalue.UnmarshalMapWithOptions(item, v, decodeOpts); err != nil {
		return &audit.Error{Code: audit.Internal, Message: fmt.Sprintf("decode %T", v), Err: err}
	}
	return nil
}

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{attrPK: str(pk), attrSK: str(sk)}
}

// sortTime formats t so that strings sort as times do.
func sortTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

func notFound(what, id string) error {
	return audit.Errorf(audit.NotFound, "%s %q not found", what, id)
}

func required(what string) error { return audit.Errorf(audit.Invalid, "%s is required", what) }

// fail maps a DynamoDB error to the domain's codes. It is the one place
// that does; op says what the store was doing, for logs.
func fail(op string, err error) error {
	var (
		ccf      *types.ConditionalCheckFailedException
		canceled *types.TransactionCanceledException
		api      smithy.APIError
		domain   *audit.Error
	)
	switch {
	case errors.As(err, &domain):
		return err
	case errors.As(err, &ccf):
		return &audit.Error{Code: audit.Conflict, Message: op + ": the stored item changed", Err: err}
	case errors.As(err, &canceled):
		if hasReason(canceled, "ConditionalCheckFailed") {
			return &audit.Error{Code: audit.Conflict, Message: op + ": the stored items changed", Err: err}
		}
		if hasReason(canceled, "TransactionConflict") {
			return &audit.Error{Code: audit.Conflict, Message: op + ": a concurrent transaction kept conflicting; try again", Err: err}
		}
	case errors.As(err, &api) && api.ErrorCode() == "ValidationException" && strings.Contains(api.ErrorMessage(), "size"):
		return &audit.Error{Code: audit.Invalid, Message: op + ": item too large", Err: err}
	}
	return &audit.Error{Code: audit.Internal, Message: op, Err: err}
}

// reasonCode is the cancellation code of the i-th transaction item ("None"
// when it passed).
func reasonCode(e *types.TransactionCanceledException, i int) string {
	if i < len(e.CancellationReasons) {
		return aws.ToString(e.CancellationReasons[i].Code)
	}
	return ""
}

func hasReason(e *types.TransactionCanceledException, code string) bool {
	for i := range e.CancellationReasons {
		if reasonCode(e, i) == code {
			return true
		}
	}
	return false
}

// backoff is the wait before retry attempt+1: exponential, capped, with
// equal jitter so that concurrent retries spread out.
func backoff(attempt int) time.Duration {
	d := backoffCap
	if attempt < 16 {
		d = min(backoffBase<<attempt, backoffCap)
	}
	return d/2 + rand.N(d/2+1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return &audit.Error{Code: audit.Internal, Message: "interrupted while backing off", Err: ctx.Err()}
	case <-t.C:
		return nil
	}
}

// getItem reads one item with a strongly consistent read; a missing item
// returns nil.
func (s *Store) getItem(ctx context.Context, op, pk, sk string) (map[string]types.AttributeValue, error) {
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(s.table), Key: key(pk, sk), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fail(op, err)
	}
	return out.Item, nil
}

// get reads one item into v, or returns NotFound.
func (s *Store) get(ctx context.Context, pk, sk, what, id string, v any) error {
	item, err := s.getItem(ctx, "get "+what, pk, sk)
	if err != nil {
		return err
	}
	if item == nil {
		return notFound(what, id)
	}
	return unmarshal(item, v)
}

// exists tells a missing item from a changed one after a failed condition.
func (s *Store) exists(ctx context.Context, pk, sk string) (bool, error) {
	item, err := s.getItem(ctx, "check "+pk, pk, sk)
	return item != nil, err
}

// putIf writes item if cond holds; ok is false when the condition failed.
func (s *Store) putIf(ctx context.Context, op string, item map[string]types.AttributeValue, cond expression.ConditionBuilder) (ok bool, err error) {
	expr, err := expression.NewBuilder().WithCondition(cond).Build()
	if err != nil {
		return false, &audit.Error{Code: audit.Internal, Message: op + ": build condition", Err: err}
	}
	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(s.table), Item: item,
		ConditionExpression:       expr.Condition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return false, nil
	}
	if err != nil {
		return false, fail(op, err)
	}
	return true, nil
}

// putVersioned writes item if the stored item's version is expected:
// NotFound if there is none, Conflict if it changed.
func (s *Store) putVersioned(ctx context.Context, what, id string, item map[string]types.AttributeValue, expected int) error {
	ok, err := s.putIf(ctx, "update "+what, item, expression.Name("version").Equal(expression.Value(expected)))
	if err != nil || ok {
		return err
	}
	own, found, err := s.holds(ctx, item)
	switch {
	case err != nil:
		return err
	case own:
		return nil
	case !found:
		return notFound(what, id)
	}
	return audit.Errorf(audit.Conflict, "%s %q changed since version %d was read", what, id, expected)
}

// holds reads the item stored under item's key after a failed condition:
// own when it is exactly item, that is this call's write, applied by
// DynamoDB but its response lost, so that the SDK's retry failed the
// condition.
func (s *Store) holds(ctx context.Context, item map[string]types.AttributeValue) (own, found bool, err error) {
	pk, sk := item[attrPK].(*types.AttributeValueMemberS).Value, item[attrSK].(*types.AttributeValueMemberS).Value
	stored, err := s.getItem(ctx, "check "+pk, pk, sk)
	if err != nil || stored == nil {
		return false, false, err
	}
	return reflect.DeepEqual(stored, item), true, nil
}

func transactPut(item map[string]types.AttributeValue, table string, cond expression.ConditionBuilder) (types.TransactWriteItem, error) {
	expr, err := expression.NewBuilder().WithCondition(cond).Build()
	if err != nil {
		return types.TransactWriteItem{}, &audit.Error{Code: audit.Internal, Message: "build condition", Err: err}
	}
	return types.TransactWriteItem{Put: &types.Put{
		TableName: aws.String(table), Item: item,
		ConditionExpression:       expr.Condition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	}}, nil
}

// notExists is the condition of a put that must create its item.
func notExists() expression.ConditionBuilder {
	return expression.AttributeNotExists(expression.Name(attrPK))
}

// compress gzips a body and checks it fits in an item.
func compress(what string, b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		return nil, &audit.Error{Code: audit.Internal, Message: "compress " + what, Err: err}
	}
	if err := zw.Close(); err != nil {
		return nil, &audit.Error{Code: audit.Internal, Message: "compress " + what, Err: err}
	}
	if buf.Len() > maxBodyBytes {
		return nil, audit.Errorf(audit.Invalid, "%s is too large: %d KB of JSON compress to %d KB, over the %d KB an item can hold",
			what, len(b)/1024, buf.Len()/1024, maxBodyBytes/1024)
	}
	return buf.Bytes(), nil
}

func decompress(what string, item map[string]types.AttributeValue) ([]byte, error) {
	body, ok := item[attrBody].(*types.AttributeValueMemberB)
	if !ok {
		return nil, audit.Errorf(audit.Internal, "%s has no binary body", what)
	}
	zr, err := gzip.NewReader(bytes.NewReader(body.Value))
	if err != nil {
		return nil, &audit.Error{Code: audit.Internal, Message: "decompress " + what, Err: err}
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, &audit.Error{Code: audit.Internal, Message: "decompress " + what, Err: err}
	}
	return b, nil
}
