// Package notifier builds the notifier of a function whose role may send
// e-mail through SES (internal/lambdaenv).
//
// Variables:
//
//	SES_FROM               the notifications' sender; unset: notifications are only logged
//	SES_ENDPOINT           another SES v2 API (moto)
//	SES_MAX_SEND_RATE      messages per second per function instance (default 1, the sandbox's)
//	SES_CONFIGURATION_SET  the SES configuration set of every message (optional)
//	APP_URL                the form's address, for links in messages
package notifier

import (
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"touchaudit/internal/awsclient"
	"touchaudit/internal/lambdaenv"
	"touchaudit/internal/message"
	"touchaudit/internal/ses"
	"touchaudit/internal/workflow"
)

// New is the SES notifier when SES_FROM is set (its idempotency records in
// the table), else the log notifier.
func New(e *lambdaenv.Env) workflow.Notifier {
	from := e.Getenv("SES_FROM")
	if from == "" {
		return workflow.LogNotifier{}
	}
	endpoint := e.Getenv("SES_ENDPOINT")
	client := sesv2.NewFromConfig(awsclient.Lambda.Config(e.AWS()), func(o *sesv2.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	rate, _ := strconv.ParseFloat(e.Getenv("SES_MAX_SEND_RATE"), 64)
	return ses.New(client, message.NewComposer(e.Store(), e.Getenv("APP_URL")), e.Store(),
		ses.Options{From: from, ConfigurationSet: e.Getenv("SES_CONFIGURATION_SET"), Rate: rate})
}
