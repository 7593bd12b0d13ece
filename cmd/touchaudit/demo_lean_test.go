package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// demoOnlyTags are the tags `make run` builds the demo with (Makefile RUN_TAGS).
const demoOnlyTags = "demoonly,lambda.norpc"

// TestDemoOnly_LinksNoAWSSDK keeps the first `make run` cheap: the demo-only
// build compiles every package it lists on a machine with an empty build
// cache, and the AWS SDK (about 180 packages with smithy-go), the Lambda
// runtime client and net/http with crypto/tls (about 80) are what made it
// take a minute or more on 2 cores. The one aws-lambda-go package left is
// the error shapes lambdafn names (type definitions, no code).
func TestDemoOnly_LinksNoAWSSDK(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-tags", demoOnlyTags, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	pkgs := strings.Fields(string(out))
	allowed := map[string]bool{"github.com/aws/aws-lambda-go/lambda/messages": true}
	for _, p := range pkgs {
		if (strings.HasPrefix(p, "github.com/aws/") && !allowed[p]) || p == "net/http" || p == "crypto/tls" {
			t.Errorf("the demo-only build imports %s: give the file that needs it //go:build !demoonly", p)
		}
	}
	// 150 packages when this was written, 413 for the whole CLI; 228 (with
	// net/http) took 18–64 s on 2 cores. The first run's budget is 60 s.
	if len(pkgs) > 180 {
		t.Errorf("the demo-only build imports %d packages, more than 180", len(pkgs))
	}
	t.Logf("demo-only build: %d packages", len(pkgs))
}

// TestDemoOnly_RunsTheDemo builds the CLI as `make run` does and runs the
// demo: the demo-only files compile, the demo works on the embedded store,
// the commands that need AWS are left out, and DYNAMODB_ENDPOINT gets a
// clear error rather than being ignored.
func TestDemoOnly_RunsTheDemo(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "touchaudit")
	if out, err := exec.Command("go", "build", "-tags", demoOnlyTags, "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build -tags %s: %v\n%s", demoOnlyTags, err, out)
	}
	demo := func(env ...string) (string, string, error) {
		cmd := exec.Command(bin, "demo", "--dir", repoRoot)
		cmd.Env = append(os.Environ(), env...)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		return stdout.String(), stderr.String(), err
	}

	stdout, stderr, err := demo("DYNAMODB_ENDPOINT=")
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr)
	}
	for _, want := range []string{"Store: embedded store (memstore)", "Journey map (median valuation, worst first)", "bank-pl.demo-2026-h2"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the demo's summary lacks %q:\n%s", want, stdout)
		}
	}

	_, stderr, err = demo("DYNAMODB_ENDPOINT=http://127.0.0.1:1")
	if code := exitCode(err); code != 1 || !strings.Contains(stderr, "go run ./cmd/touchaudit demo") {
		t.Errorf("demo with DYNAMODB_ENDPOINT: exit %d, %q; want exit 1 naming the full CLI", code, stderr)
	}

	out, err := exec.Command(bin, "local").CombinedOutput()
	if code := exitCode(err); code != 2 || !strings.Contains(string(out), `unknown command "local"`) {
		t.Errorf("local in the demo-only build: exit %d, %q; want exit 2, unknown command", code, out)
	}
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}
