package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// A −2 touchpoint is due one month after its fix is marked done: --fixes
// gives the dates, and each result says which cadence rule set its date.
func TestScoreCommand_FixesDone(t *testing.T) {
	file := filepath.Join(sampleWalks, "wt-2026h2-24-card-statement-fee.json") // −2, walked 2026-11-13
	score := func(extra ...string) (int, []audit.Result, string) {
		code, out, errs := runScoreCLI(append([]string{"score", "--company", sampleCompany, "--walkthroughs", file}, extra...)...)
		var rs []audit.Result
		if code == 0 {
			if err := json.Unmarshal([]byte(out), &rs); err != nil {
				t.Fatal(err)
			}
		}
		return code, rs, errs
	}
	code, rs, errs := score()
	if code != 0 || rs[0].Valuation != -2 || rs[0].DueReason != "awaitingFix" || rs[0].NextDue.Format(time.DateOnly) != "2026-12-13" {
		t.Fatalf("without fixes: exit %d %+v %s", code, rs, errs)
	}
	fixes := filepath.Join(t.TempDir(), "fixes.json")
	os.WriteFile(fixes, []byte(`{"card.statement-fee": "2026-11-30"}`), 0o644)
	code, rs, errs = score("--fixes", fixes)
	if code != 0 || rs[0].DueReason != "afterFix" || rs[0].NextDue.Format(time.DateOnly) != "2026-12-30" {
		t.Fatalf("with the fix: exit %d %+v %s", code, rs, errs)
	}
	code, out, errs := runScoreCLI("score", "--company", sampleCompany, "--walkthroughs", sampleWalks, "--report", "--fixes", filepath.Join(sampleWalks, "fixes", "fixes-done.json"))
	if code != 0 || !strings.Contains(out, `"reason": "afterFix"`) {
		t.Fatalf("report: exit %d %s", code, errs)
	}
	for _, c := range []struct{ body, want string }{
		{`{"card.statement-fee": "wczoraj"}`, fixes + ": card.statement-fee: must be a date"},
		{`{"card.nope": "2026-11-30"}`, fixes + `: card.nope: unknown touchpoint`},
		{`["card.statement-fee"]`, fixes + ": must be a JSON object"},
	} {
		os.WriteFile(fixes, []byte(c.body), 0o644)
		if code, _, errs := score("--fixes", fixes); code != 1 || !strings.Contains(errs, c.want) {
			t.Errorf("%s: exit %d, stderr %q; want 1 and %q", c.body, code, errs, c.want)
		}
	}
}

// Hidden-test-style walks of the sample bank, scored through the CLI from
// one array file, each checked against the rule it exercises.
func TestScoreCommand_RulesOnTheSampleBank(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(sampleWalks, "wt-2026h2-06-acc-branch-waw-marszalkowska.json")) // +2
	if err != nil {
		t.Fatal(err)
	}
	variant := func(id string, edits ...[2]string) string {
		s := strings.Replace(string(src), `"wt-2026h2-06-acc-branch-waw-marszalkowska"`, `"`+id+`"`, 1)
		for _, e := range edits {
			if !strings.Contains(s, e[0]) {
				t.Fatalf("%s: fixture lacks %s", id, e[0])
			}
			s = strings.Replace(s, e[0], e[1], 1)
		}
		return s
	}
	noExceed := [][2]string{{`"prepare-documents",
      "value": "yes"`, `"prepare-documents",
      "value": "no"`}, {`"contract-end-reminder",
      "value": "yes"`, `"contract-end-reminder",
      "value": "no"`}}
	plus := func(e ...[2]string) [][2]string { return append(append([][2]string{}, noExceed...), e...) }
	waitEnd := `"client": "2026-11-09T10:08:10+01:00",
        "server": "2026-11-09T09:08:12Z"`
	wait := func(clock, server string) [2]string {
		return [2]string{waitEnd, `"client": "2026-11-09T` + clock + `+01:00",
        "server": "2026-11-09T` + server + `Z"`}
	}
	cases := []struct {
		id    string
		edits [][2]string
		want  audit.Valuation
		first string
	}{
		{"as-recorded", nil, 2, "contract-end-reminder"},
		{"expected", noExceed, 0, "identity-verified"},
		{"plus-one", [][2]string{noExceed[1]}, 1, "prepare-documents"},
		{"plus-two-alone", [][2]string{noExceed[0]}, 2, "contract-end-reminder"},
		{"step-missed-beats-plus-two", [][2]string{{`"next-step-named",
      "value": "yes"`, `"next-step-named",
      "value": "no"`}}, -1, "next-step-named"},
		{"critical-missed", plus([2]string{`"identity-verified",
      "value": "yes"`, `"identity-verified",
      "value": "no"`}), -2, "identity-verified"},
		{"critical-na-with-note", plus([2]string{`"identity-verified",
      "value": "yes"`, `"identity-verified",
      "value": "na", "note": "the customer was already identified at the door"`}), 0, "branch-queue"},
		{"unresolved", plus([2]string{`"resolved": true`, `"resolved": false`}), -1, "resolved"},
		{"effort-over", plus([2]string{`"count": 0`, `"count": 1`}), -1, "repeat-requests"},
		{"wait-at-target-8m", plus(wait("10:10:30", "09:10:31")), 0, "identity-verified"},
		{"wait-over-target", plus(wait("10:10:31", "09:10:32")), -1, "branch-queue"},
		{"wait-at-limit-20m", plus(wait("10:22:30", "09:22:31")), -1, "branch-queue"},
		{"wait-over-limit", plus(wait("10:22:31", "09:22:32")), -2, "branch-queue"},
		{"promise-broken-not-mot", plus([2]string{`"outcome": "kept"`, `"outcome": "broken"`}), -1, "adviser-call-3d"},
	}
	var walks []string
	for _, c := range cases {
		walks = append(walks, variant("probe-"+c.id, c.edits...))
	}
	f := filepath.Join(t.TempDir(), "probe.json")
	os.WriteFile(f, []byte("["+strings.Join(walks, ",\n")+"]"), 0o644)
	code, out, errs := runScoreCLI("score", "--company", sampleCompany, "--walkthroughs", f)
	var rs []audit.Result
	if err := json.Unmarshal([]byte(out), &rs); err != nil || len(rs) != len(cases) {
		t.Fatalf("exit %d, %d results (%v): %s", code, len(rs), err, errs)
	}
	for i, c := range cases {
		r := rs[i]
		if r.ID != "probe-"+c.id || r.Valuation != c.want || len(r.Reasons) == 0 || r.Reasons[0].CriterionID != c.first {
			t.Errorf("%s: %+d, reasons %+v; want %+d first %s", c.id, r.Valuation, r.Reasons, c.want, c.first)
		}
	}
}
