package console

import (
	"testing"

	"touchaudit/internal/audit"
)

// The links the console builds in Go encode each id as one segment of the
// address, as the templates' links do (urlPart). Ids are [a-z0-9._-]
// (audit.validID), so this is defence in depth: a slash stays in its
// segment.
func TestWalkLink_EncodesEachID(t *testing.T) {
	got := walkLink(audit.Result{ID: "w1/x", ReviewID: "bank-pl.h-2026-2", TouchpointID: "acc.ivr"})
	if want := "#/reviews/bank-pl.h-2026-2/touchpoints/acc.ivr/w1%2Fx"; got != want {
		t.Errorf("walkLink = %q, want %q", got, want)
	}
}
