package dynamo_test

import (
	"errors"
	"testing"

	"touchaudit/internal/audit"
	"touchaudit/internal/dynamo"
)

// A read-only store reads what a full store on the same table wrote, and
// every write fails with ErrReadOnly before it reaches DynamoDB.
func TestNewReadOnly_ReadsAndRefusesWrites(t *testing.T) {
	client, _, table := newTable(t)
	c, err := audit.LoadCompanyDir("../../testdata/company")
	if err != nil {
		t.Fatal(err)
	}
	if err := dynamo.New(client, table).SaveCompany(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	ro := dynamo.NewReadOnly(client, table)
	got, err := ro.GetCompany(t.Context(), c.ID)
	if err != nil || got.ID != c.ID || len(got.Staff) != len(c.Staff) {
		t.Fatalf("GetCompany = %+v, %v; want company %s with %d staff", got, err, c.ID, len(c.Staff))
	}
	if err := ro.SaveCompany(t.Context(), c); !errors.Is(err, dynamo.ErrReadOnly) {
		t.Fatalf("SaveCompany on a read-only store = %v, want ErrReadOnly", err)
	}
}
