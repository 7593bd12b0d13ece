package dynamo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"touchaudit/internal/audit"
	"touchaudit/internal/dynamo"
	"touchaudit/internal/dynamo/dynamotest"
	"touchaudit/internal/motoserver"
	"touchaudit/internal/storetest"
)

func TestStore_Contract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) audit.Store { return newMotoStore(t) })
}

// motoStore is a dynamo.Store on a fresh moto table, with the hooks the
// contract suite uses.
type motoStore struct {
	*dynamo.Store
	endpoint, table string
	faults          *unprocessedFaults
	client          *dynamodb.Client
}

var (
	_ storetest.Backend             = (*motoStore)(nil)
	_ storetest.UnprocessedInjector = (*motoStore)(nil)
	_ storetest.ReceiptTTLReader    = (*motoStore)(nil)
)

// ReceiptTTL reads the raw "ttl" attribute of a submission's idempotency
// record, the number DynamoDB's TTL deletes it by.
func (m *motoStore) ReceiptTTL(t *testing.T, submissionID string) int64 {
	return receiptTTL(t, m.Store, submissionID)
}

func receiptTTL(t *testing.T, s *dynamo.Store, submissionID string) int64 {
	t.Helper()
	client, table := s.Raw()
	out, err := client.GetItem(t.Context(), &dynamodb.GetItemInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "SUBMISSION#" + submissionID}, "SK": &types.AttributeValueMemberS{Value: "SUBMISSION"}}})
	if err != nil {
		t.Fatalf("get the idempotency record of %s: %v", submissionID, err)
	}
	n, ok := out.Item["ttl"].(*types.AttributeValueMemberN)
	if !ok {
		t.Fatalf("idempotency record of %s has no numeric ttl: %v", submissionID, out.Item["ttl"])
	}
	ttl, err := strconv.ParseInt(n.Value, 10, 64)
	if err != nil {
		t.Fatalf("ttl %q of %s: %v", n.Value, submissionID, err)
	}
	return ttl
}

func (m *motoStore) Backend() string {
	return fmt.Sprintf("dynamodb (moto_server at %s, table %s)", m.endpoint, m.table)
}
func (m *motoStore) InjectUnprocessed(perCall, calls int) { m.faults.inject(perCall, calls) }
func (m *motoStore) Unprocessed() int                     { return int(m.faults.unprocessed.Load()) }

var tableSeq atomic.Int64

var unsafeTableChars = regexp.MustCompile(`[^a-zA-Z0-9_.-]+`)

// newTable creates a table of its own for the test on the shared moto_server.
func newTable(t testing.TB) (client *dynamodb.Client, endpoint, table string) {
	t.Helper()
	srv := motoserver.Shared(t)
	client, err := dynamo.NewLocalClient(t.Context(), srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	name := unsafeTableChars.ReplaceAllString(t.Name(), "-")
	table = fmt.Sprintf("touchaudit-%d-%s", tableSeq.Add(1), name[max(0, len(name)-150):])
	if err := dynamo.EnsureTable(t.Context(), client, table); err != nil {
		t.Fatalf("EnsureTable: %v", err)
	}
	return client, srv.Endpoint, table
}

func newMotoStore(t *testing.T) *motoStore {
	client, endpoint, table := newTable(t)
	faults := &unprocessedFaults{API: &dynamotest.Isolated{API: client}}
	return &motoStore{Store: dynamo.New(faults, table), endpoint: endpoint, table: table, faults: faults, client: client}
}

// unprocessedFaults makes BatchWriteItem behave as DynamoDB under
// throttling, which moto never does: the first items of a call come back
// as UnprocessedItems, unwritten.
type unprocessedFaults struct {
	dynamo.API
	mu          sync.Mutex
	perCall     int
	calls       int
	unprocessed atomic.Int64
}

func (f *unprocessedFaults) inject(perCall, calls int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.perCall, f.calls = perCall, calls
}

func (f *unprocessedFaults) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	f.mu.Lock()
	n := 0
	if f.calls > 0 {
		f.calls--
		n = f.perCall
	}
	f.mu.Unlock()
	if n == 0 {
		return f.API.BatchWriteItem(ctx, in, o...)
	}
	held := map[string][]types.WriteRequest{}
	rest := map[string][]types.WriteRequest{}
	for table, reqs := range in.RequestItems {
		k := min(n, len(reqs))
		held[table] = reqs[:k]
		if k < len(reqs) {
			rest[table] = reqs[k:]
		}
		f.unprocessed.Add(int64(k))
	}
	out := &dynamodb.BatchWriteItemOutput{}
	if len(rest) > 0 {
		var err error
		if out, err = f.API.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: rest}, o...); err != nil {
			return nil, err
		}
	}
	if out.UnprocessedItems == nil {
		out.UnprocessedItems = map[string][]types.WriteRequest{}
	}
	for table, reqs := range held {
		out.UnprocessedItems[table] = append(reqs, out.UnprocessedItems[table]...)
	}
	return out, nil
}

