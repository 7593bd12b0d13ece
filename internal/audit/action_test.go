package audit

import (
	"testing"
	"time"
)

func TestActionTransition_Table(t *testing.T) {
	all := []ActionStatus{ActionOpen, ActionInProgress, ActionDone, ActionVerified, ActionReopened}
	legal := map[[2]ActionStatus]bool{
		{ActionOpen, ActionInProgress}:     true,
		{ActionOpen, ActionDone}:           true,
		{ActionInProgress, ActionOpen}:     true,
		{ActionInProgress, ActionDone}:     true,
		{ActionDone, ActionVerified}:       true,
		{ActionDone, ActionReopened}:       true,
		{ActionReopened, ActionInProgress}: true,
		{ActionReopened, ActionDone}:       true,
	}
	for _, from := range all {
		for _, to := range all {
			t.Run(string(from)+"→"+string(to), func(t *testing.T) {
				err := ActionTransition(from, to)
				if legal[[2]ActionStatus{from, to}] {
					if err != nil {
						t.Fatalf("legal move refused: %v", err)
					}
					return
				}
				if !IsCode(err, Conflict) {
					t.Fatalf("illegal move gave %v, want a Conflict", err)
				}
			})
		}
	}
	t.Run("unknown target names the field", func(t *testing.T) {
		err := ActionTransition(ActionOpen, "finished")
		if !IsCode(err, Invalid) || len(ProblemsOf(err)) != 1 || ProblemsOf(err)[0].Path != "status" {
			t.Fatalf("got %v, want Invalid on status", err)
		}
	})
}

func TestAction_MoveTo_StampsDoneAndVerified(t *testing.T) {
	a := Action{ID: "act-1", Status: ActionOpen}
	done := time.Date(2026, 12, 10, 14, 0, 0, 0, time.UTC)
	if err := a.MoveTo(ActionDone, done); err != nil {
		t.Fatal(err)
	}
	if a.DoneAt == nil || !a.DoneAt.Equal(done) || a.VerifiedAt != nil {
		t.Fatalf("after done: doneAt %v verifiedAt %v", a.DoneAt, a.VerifiedAt)
	}
	verified := time.Date(2027, 1, 12, 9, 0, 0, 0, time.UTC)
	if err := a.MoveTo(ActionVerified, verified); err != nil {
		t.Fatal(err)
	}
	if a.VerifiedAt == nil || !a.VerifiedAt.Equal(verified) || !a.DoneAt.Equal(done) {
		t.Fatalf("after verified: doneAt %v verifiedAt %v", a.DoneAt, a.VerifiedAt)
	}
	if err := a.MoveTo(ActionReopened, verified); !IsCode(err, Conflict) {
		t.Fatalf("verified → reopened gave %v, want Conflict (verified is final)", err)
	}
}

func TestAction_Overdue(t *testing.T) {
	now := time.Date(2026, 12, 11, 8, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		due    string
		status ActionStatus
		want   bool
	}{
		{"due yesterday, open", "2026-12-10", ActionOpen, true},
		{"due today, open", "2026-12-11", ActionOpen, false},
		{"due yesterday, in progress", "2026-12-10", ActionInProgress, true},
		{"due yesterday, reopened", "2026-12-10", ActionReopened, true},
		{"due yesterday, done", "2026-12-10", ActionDone, false},
		{"due yesterday, verified", "2026-12-10", ActionVerified, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := Action{Due: MustDate(tc.due), Status: tc.status}
			if got := a.Overdue(now); got != tc.want {
				t.Fatalf("Overdue = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestAction_Validate_NamesFields(t *testing.T) {
	good := func() Action {
		return Action{ID: "act-1", CompanyID: "bank", TouchpointID: "tp-1", Source: ActionSource{ResultID: "r1"}, Valuation: -2,
			What: "Re-record the IVR greeting", Owner: ActionOwner{Unit: "dept-cc", Person: "s1"}, Due: MustDate("2026-12-10"),
			Cost: Money{Amount: 800, Currency: "PLN"}, Status: ActionOpen, CreatedBy: "lead-1", CreatedAt: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
	}
	cases := []struct {
		name   string
		mutate func(*Action)
		path   string
	}{
		{"valid", func(*Action) {}, ""},
		{"no source", func(a *Action) { a.Source = ActionSource{} }, "source"},
		{"both sources", func(a *Action) { a.Source.ReviewID = "rev-1" }, "source"},
		{"negative cost", func(a *Action) { a.Cost.Amount = -1 }, "cost.amount"},
		{"lower-case currency", func(a *Action) { a.Cost.Currency = "pln" }, "cost.currency"},
		{"no owner unit", func(a *Action) { a.Owner.Unit = "" }, "owner.unit"},
		{"no due date", func(a *Action) { a.Due = Date{} }, "due"},
		{"unknown status", func(a *Action) { a.Status = "closed" }, "status"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := good()
			tc.mutate(&a)
			err := a.Validate()
			if tc.path == "" {
				if err != nil {
					t.Fatalf("valid action refused: %v", err)
				}
				return
			}
			probs := ProblemsOf(err)
			if len(probs) != 1 || probs[0].Path != tc.path {
				t.Fatalf("got %v, want one problem at %s", err, tc.path)
			}
		})
	}
}
