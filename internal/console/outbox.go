package console

import (
	"context"

	"touchaudit/internal/audit"
)

// SentMessage is one message a local run sent (SES stands in for it in
// AWS, where there is no outbox): internal/httpapi hands the outbox's
// messages over as these.
type SentMessage struct {
	Kind    string
	To      string
	Name    string
	Lang    audit.Lang
	Subject string
	Text    string
}

type outboxView struct {
	Messages []SentMessage
}

// Outbox renders the messages a local run sent to the company's people,
// newest first as given.
func (c *Console) Outbox(_ context.Context, v Viewer, msgs []SentMessage) ([]byte, error) {
	return render(c, v, outboxPage, outboxView{Messages: msgs})
}
