package main

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

// costUsage is what a review consumed.
type costUsage struct {
	transitions int64
	lambdaCalls int
	readUnits   float64
	writeUnits  float64
	calls       map[string]int
}

func (u costUsage) stepFunctions() float64 { return float64(u.transitions) * priceStateTransition }
func (u costUsage) lambda() float64 {
	gbs := float64(u.lambdaCalls) * lambdaMemoryGB * lambdaTypicalMillis / 1000
	return gbs*priceLambdaGBSecond + float64(u.lambdaCalls)*priceLambdaRequest
}
func (u costUsage) dynamo() float64 { return u.readUnits*priceReadUnit + u.writeUnits*priceWriteUnit }
func (u costUsage) total() float64  { return u.stepFunctions() + u.lambda() + u.dynamo() }

// countingStore counts store calls and estimates the DynamoDB request units
// each costs on the single-table design (internal/dynamo): transactions
// cost double, items are mostly under 1 KB, walkthroughs and the report more.
type countingStore struct {
	audit.Store
	mu    sync.Mutex
	calls map[string]int
	read  float64
	write float64
}

func (c *countingStore) count(op string, read, write float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calls == nil {
		c.calls = map[string]int{}
	}
	c.calls[op]++
	c.read += read
	c.write += write
}

func (c *countingStore) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls, c.read, c.write = nil, 0, 0
}

func (c *countingStore) usage() costUsage {
	c.mu.Lock()
	defer c.mu.Unlock()
	calls := map[string]int{}
	for k, v := range c.calls {
		calls[k] = v
	}
	return costUsage{readUnits: c.read, writeUnits: c.write, calls: calls}
}

func (c *countingStore) GetCompany(ctx context.Context, id string) (*audit.Company, error) {
	c.count("GetCompany", 8, 0) // ~30 KB compressed configuration, strongly consistent
	return c.Store.GetCompany(ctx, id)
}
func (c *countingStore) CreateReview(ctx context.Context, r *audit.Review) error {
	c.count("CreateReview", 0, 1)
	return c.Store.CreateReview(ctx, r)
}
func (c *countingStore) GetReview(ctx context.Context, id string) (*audit.Review, error) {
	c.count("GetReview", 1, 0)
	return c.Store.GetReview(ctx, id)
}
func (c *countingStore) UpdateReview(ctx context.Context, r *audit.Review) error {
	c.count("UpdateReview", 0, 1)
	return c.Store.UpdateReview(ctx, r)
}
func (c *countingStore) MarkAssignmentDone(ctx context.Context, reviewID, assignmentID string) (*audit.Review, error) {
	c.count("MarkAssignmentDone", 1, 4)
	return c.Store.MarkAssignmentDone(ctx, reviewID, assignmentID)
}
func (c *countingStore) PutAssignments(ctx context.Context, as []audit.Assignment) error {
	c.count("PutAssignments", 0, float64(len(as)))
	return c.Store.PutAssignments(ctx, as)
}
func (c *countingStore) GetAssignment(ctx context.Context, id string) (*audit.Assignment, error) {
	c.count("GetAssignment", 1, 0)
	return c.Store.GetAssignment(ctx, id)
}
func (c *countingStore) UpdateAssignment(ctx context.Context, a *audit.Assignment) error {
	c.count("UpdateAssignment", 0, 1)
	return c.Store.UpdateAssignment(ctx, a)
}
func (c *countingStore) ListAssignmentsByAuditor(ctx context.Context, companyID, id string, p audit.Page) ([]audit.Assignment, string, error) {
	as, next, err := c.Store.ListAssignmentsByAuditor(ctx, companyID, id, p)
	c.count("ListAssignmentsByAuditor", queryUnits(len(as)), 0)
	return as, next, err
}
func (c *countingStore) ListAssignmentsByReview(ctx context.Context, id string, s audit.AssignmentStatus, p audit.Page) ([]audit.Assignment, string, error) {
	as, next, err := c.Store.ListAssignmentsByReview(ctx, id, s, p)
	c.count("ListAssignmentsByReview", queryUnits(len(as)), 0)
	return as, next, err
}
func (c *countingStore) RecordSubmission(ctx context.Context, s audit.Submission) (audit.Receipt, error) {
	c.count("RecordSubmission", 0, 2*(1+3+1)) // assignment, ~3 KB walkthrough, idempotency record
	return c.Store.RecordSubmission(ctx, s)
}
func (c *countingStore) GetReceipt(ctx context.Context, id string) (audit.Receipt, error) {
	c.count("GetReceipt", 1, 0)
	return c.Store.GetReceipt(ctx, id)
}
func (c *countingStore) GetWalkthrough(ctx context.Context, id string) (*audit.Walkthrough, error) {
	c.count("GetWalkthrough", 1, 0)
	return c.Store.GetWalkthrough(ctx, id)
}
func (c *countingStore) GetWalkthroughs(ctx context.Context, ids []string) ([]audit.Walkthrough, error) {
	c.count("GetWalkthroughs", float64(len(ids)), 0)
	return c.Store.GetWalkthroughs(ctx, ids)
}
func (c *countingStore) PutResults(ctx context.Context, rs []audit.Result) error {
	c.count("PutResults", float64(len(rs)), float64(3*len(rs))) // ~2 KB result + schedule item
	return c.Store.PutResults(ctx, rs)
}
func (c *countingStore) GetResult(ctx context.Context, id string) (*audit.Result, error) {
	c.count("GetResult", 1, 0)
	return c.Store.GetResult(ctx, id)
}
func (c *countingStore) ListResultHistory(ctx context.Context, companyID, tp string, p audit.Page) ([]audit.Result, string, error) {
	rs, next, err := c.Store.ListResultHistory(ctx, companyID, tp, p)
	c.count("ListResultHistory", queryUnits(len(rs)*2), 0)
	return rs, next, err
}
func (c *countingStore) ListResultsByReview(ctx context.Context, id string, p audit.Page) ([]audit.Result, string, error) {
	rs, next, err := c.Store.ListResultsByReview(ctx, id, p)
	c.count("ListResultsByReview", queryUnits(len(rs)*2), 0)
	return rs, next, err
}
func (c *countingStore) ListDueTouchpoints(ctx context.Context, companyID string, before time.Time) ([]audit.DueTouchpoint, error) {
	ds, err := c.Store.ListDueTouchpoints(ctx, companyID, before)
	c.count("ListDueTouchpoints", queryUnits(len(ds)), 0)
	return ds, err
}
func (c *countingStore) SaveReport(ctx context.Context, id string, report []byte) error {
	c.count("SaveReport", 0, float64(len(report)/1024+1))
	return c.Store.SaveReport(ctx, id, report)
}

// queryUnits: a query reads up to 4 KB per read unit (eventually consistent
// GSI reads cost half); items are about 0.5 KB.
func queryUnits(items int) float64 { return float64(items/8 + 1) }
