package workflow

import (
	"testing"

	"touchaudit/internal/audit"
)

// TestReassign_FollowsTheHomeUnitRule: when every other auditor who speaks
// the language belongs to the unit that owns the touchpoint, nobody may take
// the walk over, and it expires.
func TestReassign_FollowsTheHomeUnitRule(t *testing.T) {
	f := newFixture(t)
	a := f.assigned(t, "tok-1")
	c, err := f.store.GetCompany(f.ctx, "bank-pl")
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := c.Touchpoint(a.TouchpointID)
	moved := 0
	for i := range c.Staff {
		if s := &c.Staff[i]; s.ID != a.AuditorID && s.Has(audit.RoleAuditor) {
			s.HomeUnit = ref.OwnerUnit
			moved++
		}
	}
	if moved == 0 {
		t.Fatal("the sample bank has no other auditor")
	}
	if err := f.store.SaveCompany(f.ctx, c); err != nil {
		t.Fatal(err)
	}
	f.clock.t = a.Due.Add(3 * audit.Day)
	out, err := f.wf.Audits.Reassign(f.ctx, DeadlineInput{AssignmentID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	if !out.Expired || out.Replacement != "" {
		t.Fatalf("reassign: %+v, want the walk expired: all %d other auditors belong to %s", out, moved, ref.OwnerUnit)
	}
	got, _ := f.store.GetAssignment(f.ctx, a.ID)
	if got.Status != audit.StatusExpired || got.Failure != "no other eligible auditor after two missed deadlines" {
		t.Fatalf("assignment %s, failure %q", got.Status, got.Failure)
	}
}
