// Package motoserver starts a real AWS API server (moto_server) on 127.0.0.1
// for adapter tests: DynamoDB contract tests, the Step Functions benchmark
// against moto's interpreter, and Lambda smoke tests.
//
// A missing or broken server fails the test. It is never a silent skip: the
// only way to skip is to set TOUCHAUDIT_SKIP_MOTO=1 outside CI.
package motoserver

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startTimeout bounds how long we wait for moto_server to answer; it imports
// all of moto on start, which takes a few seconds on a 2-core machine.
const startTimeout = 60 * time.Second

// Server is a running moto_server process.
type Server struct {
	// Endpoint is the base URL, for example http://127.0.0.1:41234.
	Endpoint string
	cmd      *exec.Cmd
	log      *logTail
}

var (
	sharedOnce sync.Once
	shared     *Server
	sharedErr  error
)

// Shared returns one moto_server for the whole test binary, started on first
// use. The process dies with the test binary (Pdeathsig). Tests that share it
// must use their own resource names (table names, state machine names).
func Shared(tb testing.TB) *Server {
	tb.Helper()
	skipIfAllowed(tb)
	sharedOnce.Do(func() { shared, sharedErr = Start() })
	if sharedErr != nil {
		tb.Fatalf("motoserver: %v (moto_server must be installed; in CI a missing server fails the run)", sharedErr)
	}
	return shared
}

// New starts a private moto_server for one test and stops it at cleanup.
func New(tb testing.TB) *Server {
	tb.Helper()
	skipIfAllowed(tb)
	s, err := Start()
	if err != nil {
		tb.Fatalf("motoserver: %v", err)
	}
	tb.Cleanup(s.Stop)
	return s
}

func skipIfAllowed(tb testing.TB) {
	if os.Getenv("TOUCHAUDIT_SKIP_MOTO") == "1" && os.Getenv("CI") == "" {
		tb.Skip("TOUCHAUDIT_SKIP_MOTO=1: moto-backed test skipped (never allowed in CI)")
	}
}

// Start launches moto_server on a free loopback port and waits until it answers.
func Start() (*Server, error) {
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		return nil, fmt.Errorf("moto_server not found on PATH: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	// moto signs nothing, but the SDK insists on credentials and a region.
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION=us-east-1")
	lt := &logTail{}
	cmd.Stdout, cmd.Stderr = lt, lt
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start moto_server: %w", err)
	}
	s := &Server{Endpoint: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, log: lt}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(startTimeout)
	client := &http.Client{Timeout: 2 * time.Second}
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return nil, fmt.Errorf("moto_server exited early (%v): %s", err, lt.String())
		default:
		}
		resp, err := client.Get(s.Endpoint + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.Stop()
	return nil, fmt.Errorf("moto_server did not answer within %s: %s", startTimeout, lt.String())
}

// Stop kills the server's process group.
func (s *Server) Stop() {
	if s == nil || s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
}

// Reset clears every resource in the server (POST /moto-api/reset).
func (s *Server) Reset() error {
	resp, err := http.Post(s.Endpoint+"/moto-api/reset", "application/json", nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return errors.New("moto reset: " + resp.Status + ": " + string(b))
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// logTail keeps the last lines moto printed, for error messages.
type logTail struct {
	mu    sync.Mutex
	lines []string
}

func (l *logTail) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	sc := bufio.NewScanner(strings.NewReader(string(p)))
	for sc.Scan() {
		l.lines = append(l.lines, sc.Text())
		if len(l.lines) > 20 {
			l.lines = l.lines[1:]
		}
	}
	return len(p), nil
}

func (l *logTail) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}
