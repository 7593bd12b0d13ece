package message

import (
	"context"
	"strings"
	"testing"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/workflow"
)

var allKinds = []workflow.NotificationKind{
	workflow.NotifyAssigned, workflow.NotifyReminder, workflow.NotifyOverdue, workflow.NotifyReassigned, workflow.NotifyPromiseDue,
	workflow.NotifyWalkExpired, workflow.NotifyWalkReassigned, workflow.NotifyQAWaiting, workflow.NotifyReviewReady, workflow.NotifyActionOverdue,
}

func sampleBank(t *testing.T) *audit.Company {
	t.Helper()
	c, err := audit.LoadCompanyDir("../../testdata/company")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// due is 9:00 UTC, 10:00 in Warsaw in November.
var due = time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)

func TestRender_AssignmentInPolishAndEnglish(t *testing.T) {
	c := sampleBank(t)
	n := workflow.Notification{Kind: workflow.NotifyAssigned, To: "s-002", CompanyID: "bank-pl", AssignmentID: "r1.acc.ivr-info.w1", TouchpointID: "acc.ivr-info", Due: due}
	rafal, _ := c.Member("s-002")
	pl, err := Render(n, rafal, c, "https://audit.example/")
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := c.Touchpoint("acc.ivr-info")
	if pl.Lang != audit.Polish || pl.To != "rafal.zajac@bank-przykladowy.pl" || pl.Subject != "Nowe zadanie audytowe: "+ref.Name.PL {
		t.Fatalf("polish message: %+v", pl)
	}
	wantText := "Dzień dobry Rafał Zając,\n\nprzydzielono Ci nowe zadanie audytowe: " + ref.Name.PL + ". Termin: 16 listopada 2026, 10:00.\n\n" +
		"Otwórz touchaudit: https://audit.example/#/a/r1.acc.ivr-info.w1\n\nWiadomość wysłana automatycznie przez touchaudit."
	if pl.Text != wantText {
		t.Fatalf("text:\n%s\nwant:\n%s", pl.Text, wantText)
	}
	if !strings.Contains(pl.HTML, `<a href="https://audit.example/#/a/r1.acc.ivr-info.w1">Otwórz touchaudit</a>`) || !strings.Contains(pl.HTML, `<html lang="pl">`) {
		t.Fatalf("html:\n%s", pl.HTML)
	}
	english := rafal
	english.Languages = []audit.Lang{audit.English, audit.Polish}
	en, err := Render(n, english, c, "")
	if err != nil {
		t.Fatal(err)
	}
	if en.Lang != audit.English || en.Subject != "New audit assignment: "+ref.Name.EN || !strings.Contains(en.Text, "Due: 16 November 2026, 10:00.") || strings.Contains(en.Text, "http") {
		t.Fatalf("english message: %+v", en)
	}
	if en.Key != n.Key() {
		t.Fatalf("key %s, want the notification's %s", en.Key, n.Key())
	}
}

func TestRender_EveryKindInBothLanguages(t *testing.T) {
	c := sampleBank(t)
	for _, lang := range []audit.Lang{audit.Polish, audit.English} {
		for _, kind := range allKinds {
			t.Run(string(lang)+"/"+string(kind), func(t *testing.T) {
				st, _ := c.Member("s-001")
				st.Languages = []audit.Lang{lang}
				n := workflow.Notification{Kind: kind, To: st.ID, CompanyID: c.ID, ReviewID: "bank-pl-2026-h2", AssignmentID: "a1", TouchpointID: "acc.ivr-info",
					AuditorID: "s-002", PromiseID: "p1", ActionID: "act-7", Due: due, Stage: workflow.ReminderToday, Count: 3}
				m, err := Render(n, st, c, "https://audit.example")
				if err != nil {
					t.Fatal(err)
				}
				for _, part := range []string{m.Subject, m.Text, m.HTML} {
					if part == "" || strings.Contains(part, "<no value>") || strings.Contains(part, "{") {
						t.Fatalf("incomplete message: %q", part)
					}
				}
			})
		}
	}
}

