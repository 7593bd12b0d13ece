// Package ses is the workflow's Notifier on Amazon SES v2: each
// notification is composed as one person's email (internal/message: their
// address and language, plain text and HTML) and sent with SendEmail, at a
// bounded rate and at most once per idempotency key.
//
// # Once per message
//
// Before sending, the message's key (workflow.Notification.Key: what the
// message is about, never when it was made) is claimed in the ledger with a
// conditional put: pending, under a lease. A sent message is never claimed
// again, so a retried Lambda or state machine that makes the same
// notification sends nothing. A failed send is settled as failed and the
// next try of the same message claims it again.
//
// A sender that dies between its claim and its settle leaves the message
// pending until the lease runs out (Lease, longer than one send's bound).
// Another try before then sends nothing; one after it sends the message. If
// the dead sender's SendEmail had reached SES, that is a duplicate: we
// chose at-least-once after the lease over at-most-once, because SES has no
// idempotency token to ask, and a lost assignment costs more than a second
// copy of one.
//
// # Failures
//
// Notify returns a *SendError when SES refused or could not be reached
// (after the client's bounded retries), and an *audit.Error for an unknown
// recipient. The workflow logs them and goes on (workflow's deps.tell):
// sending never fails a step, and the ledger keeps the failed message for
// the next try.
package ses

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"touchaudit/internal/audit"
	"touchaudit/internal/message"
	"touchaudit/internal/workflow"
)

// API is the part of the SES v2 client the notifier uses.
type API interface {
	SendEmail(context.Context, *sesv2.SendEmailInput, ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error)
}

var _ API = (*sesv2.Client)(nil)

// SandboxSendRate is SES's maximum send rate in the sandbox, 1 message per
// second (Amazon SES developer guide, "Service quotas in Amazon SES"); a
// production account raises it, and SES_MAX_SEND_RATE follows.
const SandboxSendRate = 1.0

// DefaultLease is how long a claimed message stays another sender's: more
// than one SendEmail's bound (awsclient.Lambda: 7 s) and the settle after it.
const DefaultLease = 15 * time.Second

// settleTimeout bounds recording a send's outcome, which must be tried
// even when the caller's context has just run out.
const settleTimeout = 5 * time.Second

// Options configure a Notifier.
type Options struct {
	// From is the sender, an address or domain verified in SES (required).
	From string
	// ConfigurationSet, when set, names the SES configuration set (bounce
	// and complaint events).
	ConfigurationSet string
	// Rate bounds the messages per second this notifier sends (default
	// SandboxSendRate); Burst is how many may go at once (default 1).
	Rate  float64
	Burst int
	// Lease is DefaultLease when zero.
	Lease time.Duration
	// Log receives what was skipped or settled badly; nil is slog.Default().
	Log *slog.Logger
	// Now is the clock of claims (default the wall clock).
	Now func() time.Time
}

// Notifier sends notifications through SES v2.
type Notifier struct {
	client   API
	composer *message.Composer
	ledger   audit.MessageLedger
	o        Options
	bucket   *bucket
}

var _ workflow.Notifier = (*Notifier)(nil)

// New returns a notifier sending with client, composing with composer and
// recording each message in ledger.
func New(client API, composer *message.Composer, ledger audit.MessageLedger, o Options) *Notifier {
	if o.Rate <= 0 {
		o.Rate = SandboxSendRate
	}
	if o.Burst <= 0 {
		o.Burst = 1
	}
	if o.Lease <= 0 {
		o.Lease = DefaultLease
	}
	if o.Now == nil {
		o.Now = func() time.Time { return time.Now().UTC() }
	}
	return &Notifier{client: client, composer: composer, ledger: ledger, o: o, bucket: newBucket(o.Rate, o.Burst)}
}

// SendError is a message SES did not take. The ledger holds it as failed,
// and the next try of the same notification sends it.
type SendError struct {
	Key string
	To  string
	Err error
}

