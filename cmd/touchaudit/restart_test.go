package main

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/motoserver"
	"touchaudit/internal/workflow"
)

// startDataLocal starts `touchaudit local` in process on a free port with a
// data directory, as a developer's `touchaudit local` runs by default.
func startDataLocal(t *testing.T, dataDir string) *localServer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := startLocal(ctx, localOptions{Addr: "127.0.0.1:0", Dir: "../..", Review: true, DataDir: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// submitOpen walks one of the demo review's open assignments through the
// HTTP API (start, submit) and returns its id once the workflow scored it.
func submitOpen(t *testing.T, s *localServer, exclude map[string]bool) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var staff, id string
	for id == "" {
		as, err := s.dispatched(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			if !exclude[a.ID] && a.Status.Open() {
				staff, id = a.AuditorID, a.ID
				break
			}
		}
		if id == "" {
			if err := sleepCtx(ctx, 20*time.Millisecond); err != nil {
				t.Fatalf("no open assignment left: %v", err)
			}
		}
	}
	token, base := s.Tokens[staff], s.URL+"/api/assignments/"+id
	now := time.Now().UTC()
	status, b := call(t, "GET", base, token, nil)
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", base, status, b)
	}
	var view workflow.AssignmentView
	if err := json.Unmarshal(b, &view); err != nil {
		t.Fatal(err)
	}
	sub := map[string]any{"submissionId": "restart-" + id, "clientSentAt": now, "walkthrough": sampleWalk(view, now)}
	if status, b = call(t, "POST", base+"/submit", token, sub); status != http.StatusOK {
		t.Fatalf("submit %s: %d %s", id, status, b)
	}
	if _, err := s.WaitScored(ctx, id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestLocal_RestartGoesOnWhereItWas stops `touchaudit local` mid-review and
// starts it again on the same data, twice, on the embedded store and on
// DynamoDB (moto): the same review goes on, the sign-in links printed by
// the first run still sign in, a walk submitted after each restart is
// scored, and what was scored before is kept as it was.
func TestLocal_RestartGoesOnWhereItWas(t *testing.T) {
	for _, backend := range []string{"embedded", "dynamodb"} {
		t.Run(backend, func(t *testing.T) {
			if backend == "dynamodb" {
				t.Setenv("DYNAMODB_ENDPOINT", motoserver.Shared(t).Endpoint)
				t.Setenv("TABLE_NAME", "")
			}
			dataDir := filepath.Join(t.TempDir(), "data")
			first := startDataLocal(t, dataDir)
			reviewID, tokens := first.ReviewID, first.Tokens
			r, err := first.Store.GetReview(context.Background(), reviewID)
			if err != nil {
				t.Fatal(err)
			}
			assignments := r.Assignments
			if assignments < 3 {
				t.Fatalf("the demo review has %d assignments, want 3 or more to walk one per run", assignments)
			}
			scored := map[string]bool{submitOpen(t, first, nil): true}
			if err := first.Close(); err != nil {
				t.Fatal(err)
			}
			for run := 2; run <= 3; run++ {
				s := startDataLocal(t, dataDir)
				if s.ReviewID != reviewID {
					t.Fatalf("run %d started review %s, want %s to go on", run, s.ReviewID, reviewID)
				}
				if len(s.Resumed) == 0 {
					t.Errorf("run %d resumed no execution", run)
				}
				if status, b := call(t, "GET", s.URL+"/api/me", tokens["s-017"], nil); status != http.StatusOK {
					t.Errorf("run %d: a sign-in link of the first run: %d %s", run, status, b)
				}
				scored[submitOpen(t, s, scored)] = true
				ctx := context.Background()
				r, err := s.Store.GetReview(ctx, reviewID)
				if err != nil {
					t.Fatal(err)
				}
				if r.Assignments != assignments {
					t.Errorf("run %d: the review has %d assignments, was %d", run, r.Assignments, assignments)
				}
				for id := range scored {
					a, err := s.Store.GetAssignment(ctx, id)
					if err != nil {
						t.Fatal(err)
					}
					if a.Failure != "" || (a.Status != audit.StatusScored && a.Status != audit.StatusClosed) {
						t.Errorf("run %d: %s is %s (%q), want scored or closed", run, id, a.Status, a.Failure)
					}
				}
				results, _, err := s.Store.ListResultsByReview(ctx, reviewID, audit.Page{})
				if err != nil {
					t.Fatal(err)
				}
				if len(results) != len(scored) {
					t.Errorf("run %d: %d results for %d walks submitted", run, len(results), len(scored))
				}
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// A busy --addr fails before anything is written to the data directory.
func TestLocal_BusyAddressFailsBeforeWriting(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dataDir := filepath.Join(t.TempDir(), "data")
	_, err = startLocal(context.Background(), localOptions{Addr: ln.Addr().String(), Dir: "../..", Review: true, DataDir: dataDir})
	if err == nil {
		t.Fatal("startLocal on a busy address succeeded")
	}
	if _, statErr := os.Stat(dataDir); !errors.Is(statErr, os.ErrNotExist) {
		t.Errorf("the data directory was written although the address was busy: %v", statErr)
	}
}

// `touchaudit local --demo` shows a lead a populated console at once: the
// sample bank's reviews are listed, the 2026-H2 one with its report.
func TestLocal_DemoLoadsTheSampleReviews(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := startLocal(ctx, localOptions{Addr: "127.0.0.1:0", Dir: "../..", Demo: true, DataDir: filepath.Join(t.TempDir(), "data")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	status, b := call(t, "GET", s.URL+"/api/reviews", s.Tokens["s-001"], nil)
	if status != http.StatusOK {
		t.Fatalf("GET /api/reviews: %d %s", status, b)
	}
	var list struct {
		Reviews []audit.Review `json:"reviews"`
	}
	if err := json.Unmarshal(b, &list); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, r := range list.Reviews {
		ids[r.ID] = true
	}
	if !ids["rv-2025-h2"] || !ids["rv-2026-h2"] {
		t.Fatalf("reviews listed: %s, want the sample's 2025-H2 and 2026-H2", b)
	}
	if status, b := call(t, "GET", s.URL+"/api/reviews/rv-2026-h2/report", s.Tokens["s-001"], nil); status != http.StatusOK {
		t.Fatalf("the 2026-H2 report: %d %.200s", status, b)
	}
}
