package dynamo

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"touchaudit/internal/audit"
	"touchaudit/internal/storable"
)

// The audit trail (append-only) and corrective actions; keys in doc.go.

func trailIDPK(companyID, id string) string { return "TRAILID#" + companyID + "#" + id }

const skTrailID = "TRAILID"

func objectListing(companyID string, o audit.TrailObject) listing {
	return listing{pkAttr: attrPK, skAttr: attrSK, pk: "TRAIL#" + companyID + "#" + o.Kind + "#" + o.ID}
}

func companyTrailListing(companyID string) listing {
	return listing{index: indexGSI2, pkAttr: attrGSI2PK, skAttr: attrGSI2SK, pk: "TRAIL#" + companyID, descending: true}
}

// trailKey orders entries by time, then id.
func trailKey(e audit.TrailEntry) string { return sortTime(e.At) + "#" + e.ID }

// AppendTrail implements audit.TrailStore with one TransactWriteItems of
// two puts that must both be new: a guard item per entry id, which makes a
// repeated append (a retried call, or the SDK's retry after a lost
// response) change nothing, and the entry in its object's partition, also
// in the company's listing (GSI2). There is no other write of these keys.
func (s *Store) AppendTrail(ctx context.Context, e audit.TrailEntry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if err := storable.Check("trail entry "+e.ID, e); err != nil {
		return err
	}
	guard := key(trailIDPK(e.CompanyID, e.ID), skTrailID)
	guard[attrEntity] = str("trail id")
	item, err := marshal(e)
	if err != nil {
		return err
	}
	item[attrPK], item[attrSK], item[attrEntity] = str(objectListing(e.CompanyID, e.Object).pk), str(trailKey(e)), str("trail")
	item[attrGSI2PK], item[attrGSI2SK] = str(companyTrailListing(e.CompanyID).pk), str(trailKey(e))
	var in dynamodb.TransactWriteItemsInput
	for _, it := range []map[string]types.AttributeValue{guard, item} {
		put, err := transactPut(it, s.table, notExists())
		if err != nil {
			return err
		}
		in.TransactItems = append(in.TransactItems, put)
	}
	for attempt := 0; ; attempt++ {
		_, err := s.client.TransactWriteItems(ctx, &in)
		if err == nil {
			return nil
		}
		var canceled *types.TransactionCanceledException
		if !errors.As(err, &canceled) {
			// No answer: the append may have been applied all the same.
			if found, xerr := s.exists(ctx, trailIDPK(e.CompanyID, e.ID), skTrailID); xerr == nil && found {
				return nil
			}
			return fail("append trail entry "+e.ID, err)
		}
		switch {
		case reasonCode(canceled, 0) == "ConditionalCheckFailed":
			return nil // recorded before: an entry is never replaced
		case hasReason(canceled, "TransactionConflict") && attempt+1 < maxAttempts:
			if err := sleep(ctx, backoff(attempt)); err != nil {
				return err
			}
			continue
		}
		return fail("append trail entry "+e.ID, err)
	}
}

// ListTrail implements audit.TrailStore: one strongly consistent Query of
// the object's partition, oldest first.
func (s *Store) ListTrail(ctx context.Context, companyID string, o audit.TrailObject, p audit.Page) ([]audit.TrailEntry, string, error) {
	if companyID == "" || o.Kind == "" || o.ID == "" {
		return nil, "", required("company id, object kind and object id")
	}
	return listTrail(ctx, s, objectListing(companyID, o), p)
}

// ListCompanyTrail implements audit.TrailStore: one Query of GSI2, newest first.
func (s *Store) ListCompanyTrail(ctx context.Context, companyID string, p audit.Page) ([]audit.TrailEntry, string, error) {
	if companyID == "" {
		return nil, "", required("company id")
	}
	return listTrail(ctx, s, companyTrailListing(companyID), p)
}

func listTrail(ctx context.Context, s *Store, l listing, p audit.Page) ([]audit.TrailEntry, string, error) {
	items, next, err := s.page(ctx, l, p)
	if err != nil {
		return nil, "", err
	}
	out := make([]audit.TrailEntry, len(items))
	for i, item := range items {
		if err := unmarshal(item, &out[i]); err != nil {
			return nil, "", err
		}
	}
	return out, next, nil
}

func actionPK(companyID, id string) string { return "ACTION#" + companyID + "#" + id }

const (
	skAction = "ACTION"
	// attrDoc holds an action's JSON: audit.Date has no DynamoDB form of its own.
	attrDoc     = "doc"
	attrVersion = "version"
)

func actionsListing(companyID string, status audit.ActionStatus) listing {
	if status == "" {
		return listing{index: indexGSI2, pkAttr: attrGSI2PK, skAttr: attrGSI2SK, pk: "ACTIONS#" + companyID}
	}
	return listing{index: indexGSI1, pkAttr: attrGSI1PK, skAttr: attrGSI1SK, pk: "ACTIONS#" + companyID + "#" + string(status)}
}