func (e *SendError) Error() string { return fmt.Sprintf("ses: send %s to %s: %v", e.Key, e.To, e.Err) }
func (e *SendError) Unwrap() error { return e.Err }

// Notify sends n once (see the package comment).
func (s *Notifier) Notify(ctx context.Context, n workflow.Notification) error {
	m, err := s.composer.Compose(ctx, n)
	var noAddr *message.NoAddress
	if errors.As(err, &noAddr) {
		s.log().WarnContext(ctx, "notification not sent: no email address", "kind", n.Kind, "to", n.To, "key", n.Key())
		return nil // no retry can change it
	}
	if err != nil {
		return err
	}
	if err := s.bucket.wait(ctx); err != nil {
		return err
	}
	owner := newOwner()
	now := s.o.Now()
	claimed, err := s.ledger.ClaimMessage(ctx, audit.MessageClaim{Key: m.Key, Owner: owner, At: now, LeaseUntil: now.Add(s.o.Lease)})
	if err != nil {
		return err
	}
	if !claimed {
		s.log().DebugContext(ctx, "notification already sent or being sent", "kind", n.Kind, "to", n.To, "key", m.Key)
		return nil
	}
	out, sendErr := s.client.SendEmail(ctx, s.input(m))
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	if sendErr != nil {
		if err := s.ledger.SettleMessage(sctx, m.Key, owner, audit.MessageFailed, sendErr.Error()); err != nil {
			s.log().WarnContext(ctx, "failed message not released; it is sent after its lease", "key", m.Key, "reason", err)
		}
		return &SendError{Key: m.Key, To: n.To, Err: sendErr}
	}
	if err := s.ledger.SettleMessage(sctx, m.Key, owner, audit.MessageSent, aws.ToString(out.MessageId)); err != nil {
		// Sent, but recorded only as pending: a retry after the lease
		// would send it again (the at-least-once case above).
		s.log().WarnContext(ctx, "sent message not recorded as sent", "key", m.Key, "reason", err)
	}
	return nil
}

func (s *Notifier) input(m message.Message) *sesv2.SendEmailInput {
	utf8 := func(v string) *types.Content {
		return &types.Content{Data: aws.String(v), Charset: aws.String("UTF-8")}
	}
	in := &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(s.o.From),
		Destination:      &types.Destination{ToAddresses: []string{m.To}},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: utf8(m.Subject),
			Body:    &types.Body{Text: utf8(m.Text), Html: utf8(m.HTML)},
			Headers: []types.MessageHeader{{Name: aws.String("X-Touchaudit-Key"), Value: aws.String(m.Key)}},
		}},
		EmailTags: []types.MessageTag{{Name: aws.String("kind"), Value: aws.String(string(m.Kind))}},
	}
	if s.o.ConfigurationSet != "" {
		in.ConfigurationSetName = aws.String(s.o.ConfigurationSet)
	}
	return in
}

func (s *Notifier) log() *slog.Logger {
	if s.o.Log != nil {
		return s.o.Log
	}
	return slog.Default()
}

func newOwner() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// bucket is a token bucket: rate tokens a second, at most burst saved.
type bucket struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(rate float64, burst int) *bucket {
	return &bucket{rate: rate, burst: float64(burst), tokens: float64(burst), last: time.Now()}
}

// wait takes a token, sleeping until one is there or ctx ends.
func (b *bucket) wait(ctx context.Context) error {
	b.mu.Lock()
	now := time.Now()
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	b.tokens-- // taken now; a negative balance is the queue ahead
	delay := time.Duration(0)
	if b.tokens < 0 {
		delay = time.Duration(-b.tokens / b.rate * float64(time.Second))
	}
	b.mu.Unlock()
	if delay == 0 {
		return nil
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		b.mu.Lock()
		b.tokens++ // give the unused token back
		b.mu.Unlock()
		return ctx.Err()
	}
}
