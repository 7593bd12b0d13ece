package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"touchaudit/internal/audit"
)

const (
	sampleCompany = "../../testdata/company"
	sampleWalks   = "../../testdata/walkthroughs"
)

func runScoreCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// The score command's contract: JSON results with reasons on stdout, exit 0;
// bad input names the file and the field path on stderr, exit 1; usage errors exit 2.
func TestScoreCommand_Contract(t *testing.T) {
	t.Run("directory", func(t *testing.T) {
		code, out, errs := runScoreCLI("score", "--company", sampleCompany, "--walkthroughs", sampleWalks)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var rs []audit.Result
		if err := json.Unmarshal([]byte(out), &rs); err != nil {
			t.Fatal(err)
		}
		if len(rs) < 30 {
			t.Fatalf("%d results", len(rs))
		}
		for _, r := range rs {
			if r.WalkthroughID == "" || r.Valuation < -2 || r.Valuation > 2 || r.Reasons == nil {
				t.Errorf("result %+v", r)
			}
		}
		if !strings.Contains(out, `"reasons": [`) || !strings.Contains(out, `"criterionId"`) {
			t.Error("results carry no reasons")
		}
	})
	t.Run("one file", func(t *testing.T) {
		code, out, errs := runScoreCLI("score", "--company", sampleCompany, "--walkthroughs", filepath.Join(sampleWalks, "wt-2026h2-14-acc-welcome-call.json"))
		var rs []audit.Result
		if code != 0 || json.Unmarshal([]byte(out), &rs) != nil || len(rs) != 1 || rs[0].Valuation != -2 || rs[0].Reasons[0].CriterionID != "no-credentials-asked" {
			t.Fatalf("exit %d, %s %s", code, out, errs)
		}
	})
	t.Run("a file holding an array", func(t *testing.T) {
		a, _ := os.ReadFile(filepath.Join(sampleWalks, "wt-2026h2-01-acc-ivr-info.json"))
		b, _ := os.ReadFile(filepath.Join(sampleWalks, "wt-2026h2-02-acc-ivr-info.json"))
		f := filepath.Join(t.TempDir(), "two.json")
		os.WriteFile(f, []byte("["+string(a)+","+string(b)+"]"), 0o644)
		code, out, errs := runScoreCLI("score", "--company", sampleCompany, "--walkthroughs", f)
		var rs []audit.Result
		if code != 0 || json.Unmarshal([]byte(out), &rs) != nil || len(rs) != 2 || rs[0].Valuation != -1 || rs[1].Valuation != 1 {
			t.Fatalf("exit %d, %s %s", code, out, errs)
		}
	})
	bad := []struct{ name, from, to, want string }{
		{"end before start", `"2026-11-05T11:26:08+01:00"`, `"2026-11-05T11:19:00+01:00"`, "timeline[0].end.client: ends at"},
		{"wrong type", `"resolved": true`, `"resolved": "tak"`, "resolved"},
		{"unknown criterion", `"settled-asked"`, `"settled-askd"`, "answers[2].criterionId: unknown criterion"},
		{"clock skew", `"server": "2026-11-05T10:20:01Z"`, `"server": "2026-11-05T10:50:01Z"`, "timeline[0].start.client: clock skew"},
	}
	src, err := os.ReadFile(filepath.Join(sampleWalks, "wt-2026h2-14-acc-welcome-call.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(string(src), c.from) {
				t.Fatalf("fixture lacks %s", c.from)
			}
			f := filepath.Join(t.TempDir(), "zla-wizyta.json")
			os.WriteFile(f, []byte(strings.Replace(string(src), c.from, c.to, 1)), 0o644)
			code, _, errs := runScoreCLI("score", "--company", sampleCompany, "--walkthroughs", f)
			if code != 1 || !strings.Contains(errs, f) || !strings.Contains(errs, c.want) {
				t.Errorf("exit %d, stderr %q; want 1 and the file with %q", code, errs, c.want)
			}
		})
	}
	t.Run("usage", func(t *testing.T) {
		if code, _, _ := runScoreCLI("score", "--company", sampleCompany); code != 2 {
			t.Errorf("exit %d, want 2", code)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		if code, _, errs := runScoreCLI("score", "--company", sampleCompany, "--walkthroughs", "nope.json"); code != 1 || !strings.Contains(errs, "nope.json") {
			t.Errorf("exit %d, stderr %q", code, errs)
		}
	})
	t.Run("report with drift", func(t *testing.T) {
		code, out, errs := runScoreCLI("score", "--company", sampleCompany, "--walkthroughs", sampleWalks, "--previous", filepath.Join(sampleWalks, "previous"),
			"--report", "--costs", filepath.Join(sampleWalks, "costs", "fix-costs.json"))
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var rep struct {
			ReviewID        string            `json:"reviewId"`
			Drift           []json.RawMessage `json:"drift"`
			Recommendations struct {
				Fixes []struct {
					CostEstimated bool `json:"costEstimated"`
				} `json:"fixes"`
			} `json:"recommendations"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.ReviewID != "rv-2026-h2" || len(rep.Drift) == 0 || len(rep.Recommendations.Fixes) == 0 || !rep.Recommendations.Fixes[0].CostEstimated {
			t.Fatalf("report %.300s: %v", out, err)
		}
	})
}
