package httpapi

import (
	"regexp"
	"strings"
	"testing"
)

// validSubmissionID admits exactly what the pattern it replaced admitted.
func TestValidSubmissionID_IsThePattern(t *testing.T) {
	pattern := regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	for _, id := range []string{
		"", "a", "Z", "0", "-", ".a", "_a", "a-", "a.b_c-D9",
		"3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f",
		strings.Repeat("a", 64), strings.Repeat("a", 65), "a" + strings.Repeat("-", 63), "a" + strings.Repeat("-", 64),
		"a b", "a/b", "ą", "a\x00", "a:b", "a+b",
	} {
		if got, want := validSubmissionID(id), pattern.MatchString(id); got != want {
			t.Errorf("validSubmissionID(%q) = %v, the pattern says %v", id, got, want)
		}
	}
	if !validSubmissionID(strings.Repeat("x", 64)) || validSubmissionID(strings.Repeat("x", 65)) {
		t.Error("the limit is 64 characters")
	}
}
