// Package cost estimates what a review costs on AWS from what it consumed:
// state transitions, Lambda invocations and DynamoDB request units, at list
// prices. MeteredStore counts the request units as the review runs.
package cost

import (
	"context"
	"sync"
	"time"

	"touchaudit/internal/audit"
)

// AWS list prices (us-east-1, on-demand, after free tiers), used to estimate
// what a review costs. Source: aws.amazon.com/step-functions/pricing,
// /lambda/pricing and /dynamodb/pricing/on-demand, as of 2026.
const (
	// Step Functions Standard: $0.025 per 1,000 state transitions.
	priceStateTransition = 0.025 / 1000
	// Lambda on arm64: $0.0000133334 per GB-second and $0.20 per million requests.
	priceLambdaGBSecond = 0.0000133334
	priceLambdaRequest  = 0.20 / 1e6
	// DynamoDB on-demand: $0.625 per million write and $0.125 per million read request units.
	priceWriteUnit = 0.625 / 1e6
	priceReadUnit  = 0.125 / 1e6
)

// Assumptions of the estimate: the template's memory size and a typical
// warm duration of one workflow function (a few DynamoDB calls).
const (
	lambdaMemoryGB      = 0.25
	lambdaTypicalMillis = 120
)

// Usage is what a review consumed.
type Usage struct {
	Transitions int64          // Step Functions state transitions
	LambdaCalls int            // Lambda invocations
	ReadUnits   float64        // DynamoDB read request units
	WriteUnits  float64        // DynamoDB write request units
	Calls       map[string]int // store calls by method
}

// StepFunctions is the cost of the state transitions, in US dollars.
func (u Usage) StepFunctions() float64 { return float64(u.Transitions) * priceStateTransition }

// Lambda is the cost of the invocations, in US dollars.
func (u Usage) Lambda() float64 {
	gbs := float64(u.LambdaCalls) * lambdaMemoryGB * lambdaTypicalMillis / 1000
	return gbs*priceLambdaGBSecond + float64(u.LambdaCalls)*priceLambdaRequest
}

// DynamoDB is the cost of the request units, in US dollars.
func (u Usage) DynamoDB() float64 { return u.ReadUnits*priceReadUnit + u.WriteUnits*priceWriteUnit }

// Total is the whole estimate, in US dollars.
func (u Usage) Total() float64 { return u.StepFunctions() + u.Lambda() + u.DynamoDB() }

// MeteredStore counts store calls and estimates the DynamoDB request units
// each costs on the single-table design (internal/dynamo): transactions
// cost double, items are mostly under 1 KB, walkthroughs and the report more.
type MeteredStore struct {
	audit.Store
	mu    sync.Mutex
	calls map[string]int
	read  float64
	write float64
}

// NewMeteredStore meters calls to store.
func NewMeteredStore(store audit.Store) *MeteredStore { return &MeteredStore{Store: store} }

func (c *MeteredStore) count(op string, read, write float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calls == nil {
		c.calls = map[string]int{}
	}
	c.calls[op]++
	c.read += read
	c.write += write
}

// Reset forgets what was counted so far.
func (c *MeteredStore) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls, c.read, c.write = nil, 0, 0
}

// Usage is what was counted since the last Reset: the store's share of it.
func (c *MeteredStore) Usage() Usage {
	c.mu.Lock()
	defer c.mu.Unlock()
	calls := map[string]int{}
	for k, v := range c.calls {
		calls[k] = v
	}
	return Usage{ReadUnits: c.read, WriteUnits: c.write, Calls: calls}
}

