// Package outbox is the workflow's Notifier for `touchaudit local`: it
// composes every notification exactly as the SES notifier would
// (internal/message), keeps the messages in memory, once per idempotency
// key, and prints each one as it is "sent". The console lists them through
// GET /api/outbox (internal/httpapi, leads only).
package outbox

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"

	"touchaudit/internal/message"
	"touchaudit/internal/workflow"
)

// Outbox keeps the messages a local run sent.
type Outbox struct {
	composer *message.Composer
	w        io.Writer
	mu       sync.Mutex
	sent     []message.Message
	seen     map[string]bool
}

var _ workflow.Notifier = (*Outbox)(nil)

// New returns an outbox composing with the company store, linking into
// appURL ("" for no links) and printing each message to w (nil prints
// nothing).
func New(companies message.Companies, appURL string, w io.Writer) *Outbox {
	return &Outbox{composer: message.NewComposer(companies, appURL), w: w, seen: map[string]bool{}}
}

// Notify composes n and keeps it, unless a message with its key was sent
// already (a retried step). A recipient without an address is skipped, as
// in AWS.
func (o *Outbox) Notify(ctx context.Context, n workflow.Notification) error {
	m, err := o.composer.Compose(ctx, n)
	if _, noAddr := err.(*message.NoAddress); noAddr {
		return nil
	}
	if err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.seen[m.Key] {
		return nil
	}
	o.seen[m.Key] = true
	o.sent = append(o.sent, m)
	if o.w != nil {
		fmt.Fprintf(o.w, "\n--- outbox: %s to %s <%s> (%s, %s)\nSubject: %s\n\n%s\n", m.Kind, m.Name, m.To, m.Lang, m.Key, m.Subject, m.Text)
	}
	return nil
}

// Sent lists the company's messages, oldest first.
func (o *Outbox) Sent(companyID string) []message.Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.DeleteFunc(slices.Clone(o.sent), func(m message.Message) bool { return m.CompanyID != companyID })
}
