package dynamo_test

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"touchaudit/internal/audit"
	"touchaudit/internal/dynamo"
	"touchaudit/internal/dynamo/dynamotest"
)

// conflicting cancels the first n transactions the way DynamoDB does when
// another transaction holds one of the items (TransactionConflict, nothing
// written), which moto never does: it does not isolate transactions at all.
// Then it can lose the responses of the next transactions it applies, the
// way a dropped connection or a timed-out attempt does: with sdkRetry the
// same request is sent again, as the SDK's retryer does, and its answer
// returned; without, the caller gets the error the SDK gives up with.
type conflicting struct {
	dynamo.API
	left     atomic.Int64
	lose     atomic.Int64
	sdkRetry bool
	calls    atomic.Int64
	applied  atomic.Int64
}

// errLost is what the SDK returns when every attempt's response was lost.
var errLost = errors.New("operation error DynamoDB: TransactWriteItems, exceeded maximum number of attempts, 3, https response error: read: connection reset by peer")

func (c *conflicting) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	c.calls.Add(1)
	if c.left.Add(-1) >= 0 {
		reasons := make([]types.CancellationReason, len(in.TransactItems))
		for i := range reasons {
			reasons[i].Code = aws.String("None")
		}
		reasons[len(reasons)-1].Code = aws.String("TransactionConflict")
		return nil, &types.TransactionCanceledException{Message: aws.String("Transaction cancelled"), CancellationReasons: reasons}
	}
	out, err := c.API.TransactWriteItems(ctx, in, o...)
	if err != nil || c.lose.Add(-1) < 0 {
		return out, err
	}
	c.applied.Add(1)
	if c.sdkRetry {
		return c.API.TransactWriteItems(ctx, in, o...)
	}
	return nil, errLost
}

func newConflicting(t *testing.T, conflicts int64) (*dynamo.Store, *conflicting) {
	client, _, table := newTable(t)
	c := &conflicting{API: &dynamotest.Isolated{API: client}}
	c.left.Store(conflicts)
	return dynamo.New(c, table), c
}

var at = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestRecordSubmission_RetriesTransactionConflicts(t *testing.T) {
	for _, tc := range []struct {
		name     string
		lose     int64
		sdkRetry bool
		applied  int64
	}{
		{"every response arrives", 0, false, 0},
		{"the success's response is lost and the SDK's retry fails the conditions", 1, true, 1},
		{"every response is lost until the SDK gives up", 1, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			s, c := newConflicting(t, 3)
			c.lose.Store(tc.lose)
			c.sdkRetry = tc.sdkRetry
			a := audit.Assignment{ID: "a1", CompanyID: "bank", ReviewID: "r1", TouchpointID: "tp", AuditorID: "staff-001",
				Status: audit.StatusAssigned, Due: at, Walk: 1, UpdatedAt: at}
			if err := s.PutAssignments(ctx, []audit.Assignment{a}); err != nil {
				t.Fatal(err)
			}
			next := a
			next.Status = audit.StatusSubmitted
			sub := audit.Submission{ID: "sub-1", PayloadHash: "h", Assignment: next, At: at,
				Walkthrough: audit.Walkthrough{ID: "w1", AssignmentID: "a1", CompanyID: "bank", TouchpointID: "tp", AuditorID: "staff-001", StandardVersion: "v2"}}
			rc, err := s.RecordSubmission(ctx, sub)
			if err != nil {
				t.Fatalf("RecordSubmission after 3 conflicts: %v", err)
			}
			if rc.Replayed || rc.AssignmentVersion != 1 || rc.WalkthroughID != "w1" || !rc.RecordedAt.Equal(at) {
				t.Fatalf("receipt %+v, want this call's own recording at version 1 (not a replay)", rc)
			}
			if got := c.calls.Load(); got != 4 {
				t.Fatalf("%d TransactWriteItems calls, want 4 (3 conflicts and a success)", got)
			}
			if got := c.applied.Load(); got != tc.applied {
				t.Fatalf("%d responses lost after applying, want %d", got, tc.applied)
			}
			stored, err := s.GetAssignment(ctx, "a1")
			if err != nil || stored.Version != 1 || stored.Status != audit.StatusSubmitted {
				t.Fatalf("stored assignment %+v, %v; want version 1 submitted", stored, err)
			}
			// Another call with the same submission is a replay of that receipt.
			again, err := s.RecordSubmission(ctx, sub)
			if err != nil || !again.Replayed || again.AssignmentVersion != 1 {
				t.Fatalf("a second call = %+v, %v; want a replay of version 1", again, err)
			}
		})
	}
}

func TestRecordSubmission_GivesUpOnEndlessConflictsWithConflict(t *testing.T) {
	ctx := t.Context()
	s, _ := newConflicting(t, 1000)
	a := audit.Assignment{ID: "a1", CompanyID: "bank", ReviewID: "r1", TouchpointID: "tp", AuditorID: "staff-001",
		Status: audit.StatusAssigned, Due: at, Walk: 1, UpdatedAt: at}
	if err := s.PutAssignments(ctx, []audit.Assignment{a}); err != nil {
		t.Fatal(err)
	}
	sub := audit.Submission{ID: "sub-1", PayloadHash: "h", Assignment: a, At: at, Walkthrough: audit.Walkthrough{ID: "w1"}}
	_, err := s.RecordSubmission(ctx, sub)
	if !audit.IsCode(err, audit.Conflict) {
		t.Fatalf("RecordSubmission under endless conflicts = %v, want conflict", err)
	}
}