func (c *MeteredStore) GetCompany(ctx context.Context, id string) (*audit.Company, error) {
	c.count("GetCompany", 8, 0) // ~30 KB compressed configuration, strongly consistent
	return c.Store.GetCompany(ctx, id)
}
func (c *MeteredStore) CreateReview(ctx context.Context, r *audit.Review) error {
	c.count("CreateReview", 0, 1)
	return c.Store.CreateReview(ctx, r)
}
func (c *MeteredStore) GetReview(ctx context.Context, id string) (*audit.Review, error) {
	c.count("GetReview", 1, 0)
	return c.Store.GetReview(ctx, id)
}
func (c *MeteredStore) UpdateReview(ctx context.Context, r *audit.Review) error {
	c.count("UpdateReview", 0, 1)
	return c.Store.UpdateReview(ctx, r)
}
func (c *MeteredStore) MarkAssignmentDone(ctx context.Context, reviewID, assignmentID string) (*audit.Review, error) {
	c.count("MarkAssignmentDone", 1, 4)
	return c.Store.MarkAssignmentDone(ctx, reviewID, assignmentID)
}
func (c *MeteredStore) PutAssignments(ctx context.Context, as []audit.Assignment) error {
	c.count("PutAssignments", 0, float64(len(as)))
	return c.Store.PutAssignments(ctx, as)
}
func (c *MeteredStore) GetAssignment(ctx context.Context, id string) (*audit.Assignment, error) {
	c.count("GetAssignment", 1, 0)
	return c.Store.GetAssignment(ctx, id)
}
func (c *MeteredStore) UpdateAssignment(ctx context.Context, a *audit.Assignment) error {
	c.count("UpdateAssignment", 0, 1)
	return c.Store.UpdateAssignment(ctx, a)
}
func (c *MeteredStore) ListAssignmentsByAuditor(ctx context.Context, companyID, id string, p audit.Page) ([]audit.Assignment, string, error) {
	as, next, err := c.Store.ListAssignmentsByAuditor(ctx, companyID, id, p)
	c.count("ListAssignmentsByAuditor", queryUnits(len(as)), 0)
	return as, next, err
}
func (c *MeteredStore) ListAssignmentsByReview(ctx context.Context, id string, s audit.AssignmentStatus, p audit.Page) ([]audit.Assignment, string, error) {
	as, next, err := c.Store.ListAssignmentsByReview(ctx, id, s, p)
	c.count("ListAssignmentsByReview", queryUnits(len(as)), 0)
	return as, next, err
}
func (c *MeteredStore) RecordSubmission(ctx context.Context, s audit.Submission) (audit.Receipt, error) {
	c.count("RecordSubmission", 0, 2*(1+3+1)) // assignment, ~3 KB walkthrough, idempotency record
	return c.Store.RecordSubmission(ctx, s)
}
func (c *MeteredStore) GetReceipt(ctx context.Context, id string) (audit.Receipt, error) {
	c.count("GetReceipt", 1, 0)
	return c.Store.GetReceipt(ctx, id)
}
func (c *MeteredStore) GetWalkthrough(ctx context.Context, id string) (*audit.Walkthrough, error) {
	c.count("GetWalkthrough", 1, 0)
	return c.Store.GetWalkthrough(ctx, id)
}
func (c *MeteredStore) GetWalkthroughs(ctx context.Context, ids []string) ([]audit.Walkthrough, error) {
	c.count("GetWalkthroughs", float64(len(ids)), 0)
	return c.Store.GetWalkthroughs(ctx, ids)
}
func (c *MeteredStore) PutResults(ctx context.Context, rs []audit.Result) error {
	c.count("PutResults", float64(len(rs)), float64(3*len(rs))) // ~2 KB result + schedule item
	return c.Store.PutResults(ctx, rs)
}
func (c *MeteredStore) GetResult(ctx context.Context, id string) (*audit.Result, error) {
	c.count("GetResult", 1, 0)
	return c.Store.GetResult(ctx, id)
}
func (c *MeteredStore) ListResultHistory(ctx context.Context, companyID, tp string, p audit.Page) ([]audit.Result, string, error) {
	rs, next, err := c.Store.ListResultHistory(ctx, companyID, tp, p)
	c.count("ListResultHistory", queryUnits(len(rs)*2), 0)
	return rs, next, err
}
func (c *MeteredStore) ListResultsByReview(ctx context.Context, id string, p audit.Page) ([]audit.Result, string, error) {
	rs, next, err := c.Store.ListResultsByReview(ctx, id, p)
	c.count("ListResultsByReview", queryUnits(len(rs)*2), 0)
	return rs, next, err
}
func (c *MeteredStore) ListDueTouchpoints(ctx context.Context, companyID string, before time.Time) ([]audit.DueTouchpoint, error) {
	ds, err := c.Store.ListDueTouchpoints(ctx, companyID, before)
	c.count("ListDueTouchpoints", queryUnits(len(ds)), 0)
	return ds, err
}
func (c *MeteredStore) SaveReport(ctx context.Context, id string, report []byte) error {
	c.count("SaveReport", 0, float64(len(report)/1024+1))
	return c.Store.SaveReport(ctx, id, report)
}

// queryUnits: a query reads up to 4 KB per read unit (eventually consistent
// GSI reads cost half); items are about 0.5 KB.
func queryUnits(items int) float64 { return float64(items/8 + 1) }
