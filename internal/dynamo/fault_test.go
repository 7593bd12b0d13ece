package dynamo_test

import (
	"fmt"
	"testing"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/awsclient"
	"touchaudit/internal/dynamo"
	"touchaudit/internal/dynamo/dynamotest"
	"touchaudit/internal/faultproxy"
	"touchaudit/internal/motoserver"
	"touchaudit/internal/storetest"
)

// survived are the fault rates the store is shown to survive: every tenth
// response lost after DynamoDB applied the write, every tenth request a
// 500, every tenth throttled and one in twenty reset before it arrives.
var survived = faultproxy.Rates{Drop: 0.10, ServerError: 0.10, Throttle: 0.10, Reset: 0.05}

// newFaultyStore is a store on its own moto table, reached through a fault
// proxy with the clients functions use (awsclient.Lambda). The table is
// created directly; only the store's calls meet faults.
func newFaultyStore(t *testing.T, limits awsclient.Limits, rates faultproxy.Rates, seed uint64) (*dynamo.Store, *faultproxy.Proxy, *dynamo.Store) {
	t.Helper()
	client, _, table := newTable(t)
	p, err := faultproxy.Start(motoserver.Shared(t).Endpoint, rates, seed)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	faulty := limits.DynamoDB(limits.Local(), p.URL)
	return dynamo.New(&dynamotest.Isolated{API: faulty}, table), p, dynamo.New(client, table)
}

// retried calls f until it succeeds, as a client or Step Functions retries
// a failed call, and counts the failures.
func retried(t *testing.T, what string, failures *int, f func() error) {
	t.Helper()
	for try := 1; ; try++ {
		err := f()
		if err == nil {
			return
		}
		if !audit.IsCode(err, audit.Internal) || try == 5 {
			t.Fatalf("%s, try %d: %v", what, try, err)
		}
		*failures++
	}
}

func TestStore_RecordsEverySubmissionOnceUnderFaults(t *testing.T) {
	const n = 40
	ctx := t.Context()
	s, p, direct := newFaultyStore(t, awsclient.Lambda, survived, 1)
	failures := 0
	r := &audit.Review{ID: "r1", CompanyID: "bank", StandardVersion: "v2", Status: audit.ReviewRunning,
		Window: audit.Window{Opens: at, Closes: at.Add(30 * audit.Day)}, Assignments: n}
	if err := direct.CreateReview(ctx, r); err != nil {
		t.Fatal(err)
	}
	var as []audit.Assignment
	for i := range n {
		as = append(as, audit.Assignment{ID: fmt.Sprintf("a%02d", i), CompanyID: "bank", ReviewID: "r1", TouchpointID: "tp",
			AuditorID: "staff-001", Status: audit.StatusAssigned, Due: at.Add(time.Duration(i) * time.Hour), Walk: 1, UpdatedAt: at})
	}
	retried(t, "PutAssignments", &failures, func() error { return s.PutAssignments(ctx, as) })

	own, replayed := 0, 0
	for _, a := range as {
		next := a
		next.Status = audit.StatusSubmitted
		sub := audit.Submission{ID: "sub-" + a.ID, PayloadHash: "h-" + a.ID, Assignment: next, At: at,
			Walkthrough: audit.Walkthrough{ID: "w-" + a.ID, AssignmentID: a.ID, CompanyID: "bank", TouchpointID: "tp", AuditorID: "staff-001", StandardVersion: "v2"}}
		mine := 0
		// Each submission is sent twice, as a phone resyncing does; every
		// call that fails is sent again.
		for range 2 {
			var rc audit.Receipt
			retried(t, "RecordSubmission "+sub.ID, &failures, func() (err error) {
				rc, err = s.RecordSubmission(ctx, sub)
				return err
			})
			if rc.AssignmentVersion != 1 || rc.WalkthroughID != sub.Walkthrough.ID {
				t.Fatalf("receipt %+v", rc)
			}
			if rc.Replayed {
				replayed++
			} else {
				mine++
			}
		}
		if mine != 1 {
			t.Fatalf("submission %s: %d calls answered as the recording one, want 1", sub.ID, mine)
		}
		own++
		// Each audit counts itself done, and Step Functions may repeat it.
		for range 2 {
			retried(t, "MarkAssignmentDone "+a.ID, &failures, func() error {
				_, err := s.MarkAssignmentDone(ctx, "r1", a.ID)
				return err
			})
		}
	}

	// Read back without faults: nothing lost, nothing twice.
	got, err := direct.GetReview(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Done != 40 || !got.Complete() {
		t.Fatalf("review done %d of %d, want 40 of 40", got.Done, got.Assignments)
	}
	submitted, _, err := direct.ListAssignmentsByReview(ctx, "r1", audit.StatusSubmitted, audit.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(submitted) != 40 {
		t.Fatalf("%d assignments submitted, want 40", len(submitted))
	}
	for _, a := range submitted {
		if a.Version != 1 {
			t.Fatalf("assignment %s at version %d, want 1 (one state change)", a.ID, a.Version)
		}
		if _, err := direct.GetWalkthrough(ctx, "w-"+a.ID); err != nil {
			t.Fatalf("walkthrough of %s: %v", a.ID, err)
		}
	}
	if own != 40 || replayed != 40 {
		t.Fatalf("%d recorded and %d replayed, want 40 and 40", own, replayed)
	}
	c := p.Counts()
	if c.Dropped == 0 || c.ServerError == 0 || c.Throttled == 0 || c.Reset == 0 {
		t.Fatalf("not every fault was injected: %s", c)
	}
	t.Logf("survived %s; %d store calls failed after %d attempts and were retried by the caller", c, failures, awsclient.LambdaMaxAttempts)
}

// patient is awsclient.Lambda with 10 attempts. The contract suite expects
// every call to succeed and retries none, while with 3 attempts about one
// call in 23 meets three faults in a row at the survived rates (0.35³) and
// fails as an internal error, as it should. The suite under faults checks
// that no fault changes what a call did: nothing lost, nothing twice, no
// wrong code.
var patient = func() awsclient.Limits {
	l := awsclient.Lambda
	l.MaxAttempts = 10
	return l
}()

func TestStore_ContractUnderFaults(t *testing.T) {
	seed := uint64(0)
	var total faultproxy.Counts
	storetest.Run(t, func(t *testing.T) audit.Store {
		seed++
		s, p, direct := newFaultyStore(t, patient, survived, seed)
		t.Cleanup(func() {
			c := p.Counts()
			total.Requests += c.Requests
			total.Dropped += c.Dropped
			total.ServerError += c.ServerError
			total.Throttled += c.Throttled
			total.Reset += c.Reset
			total.Forwarded += c.Forwarded
		})
		return faultyStore{Store: s, direct: direct}
	})
	t.Logf("contract suite under faults: %s", total)
}

// faultyStore is the store behind the fault proxy; the contract suite's
// hooks read the table directly, past the faults.
type faultyStore struct {
	*dynamo.Store
	direct *dynamo.Store
}

var _ storetest.ReceiptTTLReader = faultyStore{}

func (f faultyStore) ReceiptTTL(t *testing.T, submissionID string) int64 {
	return receiptTTL(t, f.direct, submissionID)
}
