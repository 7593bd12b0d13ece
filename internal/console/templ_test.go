package console

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestTemplComponents_AreGenerated fails when a *.templ file and its
// committed *_templ.go differ: the generator (a Go tool in go.mod) runs
// again on each file and its output must be the committed file, and no
// *_templ.go may be left without its *.templ.
func TestTemplComponents_AreGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go tool templ")
	}
	sources, err := filepath.Glob("*.templ")
	if err != nil {
		t.Fatal(err)
	}
	if len(sources) == 0 {
		t.Fatal("no *.templ files")
	}
	// The generator names each .templ file in its errors as it was given,
	// so it runs, as go generate does, in a directory holding the files.
	bin, err := exec.Command("go", "tool", "-n", "templ").Output()
	if err != nil {
		t.Fatalf("go tool -n templ: %v", err)
	}
	dir := t.TempDir()
	for _, src := range sources {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, src), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(strings.TrimSpace(string(bin)), "generate")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("templ generate: %v\n%s", err, out)
	}
	for _, src := range sources {
		gen := strings.TrimSuffix(src, ".templ") + "_templ.go"
		want, err := os.ReadFile(filepath.Join(dir, gen))
		if err != nil {
			t.Fatal(err)
		}
		committed, err := os.ReadFile(gen)
		if err != nil {
			t.Errorf("%v: run go generate ./internal/console", err)
		} else if !bytes.Equal(committed, want) {
			t.Errorf("%s is not what %s generates: run go generate ./internal/console", gen, src)
		}
	}
	generated, err := filepath.Glob("*_templ.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, gen := range generated {
		if _, err := os.Stat(strings.TrimSuffix(gen, "_templ.go") + ".templ"); err != nil {
			t.Errorf("%s has no .templ file: delete it", gen)
		}
	}
}
