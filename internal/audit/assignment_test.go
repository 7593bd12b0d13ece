package audit

import (
	"testing"
	"time"
)

func TestTransition_LifeCycle(t *testing.T) {
	all := []AssignmentStatus{StatusPlanned, StatusAssigned, StatusStarted, StatusSubmitted, StatusScored, StatusClosed, StatusExpired, StatusReassigned, StatusReturned}
	legal := map[[2]AssignmentStatus]bool{
		{StatusPlanned, StatusAssigned}:    true,
		{StatusPlanned, StatusExpired}:     true,
		{StatusAssigned, StatusStarted}:    true,
		{StatusAssigned, StatusSubmitted}:  true,
		{StatusAssigned, StatusExpired}:    true,
		{StatusAssigned, StatusReassigned}: true,
		{StatusStarted, StatusSubmitted}:   true,
		{StatusStarted, StatusExpired}:     true,
		{StatusStarted, StatusReassigned}:  true,
		{StatusSubmitted, StatusScored}:    true,
		{StatusSubmitted, StatusClosed}:    true,
		{StatusScored, StatusClosed}:       true,
		{StatusScored, StatusReturned}:     true,
		{StatusReturned, StatusStarted}:    true,
		{StatusReturned, StatusSubmitted}:  true,
		{StatusReturned, StatusClosed}:     true,
	}
	for _, from := range all {
		for _, to := range all {
			name := string(from) + "->" + string(to)
			t.Run(name, func(t *testing.T) {
				err := Transition(from, to)
				if legal[[2]AssignmentStatus{from, to}] {
					if err != nil {
						t.Fatalf("legal transition refused: %v", err)
					}
					return
				}
				if err == nil {
					t.Fatal("illegal transition allowed")
				}
				if !IsCode(err, Conflict) {
					t.Fatalf("illegal transition error code = %s, want conflict", ErrorCodeOf(err))
				}
			})
		}
	}
}

func TestTransition_UnknownStatus(t *testing.T) {
	for _, c := range []struct{ from, to AssignmentStatus }{{"done", StatusClosed}, {StatusPlanned, "finished"}} {
		if err := Transition(c.from, c.to); !IsCode(err, Invalid) {
			t.Errorf("Transition(%q, %q) = %v, want invalid", c.from, c.to, err)
		}
	}
}

func TestAssignmentStatus_OpenAndFinal(t *testing.T) {
	cases := []struct {
		s           AssignmentStatus
		open, final bool
	}{
		{StatusPlanned, true, false}, {StatusAssigned, true, false}, {StatusStarted, true, false},
		{StatusSubmitted, false, false}, {StatusScored, false, false},
		{StatusClosed, false, true}, {StatusExpired, false, true}, {StatusReassigned, false, true},
		{StatusReturned, true, false},
	}
	for _, c := range cases {
		t.Run(string(c.s), func(t *testing.T) {
			if c.s.Open() != c.open || c.s.Final() != c.final {
				t.Fatalf("Open=%v Final=%v, want %v %v", c.s.Open(), c.s.Final(), c.open, c.final)
			}
		})
	}
}

func TestAssignment_MoveTo(t *testing.T) {
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	a := Assignment{ID: "a1", Status: StatusAssigned}
	if err := a.MoveTo(StatusStarted, at); err != nil {
		t.Fatal(err)
	}
	if a.Status != StatusStarted || !a.UpdatedAt.Equal(at) {
		t.Fatalf("after MoveTo: %+v", a)
	}
	if err := a.MoveTo(StatusClosed, at); err == nil {
		t.Fatal("started -> closed allowed")
	}
	if a.Status != StatusStarted {
		t.Fatalf("failed move changed status to %s", a.Status)
	}
}

func TestAssignment_Validate(t *testing.T) {
	good := Assignment{ID: "a1", CompanyID: "bank-pl", ReviewID: "r1", TouchpointID: "tp", AuditorID: "s-001", Status: StatusAssigned, Due: time.Now(), Walk: 1}
	if err := good.Validate(); err != nil {
		t.Fatalf("valid assignment refused: %v", err)
	}
	cases := []struct {
		name   string
		mutate func(*Assignment)
		path   string
	}{
		{"no auditor once assigned", func(a *Assignment) { a.AuditorID = "" }, "auditorId"},
		{"unknown status", func(a *Assignment) { a.Status = "lost" }, "status"},
		{"walk zero", func(a *Assignment) { a.Walk = 0 }, "walk"},
		{"no due", func(a *Assignment) { a.Due = time.Time{} }, "due"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := good
			c.mutate(&a)
			assertProblem(t, a.Validate(), c.path)
		})
	}
}

func assertProblem(t *testing.T, err error, path string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want a problem at %q", path)
	}
	if !IsCode(err, Invalid) {
		t.Fatalf("code = %s, want invalid: %v", ErrorCodeOf(err), err)
	}
	for _, p := range ProblemsOf(err) {
		if p.Path == path {
			return
		}
	}
	t.Fatalf("no problem at %q in %v", path, err)
}
