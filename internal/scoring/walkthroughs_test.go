package scoring

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestReadWalkthroughs_ErrorsNameFileAndField(t *testing.T) {
	dir := t.TempDir()
	good := `{"id":"w1","companyId":"bank-test","touchpointId":"ivr-hotline","auditorId":"a1","standardVersion":"v2","resolved":true,
 "timeline":[{"key":"menu","channel":"ivr","start":{"client":"2026-11-03T10:00:00Z","server":"2026-11-03T10:00:01Z"},"end":{"client":"2026-11-03T10:01:00Z","server":"2026-11-03T10:01:01Z"}}],
 "answers":[],"submittedAt":"2026-11-03T10:05:00Z"}`
	cases := []struct{ name, body, want string }{
		{"bad time in an array", "[" + good + "," + strings.Replace(good, `"2026-11-03T10:01:00Z"`, `"wczoraj"`, 1) + "]", "[1].timeline[0].end.client"},
		{"unknown field", strings.Replace(good, `"resolved"`, `"resolvd"`, 1), "resolvd"},
		{"wrong type", strings.Replace(good, `"resolved":true`, `"resolved":"tak"`, 1), "resolved"},
		{"syntax", good[:40], "line 1"},
		{"trailing data", good + "{}", "line"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".json")
			if err := os.WriteFile(f, []byte(c.body), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ReadWalkthroughs(f)
			if err == nil || !strings.Contains(err.Error(), f) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want the file and %q", err, c.want)
			}
		})
	}
	t.Run("one object and an array", func(t *testing.T) {
		d := t.TempDir()
		os.WriteFile(filepath.Join(d, "a.json"), []byte(good), 0o644)
		os.WriteFile(filepath.Join(d, "b.json"), []byte("["+good+","+good+"]"), 0o644)
		os.WriteFile(filepath.Join(d, "notes.txt"), []byte("x"), 0o644)
		recs, err := ReadWalkthroughs(d)
		if err != nil || len(recs) != 3 || recs[0].Index != -1 || recs[2].Index != 1 {
			t.Fatalf("recs = %+v, err = %v", recs, err)
		}
	})
}

// A file that does not say whether the matter was settled is not valued
// unresolved: "resolved" is listed as unanswered and not counted, like any
// missing answer. An explicit false is −1.
func TestScoreRecorded_ResolvedMissingIsUnanswered(t *testing.T) {
	e := testEngine(t)
	base := `{"id":"w1","companyId":"bank-test","touchpointId":"ivr-hotline","auditorId":"a1","standardVersion":"v2",RESOLVED
 "timeline":[{"key":"reach_consultant","channel":"ivr","start":{"client":"2026-11-03T10:00:00Z","server":"2026-11-03T10:00:01Z"},"end":{"client":"2026-11-03T10:00:20Z","server":"2026-11-03T10:00:21Z"}}],
 "answers":[{"criterionId":"next-step","value":"yes"},{"criterionId":"no-repeat","count":0},{"criterionId":"callback","value":"na"}]}`
	cases := []struct {
		name, resolved string
		want           int
		unanswered     bool
	}{
		{"resolved true", `"resolved":true,`, 0, false},
		{"resolved false", `"resolved":false,`, -1, false},
		{"resolved missing", ``, 0, true},
		{"resolved null", `"resolved":null,`, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := filepath.Join(t.TempDir(), "w.json")
			os.WriteFile(f, []byte(strings.Replace(base, "RESOLVED", c.resolved, 1)), 0o644)
			recs, err := ReadWalkthroughs(f)
			if err != nil {
				t.Fatal(err)
			}
			r, err := e.ScoreRecorded(&recs[0], time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if int(r.Valuation) != c.want || slices.Contains(r.Unanswered, ResolvedID) != c.unanswered {
				t.Errorf("valuation %+d unanswered %v; want %+d, resolved unanswered %v", r.Valuation, r.Unanswered, c.want, c.unanswered)
			}
			// No submittedAt: scored at the end of the walk.
			if !r.ScoredAt.Equal(time.Date(2026, 11, 3, 10, 0, 20, 0, time.UTC)) {
				t.Errorf("scoredAt = %s", r.ScoredAt)
			}
		})
	}
}
