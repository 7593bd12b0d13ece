package notifier_test

import (
	"testing"

	"touchaudit/internal/lambdaenv/lambdaenvtest"
	"touchaudit/internal/lambdaenv/notifier"
	"touchaudit/internal/ses"
	"touchaudit/internal/workflow"
)

func TestNew_SESOnlyWithASender(t *testing.T) {
	if n := notifier.New(lambdaenvtest.Load(t, nil)); n != (workflow.LogNotifier{}) {
		t.Fatalf("without SES_FROM the notifier is %T, want the log notifier", n)
	}
	n := notifier.New(lambdaenvtest.Load(t, map[string]string{"SES_FROM": "audits@bank.example", "SES_MAX_SEND_RATE": "14"}))
	if _, ok := n.(*ses.Notifier); !ok {
		t.Fatalf("with SES_FROM the notifier is %T", n)
	}
}
