package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestSFNRun_Contract(t *testing.T) {
	dir := t.TempDir()
	ok := writeFile(t, dir, "greet.asl.json", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":15552000,"Next":"P"},"P":{"Type":"Pass","Parameters":{"hi.$":"$.who","sm.$":"$$.StateMachine.Name"},"End":true}}}`)
	failing := writeFile(t, dir, "fails.asl.json", `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Nope","Cause":"because"}}}`)
	task := writeFile(t, dir, "task.asl.json", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:Missing","End":true}}}`)
	timeout := writeFile(t, dir, "slow.asl.json", `{"TimeoutSeconds":5,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"End":true}}}`)
	input := writeFile(t, dir, "in.json", `{"who":"Ana"}`)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"succeeded", []string{"--definition", ok, "--input", input}, `{"status":"SUCCEEDED","output":{"hi":"Ana","sm":"greet"},"historyEvents":6,"stateTransitions":2}`},
		{"name flag", []string{"--definition", ok, "--input", input, "--state-machine-name", "Other"}, `{"status":"SUCCEEDED","output":{"hi":"Ana","sm":"Other"},"historyEvents":6,"stateTransitions":2}`},
		{"failed", []string{"--definition", failing}, `{"status":"FAILED","error":"Nope","cause":"because","historyEvents":3,"stateTransitions":1}`},
		{"unbound task", []string{"--definition", task}, ``},
		{"timed out", []string{"--definition", timeout}, `{"status":"TIMED_OUT","error":"States.Timeout","cause":"The execution timed out (TimeoutSeconds 5).","historyEvents":3,"stateTransitions":1}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(append([]string{"sfn", "run"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d, stderr %s", code, stderr)
			}
			if strings.Count(stdout, "\n") != 1 {
				t.Errorf("want exactly one JSON line, got %q", stdout)
			}
			var v map[string]any
			if err := json.Unmarshal([]byte(stdout), &v); err != nil {
				t.Fatalf("stdout is not JSON: %v", err)
			}
			if tc.want != "" && strings.TrimSpace(stdout) != tc.want {
				t.Errorf("got  %s\nwant %s", strings.TrimSpace(stdout), tc.want)
			}
			if tc.name == "unbound task" && (v["status"] != "FAILED" || v["error"] != "Lambda.ResourceNotFoundException") {
				t.Errorf("unbound task: %s", stdout)
			}
		})
	}
}

func TestSFNRun_MockConfig(t *testing.T) {
	dir := t.TempDir()
	def := writeFile(t, dir, "Orders.asl.json", `{"StartAt":"Charge","States":{"Charge":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"charge"},
		"Retry":[{"ErrorEquals":["Lambda.TooManyRequestsException"],"MaxAttempts":2}],"ResultSelector":{"ok.$":"$.Payload.ok"},"End":true}}}`)
	mocks := writeFile(t, dir, "mocks.json", `{"StateMachines":{"Orders":{"TestCases":{"Happy":{"Charge":"Ok"},"Throttled":{"Charge":"Busy"}}}},
		"MockedResponses":{"Ok":{"0":{"Return":{"StatusCode":200,"Payload":{"ok":true}}}},
		"Busy":{"0-1":{"Throw":{"Error":"Lambda.TooManyRequestsException","Cause":"slow down"}},"2":{"Return":{"Payload":{"ok":"late"}}}}}}`)
	for _, tc := range []struct{ testCase, want string }{
		{"Happy", `{"status":"SUCCEEDED","output":{"ok":true},"historyEvents":7,"stateTransitions":1}`},
		{"Throttled", `{"status":"SUCCEEDED","output":{"ok":"late"},"historyEvents":13,"stateTransitions":3}`},
	} {
		t.Run(tc.testCase, func(t *testing.T) {
			code, stdout, stderr := runCLI("sfn", "run", "--definition", def, "--mock-config", mocks, "--test-case", tc.testCase)
			if code != 0 || strings.TrimSpace(stdout) != tc.want {
				t.Errorf("exit %d stdout %s stderr %s\nwant %s", code, stdout, stderr, tc.want)
			}
		})
	}
}

func TestSFNRun_UsageErrors(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.asl.json", `{"StartAt":"Check","States":{"Check":{"Type":"Pass","Next":"Nope"}}}`)
	good := writeFile(t, dir, "good.asl.json", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`)
	notJSON := writeFile(t, dir, "in.json", `{`)
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"invalid definition", []string{"sfn", "run", "--definition", bad}, `state "Check": field "Next": target "Nope" does not exist`},
		{"missing definition flag", []string{"sfn", "run"}, "--definition is required"},
		{"unreadable definition", []string{"sfn", "run", "--definition", filepath.Join(dir, "none.json")}, "no such file"},
		{"bad input", []string{"sfn", "run", "--definition", good, "--input", notJSON}, "not valid JSON"},
		{"unknown flag", []string{"sfn", "run", "--nope"}, "flag provided but not defined"},
		{"mock without test case", []string{"sfn", "run", "--definition", good, "--mock-config", notJSON}, "go together"},
		{"no subcommand", []string{"sfn"}, "usage"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(tc.args...)
			if code != 2 || stdout != "" || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("exit %d stdout %q stderr %q, want exit 2 and %q", code, stdout, stderr, tc.stderr)
			}
		})
	}
}

// TestSFNRun_Binary runs the contract once through a built binary.
func TestSFNRun_Binary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "touchaudit")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	def := writeFile(t, dir, "hello.asl.json", `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"hi","End":true}}}`)
	out, err := exec.Command(bin, "sfn", "run", "--definition", def).Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != `{"status":"SUCCEEDED","output":"hi","historyEvents":4,"stateTransitions":1}` {
		t.Errorf("got %s", got)
	}
	bad := writeFile(t, dir, "bad.asl.json", `{"StartAt":"X","States":{}}`)
	cmd := exec.Command(bin, "sfn", "run", "--definition", bad)
	if err := cmd.Run(); cmd.ProcessState.ExitCode() != 2 {
		t.Errorf("invalid definition: exit %d (%v), want 2", cmd.ProcessState.ExitCode(), err)
	}
}
