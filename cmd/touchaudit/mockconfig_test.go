package main

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestMockConfig_StateMachineTestCases runs every test case of
// statemachines/MockConfigFile.json (Step Functions Local's format) through
// `sfn run`, the same way a developer would.
func TestMockConfig_StateMachineTestCases(t *testing.T) {
	cases := []struct {
		machine, testCase, status, error string
		// path into the output object that must hold want
		check func(out map[string]any) bool
	}{
		{"audit", "HappyPath", "SUCCEEDED", "", func(o map[string]any) bool { return dig(o, "close", "reviewComplete") == false }},
		{"audit", "TimeoutThenReassign", "SUCCEEDED", "", func(o map[string]any) bool {
			return dig(o, "deadline", "replacement") == "bank-pl-2026-h2.acc.ivr-info.w1.r" && dig(o, "score") == nil
		}},
		{"audit", "LateAfterReminder", "SUCCEEDED", "", func(o map[string]any) bool {
			return dig(o, "signal", "walkthroughId") == "w-sub-0001" && dig(o, "timeout", "Error") == "States.Timeout"
		}},
		{"audit", "BrokenPromise", "SUCCEEDED", "", func(o map[string]any) bool {
			return dig(o, "rescore", "valuation") == float64(-2) && dig(o, "score", "valuation") == float64(0)
		}},
		{"audit", "ScoringFails", "FAILED", "AuditFailed", nil},
		{"audit", "LeadApproves", "SUCCEEDED", "", func(o map[string]any) bool {
			return dig(o, "qa", "status") == "pending" && dig(o, "qaDecision", "decision") == "approved" && dig(o, "close", "reviewComplete") == false
		}},
		// Rejected: the walk goes back, comes again, is scored and passes the gate.
		{"audit", "RejectThenResubmit", "SUCCEEDED", "", func(o map[string]any) bool {
			return dig(o, "qaDecision", "decision") == "rejected" && dig(o, "signal", "walkthroughId") == "w-sub-0002" &&
				dig(o, "score", "valuation") == float64(0) && dig(o, "qa", "approved") == true && dig(o, "close") != nil
		}},
		{"audit", "QATimeout", "SUCCEEDED", "", func(o map[string]any) bool {
			return dig(o, "timeout", "Error") == "States.Timeout" && dig(o, "qa", "status") == "held" && dig(o, "close") != nil
		}},
		{"audit", "ResubmitMissed", "SUCCEEDED", "", func(o map[string]any) bool {
			return dig(o, "timeout", "Error") == "States.Timeout" && dig(o, "deadline", "submitted") == false && dig(o, "close") != nil
		}},
		{"review", "HappyPath", "SUCCEEDED", "", func(o map[string]any) bool { return dig(o, "report", "touchpoints") == float64(45) }},
		{"review", "WindowClosed", "SUCCEEDED", "", func(o map[string]any) bool {
			return dig(o, "timeout", "Error") == "States.Timeout" && dig(o, "start", "more") == false && dig(o, "sweep", "windowOver") == true
		}},
		// A sweep that signalled a walk whose signal was lost waits again
		// for as long as it said, and the last audit then ends the wait.
		{"review", "LostSignalSwept", "SUCCEEDED", "", func(o map[string]any) bool {
			return dig(o, "sweep", "awaitSeconds") == float64(3600) && dig(o, "plan", "awaitSeconds") == float64(3600) &&
				dig(o, "completion", "done") == float64(93) && dig(o, "report", "touchpoints") == float64(45)
		}},
	}
	for _, c := range cases {
		t.Run(c.machine+"/"+c.testCase, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run([]string{"sfn", "run", "--definition", repoRoot + "/statemachines/" + c.machine + ".asl.json",
				"--input", repoRoot + "/testdata/sfn/" + c.machine + "-input.json",
				"--mock-config", repoRoot + "/statemachines/MockConfigFile.json", "--test-case", c.testCase}, &stdout, &stderr)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			var res struct {
				Status string         `json:"status"`
				Error  string         `json:"error"`
				Output map[string]any `json:"output"`
			}
			if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
				t.Fatalf("%v: %s", err, stdout.String())
			}
			if res.Status != c.status || res.Error != c.error {
				t.Fatalf("status %s error %q, want %s %q: %s", res.Status, res.Error, c.status, c.error, stdout.String())
			}
			if c.check != nil && !c.check(res.Output) {
				t.Fatalf("unexpected output: %s", stdout.String())
			}
		})
	}
}

func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
