package outbox

import (
	"context"
	"strings"
	"testing"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/memstore"
	"touchaudit/internal/workflow"
)

func TestOutbox_KeepsAndPrintsEachMessageOnce(t *testing.T) {
	c, err := audit.LoadCompanyDir("../../testdata/company")
	if err != nil {
		t.Fatal(err)
	}
	store := memstore.New()
	if err := store.SaveCompany(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	o := New(store, "http://127.0.0.1:8080", &out)
	n := workflow.Notification{Kind: workflow.NotifyAssigned, To: "s-002", CompanyID: "bank-pl", AssignmentID: "a-1", TouchpointID: "acc.ivr-info",
		Due: time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)}
	for range 2 {
		if err := o.Notify(context.Background(), n); err != nil {
			t.Fatal(err)
		}
	}
	sent := o.Sent("bank-pl")
	if len(sent) != 1 || sent[0].To != "rafal.zajac@bank-przykladowy.pl" || sent[0].Lang != audit.Polish || sent[0].Key != n.Key() {
		t.Fatalf("sent %+v, want one Polish message to s-002", sent)
	}
	if len(o.Sent("other-co")) != 0 {
		t.Fatal("another company sees bank-pl's messages")
	}
	if got := strings.Count(out.String(), "--- outbox: assigned to Rafał Zając <rafal.zajac@bank-przykladowy.pl> (pl, "+n.Key()+")"); got != 1 {
		t.Fatalf("printed %d times:\n%s", got, out.String())
	}
	if !strings.Contains(out.String(), "Otwórz touchaudit: http://127.0.0.1:8080/#/a/a-1") {
		t.Fatalf("printed:\n%s", out.String())
	}
}
