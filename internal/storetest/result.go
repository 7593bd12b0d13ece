package storetest

import (
	"fmt"
	"testing"
	"time"

	"touchaudit/internal/audit"
)

var resultCases = []contractCase{
	{"history lists a touchpoint's results newest first across pages", func(t *testing.T, s audit.Store) {
		var rs, want []audit.Result
		for i := range 9 {
			// scored in shuffled order: 0, 4, 8, 3, 7, 2, 6, 1, 5 days after t0
			day := (i * 4) % 9
			r := newResult(fmt.Sprintf("r%d", i), "rev1", "tp-0-0-0", t0.Add(time.Duration(day)*audit.Day), t0.Add(180*audit.Day))
			rs = append(rs, r)
		}
		rs = append(rs, newResult("elsewhere", "rev1", "tp-0-0-1", t0, t0.Add(90*audit.Day)))
		must(t, s.PutResults(ctxOf(t), rs), "PutResults")
		for day := 8; day >= 0; day-- {
			for _, r := range rs[:9] {
				if r.ScoredAt.Equal(t0.Add(time.Duration(day) * audit.Day)) {
					want = append(want, r)
				}
			}
		}
		got, pages := collect(t, 2, func(p audit.Page) ([]audit.Result, string, error) {
			return s.ListResultHistory(ctxOf(t), "bank", "tp-0-0-0", p)
		})
		if pages < 5 {
			t.Fatalf("9 results with limit 2 came in %d pages", pages)
		}
		sameJSON(t, got, want, "result history")
	}},
	{"by review lists every result across pages, retrying unprocessed items", func(t *testing.T, s audit.Store) {
		var rs []audit.Result
		for i := range 30 {
			rs = append(rs, newResult(fmt.Sprintf("r%02d", i), "rev1", fmt.Sprintf("tp-%d", i%7), t0.Add(time.Duration(i)*time.Hour), t0.Add(90*audit.Day)))
		}
		rs = append(rs, newResult("other", "rev2", "tp-1", t0, t0.Add(90*audit.Day)))
		if inj, ok := s.(UnprocessedInjector); ok {
			inj.InjectUnprocessed(5, 2)
			defer func() {
				if got := inj.Unprocessed(); got != 10 {
					t.Errorf("backend reported %d results unprocessed, want 10", got)
				}
			}()
		}
		must(t, s.PutResults(ctxOf(t), rs), "PutResults")
		got, _ := collect(t, 7, func(p audit.Page) ([]audit.Result, string, error) {
			return s.ListResultsByReview(ctxOf(t), "rev1", p)
		})
		sameJSON(t, got, rs[:30], "review's results (by id)")
	}},
	{"put overwrites a result by id", func(t *testing.T, s audit.Store) {
		r := newResult("r1", "rev1", "tp-1", t0, t0.Add(90*audit.Day))
		must(t, s.PutResults(ctxOf(t), []audit.Result{r}), "PutResults")
		r.Valuation, r.Gaps = 0, nil
		must(t, s.PutResults(ctxOf(t), []audit.Result{r}), "PutResults again")
		got, _ := collect(t, 0, func(p audit.Page) ([]audit.Result, string, error) {
			return s.ListResultHistory(ctxOf(t), "bank", "tp-1", p)
		})
		sameJSON(t, got, []audit.Result{r}, "history after overwrite")
		one, err := s.GetResult(ctxOf(t), "r1")
		must(t, err, "GetResult")
		sameJSON(t, one, r, "result read by id")
		_, err = s.GetResult(ctxOf(t), "r-missing")
		wantCode(t, err, audit.NotFound, "GetResult of a missing result")
	}},
	{"invalid result is refused and nothing is stored", func(t *testing.T, s audit.Store) {
		good := newResult("r1", "rev1", "tp-1", t0, t0.Add(90*audit.Day))
		bad := newResult("r2", "rev1", "tp-2", t0, t0.Add(90*audit.Day))
		bad.Valuation = 3
		wantCode(t, s.PutResults(ctxOf(t), []audit.Result{good, bad}), audit.Invalid, "PutResults(invalid)")
		got, _, err := s.ListResultsByReview(ctxOf(t), "rev1", audit.Page{})
		must(t, err, "ListResultsByReview")
		due, err := s.ListDueTouchpoints(ctxOf(t), "bank", t0.Add(1000*audit.Day))
		must(t, err, "ListDueTouchpoints")
		if len(got) != 0 || len(due) != 0 {
			t.Fatalf("after a refused put: %d results, %d due touchpoints; want none", len(got), len(due))
		}
	}},
	{"due touchpoints are only those due before the date, soonest first", func(t *testing.T, s audit.Store) {
		before := t0.Add(60 * audit.Day)
		ds := []audit.DueTouchpoint{
			dueItem("tp-late", t0.Add(90*audit.Day)),
			dueItem("tp-soon", t0.Add(10*audit.Day)),
			dueItem("tp-exact", before), // due at, not before
			dueItem("tp-mid", t0.Add(30*audit.Day)),
			dueItem("tp-first", t0.Add(-5*audit.Day)),
		}
		other := dueItem("tp-soon", t0.Add(1*audit.Day))
		other.CompanyID = "another-bank"
		must(t, s.PutSchedule(ctxOf(t), append(ds, other)), "PutSchedule")
		got, err := s.ListDueTouchpoints(ctxOf(t), "bank", before)
		must(t, err, "ListDueTouchpoints")
		sameJSON(t, got, []audit.DueTouchpoint{ds[4], ds[1], ds[3]}, "due touchpoints")
	}},
	{"a schedule item is replaced whole, later or earlier", func(t *testing.T, s audit.Store) {
		first := dueItem("tp-1", t0.Add(90*audit.Day))
		must(t, s.PutSchedule(ctxOf(t), []audit.DueTouchpoint{first}), "PutSchedule(first)")
		// A fix marked done brings a -2 forward: the earlier date replaces the later.
		sooner := dueItem("tp-1", t0.Add(30*audit.Day))
		sooner.LastValuation, sooner.DueReason = -2, "afterFix"
		must(t, s.PutSchedule(ctxOf(t), []audit.DueTouchpoint{sooner}), "PutSchedule(sooner)")
		reopen(t, s)
		got, err := s.ListDueTouchpoints(ctxOf(t), "bank", t0.Add(365*audit.Day))
		must(t, err, "ListDueTouchpoints")
		sameJSON(t, got, []audit.DueTouchpoint{sooner}, "schedule")
		// In one call the last item of a touchpoint wins.
		batch := []audit.DueTouchpoint{dueItem("tp-2", t0.Add(20*audit.Day)), dueItem("tp-2", t0.Add(200*audit.Day))}
		must(t, s.PutSchedule(ctxOf(t), batch), "PutSchedule(batch)")
		got, err = s.ListDueTouchpoints(ctxOf(t), "bank", t0.Add(365*audit.Day))
		must(t, err, "ListDueTouchpoints")
		sameJSON(t, got, []audit.DueTouchpoint{sooner, batch[1]}, "schedule after a batch")
	}},
	{"putting results never moves the schedule, approved or not", func(t *testing.T, s audit.Store) {
		item := dueItem("tp-1", t0.Add(90*audit.Day))
		must(t, s.PutSchedule(ctxOf(t), []audit.DueTouchpoint{item}), "PutSchedule")
		newer := newResult("r2", "rev2", "tp-1", t0.Add(30*audit.Day), t0.Add(40*audit.Day))
		approved := newResult("r3", "rev2", "tp-1", t0.Add(31*audit.Day), t0.Add(41*audit.Day))
		approved.QA = &audit.QA{Status: audit.QAApproved, Since: approved.ScoredAt}
		unscheduled := newResult("r4", "rev2", "tp-9", t0.Add(31*audit.Day), t0.Add(41*audit.Day))
		must(t, s.PutResults(ctxOf(t), []audit.Result{newer, approved, unscheduled}), "PutResults")
		got, err := s.ListDueTouchpoints(ctxOf(t), "bank", t0.Add(365*audit.Day))
		must(t, err, "ListDueTouchpoints")
		sameJSON(t, got, []audit.DueTouchpoint{item}, "schedule after PutResults")
	}},
	{"an invalid schedule item is refused and nothing is stored", func(t *testing.T, s audit.Store) {
		for _, c := range []struct {
			name   string
			mutate func(*audit.DueTouchpoint)
		}{
			{"no company", func(d *audit.DueTouchpoint) { d.CompanyID = "" }},
			{"no touchpoint", func(d *audit.DueTouchpoint) { d.TouchpointID = "" }},
			{"no date", func(d *audit.DueTouchpoint) { d.NextDue = time.Time{} }},
			{"valuation -3", func(d *audit.DueTouchpoint) { d.LastValuation = -3 }},
		} {
			bad := dueItem("tp-bad", t0)
			c.mutate(&bad)
			wantCode(t, s.PutSchedule(ctxOf(t), []audit.DueTouchpoint{dueItem("tp-good", t0), bad}), audit.Invalid, "PutSchedule("+c.name+")")
		}
		got, err := s.ListDueTouchpoints(ctxOf(t), "bank", t0.Add(1000*audit.Day))
		must(t, err, "ListDueTouchpoints")
		if len(got) != 0 {
			t.Fatalf("after refused puts the schedule holds %+v", got)
		}
	}},
	{"queues list a company's pending and held results, and open appeals, longest waiting first", func(t *testing.T, s audit.Store) {
		at := func(d int) time.Time { return t0.Add(time.Duration(d) * audit.Day) }
		var rs []audit.Result
		for i, st := range []audit.QAStatus{audit.QAPending, audit.QAHeld, audit.QAApproved, audit.QARejected, audit.QAPending} {
			r := newResult(fmt.Sprintf("q%d", i), "rev1", fmt.Sprintf("tp-%d", i), at(10-i), at(100))
			r.QA = &audit.QA{Status: st, Since: r.ScoredAt, Why: []string{"valuation -2 is below -1"}}
			rs = append(rs, r)
		}
		appealed := newResult("ap1", "rev1", "tp-9", at(1), at(100))
		appealed.QA = &audit.QA{Status: audit.QAApproved, Since: at(1)}
		appealed.Appeal = &audit.Appeal{By: "m-1", Role: audit.RoleManager, At: at(3), Reason: "wrong branch", Status: audit.AppealOpen, From: -1}
		other := newResult("elsewhere", "rev9", "tp-1", at(0), at(100))
		other.CompanyID = "another-bank"
		other.QA = &audit.QA{Status: audit.QAPending, Since: at(0)}
		must(t, s.PutResults(ctxOf(t), append(rs, appealed, other)), "PutResults")
		got, pages := collect(t, 2, func(p audit.Page) ([]audit.Result, string, error) {
			return s.ListResultsQueued(ctxOf(t), "bank", audit.QueueQA, p)
		})
		if pages < 2 {
			t.Fatalf("3 queued results with limit 2 came in %d pages", pages)
		}
		sameJSON(t, got, []audit.Result{rs[4], rs[1], rs[0]}, "QA queue")
		got, _ = collect(t, 0, func(p audit.Page) ([]audit.Result, string, error) {
			return s.ListResultsQueued(ctxOf(t), "bank", audit.QueueAppeals, p)
		})
		sameJSON(t, got, []audit.Result{appealed}, "appeals queue")
		// Decided, they leave their queues.
		rs[0].QA.Status = audit.QAApproved
		appealed.Appeal.Status = audit.AppealUpheld
		must(t, s.PutResults(ctxOf(t), []audit.Result{rs[0], appealed}), "PutResults(decided)")
		got, _ = collect(t, 0, func(p audit.Page) ([]audit.Result, string, error) {
			return s.ListResultsQueued(ctxOf(t), "bank", audit.QueueQA, p)
		})
		sameJSON(t, got, []audit.Result{rs[4], rs[1]}, "QA queue after a decision")
		got, _ = collect(t, 0, func(p audit.Page) ([]audit.Result, string, error) {
			return s.ListResultsQueued(ctxOf(t), "bank", audit.QueueAppeals, p)
		})
		if len(got) != 0 {
			t.Fatalf("appeals queue after the decision holds %d results", len(got))
		}
	}},
}

