//go:build !demoonly

package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"touchaudit/internal/asl"
	"touchaudit/internal/atomicfile"
	"touchaudit/internal/audit"
	"touchaudit/internal/console"
	"touchaudit/internal/consoleapi"
	"touchaudit/internal/devtoken"
	"touchaudit/internal/dynamo"
	"touchaudit/internal/filestore"
	"touchaudit/internal/httpapi"
	"touchaudit/internal/memstore"
	"touchaudit/internal/outbox"
	"touchaudit/internal/webform"
	"touchaudit/internal/workflow"
)

func init() {
	register("local", "serve the HTTP API and the audit form on 127.0.0.1 with dev tokens (real-time local stack)", runLocal)
}

// `touchaudit local` runs touchaudit on this machine as a phone would use it:
// the sample bank in the embedded store (or DynamoDB when DYNAMODB_ENDPOINT
// is set), the state machines on the local engine in real time, the HTTP API
// (internal/httpapi, the same handler as the API Lambda) under /api and the
// form (internal/webform) at /. Dev tokens stand in for Cognito: HS256,
// signed with a key made at start, verified here only (docs/API.md).
//
// Tests (the form's browser test among them) start the same server in
// process:
//
//	srv, err := startLocal(ctx, localOptions{Addr: "127.0.0.1:0", Dir: "../..", Review: true})
//	defer srv.Close()
//	staff, id, err := srv.OpenAssignment(ctx)  // an auditor whose audit waits on the dispatch token
//	page := srv.URL + "/#token=" + srv.Tokens[staff]
//	... submit the walk through the form ...
//	a, err := srv.WaitScored(ctx, id)  // the workflow moved on: scored (or closed after scoring)

// localOptions configure startLocal.
type localOptions struct {
	// Addr is where to listen; "127.0.0.1:0" picks a free port.
	Addr string
	// Dir is the repository root (testdata/ and statemachines/ are read from it).
	Dir string
	// Review starts a small demo review at start, so that auditors have
	// open assignments waiting on the audit executions. With a DataDir, a
	// demo review started by an earlier run goes on instead.
	Review bool
	// Demo loads the sample bank's completed reviews (2025-H2 and 2026-H2,
	// scored and reported) and a running one, so the lead console is
	// populated from the first minute (console.SeedSample). A data directory
	// that has them already keeps them.
	Demo bool
	// DataDir keeps everything between runs: the embedded store, the Step
	// Functions executions (their history, waits and task tokens), the dev
	// token signing key and the demo review's id. "" keeps it all in memory.
	DataDir string
	// Store is the store to use; nil is the embedded store (durable in
	// DataDir), or DynamoDB when DYNAMODB_ENDPOINT is set (as for the demo).
	Store audit.Store
	// Log receives the server's and the workflow's logs; nil discards them.
	Log *slog.Logger
	// Messages receives every notification as the outbox keeps it (nil:
	// kept, not printed).
	Messages io.Writer
}

// localServer is a running `touchaudit local`.
type localServer struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:41234.
	URL string
	// Tokens holds a dev token for every member of the sample bank's staff,
	// by staff id.
	Tokens map[string]string
	// Store is the server's store, to check what the workflow did.
	Store   audit.Store
	Backend string
	// ReviewID is the demo review's id (with Review set).
	ReviewID string
	Company  *audit.Company
	// Resumed lists the executions an earlier run left running, which this
	// one continues (with a DataDir).
	Resumed []string
	// Outbox keeps the messages the workflow sent (SES in AWS).
	Outbox *outbox.Outbox

	stack   *stack
	signer  *devtoken.Signer
	srv     *http.Server
	done    chan error
	closers []func() error
}

// localReviewTouchpoints is how many touchpoints the demo review covers:
// enough for a few auditors, few enough to read the list.
const localReviewTouchpoints = 4

// dispatchWait bounds the wait for the demo review's audits to be dispatched.
const dispatchWait = 30 * time.Second

// localState is what a data directory remembers besides the store and the
// engine: which demo review runs, and which DynamoDB table holds the data.
type localState struct {
	ReviewID string `json:"reviewId,omitempty"`
	Table    string `json:"table,omitempty"`
}

// The files and folders of a data directory.
const (
	localStateFile = "local.json"
	localKeyFile   = "devtoken.key"
	localStoreDir  = "store"
	localEngineDir = "engine"
	localFilesDir  = "evidence"
)

