package consoleapi_test

import (
	"testing"

	"touchaudit/internal/console"
	"touchaudit/internal/consoleapi"
	"touchaudit/internal/httpapi"
	"touchaudit/internal/memstore"
)

// The console's page is served where the API looks for it.
func TestShellPrefix_IsTheConsolesPrefix(t *testing.T) {
	if httpapi.ShellPrefix != console.Prefix {
		t.Fatalf("httpapi.ShellPrefix %q, console.Prefix %q", httpapi.ShellPrefix, console.Prefix)
	}
}

// BenchmarkWith is the console function's work before its first request:
// the console's templates and catalogues, and its page's files.
func BenchmarkWith(b *testing.B) {
	store := memstore.New()
	for b.Loop() {
		if _, err := consoleapi.With(httpapi.Options{}, store); err != nil {
			b.Fatal(err)
		}
	}
}