// dueItem is a schedule item of the "bank" company, last valued -1 in rev1.
func dueItem(touchpointID string, nextDue time.Time) audit.DueTouchpoint {
	return audit.DueTouchpoint{CompanyID: "bank", TouchpointID: touchpointID, NextDue: nextDue, DueReason: "minusOne",
		LastValuation: -1, LastReviewID: "rev1", LastScoredAt: t0}
}

var reportCases = []contractCase{
	{"report round-trips and is overwritten", func(t *testing.T, s audit.Store) {
		report := []byte(`{"review":"rev1","touchpoints":45,"valuations":{"-2":3,"-1":7,"0":30,"1":4,"2":1},"note":"zażółć"}`)
		must(t, s.SaveReport(ctxOf(t), "rev1", report), "SaveReport")
		got, err := s.GetReport(ctxOf(t), "rev1")
		must(t, err, "GetReport")
		if string(got) != string(report) {
			t.Fatalf("report = %s, want %s", got, report)
		}
		got[0] = 'X' // callers own their copy
		v2 := []byte(`{"review":"rev1","version":2}`)
		must(t, s.SaveReport(ctxOf(t), "rev1", v2), "SaveReport again")
		got, err = s.GetReport(ctxOf(t), "rev1")
		must(t, err, "GetReport")
		if string(got) != string(v2) {
			t.Fatalf("report = %s, want %s", got, v2)
		}
	}},
	{"missing report is not found", func(t *testing.T, s audit.Store) {
		_, err := s.GetReport(ctxOf(t), "nope")
		wantCode(t, err, audit.NotFound, "GetReport(missing)")
	}},
	{"a report that is not JSON is refused", func(t *testing.T, s audit.Store) {
		wantCode(t, s.SaveReport(ctxOf(t), "rev1", []byte("<html>")), audit.Invalid, "SaveReport(not JSON)")
		_, err := s.GetReport(ctxOf(t), "rev1")
		wantCode(t, err, audit.NotFound, "GetReport after a refused save")
	}},
}
