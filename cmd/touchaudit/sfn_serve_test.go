package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"touchaudit/internal/asl"
	"touchaudit/internal/lambdart"
)

// awsCLI runs `aws stepfunctions` against a local endpoint with dummy
// credentials and no retries, so that an error answers at once.
type awsCLI struct {
	bin, endpoint string
}

// newAWSCLI finds the AWS CLI. A missing CLI fails the test; outside CI,
// TOUCHAUDIT_SKIP_AWSCLI=1 skips it instead (as TOUCHAUDIT_SKIP_MOTO does
// for moto).
func newAWSCLI(t *testing.T, endpoint string) *awsCLI {
	t.Helper()
	bin, err := exec.LookPath("aws")
	if err != nil {
		if os.Getenv("TOUCHAUDIT_SKIP_AWSCLI") == "1" && os.Getenv("CI") == "" {
			t.Skip("TOUCHAUDIT_SKIP_AWSCLI=1: AWS CLI test skipped (never allowed in CI)")
		}
		t.Fatalf("the AWS CLI (aws) must be installed; in CI a missing CLI fails the run: %v", err)
	}
	return &awsCLI{bin: bin, endpoint: endpoint}
}

// cliError is a failed CLI call: its exit code and stderr.
type cliError struct {
	code   int
	stderr string
}

func (e *cliError) Error() string { return fmt.Sprintf("exit %d: %s", e.code, e.stderr) }

// call runs one operation and decodes its JSON output into a map.
func (c *awsCLI) call(args ...string) (map[string]any, error) {
	cmd := exec.Command(c.bin, append(append([]string{"stepfunctions"}, args...), "--endpoint-url", c.endpoint, "--output", "json")...)
	cmd.Env = append(os.Environ(),
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_SESSION_TOKEN=", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=", "AWS_MAX_ATTEMPTS=1",
		// TestState's endpoint carries the host prefix "sync-", which
		// 127.0.0.1 cannot take (see README, "sfn serve").
		"AWS_DISABLE_HOST_PREFIX_INJECTION=true")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, &cliError{code: ee.ExitCode(), stderr: stderr.String()}
		}
		return nil, err
	}
	out := map[string]any{}
	if strings.TrimSpace(stdout.String()) == "" {
		return out, nil
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return nil, fmt.Errorf("output is not JSON: %v: %s", err, stdout.String())
	}
	return out, nil
}

func (c *awsCLI) must(t *testing.T, args ...string) map[string]any {
	t.Helper()
	out, err := c.call(args...)
	if err != nil {
		t.Fatalf("aws stepfunctions %s: %v", args[0], err)
	}
	return out
}

// wantCLIError checks that a call failed with the AWS error code.
func (c *awsCLI) wantError(t *testing.T, code string, args ...string) string {
	t.Helper()
	_, err := c.call(args...)
	var ce *cliError
	if !errors.As(err, &ce) || !strings.Contains(ce.stderr, "("+code+")") {
		t.Fatalf("aws stepfunctions %s: got %v, want error %s", args[0], err, code)
	}
	return ce.stderr
}

// waitForStatus polls describe-execution until the execution has left
// RUNNING (the server runs in real time).
func (c *awsCLI) waitForStatus(t *testing.T, arn string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		d := c.must(t, "describe-execution", "--execution-arn", arn)
		if d["status"] != "RUNNING" || time.Now().After(deadline) {
			return d
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// startSFNServe runs `touchaudit sfn serve` in process on a free port and
// returns its endpoint; the server stops at cleanup.
func startSFNServe(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		done <- serveSFN(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), pw, &stderr)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("sfn serve printed no endpoint (exit %d): %v %s", <-done, err, stderr.String())
	}
	go io.Copy(io.Discard, pr)
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("sfn serve exited %d: %s", code, stderr.String())
		}
	})
	endpoint, ok := strings.CutPrefix(strings.TrimSpace(line), "endpoint: ")
	if !ok || !strings.HasPrefix(endpoint, "http://127.0.0.1:") {
		t.Fatalf("first line %q, want endpoint: http://127.0.0.1:PORT", line)
	}
	return endpoint
}

func readRepoFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../..", path))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSfnServe_AWSCLI drives `touchaudit sfn serve` with the AWS CLI, with
// the project's review state machine, a definition written from AWS's
// examples, and a callback task run by a real bootstrap.
func TestSfnServe_AWSCLI(t *testing.T) {
	dir := t.TempDir()
	bootstrap := filepath.Join(dir, "bootstrap")
	if err := lambdart.Build(context.Background(), "../../internal/lambdart/testdata/handler", bootstrap); err != nil {
		t.Fatal(err)
	}
	endpoint := startSFNServe(t, "--mock-config", "../../statemachines/MockConfigFile.json", "--function", "fixture="+bootstrap)
	aws := newAWSCLI(t, endpoint)
	const role = "arn:aws:iam::123456789012:role/sfn"

	subs, err := asl.SAMSubstitutions([]byte(readRepoFile(t, "template.yaml")), "ReviewStateMachine")
	if err != nil {
		t.Fatal(err)
	}
	review, err := asl.Substitute(readRepoFile(t, "statemachines/review.asl.json"), subs)
	if err != nil {
		t.Fatal(err)
	}
	orders := readRepoFile(t, "cmd/touchaudit/testdata/sfnserve/orders.asl.json")
	callback := `{"StartAt":"AskPhone","States":{"AskPhone":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
	  "Parameters":{"FunctionName":"fixture","Payload":{"value":"ping","token.$":"$$.Task.Token"}},"TimeoutSeconds":600,"End":true}}}`
	waits := `{"StartAt":"Long","States":{"Long":{"Type":"Wait","Seconds":3600,"End":true}}}`

	t.Run("validate", func(t *testing.T) {
		for _, def := range []string{review, orders, callback} {
			if out := aws.must(t, "validate-state-machine-definition", "--definition", def); out["result"] != "OK" || len(out["diagnostics"].([]any)) != 0 {
				t.Errorf("valid definition: %v", out)
			}
		}
		out := aws.must(t, "validate-state-machine-definition", "--definition",
			`{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Gone","Retry":[]},"B":{"Type":"Succeed"}}}`)
		var got []string
		for _, d := range out["diagnostics"].([]any) {
			d := d.(map[string]any)
			got = append(got, fmt.Sprintf("%s %s %s @%v", d["severity"], d["code"], d["message"], d["location"]))
		}
		want := []string{
			"ERROR SCHEMA_VALIDATION_FAILED Field 'Retry' is not supported @/States/A",
			"ERROR MISSING_TRANSITION_TARGET Missing 'Next' target: Gone @/States/A/Next",
			`ERROR MISSING_TRANSITION_TARGET State "B" is not reachable. @/States/B`,
		}
		if out["result"] != "FAIL" || strings.Join(got, "\n") != strings.Join(want, "\n") || out["truncated"] != false {
			t.Errorf("invalid definition: result %v truncated %v\n%s", out["result"], out["truncated"], strings.Join(got, "\n"))
		}
		out = aws.must(t, "validate-state-machine-definition", "--definition", `{"StartAt":`)
		if d := out["diagnostics"].([]any); out["result"] != "FAIL" || len(d) != 1 || d[0].(map[string]any)["code"] != "INVALID_JSON_DESCRIPTION" {
			t.Errorf("not JSON: %v", out)
		}
		stderr := aws.wantError(t, "InvalidDefinition", "create-state-machine", "--name", "broken", "--role-arn", role,
			"--definition", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Gone"}}}`)
		if !strings.Contains(stderr, "MISSING_TRANSITION_TARGET: Missing 'Next' target: Gone at /States/A/Next") {
			t.Errorf("create-state-machine with a missing target: %s", stderr)
		}
	})

	arns := map[string]string{}
	for name, def := range map[string]string{"review": review, "orders": orders, "callback": callback, "waits": waits} {
		arns[name] = aws.must(t, "create-state-machine", "--name", name, "--role-arn", role, "--definition", def)["stateMachineArn"].(string)
	}

	t.Run("review with its mock test case", func(t *testing.T) {
		ex := aws.must(t, "start-execution", "--state-machine-arn", arns["review"]+"#HappyPath", "--name", "h2",
			"--input", readRepoFile(t, "testdata/sfn/review-input.json"))
		if d := aws.waitForStatus(t, ex["executionArn"].(string)); d["status"] != "SUCCEEDED" {
			t.Errorf("review HappyPath: %v", d)
		}
	})

	t.Run("orders, a definition nobody here wrote", func(t *testing.T) {
		ex := aws.must(t, "start-execution", "--state-machine-arn", arns["orders"], "--name", "o-7",
			"--input", readRepoFile(t, "cmd/touchaudit/testdata/sfnserve/orders-input.json"))
		arn := ex["executionArn"].(string)
		d := aws.waitForStatus(t, arn)
		// The ResultSelector's keys in Java HashMap order, as AWS prints a
		// JSONPath template's object.
		if d["status"] != "SUCCEEDED" || d["output"] != `{"skus":["A-1","B-2"],"orderId":"order-7","totals":[2,11],"message":"Thank you, Zofia!"}` {
			t.Fatalf("orders: %v", d)
		}
		full := aws.must(t, "get-execution-history", "--execution-arn", arn)["events"].([]any)
		if len(full) != 32 {
			t.Errorf("%d events, want 32", len(full))
		}
		first := full[0].(map[string]any)["executionStartedEventDetails"].(map[string]any)
		if first["input"] == nil || first["roleArn"] != role {
			t.Errorf("ExecutionStarted with data: %v", first)
		}
		lean := aws.must(t, "get-execution-history", "--execution-arn", arn, "--no-include-execution-data")["events"].([]any)
		if len(lean) != len(full) {
			t.Fatalf("%d events without data, want %d", len(lean), len(full))
		}
		for _, ev := range lean {
			for k, v := range ev.(map[string]any) {
				if details, ok := v.(map[string]any); ok && strings.HasSuffix(k, "EventDetails") && (details["input"] != nil || details["output"] != nil) {
					t.Errorf("--no-include-execution-data: %s still has %v", k, details)
				}
			}
		}
		// --max-results turns the CLI's own paging off: one page and a token.
		page := aws.must(t, "get-execution-history", "--execution-arn", arn, "--max-results", "10", "--reverse-order")
		token, _ := page["nextToken"].(string)
		if len(page["events"].([]any)) != 10 || token == "" || page["events"].([]any)[0].(map[string]any)["type"] != "ExecutionSucceeded" {
			t.Fatalf("first page: %d events, token %q", len(page["events"].([]any)), token)
		}
		next := aws.must(t, "get-execution-history", "--execution-arn", arn, "--max-results", "10", "--reverse-order", "--next-token", token)
		if id := next["events"].([]any)[0].(map[string]any)["id"]; id != float64(22) {
			t.Errorf("second page starts at event %v, want 22", id)
		}
		// --page-size lets the CLI follow the tokens itself.
		if all := aws.must(t, "get-execution-history", "--execution-arn", arn, "--page-size", "7")["events"].([]any); len(all) != 32 {
			t.Errorf("paged by the CLI: %d events, want 32", len(all))
		}
		list := aws.must(t, "list-executions", "--state-machine-arn", arns["orders"], "--status-filter", "SUCCEEDED")["executions"].([]any)
		if len(list) != 1 || list[0].(map[string]any)["name"] != "o-7" {
			t.Errorf("list-executions: %v", list)
		}
	})

	t.Run("callback: idempotent start, task token", func(t *testing.T) {
		args := []string{"start-execution", "--state-machine-arn", arns["callback"], "--name", "phone-1", "--input", `{"walk":1}`}
		first := aws.must(t, args...)
		again := aws.must(t, args...)
		if first["executionArn"] != again["executionArn"] || first["startDate"] != again["startDate"] {
			t.Errorf("the same start while running: %v then %v", first, again)
		}
		aws.wantError(t, "ExecutionAlreadyExists", "start-execution", "--state-machine-arn", arns["callback"], "--name", "phone-1", "--input", `{"walk":2}`)
		arn := first["executionArn"].(string)
		// The token is in the task's parameters (TaskScheduled); the
		// function has it once the task is submitted (TaskSubmitted).
		var token string
		for deadline := time.Now().Add(30 * time.Second); token == "" && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			var params struct{ Payload struct{ Token string } }
			submitted := false
			for _, ev := range aws.must(t, "get-execution-history", "--execution-arn", arn)["events"].([]any) {
				ev := ev.(map[string]any)
				if s, ok := ev["taskScheduledEventDetails"].(map[string]any); ok {
					_ = json.Unmarshal([]byte(s["parameters"].(string)), &params)
				}
				submitted = submitted || ev["type"] == "TaskSubmitted"
			}
			if submitted {
				token = params.Payload.Token
			}
		}
		if token == "" {
			t.Fatal("the callback task was never submitted")
		}
		aws.must(t, "send-task-heartbeat", "--task-token", token)
		aws.must(t, "send-task-success", "--task-token", token, "--task-output", `{"answer":"walked"}`)
		if d := aws.waitForStatus(t, arn); d["status"] != "SUCCEEDED" || d["output"] != `{"answer":"walked"}` {
			t.Errorf("after send-task-success: %v", d)
		}
		aws.wantError(t, "TaskTimedOut", "send-task-success", "--task-token", token, "--task-output", `{}`)
		aws.wantError(t, "ExecutionAlreadyExists", args...)
	})

	t.Run("update", func(t *testing.T) {
		before := aws.must(t, "describe-state-machine", "--state-machine-arn", arns["orders"])
		up := aws.must(t, "update-state-machine", "--state-machine-arn", arns["orders"], "--definition",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"v2","End":true}}}`)
		if up["updateDate"] == nil || up["revisionId"] == nil || up["revisionId"] == before["revisionId"] {
			t.Errorf("update-state-machine: %v (revision before %v)", up, before["revisionId"])
		}
		after := aws.must(t, "describe-state-machine", "--state-machine-arn", arns["orders"])
		if !strings.Contains(after["definition"].(string), `"v2"`) || after["revisionId"] != up["revisionId"] {
			t.Errorf("describe after update: %v", after)
		}
		ex := aws.must(t, "start-execution", "--state-machine-arn", arns["orders"])
		if d := aws.waitForStatus(t, ex["executionArn"].(string)); d["output"] != `"v2"` {
			t.Errorf("an execution after the update: %v", d)
		}
		aws.wantError(t, "MissingRequiredParameter", "update-state-machine", "--state-machine-arn", arns["orders"])
	})

	t.Run("stop and delete", func(t *testing.T) {
		arn := aws.must(t, "start-execution", "--state-machine-arn", arns["waits"], "--name", "long")["executionArn"].(string)
		aws.must(t, "delete-state-machine", "--state-machine-arn", arns["waits"])
		if d := aws.must(t, "describe-state-machine", "--state-machine-arn", arns["waits"]); d["status"] != "DELETING" {
			t.Errorf("while an execution runs: %v", d["status"])
		}
		aws.wantError(t, "StateMachineDeleting", "start-execution", "--state-machine-arn", arns["waits"])
		stop := aws.must(t, "stop-execution", "--execution-arn", arn, "--error", "Operator", "--cause", "enough")
		if stop["stopDate"] == nil {
			t.Errorf("stop-execution: %v", stop)
		}
		if d := aws.must(t, "describe-execution", "--execution-arn", arn); d["status"] != "ABORTED" || d["error"] != "Operator" {
			t.Errorf("stopped execution: %v", d)
		}
		aws.wantError(t, "StateMachineDoesNotExist", "describe-state-machine", "--state-machine-arn", arns["waits"])
		var names []string
		for _, sm := range aws.must(t, "list-state-machines")["stateMachines"].([]any) {
			names = append(names, sm.(map[string]any)["name"].(string))
		}
		if strings.Join(names, ",") != "callback,orders,review" {
			t.Errorf("list-state-machines: %v", names)
		}
	})

	t.Run("test-state", func(t *testing.T) {
		out := aws.must(t, "test-state", "--inspection-level", "DEBUG", "--input", `{"order":{"qty":12}}`, "--definition",
			`{"Type":"Pass","InputPath":"$.order","Parameters":{"double.$":"States.MathAdd($.qty, $.qty)"},"ResultPath":"$.priced","Next":"Ship"}`)
		if out["status"] != "SUCCEEDED" || out["nextState"] != "Ship" || out["output"] != `{"order":{"qty":12},"priced":{"double":24}}` {
			t.Errorf("test-state: %v", out)
		}
		if ins, _ := out["inspectionData"].(map[string]any); ins["afterInputPath"] != `{"qty":12}` || ins["afterParameters"] != `{"double":24}` {
			t.Errorf("inspectionData: %v", out["inspectionData"])
		}
		out = aws.must(t, "test-state", "--state-name", "AskPhone", "--definition", callback, "--mock", `{"errorOutput":{"error":"Lambda.ServiceException","cause":"down"}}`)
		if out["status"] != "FAILED" || out["error"] != "Lambda.ServiceException" {
			t.Errorf("test-state with a mocked error: %v", out)
		}
	})

	t.Run("unknown operation", func(t *testing.T) {
		stderr := aws.wantError(t, "UnknownOperationException", "list-activities")
		if !strings.Contains(stderr, "when calling the ListActivities operation") {
			t.Errorf("stderr: %s", stderr)
		}
	})
}
