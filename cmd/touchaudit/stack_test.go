package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"touchaudit/internal/functions"
)

// TestStack_BindsEveryWorkflowFunction checks that the local stack binds a
// handler for every functions/<name> a state machine can call, under the
// logical id template.yaml gives it.
func TestStack_BindsEveryWorkflowFunction(t *testing.T) {
	notInStateMachines := map[string]bool{"import-company": true, "api": true, "console": true, "evidence": true, "company": true, "form": true}
	bound := map[string]string{}
	for _, f := range functions.All() {
		bound[f.Name] = f.Logical
	}
	dirs, err := filepath.Glob(repoRoot + "/functions/*/main.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		name := filepath.Base(filepath.Dir(d))
		if notInStateMachines[name] {
			continue
		}
		logical, ok := bound[name]
		if !ok {
			t.Errorf("functions/%s has no handler in the local stack", name)
			continue
		}
		var want strings.Builder
		for _, part := range strings.Split(name, "-") {
			want.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
		if logical != want.String()+"Function" {
			t.Errorf("functions/%s is bound as %s, template.yaml calls it %sFunction", name, logical, want.String())
		}
	}
	template, err := os.ReadFile(repoRoot + "/template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range stateMachines {
		if _, err := localSubstitutions(template, m.Logical); err != nil {
			t.Error(err)
		}
	}
}