// startLocal loads the sample company, builds the real-time local stack,
// optionally starts the demo review and serves the API and the form. It
// listens first, so a busy address fails before anything is written.
func startLocal(ctx context.Context, o localOptions) (_ *localServer, err error) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:8080"
	}
	if o.Dir == "" {
		o.Dir = "."
	}
	logger := o.Log
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	company, err := audit.LoadCompanyDir(filepath.Join(o.Dir, "testdata", "company"))
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w (is another touchaudit local running? pick another with --addr)", o.Addr, err)
	}
	s := &localServer{Store: o.Store, Company: company, Backend: "the given store", Tokens: map[string]string{}, done: make(chan error, 1)}
	s.closers = append(s.closers, ln.Close)
	defer func() {
		if err != nil {
			s.closeAll()
		}
	}()
	var state localState
	if o.DataDir != "" {
		if err := os.MkdirAll(o.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("data directory: %w", err)
		}
		if state, err = readLocalState(o.DataDir); err != nil {
			return nil, err
		}
	}
	if s.Store == nil {
		if err := s.openStore(ctx, o.DataDir, &state); err != nil {
			return nil, err
		}
	}
	if _, err := s.Store.GetCompany(ctx, company.ID); audit.IsCode(err, audit.NotFound) {
		if err := s.Store.SaveCompany(ctx, company); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	} else if s.Company, err = s.Store.GetCompany(ctx, company.ID); err != nil {
		return nil, err
	}
	if o.Demo {
		if _, err := s.Store.GetReview(ctx, console.SampleCurrent); audit.IsCode(err, audit.NotFound) {
			if _, err := console.SeedSample(ctx, s.Store, filepath.Join(o.Dir, "testdata"), time.Now().UTC()); err != nil {
				return nil, fmt.Errorf("demo data: %w", err)
			}
		} else if err != nil {
			return nil, err
		}
	}
	engine := asl.Options{RealTime: true}
	if o.DataDir != "" {
		engine.StateDir = filepath.Join(o.DataDir, localEngineDir)
	}
	s.URL = "http://" + ln.Addr().String()
	// The outbox stands in for SES: every message is kept (GET /api/outbox,
	// the console) and printed.
	s.Outbox = outbox.New(s.Store, s.URL+"/", o.Messages)
	if s.stack, err = newStack(stackOptions{store: s.Store, notifier: s.Outbox, dir: o.Dir, engine: engine}); err != nil {
		return nil, err
	}
	s.closers = append(s.closers, s.stack.engine.Close)
	if s.Resumed, err = s.stack.engine.Resume(); err != nil {
		return nil, fmt.Errorf("resume the executions in %s: %w", engine.StateDir, err)
	}
	signer, err := devtoken.New()
	if o.DataDir != "" {
		signer, err = devtoken.LoadOrCreate(filepath.Join(o.DataDir, localKeyFile))
	}
	if err != nil {
		return nil, err
	}
	s.signer = signer
	for _, m := range s.Company.Staff {
		if s.Tokens[m.ID], err = s.token(s.Company.ID, m); err != nil {
			return nil, err
		}
	}
	if o.Review {
		if err := s.demoReview(ctx, o.DataDir, &state); err != nil {
			return nil, fmt.Errorf("demo review: %w", err)
		}
	}
	files, err := s.openFiles(o.DataDir)
	if err != nil {
		return nil, err
	}
	opts, err := consoleapi.With(httpapi.Options{Form: webform.Handler(), Log: logger, Now: s.stack.engine.Clock().Now,
		Outbox: s.Outbox, Files: files}, s.Store)
	if err != nil {
		return nil, err
	}
	api := httpapi.New(s.stack.workflow, s.Store, opts)
	mux := http.NewServeMux()
	mux.Handle("/files/", files.Handler()) // the presigned-style uploads and downloads of evidence
	mux.Handle("/", api.HTTP(signer.VerifyRequest))
	s.srv = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

// token is a dev token for a member of a company's staff, with their roles
// as groups (the sample bank's staff have theirs in Tokens).
func (s *localServer) token(companyID string, m audit.Staff) (string, error) {
	groups := make([]string, 0, len(m.Roles))
	for _, r := range m.Roles {
		groups = append(groups, string(r))
	}
	return s.signer.Sign(devtoken.Identity{StaffID: m.ID, CompanyID: companyID, Groups: groups})
}

