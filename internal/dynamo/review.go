package dynamo

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"touchaudit/internal/audit"
	"touchaudit/internal/storable"
)

func companyPK(id string) string { return "COMPANY#" + id }
func reviewPK(id string) string  { return "REVIEW#" + id }

const (
	skConfig = "CONFIG"
	skReview = "REVIEW"
	skReport = "REPORT"
)

func doneSK(assignmentID string) string { return "DONE#" + assignmentID }

// SaveCompany implements audit.CompanyStore: one item, gzip-compressed JSON.
func (s *Store) SaveCompany(ctx context.Context, c *audit.Company) error {
	if c == nil {
		return required("company")
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if err := storable.Check("company "+c.ID, c); err != nil {
		return err
	}
	return s.putBody(ctx, "company "+c.ID, companyPK(c.ID), skConfig, "company", c)
}

// GetCompany implements audit.CompanyStore.
func (s *Store) GetCompany(ctx context.Context, id string) (*audit.Company, error) {
	b, err := s.getBody(ctx, "company", id, companyPK(id), skConfig)
	if err != nil {
		return nil, err
	}
	var c audit.Company
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, &audit.Error{Code: audit.Internal, Message: "decode company " + id, Err: err}
	}
	return &c, nil
}

// SaveReport implements audit.ResultStore.
func (s *Store) SaveReport(ctx context.Context, reviewID string, report []byte) error {
	if reviewID == "" {
		return required("review id")
	}
	if !json.Valid(report) {
		return audit.Errorf(audit.Invalid, "report of review %q is not JSON", reviewID)
	}
	return s.putBody(ctx, "report of review "+reviewID, reviewPK(reviewID), skReport, "report", json.RawMessage(report))
}

// GetReport implements audit.ResultStore.
func (s *Store) GetReport(ctx context.Context, reviewID string) ([]byte, error) {
	return s.getBody(ctx, "report of review", reviewID, reviewPK(reviewID), skReport)
}

func (s *Store) putBody(ctx context.Context, what, pk, sk, entity string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return &audit.Error{Code: audit.Internal, Message: "encode " + what, Err: err}
	}
	z, err := compress(what, b)
	if err != nil {
		return err
	}
	item := key(pk, sk)
	item[attrEntity] = str(entity)
	item[attrBody] = &types.AttributeValueMemberB{Value: z}
	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.table), Item: item})
	if err != nil {
		return fail("save "+what, err)
	}
	return nil
}

func (s *Store) getBody(ctx context.Context, what, id, pk, sk string) ([]byte, error) {
	if id == "" {
		return nil, required(what + " id")
	}
	item, err := s.getItem(ctx, "get "+what, pk, sk)
	if err != nil {
		return nil, err
	}
	if item == nil {
		return nil, notFound(what, id)
	}
	return decompress(what+" "+id, item)
}

func reviewItem(r audit.Review) (map[string]types.AttributeValue, error) {
	item, err := marshal(r)
	if err != nil {
		return nil, err
	}
	item[attrPK], item[attrSK], item[attrEntity] = str(reviewPK(r.ID)), str(skReview), str("review")
	reviewIndexKeys(item, r)
	return item, nil
}

// CreateReview implements audit.ReviewStore.
func (s *Store) CreateReview(ctx context.Context, r *audit.Review) error {
	if r == nil {
		return required("review")
	}
	if err := r.ValidateNew(); err != nil {
		return err
	}
	if err := storable.Check("review "+r.ID, r); err != nil {
		return err
	}
	item, err := reviewItem(*r)
	if err != nil {
		return err
	}
	// The call's own token on the item tells its own write, applied but
	// answered too late (the SDK then retries into the condition), from a
	// review another call created.
	token := rand.Text()
	item[attrWriteToken] = str(token)
	ok, err := s.putIf(ctx, "create review", item, notExists())
	if err != nil || ok {
		return err
	}
	stored, err := s.getItem(ctx, "get review", reviewPK(r.ID), skReview)
	if err != nil {
		return err
	}
	if t, _ := stored[attrWriteToken].(*types.AttributeValueMemberS); t != nil && t.Value == token {
		return nil
	}
	return audit.Errorf(audit.Conflict, "review %q already exists", r.ID)
}

// GetReview implements audit.ReviewStore.
func (s *Store) GetReview(ctx context.Context, id string) (*audit.Review, error) {
	if id == "" {
		return nil, required("review id")
	}
	var r audit.Review
	if err := s.get(ctx, reviewPK(id), skReview, "review", id, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UpdateReview implements audit.ReviewStore.
func (s *Store) UpdateReview(ctx context.Context, r *audit.Review) error {
	if r == nil {
		return required("review")
	}
	if err := r.Validate(); err != nil {
		return err
	}
	if err := storable.Check("review "+r.ID, r); err != nil {
		return err
	}
	next := *r
	next.Version++
	item, err := reviewItem(next)
	if err != nil {
		return err
	}
	if err := s.putVersioned(ctx, "review", r.ID, item, r.Version); err != nil {
		return err
	}
	r.Version = next.Version
	return nil
}

// MarkAssignmentDone implements audit.ReviewStore with one transaction: a
// done marker that must not exist yet, and ADD 1 to the review's done and
// version (the version too, so an UpdateReview from an earlier read cannot
// write an old count back). A marker that exists means a retried call: it
// counts nothing and returns the review as it is.
func (s *Store) MarkAssignmentDone(ctx context.Context, reviewID, assignmentID string) (*audit.Review, error) {
	if reviewID == "" || assignmentID == "" {
		return nil, required("review id and assignment id")
	}
	marker := key(reviewPK(reviewID), doneSK(assignmentID))
	marker[attrEntity] = str("done")
	marker["reviewId"], marker["assignmentId"] = str(reviewID), str(assignmentID)
	put, err := transactPut(marker, s.table, notExists())
	if err != nil {
		return nil, err
	}
	upd, err := expression.NewBuilder().
		WithUpdate(expression.Add(expression.Name("done"), expression.Value(1)).Add(expression.Name("version"), expression.Value(1))).
		WithCondition(expression.AttributeExists(expression.Name(attrPK))).
		Build()
	if err != nil {
		return nil, &audit.Error{Code: audit.Internal, Message: "build review update", Err: err}
	}
	in := &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{put, {Update: &types.Update{
		TableName: aws.String(s.table), Key: key(reviewPK(reviewID), skReview),
		UpdateExpression:          upd.Update(),
		ConditionExpression:       upd.Condition(),
		ExpressionAttributeNames:  upd.Names(),
		ExpressionAttributeValues: upd.Values(),
	}}}}
	for attempt := 0; ; attempt++ {
		_, err := s.client.TransactWriteItems(ctx, in)
		var canceled *types.TransactionCanceledException
		if err != nil && !errors.As(err, &canceled) {
			return nil, fail("mark assignment done", err)
		}
		if err == nil {
			break
		}
		if reasonCode(canceled, 1) == "ConditionalCheckFailed" {
			return nil, notFound("review", reviewID)
		}
		if reasonCode(canceled, 0) == "ConditionalCheckFailed" {
			break // counted before
		}
		if !hasReason(canceled, "TransactionConflict") || attempt+1 >= maxAttempts {
			return nil, fail("mark assignment done", err)
		}
		if err := sleep(ctx, backoff(attempt)); err != nil {
			return nil, err
		}
	}
	return s.GetReview(ctx, reviewID)
}
