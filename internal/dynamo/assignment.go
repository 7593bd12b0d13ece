package dynamo

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"touchaudit/internal/audit"
	"touchaudit/internal/storable"
)

func assignmentPK(id string) string  { return "ASSIGNMENT#" + id }
func walkthroughPK(id string) string { return "WALKTHROUGH#" + id }
func submissionPK(id string) string  { return "SUBMISSION#" + id }

const (
	skAssignment  = "ASSIGNMENT"
	skWalkthrough = "WALKTHROUGH"
	skSubmission  = "SUBMISSION"
)

func auditorListing(companyID, auditorID string) listing {
	return listing{index: indexGSI1, pkAttr: attrGSI1PK, skAttr: attrGSI1SK, pk: "AUDITOR#" + companyID + "#" + auditorID}
}

func reviewStatusListing(reviewID string, status audit.AssignmentStatus) listing {
	return listing{index: indexGSI2, pkAttr: attrGSI2PK, skAttr: attrGSI2SK, pk: "ASSIGNMENTS#" + reviewID + "#" + string(status)}
}

// assignmentItem is the assignment with its keys: the auditor index only
// when it has an auditor, its sort key starting 0 while open, 1 after.
func assignmentItem(a audit.Assignment) (map[string]types.AttributeValue, error) {
	item, err := marshal(a)
	if err != nil {
		return nil, err
	}
	item[attrPK], item[attrSK], item[attrEntity] = str(assignmentPK(a.ID)), str(skAssignment), str("assignment")
	if a.AuditorID != "" {
		group := "1#"
		if a.Status.Open() {
			group = "0#"
		}
		item[attrGSI1PK] = str(auditorListing(a.CompanyID, a.AuditorID).pk)
		item[attrGSI1SK] = str(group + sortTime(a.Due) + "#" + a.ID)
	}
	item[attrGSI2PK] = str(reviewStatusListing(a.ReviewID, a.Status).pk)
	item[attrGSI2SK] = str(sortTime(a.Due) + "#" + a.ID)
	return item, nil
}

// PutAssignments implements audit.AssignmentStore. All assignments are
// validated before any is written; a repeated id keeps the last one.
func (s *Store) PutAssignments(ctx context.Context, as []audit.Assignment) error {
	for i := range as {
		if err := as[i].Validate(); err != nil {
			return err
		}
		if err := storable.Check(fmt.Sprintf("assignments[%d] (%s)", i, as[i].ID), as[i]); err != nil {
			return err
		}
	}
	last := map[string]int{}
	for i, a := range as {
		last[a.ID] = i
	}
	items := make([]map[string]types.AttributeValue, 0, len(last))
	for i, a := range as {
		if last[a.ID] != i {
			continue
		}
		item, err := assignmentItem(a)
		if err != nil {
			return err
		}
		items = append(items, item)
	}
	return s.putAll(ctx, "assignments", items)
}

