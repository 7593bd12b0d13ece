package lambdaenv

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"touchaudit/internal/cognito"
	"touchaudit/internal/ses"
	"touchaudit/internal/workflow"
)

func TestEnv_NotifierDirectoryAndSignInFollowTheVariables(t *testing.T) {
	bare, err := newEnv(aws.Config{Region: "eu-central-1"}, env(map[string]string{"TABLE_NAME": "touchaudit"}))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := bare.Notifier().(workflow.LogNotifier); !ok {
		t.Fatalf("without SES_FROM the notifier is %T, want the log notifier", bare.Notifier())
	}
	if bare.Directory() != nil || bare.SignIn() != nil {
		t.Fatal("without USER_POOL_ID and COGNITO_DOMAIN there is no directory and no managed login")
	}
	full, err := newEnv(aws.Config{Region: "eu-central-1"}, env(map[string]string{"TABLE_NAME": "touchaudit", "SES_FROM": "audits@bank.example",
		"USER_POOL_ID": "eu-central-1_abc", "COGNITO_DOMAIN": "https://touchaudit-dev.auth.eu-central-1.amazoncognito.com",
		"USER_POOL_CLIENT_ID": "client-1", "APP_URL": "https://audit.example/"}))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := full.Notifier().(*ses.Notifier); !ok {
		t.Fatalf("with SES_FROM the notifier is %T", full.Notifier())
	}
	if _, ok := full.Directory().(*cognito.Directory); !ok {
		t.Fatalf("with USER_POOL_ID the directory is %T", full.Directory())
	}
	if s := full.SignIn(); s == nil || s.ClientID != "client-1" || s.RedirectURI != "https://audit.example/" {
		t.Fatalf("sign-in %+v", s)
	}
	// The console shell's CSP origin (console.NewShell), whichever function serves it.
	if o, none := full.SignIn().Origin(), bare.SignIn().Origin(); o != "https://touchaudit-dev.auth.eu-central-1.amazoncognito.com" || none != "" {
		t.Fatalf("sign-in origins %q and %q (without COGNITO_DOMAIN)", o, none)
	}
}
