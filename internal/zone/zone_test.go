package zone

import (
	"testing"
	"time"
)

// Warsaw is CET in winter and CEST in summer, switching on the last Sunday
// of March and of October at 01:00 UTC, also in years after the file's last
// transition (its POSIX rule).
func TestWarsaw_SwitchesAsPolandDoes(t *testing.T) {
	if Warsaw.String() != "Europe/Warsaw" {
		t.Fatalf("name %q", Warsaw)
	}
	for _, c := range []struct {
		utc  time.Time
		want string
	}{
		{time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), "2026-01-15 13:00 CET"},
		{time.Date(2026, 3, 29, 0, 59, 0, 0, time.UTC), "2026-03-29 01:59 CET"},
		{time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC), "2026-03-29 03:00 CEST"},
		{time.Date(2026, 10, 25, 1, 0, 0, 0, time.UTC), "2026-10-25 02:00 CET"},
		{time.Date(2061, 7, 1, 5, 0, 0, 0, time.UTC), "2061-07-01 07:00 CEST"},
	} {
		if got := c.utc.In(Warsaw).Format("2006-01-02 15:04 MST"); got != c.want {
			t.Errorf("%s in Warsaw = %s, want %s", c.utc, got, c.want)
		}
	}
}