// openFiles opens the evidence folder (in the data directory, or a
// temporary one removed at Close) behind URLs signed with a key of this run:
// an upload URL lives minutes, and the form asks for a new one after a
// restart.
func (s *localServer) openFiles(dataDir string) (*filestore.Store, error) {
	dir := filepath.Join(dataDir, localFilesDir)
	if dataDir == "" {
		tmp, err := os.MkdirTemp("", "touchaudit-files-")
		if err != nil {
			return nil, err
		}
		s.closers = append(s.closers, func() error { return os.RemoveAll(tmp) })
		dir = tmp
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return filestore.New(dir, s.URL+"/files", key)
}

// openStore opens the embedded store, durable in dataDir (in memory without
// one), or DynamoDB when DYNAMODB_ENDPOINT is set: the table named by
// TABLE_NAME, or the one this data directory used before, or a new one.
func (s *localServer) openStore(ctx context.Context, dataDir string, state *localState) error {
	ep := os.Getenv("DYNAMODB_ENDPOINT")
	if ep == "" {
		if dataDir == "" {
			s.Store, s.Backend = memstore.New(), "the embedded store, in memory"
			return nil
		}
		dir := filepath.Join(dataDir, localStoreDir)
		st, err := memstore.Open(dir, memstore.WithClock(func() time.Time { return time.Now().UTC() }))
		if err != nil {
			return err
		}
		s.closers = append(s.closers, st.Close)
		s.Store, s.Backend = st, "the embedded store in "+dir
		return nil
	}
	client, err := dynamo.NewLocalClient(ctx, ep)
	if err != nil {
		return err
	}
	table := os.Getenv("TABLE_NAME")
	if table == "" {
		table = state.Table
	}
	if table == "" {
		table = fmt.Sprintf("%s-%d", demoTableDefault, time.Now().UnixNano())
	}
	if err := dynamo.EnsureTable(ctx, client, table); err != nil {
		return err
	}
	s.Store, s.Backend = dynamo.New(client, table), "DynamoDB at "+ep+" (table "+table+")"
	if dataDir != "" && state.Table != table {
		state.Table = table
		return writeLocalState(dataDir, *state)
	}
	return nil
}

// demoReview goes on with the demo review an earlier run started in this
// data directory while it is still running, or starts a new one.
func (s *localServer) demoReview(ctx context.Context, dataDir string, state *localState) error {
	if state.ReviewID != "" {
		r, err := s.Store.GetReview(ctx, state.ReviewID)
		switch {
		case err == nil && !r.Complete() && r.Status != audit.ReviewFailed:
			s.ReviewID = r.ID
			return nil
		case err != nil && !audit.IsCode(err, audit.NotFound):
			return err
		}
	}
	if err := s.startReview(ctx); err != nil {
		return err
	}
	if dataDir == "" {
		return nil
	}
	state.ReviewID = s.ReviewID
	return writeLocalState(dataDir, *state)
}

func readLocalState(dir string) (localState, error) {
	var st localState
	b, err := os.ReadFile(filepath.Join(dir, localStateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, fmt.Errorf("%s: %w (delete the data directory to start afresh)", filepath.Join(dir, localStateFile), err)
	}
	return st, nil
}

// writeLocalState writes the state file atomically (a temporary file
// renamed over the old one).
func writeLocalState(dir string, st localState) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, localStateFile), append(b, '\n'), 0o600)
}

// startReview starts the demo review: a few touchpoints, one walk each, one
// assignment per auditor, opening now; then waits until its audits wait for
// the auditors (the dispatch task token is stored on each assignment).
func (s *localServer) startReview(ctx context.Context) error {
	var scope []string
	for _, ref := range s.Company.Touchpoints() {
		if len(scope) == localReviewTouchpoints {
			break
		}
		scope = append(scope, ref.ID)
	}
	now := s.stack.engine.Clock().Now()
	closes := now.Add(14 * audit.Day)
	s.ReviewID = audit.ReviewID(s.Company.ID, fmt.Sprintf("local-%d", now.Unix()))
	if _, err := s.stack.workflow.Reviews.StartReview(ctx, workflow.ReviewRequest{
		CompanyID: s.Company.ID, ReviewID: s.ReviewID, Name: "Local review " + now.Format(time.DateOnly),
		Opens: &now, Closes: &closes, Scope: audit.ReviewScope{Touchpoints: scope, WalksPerTouchpoint: 1, MaxPerAuditor: 1},
		Seed: 7, RequestedBy: "local",
	}); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, dispatchWait)
	defer cancel()
	for {
		r, err := s.Store.GetReview(ctx, s.ReviewID)
		if err != nil && !audit.IsCode(err, audit.NotFound) {
			return err
		}
		if err == nil && r.Assignments > 0 {
			waiting, err := s.dispatched(ctx)
			if err != nil {
				return err
			}
			if len(waiting) > 0 && len(waiting)+r.Done >= r.Assignments {
				return nil
			}
		}
		if err := sleepCtx(ctx, 20*time.Millisecond); err != nil {
			return fmt.Errorf("the review's audits were not dispatched within %v", dispatchWait)
		}
	}
}

