//go:build !demoonly

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"touchaudit/internal/asl"
	"touchaudit/internal/sfnapi"
)

// defaultSFNAddr is Step Functions Local's port (8083), so that scripts
// written for it find this server too.
const defaultSFNAddr = "127.0.0.1:8083"

// sfnShutdownGrace is how long a stopping server waits for calls in flight.
const sfnShutdownGrace = 5 * time.Second

func runSFNServe(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveSFN(ctx, args, stdout, stderr)
}

// serveSFN serves the Step Functions API on a loopback address until ctx
// ends (Ctrl-C or SIGTERM from runSFNServe). It prints "endpoint: URL" once
// the server listens.
func serveSFN(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sfn serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, sfnUsage) }
	addr := fs.String("addr", defaultSFNAddr, "listen `address` (loopback only; port 0 picks a free port)")
	mockFile := fs.String("mock-config", "", "Step Functions Local MockConfigFile `file` (start executions on ARN#TestCase)")
	virtual := fs.Bool("virtual-time", false, "run on the engine's virtual clock: calls return once executions have run as far as they can")
	var functions functionFlags
	fs.Var(&functions, "function", "bind a Lambda function `NAME=BOOTSTRAP` (repeatable)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "touchaudit sfn serve: "+format+"\n", a...)
		return 2
	}
	if fs.NArg() > 0 {
		return fail("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return fail("--addr: %v", err)
	}
	// The server accepts any signature, so it must not be reachable from
	// other machines.
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fail("--addr %s: the server checks no credentials and listens on a loopback address only (127.0.0.1)", *addr)
	}
	opts := asl.Options{Registry: asl.NewRegistry(), RealTime: !*virtual}
	closeFunctions, err := bindSFNResources(&opts, functions, stderr)
	defer closeFunctions()
	if err != nil {
		return fail("%v", err)
	}
	e := asl.NewEngine(opts)
	if *mockFile != "" {
		cfg, err := readMockConfig(*mockFile)
		if err != nil {
			return fail("%v", err)
		}
		e.SetMockConfig(cfg)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fail("%v", err)
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	srv := &http.Server{Handler: sfnapi.NewServer(e, sfnapi.WithLogger(logger)), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "endpoint: http://%s\n", ln.Addr())
	select {
	case err := <-served:
		return fail("%v", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), sfnShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fail("shutdown: %v", err)
	}
	return 0
}
