package storetest

import (
	"fmt"
	"sync"
	"testing"

	"touchaudit/internal/audit"
)

var reviewCases = []contractCase{
	{"created review reads back", func(t *testing.T, s audit.Store) {
		r := newReview("spring-2026")
		must(t, s.CreateReview(ctxOf(t), r), "CreateReview")
		got, err := s.GetReview(ctxOf(t), r.ID)
		must(t, err, "GetReview")
		sameJSON(t, got, r, "review")
	}},
	{"creating an existing id is a conflict and keeps the stored review", func(t *testing.T, s audit.Store) {
		r := newReview("spring-2026")
		must(t, s.CreateReview(ctxOf(t), r), "CreateReview")
		other := newReview("spring-2026")
		other.Name = "an impostor"
		wantCode(t, s.CreateReview(ctxOf(t), other), audit.Conflict, "CreateReview(existing)")
		got, err := s.GetReview(ctxOf(t), r.ID)
		must(t, err, "GetReview")
		sameJSON(t, got, r, "stored review")
	}},
	{"missing review is not found", func(t *testing.T, s audit.Store) {
		_, err := s.GetReview(ctxOf(t), "nope")
		wantCode(t, err, audit.NotFound, "GetReview(missing)")
		wantCode(t, s.UpdateReview(ctxOf(t), newReview("nope")), audit.NotFound, "UpdateReview(missing)")
		_, err = s.MarkAssignmentDone(ctxOf(t), "nope", "a1")
		wantCode(t, err, audit.NotFound, "MarkAssignmentDone(missing review)")
		_, err = s.GetReview(ctxOf(t), "nope")
		wantCode(t, err, audit.NotFound, "GetReview after failed writes")
	}},
	{"invalid review is refused", func(t *testing.T, s audit.Store) {
		r := newReview("spring-2026")
		r.Window.Closes = r.Window.Opens
		wantCode(t, s.CreateReview(ctxOf(t), r), audit.Invalid, "CreateReview(invalid)")
		_, err := s.GetReview(ctxOf(t), r.ID)
		wantCode(t, err, audit.NotFound, "GetReview after a refused create")
	}},
	{"update bumps the version", func(t *testing.T, s audit.Store) {
		r := newReview("spring-2026")
		must(t, s.CreateReview(ctxOf(t), r), "CreateReview")
		r.Status, r.Assignments = audit.ReviewRunning, 12
		must(t, s.UpdateReview(ctxOf(t), r), "UpdateReview")
		if r.Version != 1 {
			t.Fatalf("version after update = %d, want 1", r.Version)
		}
		got, err := s.GetReview(ctxOf(t), r.ID)
		must(t, err, "GetReview")
		sameJSON(t, got, r, "review")
	}},
	{"stale version is refused and nothing changes", func(t *testing.T, s audit.Store) {
		r := newReview("spring-2026")
		must(t, s.CreateReview(ctxOf(t), r), "CreateReview")
		stale := *r
		r.Status = audit.ReviewRunning
		must(t, s.UpdateReview(ctxOf(t), r), "first UpdateReview")
		stale.Status = audit.ReviewCancelled
		wantCode(t, s.UpdateReview(ctxOf(t), &stale), audit.Conflict, "UpdateReview(stale)")
		if stale.Version != 0 {
			t.Fatalf("a refused update bumped the caller's version to %d", stale.Version)
		}
		got, err := s.GetReview(ctxOf(t), r.ID)
		must(t, err, "GetReview")
		sameJSON(t, got, r, "stored review")
	}},
	{"marking done counts each assignment once and completes the review", func(t *testing.T, s audit.Store) {
		r := newReview("spring-2026")
		r.Assignments = 3
		must(t, s.CreateReview(ctxOf(t), r), "CreateReview")
		for i, id := range []string{"a1", "a2", "a1", "a2", "a3"} {
			got, err := s.MarkAssignmentDone(ctxOf(t), r.ID, id)
			must(t, err, "MarkAssignmentDone "+id)
			want := []int{1, 2, 2, 2, 3}[i]
			if got.Done != want {
				t.Fatalf("after marking %s (call %d): done = %d, want %d", id, i+1, got.Done, want)
			}
			reopen(t, s) // the marks survive a restart: a repeat counts nothing
		}
		got, err := s.GetReview(ctxOf(t), r.ID)
		must(t, err, "GetReview")
		if got.Done != 3 || !got.Complete() {
			t.Fatalf("review done=%d/%d complete=%v, want 3/3 complete", got.Done, got.Assignments, got.Complete())
		}
	}},
	{"marking done bumps the version so a stale update cannot undo it", func(t *testing.T, s audit.Store) {
		r := newReview("spring-2026")
		r.Assignments = 2
		must(t, s.CreateReview(ctxOf(t), r), "CreateReview")
		read := *r
		after, err := s.MarkAssignmentDone(ctxOf(t), r.ID, "a1")
		must(t, err, "MarkAssignmentDone")
		if after.Version <= read.Version {
			t.Fatalf("version after MarkAssignmentDone = %d, want > %d", after.Version, read.Version)
		}
		read.Status = audit.ReviewRunning
		wantCode(t, s.UpdateReview(ctxOf(t), &read), audit.Conflict, "UpdateReview with the version read before the mark")
		got, err := s.GetReview(ctxOf(t), r.ID)
		must(t, err, "GetReview")
		if got.Done != 1 {
			t.Fatalf("done = %d, want 1", got.Done)
		}
	}},
	{"concurrent marks of the same assignments count once each", func(t *testing.T, s audit.Store) {
		r := newReview("spring-2026")
		r.Assignments = 4
		must(t, s.CreateReview(ctxOf(t), r), "CreateReview")
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for i := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.MarkAssignmentDone(ctxOf(t), r.ID, fmt.Sprintf("a%d", i%4)); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("MarkAssignmentDone: %v", err)
		}
		got, err := s.GetReview(ctxOf(t), r.ID)
		must(t, err, "GetReview")
		if got.Done != 4 || !got.Complete() {
			t.Fatalf("done = %d, want 4 (complete)", got.Done)
		}
	}},
}
