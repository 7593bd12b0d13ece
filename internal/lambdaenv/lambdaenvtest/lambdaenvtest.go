// Package lambdaenvtest loads a lambdaenv.Env for the tests of lambdaenv's
// client packages: Lambda's variables with test credentials, plus vars.
package lambdaenvtest

import (
	"testing"

	"touchaudit/internal/lambdaenv"
)

// Load is lambdaenv.Load over the table "touchaudit" in eu-central-1 with
// test credentials and vars on top.
func Load(t *testing.T, vars map[string]string) *lambdaenv.Env {
	t.Helper()
	all := map[string]string{"TABLE_NAME": "touchaudit", "AWS_REGION": "eu-central-1",
		"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"}
	for k, v := range vars {
		all[k] = v
	}
	e, err := lambdaenv.Load(t.Context(), func(k string) string { return all[k] })
	if err != nil {
		t.Fatal(err)
	}
	return e
}
