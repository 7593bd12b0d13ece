package audit

import (
	"context"
	"time"
)

// MessageState is where one outgoing message is.
type MessageState string

const (
	// MessagePending: a sender claimed the message and is sending it.
	MessagePending MessageState = "pending"
	// MessageSent: the provider accepted it; it is never sent again.
	MessageSent MessageState = "sent"
	// MessageFailed: the send failed; the next try of the same message
	// claims it again.
	MessageFailed MessageState = "failed"
)

// MessageTTL is how long a message's record is kept: far longer than any
// retry of the step that made it (Step Functions retries within minutes,
// a review's sweep within a day).
const MessageTTL = 30 * Day

// MessageClaim is one sender's claim on one message.
type MessageClaim struct {
	// Key is the message's idempotency key.
	Key string
	// Owner tells this claim from another sender's (random per attempt).
	Owner string
	// At is when the claim was made; LeaseUntil is when another sender may
	// take a pending message over, its sender presumed dead.
	At, LeaseUntil time.Time
}

// MessageLedger records outgoing messages by key, so that a retried Lambda
// or state machine sends each message once (internal/ses).
type MessageLedger interface {
	// ClaimMessage records c as pending and returns true, unless the
	// message was sent or another claim on it is pending and unexpired:
	// then it returns false and the caller must not send.
	ClaimMessage(ctx context.Context, c MessageClaim) (bool, error)
	// SettleMessage records how owner's send ended: sent (detail is the
	// provider's message id) or failed (detail is the reason). A claim
	// taken over by another sender meanwhile is left alone.
	SettleMessage(ctx context.Context, key, owner string, state MessageState, detail string) error
}
