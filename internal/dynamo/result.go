package dynamo

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"touchaudit/internal/audit"
	"touchaudit/internal/storable"
)

func resultPK(id string) string { return "RESULT#" + id }

const skResult = "RESULT"

func dueSK(touchpointID string) string { return "DUE#" + touchpointID }

// resultKey orders a touchpoint's results: by scoring time, then id.
func resultKey(r audit.Result) string { return sortTime(r.ScoredAt) + "#" + r.ID }

func historyListing(companyID, touchpointID string) listing {
	return listing{index: indexGSI1, pkAttr: attrGSI1PK, skAttr: attrGSI1SK, pk: "HISTORY#" + companyID + "#" + touchpointID, descending: true}
}

func reviewResultsListing(reviewID string) listing {
	return listing{index: indexGSI2, pkAttr: attrGSI2PK, skAttr: attrGSI2SK, pk: "RESULTS#" + reviewID}
}

func dueListing(companyID string, before time.Time) listing {
	return listing{index: indexGSI3, pkAttr: attrGSI3PK, skAttr: attrGSI3SK, pk: "DUE#" + companyID, skBefore: sortTime(before)}
}

// queueListing is a lead's queue (QA or appeals) in GSI3, longest waiting
// first. Only results on a queue carry GSI3 keys, so it stays sparse, and
// its partition keys never meet the schedule's DUE#<company>.
func queueListing(companyID string, q audit.Queue) listing {
	return listing{index: indexGSI3, pkAttr: attrGSI3PK, skAttr: attrGSI3SK, pk: "QUEUE#" + companyID + "#" + string(q)}
}

func resultItem(r audit.Result) (map[string]types.AttributeValue, error) {
	item, err := marshal(r)
	if err != nil {
		return nil, err
	}
	item[attrPK], item[attrSK], item[attrEntity] = str(resultPK(r.ID)), str(skResult), str("result")
	item[attrGSI1PK], item[attrGSI1SK] = str(historyListing(r.CompanyID, r.TouchpointID).pk), str(resultKey(r))
	item[attrGSI2PK], item[attrGSI2SK] = str(reviewResultsListing(r.ReviewID).pk), str(r.ID)
	if q, since := r.Queued(); q != "" {
		item[attrGSI3PK], item[attrGSI3SK] = str(queueListing(r.CompanyID, q).pk), str(sortTime(since)+"#"+r.ID)
	}
	return item, nil
}

// scheduleItem is a touchpoint's place in the schedule: under its
// company's partition, and in GSI3 by due date.
func scheduleItem(d audit.DueTouchpoint) (map[string]types.AttributeValue, error) {
	item, err := marshal(d)
	if err != nil {
		return nil, err
	}
	item[attrPK], item[attrSK], item[attrEntity] = str(companyPK(d.CompanyID)), str(dueSK(d.TouchpointID)), str("due")
	item[attrGSI3PK] = str(dueListing(d.CompanyID, d.NextDue).pk)
	item[attrGSI3SK] = str(sortTime(d.NextDue) + "#" + d.TouchpointID)
	return item, nil
}

// PutResults implements audit.ResultStore: the results in batches. The
// schedule is left alone (PutSchedule moves it).
func (s *Store) PutResults(ctx context.Context, rs []audit.Result) error {
	for i := range rs {
		if err := rs[i].Validate(); err != nil {
			return err
		}
		if err := storable.Check(fmt.Sprintf("results[%d] (%s)", i, rs[i].ID), rs[i]); err != nil {
			return err
		}
	}
	last := map[string]int{}
	for i, r := range rs {
		last[r.ID] = i
	}
	items := make([]map[string]types.AttributeValue, 0, len(last))
	for i, r := range rs {
		if last[r.ID] != i {
			continue
		}
		item, err := resultItem(r)
		if err != nil {
			return err
		}
		items = append(items, item)
	}
	return s.putAll(ctx, "results", items)
}

// PutSchedule implements audit.ResultStore: every item is checked, then
// written in batches, each replacing its touchpoint's item whole (the
// last of a touchpoint's items in ds wins).
func (s *Store) PutSchedule(ctx context.Context, ds []audit.DueTouchpoint) error {
	last := map[[2]string]int{}
	for i := range ds {
		if err := ds[i].Validate(); err != nil {
			return err
		}
		if err := storable.Check(fmt.Sprintf("schedule[%d] (%s)", i, ds[i].TouchpointID), ds[i]); err != nil {
			return err
		}
		last[[2]string{ds[i].CompanyID, ds[i].TouchpointID}] = i
	}
	items := make([]map[string]types.AttributeValue, 0, len(last))
	for i, d := range ds {
		if last[[2]string{d.CompanyID, d.TouchpointID}] != i {
			continue
		}
		item, err := scheduleItem(d)
		if err != nil {
			return err
		}
		items = append(items, item)
	}
	return s.putAll(ctx, "schedule", items)
}

// ListResultHistory implements audit.ResultStore.
func (s *Store) ListResultHistory(ctx context.Context, companyID, touchpointID string, p audit.Page) ([]audit.Result, string, error) {
	if companyID == "" || touchpointID == "" {
		return nil, "", required("company id and touchpoint id")
	}
	return listResults(ctx, s, historyListing(companyID, touchpointID), p)
}

// GetResult implements audit.ResultStore.
func (s *Store) GetResult(ctx context.Context, id string) (*audit.Result, error) {
	if id == "" {
		return nil, required("result id")
	}
	var r audit.Result
	if err := s.get(ctx, resultPK(id), skResult, "result", id, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// ListResultsQueued implements audit.ResultStore, longest waiting first.
func (s *Store) ListResultsQueued(ctx context.Context, companyID string, q audit.Queue, p audit.Page) ([]audit.Result, string, error) {
	if companyID == "" || q == "" {
		return nil, "", required("company id and queue")
	}
	return listResults(ctx, s, queueListing(companyID, q), p)
}

// ListResultsByReview implements audit.ResultStore, in result id order.
func (s *Store) ListResultsByReview(ctx context.Context, reviewID string, p audit.Page) ([]audit.Result, string, error) {
	if reviewID == "" {
		return nil, "", required("review id")
	}
	return listResults(ctx, s, reviewResultsListing(reviewID), p)
}

func listResults(ctx context.Context, s *Store, l listing, p audit.Page) ([]audit.Result, string, error) {
	items, next, err := s.page(ctx, l, p)
	if err != nil {
		return nil, "", err
	}
	out := make([]audit.Result, len(items))
	for i, item := range items {
		if err := unmarshal(item, &out[i]); err != nil {
			return nil, "", err
		}
	}
	return out, next, nil
}

// ListDueTouchpoints implements audit.ResultStore: one Query of the sparse
// schedule index, sort keys before the date.
func (s *Store) ListDueTouchpoints(ctx context.Context, companyID string, before time.Time) ([]audit.DueTouchpoint, error) {
	if companyID == "" {
		return nil, required("company id")
	}
	items, err := s.all(ctx, dueListing(companyID, before))
	if err != nil {
		return nil, err
	}
	out := make([]audit.DueTouchpoint, len(items))
	for i, item := range items {
		if err := unmarshal(item, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}
