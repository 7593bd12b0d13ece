package workflow

import (
	"context"
	"errors"
	"testing"
	"time"

	"touchaudit/internal/audit"
)

func TestNotification_KeyIsStableAndTellsMessagesApart(t *testing.T) {
	due := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
	n := Notification{Kind: NotifyReminder, To: "s-010", CompanyID: "bank-pl", AssignmentID: "r1.a.w1", Due: due, Stage: ReminderTwoDays,
		Subject: audit.Label{EN: "Reminder"}}
	same := n
	same.Subject = audit.Label{EN: "Another wording"}
	same.Due = due.In(time.FixedZone("CET", 3600))
	if n.Key() != same.Key() {
		t.Fatalf("the same message has keys %s and %s", n.Key(), same.Key())
	}
	if len(n.Key()) != 32 {
		t.Fatalf("key %q, want 32 hex digits", n.Key())
	}
	for name, change := range map[string]func(*Notification){
		"stage":     func(m *Notification) { m.Stage = ReminderToday },
		"due":       func(m *Notification) { m.Due = due.Add(3 * audit.Day) },
		"recipient": func(m *Notification) { m.To = "s-011" },
		"kind":      func(m *Notification) { m.Kind = NotifyOverdue },
	} {
		t.Run(name, func(t *testing.T) {
			m := n
			change(&m)
			if m.Key() == n.Key() {
				t.Fatalf("another %s, same key %s", name, n.Key())
			}
		})
	}
}

func TestReminderStage_TwoDaysBeforeAndOnTheDay(t *testing.T) {
	due := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		left time.Duration
		want string
	}{
		{"three days ahead", 72 * time.Hour, ""},
		{"exactly two days ahead", 48 * time.Hour, ReminderTwoDays},
		{"a day and a half ahead", 36 * time.Hour, ReminderTwoDays},
		{"exactly a day ahead", 24 * time.Hour, ReminderToday},
		{"an hour ahead", time.Hour, ReminderToday},
		{"at the deadline", 0, ""},
		{"past the deadline", -time.Hour, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := reminderStage(due.Add(-c.left), due); got != c.want {
				t.Fatalf("stage %q, want %q", got, c.want)
			}
		})
	}
}

func TestReconcile_RemindsAuditorOfNearDeadline(t *testing.T) {
	f := newFixture(t)
	a := f.assigned(t, "tok-1")
	f.clock.t = a.Due.Add(-47 * time.Hour)
	if _, err := f.wf.Reviews.Reconcile(f.ctx, ReviewRef{ReviewID: a.ReviewID}); err != nil {
		t.Fatal(err)
	}
	f.clock.t = a.Due.Add(-5 * time.Hour)
	if _, err := f.wf.Reviews.Reconcile(f.ctx, ReviewRef{ReviewID: a.ReviewID}); err != nil {
		t.Fatal(err)
	}
	if len(f.note.sent) != 2 {
		t.Fatalf("%d notifications, want 2: %+v", len(f.note.sent), f.note.sent)
	}
	for i, stage := range []string{ReminderTwoDays, ReminderToday} {
		n := f.note.sent[i]
		if n.Kind != NotifyReminder || n.Stage != stage || n.To != "s-010" || n.CompanyID != "bank-pl" || !n.Due.Equal(a.Due) {
			t.Fatalf("notification %d: %+v, want a %s reminder to s-010", i, n, stage)
		}
	}
}

type failingNotifier struct{ calls int }

func (n *failingNotifier) Notify(context.Context, Notification) error {
	n.calls++
	return errors.New("ses: throttled")
}

func TestDispatch_UnsentNotificationKeepsProgress(t *testing.T) {
	f := newFixture(t)
	note := &failingNotifier{}
	f.wf = New(f.store, f.exec, note, f.clock, Config{AuditStateMachineArn: "arn:audit"}, nil)
	a := f.assigned(t, "")
	out, err := f.wf.Audits.Dispatch(f.ctx, DispatchInput{AssignmentID: a.ID, TaskToken: "tok-9"})
	if err != nil {
		t.Fatalf("dispatch failed with the notifier: %v", err)
	}
	got, _ := f.store.GetAssignment(f.ctx, a.ID)
	if out.Notified != "s-010" || got.TaskToken != "tok-9" || note.calls != 1 {
		t.Fatalf("notified %q, token %q, %d notify calls", out.Notified, got.TaskToken, note.calls)
	}
}

func TestCompileReport_TellsEveryLeadOnce(t *testing.T) {
	f := newFixture(t)
	a := f.assigned(t, "tok-1")
	if _, err := f.wf.Reviews.CompileReport(f.ctx, ReviewRef{ReviewID: a.ReviewID}); err != nil {
		t.Fatal(err)
	}
	c, _ := f.store.GetCompany(f.ctx, "bank-pl")
	leads := map[string]bool{}
	for _, st := range c.Staff {
		if st.Has(audit.RoleLead) {
			leads[st.ID] = true
		}
	}
	if len(leads) != 10 || len(f.note.sent) != 10 {
		t.Fatalf("%d leads, %d notifications, want 10 each", len(leads), len(f.note.sent))
	}
	for _, n := range f.note.sent {
		if n.Kind != NotifyReviewReady || !leads[n.To] || n.ReviewID != "r1" || !n.Kind.ForLeads() {
			t.Fatalf("notification %+v", n)
		}
		delete(leads, n.To)
	}
}
