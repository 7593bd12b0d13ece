// Package functions_test smoke-tests every Lambda function in functions/:
// each one is built as a real bootstrap, started behind the local Runtime API
// (internal/lambdart) and invoked with its events from testdata/events, with
// DynamoDB served by moto_server. A function added later is covered without
// touching this file; one without a test event fails.
package functions_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"touchaudit/internal/dynamo"
	"touchaudit/internal/lambdart"
	"touchaudit/internal/motoserver"
)

const (
	eventsDir = "../testdata/events"
	region    = "us-east-1"
	// buildTimeout covers a cold build cache: the AWS SDK takes a while to
	// compile on a 2-core machine.
	buildTimeout = 5 * time.Minute
	// wantInvalidType is the errorType every <name>.invalid.json must produce.
	wantInvalidType = "InvalidInput"
)

// functionNames lists the directories under functions/ that hold a main package.
func functionNames(t *testing.T) []string {
	t.Helper()
	mains, err := filepath.Glob("*/main.go")
	if err != nil {
		t.Fatal(err)
	}
	if len(mains) == 0 {
		t.Fatal("no functions/*/main.go found")
	}
	var names []string
	for _, m := range mains {
		names = append(names, filepath.Dir(m))
	}
	return names
}

func TestSmoke_EveryFunctionThroughTheRuntimeAPI(t *testing.T) {
	names := functionNames(t)
	moto := motoserver.Shared(t)
	client := dynamodb.New(dynamodb.Options{
		Region:       region,
		BaseEndpoint: aws.String(moto.Endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	bin := t.TempDir()

	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			event, err := os.ReadFile(filepath.Join(eventsDir, name+".json"))
			if err != nil {
				t.Fatalf("every function needs a test event: %v (see testdata/events/README.md)", err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
			defer cancel()

			bootstrap := filepath.Join(bin, name, "bootstrap")
			if err := lambdart.Build(ctx, name, bootstrap); err != nil {
				t.Fatal(err)
			}
			table := "smoke-" + name
			if err := dynamo.EnsureTable(ctx, client, table); err != nil {
				t.Fatalf("create table %s in moto: %v", table, err)
			}
			fn, err := lambdart.Start(lambdart.Config{
				Bootstrap:    bootstrap,
				FunctionName: "touchaudit-" + name,
				Region:       region,
				Logs:         testLog{t},
				Env: []string{
					"TABLE_NAME=" + table,
					"DYNAMODB_ENDPOINT=" + moto.Endpoint,
					// Every other AWS client the function builds goes to moto too.
					"AWS_ENDPOINT_URL=" + moto.Endpoint,
					"AWS_ACCESS_KEY_ID=test",
					"AWS_SECRET_ACCESS_KEY=test",
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			defer fn.Close()

			out, err := fn.Invoke(ctx, event)
			if err != nil {
				t.Fatalf("invoke with %s.json: %v", name, err)
			}
			if !json.Valid(out) {
				t.Fatalf("response is not JSON: %q", out)
			}
			t.Logf("%s.json -> %s", name, out)

			invalid, err := os.ReadFile(filepath.Join(eventsDir, name+".invalid.json"))
			if errors.Is(err, os.ErrNotExist) {
				return
			} else if err != nil {
				t.Fatal(err)
			}
			_, err = fn.Invoke(ctx, invalid)
			var fe *lambdart.FunctionError
			if !errors.As(err, &fe) {
				t.Fatalf("invoke with %s.invalid.json: want a function error, got %v", name, err)
			}
			var doc struct {
				Type    string `json:"errorType"`
				Message string `json:"errorMessage"`
			}
			if err := json.Unmarshal(fe.Raw, &doc); err != nil {
				t.Fatalf("error is not in Lambda's shape: %s", fe.Raw)
			}
			if doc.Type != wantInvalidType || doc.Message == "" {
				t.Errorf("%s.invalid.json: got %s, want errorType %q with a message", name, fe.Raw, wantInvalidType)
			}
			t.Logf("%s.invalid.json -> %s", name, fe.Raw)
		})
	}
}

// TestSmoke_EveryFunctionIsDeployable checks what SAM needs for each function:
// a Makefile target build-<LogicalId> building functions/<name>, and that
// logical id in template.yaml as an AWS::Serverless::Function.
func TestSmoke_EveryFunctionIsDeployable(t *testing.T) {
	makefile, err := os.ReadFile("../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	template, err := os.ReadFile("../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range functionNames(t) {
		t.Run(name, func(t *testing.T) {
			re := regexp.MustCompile(`(?m)^build-(\w+):\s*\n\t\$\(call lambda-build,` + regexp.QuoteMeta(name) + `\)`)
			m := re.FindSubmatch(makefile)
			if m == nil {
				t.Fatalf("Makefile has no build-<LogicalId> target calling lambda-build,%s", name)
			}
			logicalID := string(m[1])
			res := regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(logicalID) + `:\s*\n    Type: AWS::Serverless::Function\b`)
			if !res.Match(template) {
				t.Errorf("template.yaml has no AWS::Serverless::Function %s (built by make build-%s)", logicalID, logicalID)
			}
		})
	}
}

// testLog sends a function's log lines to the test log.
type testLog struct{ t *testing.T }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