// dispatched lists the demo review's open assignments whose audit execution
// waits on the dispatch task token.
func (s *localServer) dispatched(ctx context.Context) ([]audit.Assignment, error) {
	var out []audit.Assignment
	for _, st := range []audit.AssignmentStatus{audit.StatusAssigned, audit.StatusStarted} {
		as, _, err := s.Store.ListAssignmentsByReview(ctx, s.ReviewID, st, audit.Page{Limit: audit.DefaultPageLimit})
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			if a.TaskToken != "" {
				out = append(out, a)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// OpenAssignment returns an auditor and one of their open assignments of the
// demo review whose audit execution waits on the dispatch task token, so a
// submission moves the workflow on. It waits until there is one.
func (s *localServer) OpenAssignment(ctx context.Context) (staffID, assignmentID string, err error) {
	if s.ReviewID == "" {
		return "", "", errors.New("no demo review: start the server with Review set")
	}
	for {
		as, err := s.dispatched(ctx)
		if err != nil {
			return "", "", err
		}
		for _, a := range as {
			if a.Status == audit.StatusAssigned {
				return a.AuditorID, a.ID, nil
			}
		}
		if len(as) > 0 {
			return as[0].AuditorID, as[0].ID, nil
		}
		if err := sleepCtx(ctx, 20*time.Millisecond); err != nil {
			return "", "", err
		}
	}
}

// WaitScored waits until the audit execution has scored the assignment's
// submitted walk and returns the assignment: scored, or already closed after
// scoring (an audit without promises closes at once). A failed audit, or an
// assignment that can no longer be scored, is an error at once.
func (s *localServer) WaitScored(ctx context.Context, assignmentID string) (*audit.Assignment, error) {
	for {
		a, err := s.Store.GetAssignment(ctx, assignmentID)
		if err != nil {
			return nil, err
		}
		switch {
		case a.Failure != "":
			return a, fmt.Errorf("assignment %s is %s: %s", a.ID, a.Status, a.Failure)
		case a.Status == audit.StatusScored || a.Status == audit.StatusClosed && a.WalkthroughID != "":
			return a, nil
		case a.Status.Final():
			return a, fmt.Errorf("assignment %s is %s and will not be scored", a.ID, a.Status)
		}
		if err := sleepCtx(ctx, 20*time.Millisecond); err != nil {
			return a, fmt.Errorf("assignment %s is still %s: %w", a.ID, a.Status, err)
		}
	}
}

// Close stops the server, then the engine (its executions stay in the data
// directory for the next run) and the store.
func (s *localServer) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if serveErr := <-s.done; !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
		err = serveErr
	}
	s.closers = s.closers[1:] // the listener is closed by Shutdown
	if cerr := s.closeAll(); err == nil {
		err = cerr
	}
	return err
}

// closeAll closes what startLocal opened, last opened first.
func (s *localServer) closeAll() error {
	var err error
	for i := len(s.closers) - 1; i >= 0; i-- {
		if cerr := s.closers[i](); cerr != nil && err == nil && !errors.Is(cerr, net.ErrClosed) {
			err = cerr
		}
	}
	s.closers = nil
	return err
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// defaultDataDir is where `touchaudit local` keeps its data: beside the
// checkout, ignored by git.
const defaultDataDir = ".touchaudit"

// localShownAuditors is how many auditors' tokens are printed at least:
// everyone with work in the demo review, topped up with others.
const localShownAuditors = 3

func runLocal(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("local", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address (keep it on 127.0.0.1: dev tokens are printed in the clear)")
	dir := fs.String("dir", ".", "repository root (testdata/ and statemachines/ are read from it)")
	review := fs.Bool("review", true, "start a small demo review, so that auditors have open assignments (an earlier run's goes on)")
	data := fs.String("data", defaultDataDir, "keep the store, the Step Functions executions and the sign-in key in this directory between runs")
	memory := fs.Bool("memory", false, "keep everything in memory: nothing survives the run")
	fresh := fs.Bool("fresh", false, "delete the data directory first and start afresh")
	demo := fs.Bool("demo", false, "load the sample bank's completed 2025-H2 and 2026-H2 reviews, so the lead console is populated at once")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	dataDir := *data
	if *memory {
		dataDir = ""
	}
	if *fresh && dataDir != "" {
		if err := os.RemoveAll(dataDir); err != nil {
			fmt.Fprintf(stderr, "local: %v\n", err)
			return 1
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	s, err := startLocal(ctx, localOptions{Addr: *addr, Dir: *dir, Review: *review, DataDir: dataDir, Demo: *demo, Log: logger, Messages: stdout})
	if err != nil {
		fmt.Fprintf(stderr, "local: %v\n", err)
		return 1
	}
	s.printIntro(ctx, stdout)
	<-ctx.Done()
	fmt.Fprintln(stdout, "\nstopping")
	if err := s.Close(); err != nil {
		fmt.Fprintf(stderr, "local: %v\n", err)
		return 1
	}
	return 0
}

// printIntro tells the developer where to go and who to be.
func (s *localServer) printIntro(ctx context.Context, w io.Writer) {
	fmt.Fprintf(w, "touchaudit local: %s\n", s.URL)
	fmt.Fprintf(w, "  company %s in %s; state machines on the local engine in real time\n", s.Company.ID, s.Backend)
	if s.ReviewID != "" {
		fmt.Fprintf(w, "  demo review %s started\n", s.ReviewID)
	}
	fmt.Fprintf(w, "\nDev tokens (HS256, issuer %s, valid %v, signed with the data directory's key).\nOpen a link on the phone or in the browser to sign in:\n\n", devtoken.Issuer, devtoken.Lifetime)
	open := map[string]int{}
	if s.ReviewID != "" {
		as, _ := s.dispatched(ctx)
		for _, a := range as {
			open[a.AuditorID]++
		}
	}
	var auditors []string
	for id := range open {
		auditors = append(auditors, id)
	}
	sort.Strings(auditors)
	for _, m := range s.Company.Staff {
		if len(auditors) >= localShownAuditors {
			break
		}
		if m.Has(audit.RoleAuditor) && !m.Has(audit.RoleLead) && !slices.Contains(auditors, m.ID) {
			auditors = append(auditors, m.ID)
		}
	}
	for _, id := range auditors {
		m, _ := s.Company.Member(id)
		fmt.Fprintf(w, "auditor %s %s (open assignments: %d)\n  %s/#token=%s\n\n", m.ID, m.Name, open[id], s.URL, s.Tokens[id])
	}
	for _, m := range s.Company.Staff {
		if m.Has(audit.RoleLead) {
			fmt.Fprintf(w, "lead %s %s (%s)\n  console: %s/console/#token=%s\n  form:    %s/#token=%s\n\n", m.ID, m.Name, strings.Join(rolesOf(m), ", "),
				s.URL, s.Tokens[m.ID], s.URL, s.Tokens[m.ID])
			break
		}
	}
	for _, m := range s.Company.Staff {
		if m.Has(audit.RoleManager) {
			fmt.Fprintf(w, "manager %s %s (appeals for unit %s)\n  %s/#token=%s\n\n", m.ID, m.Name, m.HomeUnit, s.URL, s.Tokens[m.ID])
			break
		}
	}
	if len(auditors) > 0 {
		fmt.Fprintf(w, "API: curl -H 'Authorization: Bearer %s' %s/api/assignments\n", s.Tokens[auditors[0]], s.URL)
	}
	if len(s.Resumed) > 0 {
		fmt.Fprintf(w, "Continued %d executions of the last run where they were.\n", len(s.Resumed))
	}
	fmt.Fprintln(w, "Messages the workflow sends (SES in AWS) are printed below as they go out and listed at GET /api/outbox.")
	fmt.Fprintln(w, "Ctrl-C stops the server; the data directory keeps everything for the next run (--fresh starts afresh, --memory keeps nothing).")
}

func rolesOf(m audit.Staff) []string {
	out := make([]string, len(m.Roles))
	for i, r := range m.Roles {
		out[i] = string(r)
	}
	return out
}