func TestMarkAssignmentDone_RetriesTransactionConflicts(t *testing.T) {
	ctx := t.Context()
	s, c := newConflicting(t, 2)
	r := &audit.Review{ID: "r1", CompanyID: "bank", StandardVersion: "v2", Status: audit.ReviewRunning,
		Window: audit.Window{Opens: at, Closes: at.Add(audit.Day)}, Assignments: 1}
	if err := s.CreateReview(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := s.MarkAssignmentDone(ctx, "r1", "a1")
	if err != nil {
		t.Fatalf("MarkAssignmentDone after 2 conflicts: %v", err)
	}
	if got.Done != 1 || !got.Complete() || c.calls.Load() != 3 {
		t.Fatalf("done=%d complete=%v after %d calls; want 1, true, 3", got.Done, got.Complete(), c.calls.Load())
	}
}

// BenchmarkRecordSubmission measures one submission transaction on moto
// (a fresh assignment each time, so every call records). On moto the cost
// grows with the table, since moto deep-copies the whole table for every
// transaction (about 1 ms per 3 items on 2 cores: 22 ms/op at 20 ops, 65 at
// 60); it measures the store's overhead and moto, not DynamoDB, whose
// transactions take a few milliseconds whatever the table size.
func BenchmarkRecordSubmission(b *testing.B) {
	client, _, table := newTable(b)
	s := dynamo.New(client, table)
	ctx := b.Context()
	var as []audit.Assignment
	for i := range b.N {
		as = append(as, audit.Assignment{ID: "a" + itoa(i), CompanyID: "bank", ReviewID: "r1", TouchpointID: "tp",
			AuditorID: "staff-001", Status: audit.StatusAssigned, Due: at, Walk: 1, UpdatedAt: at})
	}
	if err := s.PutAssignments(ctx, as); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		next := as[i]
		next.Status = audit.StatusSubmitted
		sub := audit.Submission{ID: "sub-" + itoa(i), PayloadHash: "h", Assignment: next, At: at,
			Walkthrough: audit.Walkthrough{ID: "w-" + itoa(i), AssignmentID: next.ID, CompanyID: "bank", TouchpointID: "tp", AuditorID: "staff-001", StandardVersion: "v2"}}
		if _, err := s.RecordSubmission(ctx, sub); err != nil {
			b.Fatal(err)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// losingPuts applies the next PutItem and loses its response; the SDK's
// retry sends it again and gets the failed condition.
type losingPuts struct {
	dynamo.API
	lose atomic.Int64
}

func (l *losingPuts) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	out, err := l.API.PutItem(ctx, in, o...)
	if err != nil || l.lose.Add(-1) < 0 {
		return out, err
	}
	return l.API.PutItem(ctx, in, o...)
}

func TestUpdateAssignment_RecognisesItsOwnWriteWhenTheResponseWasLost(t *testing.T) {
	ctx := t.Context()
	client, _, table := newTable(t)
	l := &losingPuts{API: client}
	s := dynamo.New(l, table)
	a := audit.Assignment{ID: "a1", CompanyID: "bank", ReviewID: "r1", TouchpointID: "tp", AuditorID: "staff-001",
		Status: audit.StatusAssigned, Due: at, Walk: 1, UpdatedAt: at}
	if err := s.PutAssignments(ctx, []audit.Assignment{a}); err != nil {
		t.Fatal(err)
	}
	a.Reminders = 1
	l.lose.Store(1)
	if err := s.UpdateAssignment(ctx, &a); err != nil {
		t.Fatalf("UpdateAssignment whose response was lost: %v, want success (its own write)", err)
	}
	if a.Version != 1 {
		t.Fatalf("version %d, want 1", a.Version)
	}
	stale := a
	stale.Version, stale.Reminders = 0, 2
	if err := s.UpdateAssignment(ctx, &stale); !audit.IsCode(err, audit.Conflict) {
		t.Fatalf("a stale update with other content = %v, want conflict", err)
	}
	got, err := s.GetAssignment(ctx, "a1")
	if err != nil || got.Version != 1 || got.Reminders != 1 {
		t.Fatalf("stored %+v, %v; want version 1 with 1 reminder", got, err)
	}
}

func TestCreateReview_RecognisesItsOwnWriteWhenTheResponseWasLost(t *testing.T) {
	ctx := t.Context()
	client, _, table := newTable(t)
	l := &losingPuts{API: client}
	s := dynamo.New(l, table)
	r := audit.Review{ID: "bank-r1", CompanyID: "bank", Name: "Review", Status: audit.ReviewRunning, StandardVersion: "v1",
		Window: audit.Window{Opens: at, Closes: at.Add(14 * audit.Day)}}
	l.lose.Store(1)
	if err := s.CreateReview(ctx, &r); err != nil {
		t.Fatalf("CreateReview whose response was lost: %v, want success (its own write)", err)
	}
	same := r
	if err := s.CreateReview(ctx, &same); !audit.IsCode(err, audit.Conflict) {
		t.Fatalf("creating the same review again in another call = %v, want conflict", err)
	}
	got, err := s.GetReview(ctx, r.ID)
	if err != nil || got.Name != "Review" {
		t.Fatalf("stored %+v, %v", got, err)
	}
}
