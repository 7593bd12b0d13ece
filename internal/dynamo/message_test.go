package dynamo_test

import (
	"testing"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/dynamo"
)

func TestStore_MessageClaimedOnceSentNeverAgain(t *testing.T) {
	client, _, table := newTable(t)
	s := dynamo.New(client, table)
	ctx := t.Context()
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	claim := func(owner string, at time.Time) bool {
		t.Helper()
		ok, err := s.ClaimMessage(ctx, audit.MessageClaim{Key: "k1", Owner: owner, At: at, LeaseUntil: at.Add(15 * time.Second)})
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !claim("a", at) {
		t.Fatal("the first claim was refused")
	}
	if claim("b", at.Add(time.Second)) {
		t.Fatal("a second sender claimed a message pending under an unexpired lease")
	}
	if !claim("c", at.Add(16*time.Second)) {
		t.Fatal("a pending message whose lease ran out was not taken over")
	}
	// a's send ends after c took over: its outcome is not recorded.
	if err := s.SettleMessage(ctx, "k1", "a", audit.MessageFailed, "timeout"); err != nil {
		t.Fatal(err)
	}
	if claim("d", at.Add(17*time.Second)) {
		t.Fatal("a's late settle released c's claim")
	}
	if err := s.SettleMessage(ctx, "k1", "c", audit.MessageFailed, "throttled"); err != nil {
		t.Fatal(err)
	}
	if !claim("e", at.Add(18*time.Second)) {
		t.Fatal("a failed message was not claimed again")
	}
	if err := s.SettleMessage(ctx, "k1", "e", audit.MessageSent, "msg-1"); err != nil {
		t.Fatal(err)
	}
	if claim("f", at.Add(time.Hour)) {
		t.Fatal("a sent message was claimed again")
	}
}