func TestEnsureTable_CreatesIndexesAndTTLIdempotently(t *testing.T) {
	client, _, table := newTable(t)
	if err := dynamo.EnsureTable(t.Context(), client, table); err != nil {
		t.Fatalf("EnsureTable on an existing table: %v", err)
	}
	desc, err := client.DescribeTable(t.Context(), &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatal(err)
	}
	if desc.Table.TableStatus != types.TableStatusActive {
		t.Fatalf("table status %s, want ACTIVE", desc.Table.TableStatus)
	}
	got := map[string]string{}
	for _, g := range desc.Table.GlobalSecondaryIndexes {
		got[aws.ToString(g.IndexName)] = aws.ToString(g.KeySchema[0].AttributeName) + "/" + aws.ToString(g.KeySchema[1].AttributeName) + " " + string(g.Projection.ProjectionType)
	}
	want := map[string]string{"GSI1": "GSI1PK/GSI1SK ALL", "GSI2": "GSI2PK/GSI2SK ALL", "GSI3": "GSI3PK/GSI3SK ALL"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("indexes %v, want %v", got, want)
	}
	if desc.Table.BillingModeSummary == nil || desc.Table.BillingModeSummary.BillingMode != types.BillingModePayPerRequest {
		t.Fatalf("billing mode %+v, want PAY_PER_REQUEST", desc.Table.BillingModeSummary)
	}
	ttl, err := client.DescribeTimeToLive(t.Context(), &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatal(err)
	}
	if d := ttl.TimeToLiveDescription; d == nil || aws.ToString(d.AttributeName) != "ttl" || d.TimeToLiveStatus != types.TimeToLiveStatusEnabled {
		t.Fatalf("TTL %+v, want enabled on ttl", ttl.TimeToLiveDescription)
	}
}

func TestStore_SavesTheSampleCompanyAsOneItem(t *testing.T) {
	c, err := audit.LoadCompanyDir("../../testdata/company")
	if err != nil {
		t.Fatalf("load the sample company: %v", err)
	}
	client, _, table := newTable(t)
	s := dynamo.New(client, table)
	if err := s.SaveCompany(t.Context(), c); err != nil {
		t.Fatalf("SaveCompany(sample): %v", err)
	}
	got, err := s.GetCompany(t.Context(), c.ID)
	if err != nil {
		t.Fatalf("GetCompany: %v", err)
	}
	want, _ := json.Marshal(c)
	have, _ := json.Marshal(got)
	if string(have) != string(want) {
		t.Fatal("the sample company did not read back unchanged")
	}
	item, err := client.GetItem(t.Context(), &dynamodb.GetItemInput{TableName: aws.String(table),
		Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "COMPANY#" + c.ID}, "SK": &types.AttributeValueMemberS{Value: "CONFIG"}}})
	if err != nil {
		t.Fatal(err)
	}
	body := item.Item["body"].(*types.AttributeValueMemberB).Value
	t.Logf("sample company: %d KB of JSON stored as %d KB (gzip)", len(want)/1024, len(body)/1024)
}
