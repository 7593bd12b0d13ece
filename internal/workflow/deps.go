package workflow

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/scoring"
)

// deps are what every use case works with: the ports, the clock, the
// settings and one scoring-engine cache. Each use-case service embeds
// *deps, so all of them built by New share one set. A new use case (say
// Appeals) is a struct embedding *deps in its own file, one field on
// Workflow and one line in New; its Lambda functions are rows in the table
// of internal/functions.
//
// What more than one use case does (update an assignment under optimistic
// locking, count an assignment done on its review, list a review's
// assignments, score) is a method here.
type deps struct {
	store   audit.Store
	exec    Executions
	notify  Notifier
	clock   Clock
	cfg     Config
	log     *slog.Logger
	scorers *scorers
}

func newDeps(store audit.Store, exec Executions, notify Notifier, clock Clock, cfg Config, log *slog.Logger) *deps {
	if clock == nil {
		clock = SystemClock{}
	}
	d := &deps{store: store, exec: exec, notify: notify, clock: clock, cfg: cfg.withDefaults(), log: log,
		scorers: &scorers{byID: map[string]cachedScorer{}, store: store}}
	return d
}

// markDone counts an assignment as ended and, when it is the last, sends the
// review execution on to its report.
func (s *deps) markDone(ctx context.Context, reviewID, assignmentID string) (CloseOutput, error) {
	r, err := s.store.MarkAssignmentDone(ctx, reviewID, assignmentID)
	if err != nil {
		return CloseOutput{}, err
	}
	out := CloseOutput{ReviewID: r.ID, Done: r.Done, Assignments: r.Assignments, ReviewComplete: r.Complete()}
	if out.ReviewComplete {
		if err := s.wakeReview(ctx, r); err != nil {
			return out, err
		}
	}
	return out, nil
}

func (s *deps) wakeReview(ctx context.Context, r *audit.Review) error {
	if r.TaskToken == "" {
		// The review execution has not started waiting yet; AwaitReview sees
		// the completed counter and returns at once.
		return nil
	}
	out, _ := json.Marshal(map[string]any{"reviewId": r.ID, "done": r.Done})
	if err := s.exec.SendTaskSuccess(ctx, r.TaskToken, out); err != nil && !isGoneTask(err) {
		return err
	}
	return nil
}

// assignmentsIn lists a review's assignments in the given statuses, one
// listing per status, in the order given.
func (s *deps) assignmentsIn(ctx context.Context, reviewID string, statuses ...audit.AssignmentStatus) ([]audit.Assignment, error) {
	var all []audit.Assignment
	for _, st := range statuses {
		as, err := listAll(ctx, func(p audit.Page) ([]audit.Assignment, string, error) {
			return s.store.ListAssignmentsByReview(ctx, reviewID, st, p)
		})
		if err != nil {
			return nil, err
		}
		all = append(all, as...)
	}
	return all, nil
}

// previousAuditors maps each touchpoint to who walked it in the previous review.
func (s *deps) previousAuditors(ctx context.Context, reviewID string) (map[string][]string, error) {
	prev := map[string][]string{}
	if reviewID == "" {
		return prev, nil
	}
	as, err := s.assignmentsIn(ctx, reviewID, audit.StatusSubmitted, audit.StatusScored, audit.StatusClosed)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		prev[a.TouchpointID] = append(prev[a.TouchpointID], a.AuditorID)
	}
	return prev, nil
}

// listAll follows a listing's cursor to the end.
func listAll[T any](ctx context.Context, list func(audit.Page) ([]T, string, error)) ([]T, error) {
	var all []T
	page := audit.Page{Limit: audit.DefaultPageLimit}
	for {
		items, next, err := list(page)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if next == "" {
			return all, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		page.Cursor = next
	}
}

// scorers caches one scoring engine per company: building it indexes every
// criterion, and a Lambda container scores many walks.
type scorers struct {
	mu    sync.Mutex
	byID  map[string]cachedScorer
	store audit.CompanyStore
}

type cachedScorer struct {
	engine   *scoring.Engine
	loadedAt time.Time
}

// scorerTTL bounds how long a changed company configuration may go unseen.
const scorerTTL = 5 * time.Minute

func (s *deps) scorer(ctx context.Context, companyID string) (*scoring.Engine, error) {
	now := s.clock.Now()
	s.scorers.mu.Lock()
	c, ok := s.scorers.byID[companyID]
	s.scorers.mu.Unlock()
	if ok && now.Sub(c.loadedAt) < scorerTTL {
		return c.engine, nil
	}
	company, err := s.store.GetCompany(ctx, companyID)
	if err != nil {
		return nil, err
	}
	e, err := scoring.New(company)
	if err != nil {
		return nil, err
	}
	s.scorers.mu.Lock()
	s.scorers.byID[companyID] = cachedScorer{engine: e, loadedAt: now}
	s.scorers.mu.Unlock()
	return e, nil
}

// tell sends one notification. A message that cannot be sent never fails
// the step that made it: the walk was dispatched, the report stored, and
// failing now would make Step Functions retry (or catch) work that is
// done. The Notifier keeps what it could not send (internal/ses leaves a
// failed record that the next try of the same message claims again).
func (s *deps) tell(ctx context.Context, n Notification) {
	if s.notify == nil {
		return
	}
	if err := s.notify.Notify(ctx, n); err != nil {
		s.logger().WarnContext(ctx, "notification not sent", "kind", n.Kind, "to", n.To, "key", n.Key(), "reason", err)
	}
}

// tellLeads sends n to every lead of its company, one message each. A
// company that cannot be read is logged, as for tell.
func (s *deps) tellLeads(ctx context.Context, n Notification) {
	// The scoring engine's cached configuration: the leads are known
	// without another read, so a notification is not lost to a store that
	// fails that one read.
	eng, err := s.scorer(ctx, n.CompanyID)
	if err != nil {
		s.logger().WarnContext(ctx, "leads not notified: company unreadable", "kind", n.Kind, "company", n.CompanyID, "reason", err)
		return
	}
	c := eng.Company()
	for _, st := range c.Staff {
		if st.Has(audit.RoleLead) {
			m := n
			m.To = st.ID
			s.tell(ctx, m)
		}
	}
}

// logger is the configured logger, or slog's default at the time of the
// call (Lambda installs its request-scoped logger after wiring).
func (s *deps) logger() *slog.Logger {
	if s.log != nil {
		return s.log
	}
	return slog.Default()
}

// maxUpdateAttempts bounds a read-modify-write that keeps losing the
// version race to another writer of the same assignment (the auditor's
// phone, a dispatch, a promise check falling due at the same time).
const maxUpdateAttempts = 5

// updateAssignment reads an assignment, applies change and stores it under
// optimistic locking, reading and applying again when another writer got
// there first. change reports whether there is anything to write.
func (s *deps) updateAssignment(ctx context.Context, id string, change func(a *audit.Assignment) (bool, error)) (*audit.Assignment, error) {
	for attempt := 1; ; attempt++ {
		a, err := s.store.GetAssignment(ctx, id)
		if err != nil {
			return nil, err
		}
		write, err := change(a)
		if err != nil || !write {
			return a, err
		}
		a.UpdatedAt = s.clock.Now()
		err = s.store.UpdateAssignment(ctx, a)
		if err == nil || !audit.IsCode(err, audit.Conflict) || attempt == maxUpdateAttempts {
			return a, err
		}
	}
}
