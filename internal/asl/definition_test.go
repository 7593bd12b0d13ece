package asl

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// TestParse_InvalidFixtures checks every testdata/invalid/NAME.asl.json
// against NAME.want, one expected problem per line.
func TestParse_InvalidFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.asl.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".asl.json")
		t.Run(name, func(t *testing.T) {
			def, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parse(def)
			var de *DefinitionError
			if !errors.As(err, &de) {
				t.Fatalf("Parse accepted an invalid definition (err %v)", err)
			}
			got := strings.Join(de.Problems, "\n") + "\n"
			wantFile := strings.TrimSuffix(f, ".asl.json") + ".want"
			if *update {
				if err := os.WriteFile(wantFile, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got != string(want) {
				t.Errorf("problems:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestParse_ValidDefinitions(t *testing.T) {
	tests := []struct{ name, def string }{
		{"minimal", passDef},
		{"every field", `{"Comment":"c","Version":"1.0","TimeoutSeconds":60,"QueryLanguage":"JSONPath","StartAt":"T","States":{
			"T":{"Type":"Task","Comment":"t","Resource":"arn:aws:states:::lambda:invoke","InputPath":"$.a","Parameters":{"FunctionName":"f","Payload.$":"$"},
				"ResultSelector":{"p.$":"$.Payload"},"ResultPath":"$.r","OutputPath":"$","TimeoutSecondsPath":"$.to","HeartbeatSecondsPath":"$.hb",
				"Retry":[{"ErrorEquals":["X"],"IntervalSeconds":1,"MaxAttempts":2,"BackoffRate":1.5,"MaxDelaySeconds":10,"JitterStrategy":"FULL"},{"ErrorEquals":["States.ALL"]}],
				"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":null,"Next":"F"}],"Next":"C"},
			"C":{"Type":"Choice","Choices":[{"Not":{"Variable":"$.x","IsPresent":true},"Next":"W"}],"Default":"F"},
			"W":{"Type":"Wait","TimestampPath":"$$.Execution.StartTime","Next":"M"},
			"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":2,"ToleratedFailureCount":1,"ItemSelector":{"v.$":"$$.Map.Item.Value"},
				"ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"Next":"P"},
			"P":{"Type":"Parallel","Branches":[{"StartAt":"B","States":{"B":{"Type":"Succeed"}}}],"End":true},
			"F":{"Type":"Fail","ErrorPath":"$.e","CausePath":"States.Format('x {}', $.c)"}}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Parse([]byte(tc.def)); err != nil {
				t.Errorf("Parse: %v", err)
			}
		})
	}
}
