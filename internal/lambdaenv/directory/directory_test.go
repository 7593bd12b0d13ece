package directory_test

import (
	"testing"

	"touchaudit/internal/cognito"
	"touchaudit/internal/lambdaenv/directory"
	"touchaudit/internal/lambdaenv/lambdaenvtest"
)

func TestNew_OnlyWithAUserPool(t *testing.T) {
	if d := directory.New(lambdaenvtest.Load(t, nil)); d != nil {
		t.Fatalf("without USER_POOL_ID the directory is %#v, want none", d)
	}
	d := directory.New(lambdaenvtest.Load(t, map[string]string{"USER_POOL_ID": "eu-central-1_abc"}))
	if _, ok := d.(*cognito.Directory); !ok {
		t.Fatalf("with USER_POOL_ID the directory is %T", d)
	}
}
