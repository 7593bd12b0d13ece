package cost_test

import (
	"context"
	"math"
	"testing"

	"touchaudit/internal/audit"
	"touchaudit/internal/cost"
	"touchaudit/internal/memstore"
)

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9 {
		t.Errorf("%s = %.9f, want %.9f", what, got, want)
	}
}

// TestUsage_ListPrices states the 2026 us-east-1 list prices as literals.
func TestUsage_ListPrices(t *testing.T) {
	t.Run("Step Functions: $0.025 per 1,000 transitions", func(t *testing.T) {
		near(t, "StepFunctions", cost.Usage{Transitions: 1000}.StepFunctions(), 0.025)
	})
	t.Run("Lambda: a million 120 ms calls at 256 MB", func(t *testing.T) {
		// 1e6 × 0.25 GB × 0.12 s = 30,000 GB-s × $0.0000133334, plus $0.20.
		near(t, "Lambda", cost.Usage{LambdaCalls: 1_000_000}.Lambda(), 0.400002+0.20)
	})
	t.Run("DynamoDB: $0.625 per million writes, $0.125 per million reads", func(t *testing.T) {
		near(t, "writes", cost.Usage{WriteUnits: 1e6}.DynamoDB(), 0.625)
		near(t, "reads", cost.Usage{ReadUnits: 1e6}.DynamoDB(), 0.125)
	})
	t.Run("the total adds them up", func(t *testing.T) {
		u := cost.Usage{Transitions: 1000, LambdaCalls: 1_000_000, WriteUnits: 1e6, ReadUnits: 1e6}
		near(t, "Total", u.Total(), 0.025+0.600002+0.625+0.125)
	})
}

// TestMeteredStore_CountsRequestUnits counts calls on the embedded store.
func TestMeteredStore_CountsRequestUnits(t *testing.T) {
	ctx := context.Background()
	m := cost.NewMeteredStore(memstore.New())
	// Calls are counted whether they find anything or not.
	m.GetCompany(ctx, "c")
	m.GetReview(ctx, "r")
	m.PutAssignments(ctx, []audit.Assignment{})
	u := m.Usage()
	if u.ReadUnits != 9 || u.WriteUnits != 0 || u.Calls["GetCompany"] != 1 || u.Calls["GetReview"] != 1 || u.Calls["PutAssignments"] != 1 {
		t.Errorf("usage %+v, want 9 read units (8 for the company, 1 for the review)", u)
	}
	m.Reset()
	if u := m.Usage(); u.ReadUnits != 0 || len(u.Calls) != 0 {
		t.Errorf("after Reset: %+v", u)
	}
}
