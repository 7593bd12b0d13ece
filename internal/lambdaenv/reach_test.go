package lambdaenv

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func TestEnv_SignInFollowsTheVariables(t *testing.T) {
	bare, err := newEnv(aws.Config{Region: "eu-central-1"}, env(map[string]string{"TABLE_NAME": "touchaudit"}))
	if err != nil {
		t.Fatal(err)
	}
	if bare.SignIn() != nil {
		t.Fatal("without COGNITO_DOMAIN there is no managed login")
	}
	full, err := newEnv(aws.Config{Region: "eu-central-1"}, env(map[string]string{"TABLE_NAME": "touchaudit",
		"COGNITO_DOMAIN":      "https://touchaudit-dev.auth.eu-central-1.amazoncognito.com",
		"USER_POOL_CLIENT_ID": "client-1", "APP_URL": "https://audit.example/"}))
	if err != nil {
		t.Fatal(err)
	}
	if s := full.SignIn(); s == nil || s.ClientID != "client-1" || s.RedirectURI != "https://audit.example/" {
		t.Fatalf("sign-in %+v", s)
	}
	// The console shell's CSP origin (console.NewShell), whichever function serves it.
	if o, none := full.SignIn().Origin(), bare.SignIn().Origin(); o != "https://touchaudit-dev.auth.eu-central-1.amazoncognito.com" || none != "" {
		t.Fatalf("sign-in origins %q and %q (without COGNITO_DOMAIN)", o, none)
	}
}
