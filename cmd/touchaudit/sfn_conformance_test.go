package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"touchaudit/internal/asl/jsonvalue"
)

// conformanceDir holds state machines with the outputs, errors and causes
// AWS Step Functions gives for them (the developer guide's examples, and
// executions recorded on AWS by LocalStack's parity snapshots and others;
// each case's README.md names its source). Each case directory has
// definition.asl.json, want.json and optionally input.json, start.txt (the
// --start time, for cases that depend on the date), and mock-config.json
// with test-case.txt. want.json may list under "absent" the fields the
// source shows missing (a Fail with neither Error nor Cause). A case with
// an s3/ folder (s3/BUCKET/KEY...) runs with S3_ENDPOINT on moto, where
// those objects are uploaded first; its want.json may hold "resultWriter"
// (see checkResultWriter) instead of "output". The output's key order is
// compared too where it is evidence (see keyOrderChecked).
const conformanceDir = "../../internal/asl/testdata/conformance"

// TestSFNRun_Conformance runs every conformance case through the sfn run
// command, as the CLI contract is used, and compares status, output
// (as JSON), error and cause with want.json. A case whose source records no
// cause leaves it out of want.json.
func TestSFNRun_Conformance(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join(conformanceDir, "*"))
	if len(dirs) == 0 {
		t.Fatal("no conformance cases")
	}
	for _, dir := range dirs {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			args := []string{"sfn", "run", "--definition", filepath.Join(dir, "definition.asl.json"), "--state-machine-name", name}
			if _, err := os.Stat(filepath.Join(dir, "input.json")); err == nil {
				args = append(args, "--input", filepath.Join(dir, "input.json"))
			}
			if st, err := os.ReadFile(filepath.Join(dir, "start.txt")); err == nil {
				args = append(args, "--start", strings.TrimSpace(string(st)))
			}
			if tc, err := os.ReadFile(filepath.Join(dir, "test-case.txt")); err == nil {
				args = append(args, "--mock-config", filepath.Join(dir, "mock-config.json"), "--test-case", strings.TrimSpace(string(tc)))
			}
			s3 := uploadS3Fixtures(t, filepath.Join(dir, "s3"))
			wantRaw, err := os.ReadFile(filepath.Join(dir, "want.json"))
			if err != nil {
				t.Fatal(err)
			}
			var want map[string]any
			if err := decodeNumbers(wantRaw, &want); err != nil {
				t.Fatalf("want.json: %v", err)
			}
			code, stdout, stderr := runCLI(args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var got map[string]any
			if err := decodeNumbers([]byte(stdout), &got); err != nil {
				t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout)
			}
			absent, _ := want["absent"].([]any)
			for _, k := range absent {
				if g, ok := got[k.(string)]; ok {
					t.Errorf("%s: got %s, want it absent", k, jsonText(g, true))
				}
			}
			for _, k := range []string{"status", "output", "error", "cause"} {
				if rw, ok := want["resultWriter"]; ok && k == "output" {
					checkResultWriter(t, s3, got["output"], rw)
					continue
				}
				w, inWant := want[k]
				g, inGot := got[k]
				if !inWant && k != "status" && k != "output" {
					continue // a case without a recorded cause checks only the error
				}
				if inWant != inGot || !reflect.DeepEqual(w, g) {
					t.Errorf("%s:\n got  %s\n want %s", k, jsonText(g, inGot), jsonText(w, inWant))
				} else if k == "output" && inWant && keyOrderChecked(t, dir, want) {
					checkKeyOrder(t, wantRaw, []byte(stdout))
				}
			}
		})
	}
}

// keyOrderChecked says whether a case's output is compared key order and
// all: for executions recorded on AWS (README "Recorded on AWS" or
// "Recording made on AWS"), whose printed order is evidence, and for cases
// whose want.json says "keyOrder": true. The documentation's examples are
// hand-formatted, so their order proves nothing. "keyOrder": false opts a
// recorded case out (an object jsonata-go builds by $merge, a transform
// or computed keys comes out with sorted keys; none does so far).
func keyOrderChecked(t *testing.T, dir string, want map[string]any) bool {
	t.Helper()
	if ko, ok := want["keyOrder"].(bool); ok {
		return ko
	}
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Contains(readme, []byte("Recorded on AWS")) || bytes.Contains(readme, []byte("Recording made on AWS"))
}

// checkKeyOrder compares the output's objects key by key in order: AWS
// prints an object's keys in the order of its input or template, and
// want.json is written in that order.
func checkKeyOrder(t *testing.T, wantRaw, gotRaw []byte) {
	t.Helper()
	output := func(b []byte) string {
		v, err := jsonvalue.Decode(b)
		if err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
		o, _ := v.(*jsonvalue.Object)
		out, _ := json.Marshal(o.Value("output"))
		return string(out)
	}
	if g, w := output(gotRaw), output(wantRaw); g != w {
		t.Errorf("output key order:\n got  %s\n want %s", g, w)
	}
}

func decodeNumbers(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

func jsonText(v any, present bool) string {
	if !present {
		return "(absent)"
	}
	b, _ := json.Marshal(v)
	return string(b)
}
