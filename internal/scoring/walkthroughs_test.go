package scoring

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
