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
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"touchaudit/internal/asl"
	"touchaudit/internal/audit"
	"touchaudit/internal/devtoken"
	"touchaudit/internal/httpapi"
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
	// open assignments waiting on the audit executions.
	Review bool
	// Store is the store to use; nil is the embedded store, or DynamoDB when
	// DYNAMODB_ENDPOINT is set (as for the demo).
	Store audit.Store
	// Log receives the server's and the workflow's logs; nil discards them.
	Log *slog.Logger
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

	stack *stack
	srv   *http.Server
	done  chan error
}

// localReviewTouchpoints is how many touchpoints the demo review covers:
// enough for a few auditors, few enough to read the list.
const localReviewTouchpoints = 4

// dispatchWait bounds the wait for the demo review's audits to be dispatched.
const dispatchWait = 30 * time.Second

// startLocal loads the sample company, builds the real-time local stack,
// optionally starts the demo review and serves the API and the form.
func startLocal(ctx context.Context, o localOptions) (*localServer, error) {
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
	s := &localServer{Store: o.Store, Company: company, Backend: "the given store", Tokens: map[string]string{}, done: make(chan error, 1)}
	if s.Store == nil {
		if s.Store, s.Backend, err = demoStore(ctx); err != nil {
			return nil, err
		}
	}
	if err := s.Store.SaveCompany(ctx, company); err != nil {
		return nil, err
	}
	if s.stack, err = newStack(stackOptions{store: s.Store, notifier: workflow.LogNotifier{Log: logger}, dir: o.Dir,
		engine: asl.Options{RealTime: true}}); err != nil {
		return nil, err
	}
	signer, err := devtoken.New()
	if err != nil {
		return nil, err
	}
	for _, m := range company.Staff {
		groups := make([]string, 0, len(m.Roles))
		for _, r := range m.Roles {
			groups = append(groups, string(r))
		}
		if s.Tokens[m.ID], err = signer.Sign(devtoken.Identity{StaffID: m.ID, CompanyID: company.ID, Groups: groups}); err != nil {
			return nil, err
		}
	}
	if o.Review {
		if err := s.startReview(ctx); err != nil {
			return nil, fmt.Errorf("demo review: %w", err)
		}
	}
	api := httpapi.New(s.stack.workflow, s.Store, httpapi.Options{Form: webform.Handler(), Log: logger, Now: s.stack.engine.Clock().Now})
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return nil, err
	}
	s.URL = "http://" + ln.Addr().String()
	s.srv = &http.Server{
		Handler:           api.HTTP(signer.VerifyRequest),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
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
	s.ReviewID = fmt.Sprintf("%s-local-%d", s.Company.ID, now.Unix())
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

// Close stops the server.
func (s *localServer) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if serveErr := <-s.done; !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
		err = serveErr
	}
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

// localShownAuditors is how many auditors' tokens are printed at least:
// everyone with work in the demo review, topped up with others.
const localShownAuditors = 3

func runLocal(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("local", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address (keep it on 127.0.0.1: dev tokens are printed in the clear)")
	dir := fs.String("dir", ".", "repository root (testdata/ and statemachines/ are read from it)")
	review := fs.Bool("review", true, "start a small demo review, so that auditors have open assignments")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	s, err := startLocal(ctx, localOptions{Addr: *addr, Dir: *dir, Review: *review, Log: logger})
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
	fmt.Fprintf(w, "\nDev tokens (HS256, issuer %s, valid %v, only for this run).\nOpen a link on the phone or in the browser to sign in:\n\n", devtoken.Issuer, devtoken.Lifetime)
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
			fmt.Fprintf(w, "lead %s %s (%s)\n  %s/#token=%s\n\n", m.ID, m.Name, strings.Join(rolesOf(m), ", "), s.URL, s.Tokens[m.ID])
			break
		}
	}
	if len(auditors) > 0 {
		fmt.Fprintf(w, "API: curl -H 'Authorization: Bearer %s' %s/api/assignments\n", s.Tokens[auditors[0]], s.URL)
	}
	fmt.Fprintln(w, "Ctrl-C stops the server (everything is in memory unless DYNAMODB_ENDPOINT is set).")
}

func rolesOf(m audit.Staff) []string {
	out := make([]string, len(m.Roles))
	for i, r := range m.Roles {
		out[i] = string(r)
	}
	return out
}
