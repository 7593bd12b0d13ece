package dynamo

import (
	"context"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"touchaudit/internal/audit"
)

// Outgoing messages' idempotency records (internal/ses):
//
//	message  MESSAGE#<key>  MESSAGE  -  (ttl)
//
// with state (pending, sent, failed), owner, leaseUntil (sortTime, so
// that a condition compares it as a string) and detail.

var _ audit.MessageLedger = (*Store)(nil)

const skMessage = "MESSAGE"

func messagePK(key string) string { return "MESSAGE#" + key }

func messageItem(msgKey, owner string, state audit.MessageState, leaseUntil, detail string, ttl int64) map[string]types.AttributeValue {
	item := key(messagePK(msgKey), skMessage)
	item["entity"] = str("message")
	item["state"] = str(string(state))
	item["owner"] = str(owner)
	item["leaseUntil"] = str(leaseUntil)
	if detail != "" {
		item["detail"] = str(detail)
	}
	item["ttl"] = &types.AttributeValueMemberN{Value: strconv.FormatInt(ttl, 10)}
	return item
}

// ClaimMessage is one conditional PutItem: the record must be missing,
// failed, or pending with its lease run out.
func (s *Store) ClaimMessage(ctx context.Context, c audit.MessageClaim) (bool, error) {
	if c.Key == "" || c.Owner == "" {
		return false, required("message key and owner")
	}
	item := messageItem(c.Key, c.Owner, audit.MessagePending, sortTime(c.LeaseUntil), "", c.At.Add(audit.MessageTTL).Unix())
	state := expression.Name("state")
	cond := notExists().
		Or(state.Equal(expression.Value(string(audit.MessageFailed)))).
		Or(state.Equal(expression.Value(string(audit.MessagePending))).And(expression.Name("leaseUntil").LessThan(expression.Value(sortTime(c.At)))))
	ok, err := s.putIf(ctx, "claim message", item, cond)
	if err != nil || ok {
		return ok, err
	}
	// A lost response to our own put fails the SDK's retry's condition.
	own, _, err := s.holds(ctx, item)
	return own, err
}

// SettleMessage is a conditional PutItem on the claim's owner.
func (s *Store) SettleMessage(ctx context.Context, key, owner string, state audit.MessageState, detail string) error {
	stored, err := s.getItem(ctx, "settle message", messagePK(key), skMessage)
	if err != nil || stored == nil {
		return err
	}
	ttl := int64(0)
	if n, ok := stored["ttl"].(*types.AttributeValueMemberN); ok {
		ttl, _ = strconv.ParseInt(n.Value, 10, 64)
	}
	lease := ""
	if l, ok := stored["leaseUntil"].(*types.AttributeValueMemberS); ok {
		lease = l.Value
	}
	_, err = s.putIf(ctx, "settle message", messageItem(key, owner, state, lease, detail, ttl),
		expression.Name("owner").Equal(expression.Value(owner)))
	return err
}