func overdueListing(companyID string, now time.Time) listing {
	return listing{index: indexGSI3, pkAttr: attrGSI3PK, skAttr: attrGSI3SK, pk: "OVERDUE#" + companyID, skBefore: audit.DateOf(now).String()}
}

// actionKey orders actions by due day, then id.
func actionKey(a audit.Action) string { return a.Due.String() + "#" + a.ID }

// actionItem is the action with its keys: by status (GSI1), all (GSI2),
// and in the sparse overdue index (GSI3) only while unfinished.
func actionItem(a audit.Action) (map[string]types.AttributeValue, error) {
	b, err := json.Marshal(a)
	if err != nil {
		return nil, &audit.Error{Code: audit.Internal, Message: "encode action " + a.ID, Err: err}
	}
	item := key(actionPK(a.CompanyID, a.ID), skAction)
	item[attrEntity], item[attrDoc] = str("action"), str(string(b))
	item[attrVersion] = &types.AttributeValueMemberN{Value: strconv.Itoa(a.Version)}
	item[attrGSI1PK], item[attrGSI1SK] = str(actionsListing(a.CompanyID, a.Status).pk), str(actionKey(a))
	item[attrGSI2PK], item[attrGSI2SK] = str(actionsListing(a.CompanyID, "").pk), str(actionKey(a))
	if a.Status.Unfinished() {
		item[attrGSI3PK], item[attrGSI3SK] = str(overdueListing(a.CompanyID, time.Time{}).pk), str(actionKey(a))
	}
	return item, nil
}

func decodeAction(item map[string]types.AttributeValue) (audit.Action, error) {
	var a audit.Action
	doc, ok := item[attrDoc].(*types.AttributeValueMemberS)
	if !ok {
		return a, audit.Errorf(audit.Internal, "stored action has no %s", attrDoc)
	}
	if err := json.Unmarshal([]byte(doc.Value), &a); err != nil {
		return a, &audit.Error{Code: audit.Internal, Message: "decode action", Err: err}
	}
	return a, nil
}

// PutAction implements audit.ActionStore: a conditional PutItem, new for
// version 0, else over the version read.
func (s *Store) PutAction(ctx context.Context, a *audit.Action) error {
	if a == nil {
		return required("action")
	}
	if err := a.Validate(); err != nil {
		return err
	}
	if err := storable.Check("action "+a.ID, a); err != nil {
		return err
	}
	next := *a
	next.Version++
	item, err := actionItem(next)
	if err != nil {
		return err
	}
	if a.Version > 0 {
		if err := s.putVersioned(ctx, "action", a.ID, item, a.Version); err != nil {
			return err
		}
		a.Version = next.Version
		return nil
	}
	created, err := s.putIf(ctx, "create action "+a.ID, item, expression.AttributeNotExists(expression.Name(attrPK)))
	if err != nil {
		return err
	}
	if !created {
		if own, _, err := s.holds(ctx, item); err != nil {
			return err
		} else if !own {
			return audit.Errorf(audit.Conflict, "action %q already exists", a.ID)
		}
	}
	a.Version = next.Version
	return nil
}

// GetAction implements audit.ActionStore.
func (s *Store) GetAction(ctx context.Context, companyID, id string) (*audit.Action, error) {
	if companyID == "" || id == "" {
		return nil, required("company id and action id")
	}
	item, err := s.getItem(ctx, "get action", actionPK(companyID, id), skAction)
	if err != nil {
		return nil, err
	}
	if item == nil {
		return nil, notFound("action", id)
	}
	a, err := decodeAction(item)
	return &a, err
}

// ListActions implements audit.ActionStore: one Query of GSI1 (a status)
// or GSI2 (all).
func (s *Store) ListActions(ctx context.Context, companyID string, status audit.ActionStatus, p audit.Page) ([]audit.Action, string, error) {
	if companyID == "" {
		return nil, "", required("company id")
	}
	return listActions(ctx, s, actionsListing(companyID, status), p)
}

// ListOverdueActions implements audit.ActionStore: one Query of the sparse
// GSI3 partition of unfinished actions, due days before today's.
func (s *Store) ListOverdueActions(ctx context.Context, companyID string, now time.Time, p audit.Page) ([]audit.Action, string, error) {
	if companyID == "" {
		return nil, "", required("company id")
	}
	return listActions(ctx, s, overdueListing(companyID, now), p)
}

func listActions(ctx context.Context, s *Store, l listing, p audit.Page) ([]audit.Action, string, error) {
	items, next, err := s.page(ctx, l, p)
	if err != nil {
		return nil, "", err
	}
	out := make([]audit.Action, len(items))
	for i, item := range items {
		if out[i], err = decodeAction(item); err != nil {
			return nil, "", err
		}
	}
	return out, next, nil
}
