package lambdart

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// BuildFlags are the `go build` flags every touchaudit function is built
// with, here and in the Makefile: a static, stripped binary without the
// legacy RPC mode (provided.al2023 only speaks the Runtime API) and without
// net/http's bundled HTTP/2 client (nethttpomithttp2): the Runtime API and
// the AWS endpoints the functions call speak HTTP/1.1, and it costs about
// 140 kB of every zip), and with inlining off except in the runtime, the
// internal packages, the crypto primitives, sync and math (about 280 kB of
// every zip; the handlers wait on the network, not on call overhead).
var BuildFlags = []string{"-trimpath", "-ldflags=-s -w",
	"-gcflags=all=-l", "-gcflags=runtime/...=", "-gcflags=internal/...=", "-gcflags=crypto/internal/...=",
	"-gcflags=vendor/golang.org/x/crypto/...=", "-gcflags=sync/...=", "-gcflags=math/...=",
	"-tags", "lambda.norpc,nethttpomithttp2"}

// Build compiles the Go main package in dir into out (conventionally
// .../bootstrap) with BuildFlags, for Linux on the host's architecture so the
// binary can run here. `make build` builds the arm64 binaries Lambda runs.
func Build(ctx context.Context, dir, out string) error {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("lambdart: go toolchain not found: %w", err)
	}
	absOut, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	args := append([]string{"build"}, BuildFlags...)
	args = append(args, "-o", absOut, ".")
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+runtime.GOARCH, "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("lambdart: go build %s: %v\n%s", dir, err, stderr.Bytes())
	}
	return nil
}