// GetAssignment implements audit.AssignmentStore.
func (s *Store) GetAssignment(ctx context.Context, id string) (*audit.Assignment, error) {
	if id == "" {
		return nil, required("assignment id")
	}
	var a audit.Assignment
	if err := s.get(ctx, assignmentPK(id), skAssignment, "assignment", id, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// UpdateAssignment implements audit.AssignmentStore.
func (s *Store) UpdateAssignment(ctx context.Context, a *audit.Assignment) error {
	if a == nil {
		return required("assignment")
	}
	if err := a.Validate(); err != nil {
		return err
	}
	if err := storable.Check("assignment "+a.ID, a); err != nil {
		return err
	}
	next := *a
	next.Version++
	item, err := assignmentItem(next)
	if err != nil {
		return err
	}
	if err := s.putVersioned(ctx, "assignment", a.ID, item, a.Version); err != nil {
		return err
	}
	a.Version = next.Version
	return nil
}

// ListAssignmentsByAuditor implements audit.AssignmentStore.
func (s *Store) ListAssignmentsByAuditor(ctx context.Context, companyID, auditorID string, p audit.Page) ([]audit.Assignment, string, error) {
	if companyID == "" || auditorID == "" {
		return nil, "", required("company id and auditor id")
	}
	return listAssignments(ctx, s, auditorListing(companyID, auditorID), p)
}

// ListAssignmentsByReview implements audit.AssignmentStore.
func (s *Store) ListAssignmentsByReview(ctx context.Context, reviewID string, status audit.AssignmentStatus, p audit.Page) ([]audit.Assignment, string, error) {
	if reviewID == "" || status == "" {
		return nil, "", required("review id and status")
	}
	return listAssignments(ctx, s, reviewStatusListing(reviewID, status), p)
}

func listAssignments(ctx context.Context, s *Store, l listing, p audit.Page) ([]audit.Assignment, string, error) {
	items, next, err := s.page(ctx, l, p)
	if err != nil {
		return nil, "", err
	}
	out := make([]audit.Assignment, len(items))
	for i, item := range items {
		if err := unmarshal(item, &out[i]); err != nil {
			return nil, "", err
		}
	}
	return out, next, nil
}

// RecordSubmission implements audit.AssignmentStore with one
// TransactWriteItems of three puts:
//
//  0. the assignment's new state, if its stored version is the one read;
//  1. the walkthrough, which must be new;
//  2. the idempotency record (the receipt, expiring after
//     audit.SubmissionTTL), which must be new.
//
// When the transaction is cancelled, a stored idempotency record decides:
// the same payload hash replays its receipt, another is a Conflict. Without
// one, a TransactionConflict (another transaction on these items in flight;
// DynamoDB cancels rather than waits) is retried with backoff, and a failed
// condition is a Conflict (NotFound for a missing assignment).
//
// The record carries a token drawn afresh by each call, so a call tells its
// own write from another's: when DynamoDB applied the transaction but the
// response was lost, the SDK's retry fails the conditions (or the SDK gives
// up), and the record holding this call's token means this call recorded
// the submission. It answers with the receipt, not as a replay, so the
// caller still signals the waiting workflow.
//
// ClientRequestToken is deliberately not used: DynamoDB would answer a
// repeat within 10 minutes with success, and the repeat could not tell that
// it had been replayed nor learn the first receipt.
func (s *Store) RecordSubmission(ctx context.Context, sub audit.Submission) (audit.Receipt, error) {
	if err := sub.Validate(); err != nil {
		return audit.Receipt{}, err
	}
	if err := storable.Check("submission "+sub.ID, sub); err != nil {
		return audit.Receipt{}, err
	}
	at := sub.At
	if at.IsZero() {
		at = s.now()
	}
	next := sub.Assignment
	next.Version++
	rc := audit.Receipt{
		SubmissionID: sub.ID, AssignmentID: next.ID, WalkthroughID: sub.Walkthrough.ID,
		AssignmentVersion: next.Version, PayloadHash: sub.PayloadHash, RecordedAt: at.UTC(),
	}
	token := rand.Text()
	in, err := s.submissionTransaction(sub, next, rc, token)
	if err != nil {
		return audit.Receipt{}, err
	}
	for attempt := 0; ; attempt++ {
		_, err := s.client.TransactWriteItems(ctx, in)
		if err == nil {
			return rc, nil
		}
		var canceled *types.TransactionCanceledException
		if !errors.As(err, &canceled) {
			// No answer (responses lost until the SDK gave up, a timeout):
			// the transaction may have been applied all the same.
			if stored, found, own, rerr := s.storedReceipt(ctx, sub.ID, token); rerr == nil && found && own {
				return stored, nil
			}
			return audit.Receipt{}, fail("record submission", err)
		}
		stored, found, own, rerr := s.storedReceipt(ctx, sub.ID, token)
		if rerr != nil {
			return audit.Receipt{}, rerr
		}
		if found {
			if stored.PayloadHash != sub.PayloadHash {
				return audit.Receipt{}, audit.Errorf(audit.Conflict, "submission %q was recorded with another payload", sub.ID)
			}
			stored.Replayed = !own
			return stored, nil
		}
		switch {
		case reasonCode(canceled, 0) == "ConditionalCheckFailed":
			ok, err := s.exists(ctx, assignmentPK(next.ID), skAssignment)
			if err != nil {
				return audit.Receipt{}, err
			}
			if !ok {
				return audit.Receipt{}, notFound("assignment", next.ID)
			}
			return audit.Receipt{}, audit.Errorf(audit.Conflict, "assignment %q changed since version %d was read", next.ID, sub.Assignment.Version)
		case reasonCode(canceled, 1) == "ConditionalCheckFailed":
			return audit.Receipt{}, audit.Errorf(audit.Conflict, "walkthrough %q is already recorded", sub.Walkthrough.ID)
		case hasReason(canceled, "TransactionConflict") && attempt+1 < maxAttempts:
			if err := sleep(ctx, backoff(attempt)); err != nil {
				return audit.Receipt{}, err
			}
		default:
			return audit.Receipt{}, fail("record submission", err)
		}
	}
}

// attrWriteToken names the idempotency record's token of the call that wrote it.
const attrWriteToken = "writeToken"

func (s *Store) submissionTransaction(sub audit.Submission, next audit.Assignment, rc audit.Receipt, token string) (*dynamodb.TransactWriteItemsInput, error) {
	aItem, err := assignmentItem(next)
	if err != nil {
		return nil, err
	}
	wItem, err := marshal(sub.Walkthrough)
	if err != nil {
		return nil, err
	}
	wItem[attrPK], wItem[attrSK], wItem[attrEntity] = str(walkthroughPK(sub.Walkthrough.ID)), str(skWalkthrough), str("walkthrough")
	rItem, err := marshal(rc)
	if err != nil {
		return nil, err
	}
	rItem[attrPK], rItem[attrSK], rItem[attrEntity] = str(submissionPK(sub.ID)), str(skSubmission), str("submission")
	rItem[attrWriteToken] = str(token)
	rItem[attrTTL] = &types.AttributeValueMemberN{Value: strconv.FormatInt(rc.RecordedAt.Add(audit.SubmissionTTL).Unix(), 10)}

	versioned := expression.Name("version").Equal(expression.Value(sub.Assignment.Version))
	var items []types.TransactWriteItem
	for _, p := range []struct {
		item map[string]types.AttributeValue
		cond expression.ConditionBuilder
	}{{aItem, versioned}, {wItem, notExists()}, {rItem, notExists()}} {
		put, err := transactPut(p.item, s.table, p.cond)
		if err != nil {
			return nil, err
		}
		items = append(items, put)
	}
	return &dynamodb.TransactWriteItemsInput{TransactItems: items}, nil
}

// receipt reads a submission's idempotency record (strongly consistent).
func (s *Store) receipt(ctx context.Context, id string) (audit.Receipt, bool, error) {
	rc, found, _, err := s.storedReceipt(ctx, id, "")
	return rc, found, err
}

// storedReceipt reads a submission's idempotency record; own says it was
// written by the call that drew token.
func (s *Store) storedReceipt(ctx context.Context, id, token string) (rc audit.Receipt, found, own bool, err error) {
	item, err := s.getItem(ctx, "get submission", submissionPK(id), skSubmission)
	if err != nil || item == nil {
		return rc, false, false, err
	}
	stored, _ := item[attrWriteToken].(*types.AttributeValueMemberS)
	own = token != "" && stored != nil && stored.Value == token
	return rc, true, own, unmarshal(item, &rc)
}

// GetReceipt implements audit.AssignmentStore.
func (s *Store) GetReceipt(ctx context.Context, submissionID string) (audit.Receipt, error) {
	if submissionID == "" {
		return audit.Receipt{}, required("submission id")
	}
	rc, found, err := s.receipt(ctx, submissionID)
	if err != nil {
		return audit.Receipt{}, err
	}
	if !found {
		return audit.Receipt{}, audit.Errorf(audit.NotFound, "submission %q not found", submissionID)
	}
	return rc, nil
}

// GetWalkthrough implements audit.AssignmentStore.
func (s *Store) GetWalkthrough(ctx context.Context, id string) (*audit.Walkthrough, error) {
	if id == "" {
		return nil, required("walkthrough id")
	}
	var w audit.Walkthrough
	if err := s.get(ctx, walkthroughPK(id), skWalkthrough, "walkthrough", id, &w); err != nil {
		return nil, err
	}
	return &w, nil
}

// GetWalkthroughs implements audit.AssignmentStore: the ones found, in the
// order asked, each once.
func (s *Store) GetWalkthroughs(ctx context.Context, ids []string) ([]audit.Walkthrough, error) {
	var keys []map[string]types.AttributeValue
	seen := map[string]bool{}
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			keys = append(keys, key(walkthroughPK(id), skWalkthrough))
		}
	}
	items, err := s.getAll(ctx, "walkthroughs", keys)
	if err != nil {
		return nil, err
	}
	byID := map[string]audit.Walkthrough{}
	for _, item := range items {
		var w audit.Walkthrough
		if err := unmarshal(item, &w); err != nil {
			return nil, err
		}
		byID[w.ID] = w
	}
	out := []audit.Walkthrough{}
	for _, id := range ids {
		if w, ok := byID[id]; ok {
			out = append(out, w)
			delete(byID, id)
		}
	}
	return out, nil
}