func TestRender_ReminderStagesAndEscaping(t *testing.T) {
	c := sampleBank(t)
	st, _ := c.Member("s-002")
	st.Name = `Ala <b>"Kot"</b>`
	n := workflow.Notification{Kind: workflow.NotifyReminder, To: st.ID, CompanyID: c.ID, TouchpointID: "acc.ivr-info", Due: due, Stage: workflow.ReminderTwoDays}
	m, _ := Render(n, st, c, "")
	if !strings.HasPrefix(m.Subject, "Za 2 dni mija termin audytu: ") {
		t.Fatalf("2-day subject %q", m.Subject)
	}
	n.Stage = workflow.ReminderToday
	m, _ = Render(n, st, c, "")
	if !strings.HasPrefix(m.Subject, "Dziś mija termin audytu: ") {
		t.Fatalf("on-the-day subject %q", m.Subject)
	}
	if strings.Contains(m.HTML, "<b>") || !strings.Contains(m.HTML, "Ala &lt;b&gt;&#34;Kot&#34;&lt;/b&gt;") {
		t.Fatalf("the name is not escaped in HTML:\n%s", m.HTML)
	}
}

type companies map[string]*audit.Company

func (cs companies) GetCompany(_ context.Context, id string) (*audit.Company, error) {
	if c, ok := cs[id]; ok {
		return c, nil
	}
	return nil, audit.Errorf(audit.NotFound, "company %s not found", id)
}

func TestCompose_RecipientWithoutAddress(t *testing.T) {
	c := sampleBank(t)
	c.Staff[1].Email = ""
	comp := NewComposer(companies{"bank-pl": c}, "")
	_, err := comp.Compose(context.Background(), workflow.Notification{Kind: workflow.NotifyAssigned, To: c.Staff[1].ID, CompanyID: "bank-pl"})
	if _, ok := err.(*NoAddress); !ok {
		t.Fatalf("err %v, want NoAddress", err)
	}
	if _, err := comp.Compose(context.Background(), workflow.Notification{Kind: workflow.NotifyAssigned, To: "s-nobody", CompanyID: "bank-pl"}); !audit.IsCode(err, audit.NotFound) {
		t.Fatalf("unknown recipient: %v, want not found", err)
	}
}

func TestCatalogue_EveryPlaceholderIsKnown(t *testing.T) {
	for lang, kinds := range catalogue {
		for kind, e := range kinds {
			for _, s := range []string{e.subject, e.today, e.body} {
				if _, err := fill(s, data{}); err != nil {
					t.Errorf("%s %s: %v", lang, kind, err)
				}
			}
		}
	}
	if _, err := fill("Termin: {Deadline}", data{}); err == nil {
		t.Error("an unknown placeholder was accepted")
	}
	got, err := fill("działanie {Action}{(Touchpoint)}, {Count}", data{Action: "act-7", Count: 3})
	if err != nil || got != "działanie act-7, 3" {
		t.Errorf("fill without a touchpoint = %q, %v", got, err)
	}
}

func TestZone_IsPolishTimeAcrossTheSeasons(t *testing.T) {
	for _, c := range []struct {
		utc  string
		want string
	}{
		{"2026-01-15T09:00:00Z", "2026-01-15 10:00 CET"},
		{"2026-03-29T00:59:00Z", "2026-03-29 01:59 CET"},
		{"2026-03-29T01:00:00Z", "2026-03-29 03:00 CEST"},
		{"2026-10-25T00:59:00Z", "2026-10-25 02:59 CEST"},
		{"2026-10-25T01:00:00Z", "2026-10-25 02:00 CET"},
		{"2041-07-01T12:00:00Z", "2041-07-01 14:00 CEST"},
	} {
		at, _ := time.Parse(time.RFC3339, c.utc)
		if got := at.In(zone).Format("2006-01-02 15:04 MST"); got != c.want {
			t.Errorf("%s in Warsaw = %s, want %s", c.utc, got, c.want)
		}
	}
}
