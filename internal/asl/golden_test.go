package asl

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goldenRegistry holds the handlers the golden definitions call.
func goldenRegistry() *Registry {
	r := NewRegistry()
	flaky := 0
	r.Register("Flaky", jsonHandler(func(in map[string]any) (any, error) {
		flaky++
		if flaky < 3 {
			return nil, &FunctionError{ErrorType: "Flaky", ErrorMessage: "try again"}
		}
		return map[string]any{"id": in["id"], "attempts": flaky}, nil
	}))
	r.Register("Echo", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) { return in, nil })
	r.Register("AlwaysNotFound", func(context.Context, json.RawMessage) (json.RawMessage, error) { return nil, &NotFound{ID: "42"} })
	return r
}

// goldenResult is what a golden file records of an execution.
type goldenResult struct {
	Status           string          `json:"status"`
	Output           json.RawMessage `json:"output,omitempty"`
	Error            string          `json:"error,omitempty"`
	Cause            string          `json:"cause,omitempty"`
	StateTransitions int64           `json:"stateTransitions"`
	Seconds          float64         `json:"virtualSeconds"`
	Events           []string        `json:"events"`
}

// TestGolden runs testdata/golden/NAME.asl.json on NAME.input.json and
// compares with NAME.golden (go test -update rewrites them).
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*.asl.json")
	if len(files) == 0 {
		t.Fatal("no golden definitions")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".asl.json")
		t.Run(name, func(t *testing.T) {
			def, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			input, err := os.ReadFile(filepath.Join("testdata/golden", name+".input.json"))
			if err != nil {
				t.Fatal(err)
			}
			e := NewEngine(Options{Registry: goldenRegistry(), Seed: 1})
			r := runOn(t, e, name, string(def), string(input))
			g := goldenResult{Status: r.desc.Status, Error: r.desc.Error, Cause: r.desc.Cause, StateTransitions: r.desc.StateTransitions,
				Seconds: r.desc.StopDate.Sub(r.desc.StartDate).Seconds()}
			if r.desc.Output != nil {
				g.Output = json.RawMessage(*r.desc.Output)
			}
			for _, ev := range r.history {
				s := ev.Type
				if ev.StateEnteredEventDetails != nil {
					s += " " + ev.StateEnteredEventDetails.Name
				}
				g.Events = append(g.Events, s)
			}
			got, _ := json.MarshalIndent(g, "", "  ")
			got = append(got, '\n')
			path := filepath.Join("testdata/golden", name+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if string(got) != string(want) {
				t.Errorf("%s differs from golden:\n%s\nwant:\n%s", name, got, want)
			}
		})
	}
}
