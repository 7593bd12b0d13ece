package storetest

import (
	"testing"
	"time"

	"touchaudit/internal/audit"
)

// recordedAt and its expiry pin audit.SubmissionTTL (30 days) as stored:
// 2026-03-01T00:00:00Z is 1772323200 in epoch seconds, and 30 days later,
// 2026-03-31T00:00:00Z, is 1774915200.
var recordedAt = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

const receiptTTL = 1774915200

var expiryCases = []contractCase{
	{"an idempotency record is kept 30 days, then gone", func(t *testing.T, s audit.Store) {
		ttlReader, reads := s.(ReceiptTTLReader)
		clock, clocked := s.(Clocked)
		if !reads && !clocked {
			t.Fatalf("%s exposes neither its receipts' ttl attribute nor its clock: receipt expiry would go untested", backendName(s))
		}
		if clocked {
			clock.SetNow(recordedAt)
		}
		a := putAssigned(t, s, "a1")
		sub := newSubmission("sub-1", "hash-1", a, "w1")
		sub.At = recordedAt
		first, err := s.RecordSubmission(ctxOf(t), sub)
		must(t, err, "RecordSubmission")
		if reads {
			if got := ttlReader.ReceiptTTL(t, "sub-1"); got != receiptTTL {
				t.Fatalf("stored ttl = %d, want %d (2026-03-31T00:00:00Z, 30 days after recording)", got, receiptTTL)
			}
		}
		if !clocked {
			return
		}
		// At the ttl second the record is still there and replays.
		clock.SetNow(time.Unix(receiptTTL, 0))
		reopen(t, s)
		again, err := s.RecordSubmission(ctxOf(t), sub)
		must(t, err, "RecordSubmission(retry on the last day)")
		if !again.Replayed || again.RecordedAt != first.RecordedAt {
			t.Fatalf("retry at the ttl: %+v, want the first receipt replayed", again)
		}
		// One second later it is gone, as DynamoDB's TTL deletes it.
		clock.SetNow(time.Unix(receiptTTL+1, 0))
		_, err = s.GetReceipt(ctxOf(t), "sub-1")
		wantCode(t, err, audit.NotFound, "GetReceipt after the ttl")
		reopen(t, s)
		_, err = s.GetReceipt(ctxOf(t), "sub-1")
		wantCode(t, err, audit.NotFound, "GetReceipt after the ttl and a restart")
		// A late retry is no longer replayed: the assignment's version
		// refuses it, and nothing else of the submission is lost.
		_, err = s.RecordSubmission(ctxOf(t), sub)
		wantCode(t, err, audit.Conflict, "RecordSubmission after the ttl")
		w, err := s.GetWalkthrough(ctxOf(t), "w1")
		must(t, err, "GetWalkthrough after the ttl")
		sameJSON(t, w, sub.Walkthrough, "walkthrough after the ttl")
		stored, err := s.GetAssignment(ctxOf(t), "a1")
		must(t, err, "GetAssignment after the ttl")
		if stored.Version != a.Version+1 || stored.Status != audit.StatusSubmitted {
			t.Fatalf("assignment after the ttl: version %d status %s, want %d submitted", stored.Version, stored.Status, a.Version+1)
		}
	}},
}
