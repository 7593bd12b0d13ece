package console_test

import (
	"context"
	"encoding/json"
	"html"
	"regexp"
	"strings"
	"testing"

	"touchaudit/internal/audit"
	"touchaudit/internal/console"
	"touchaudit/internal/scoring"
)

func TestFragments_Golden(t *testing.T) {
	store, c := seeded(t)
	ctx := context.Background()
	list, err := c.Reviews(ctx, lead(audit.English), "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "reviews.json", append(b, '\n'))
	_ = store
	cases := []struct {
		name   string
		render func(console.Viewer) ([]byte, error)
	}{
		{"reviews", func(v console.Viewer) ([]byte, error) { return c.ReviewsPage(ctx, v) }},
		{"progress", func(v console.Viewer) ([]byte, error) { return c.Progress(ctx, v, console.SampleRunning) }},
		{"map", func(v console.Viewer) ([]byte, error) { return c.JourneyMap(ctx, v, console.SampleCurrent) }},
		{"touchpoint", func(v console.Viewer) ([]byte, error) {
			return c.Touchpoint(ctx, v, console.SampleCurrent, "acc.ivr-info")
		}},
		{"report", func(v console.Viewer) ([]byte, error) { return c.Report(ctx, v, console.SampleCurrent) }},
		{"report-running", func(v console.Viewer) ([]byte, error) { return c.Report(ctx, v, console.SampleRunning) }},
	}
	for _, tc := range cases {
		for _, lang := range console.Languages {
			t.Run(tc.name+"-"+string(lang), func(t *testing.T) {
				got, err := tc.render(lead(lang))
				if err != nil {
					t.Fatal(err)
				}
				golden(t, tc.name+"."+string(lang)+".html", got)
			})
		}
	}
}

func TestReviews_NewestFirstWithCounts(t *testing.T) {
	_, c := seeded(t)
	list, err := c.Reviews(context.Background(), lead(audit.Polish), "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range list.Reviews {
		got = append(got, r.ID+" "+string(r.Status))
	}
	want := []string{"rv-2027-h1 running", "rv-2026-h2 completed", "rv-2025-h2 completed"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("reviews = %v, want %v", got, want)
	}
	if r := list.Reviews[1]; r.Assignments != 42 || r.Done != 42 {
		t.Errorf("rv-2026-h2 counts %d walks, %d done; want 42 and 42", r.Assignments, r.Done)
	}
}

func TestAnotherCompanysReview_IsNotFound(t *testing.T) {
	_, c := seeded(t)
	ctx := context.Background()
	other := console.Viewer{CompanyID: "siec-przykladowa", StaffID: "s-001", Lang: audit.English}
	for name, call := range map[string]func() error{
		"progress":   func() error { _, err := c.Progress(ctx, other, console.SampleRunning); return err },
		"map":        func() error { _, err := c.JourneyMap(ctx, other, console.SampleCurrent); return err },
		"touchpoint": func() error { _, err := c.Touchpoint(ctx, other, console.SampleCurrent, "acc.ivr-info"); return err },
		"report":     func() error { _, err := c.Report(ctx, other, console.SampleCurrent); return err },
		"export":     func() error { _, err := c.Export(ctx, other, console.SampleCurrent, "xlsx", ""); return err },
	} {
		t.Run(name, func(t *testing.T) {
			if err := call(); audit.ErrorCodeOf(err) != audit.NotFound {
				t.Fatalf("got %v, want not found", err)
			}
		})
	}
	list, err := c.Reviews(ctx, other, "")
	if err != nil || len(list.Reviews) != 0 {
		t.Fatalf("another company lists %d reviews (%v), want none", len(list.Reviews), err)
	}
}

// TestJourneyMap_EveryTouchpointWithItsValuation reads the map as a lead
// does: each touchpoint of the report appears once, with its median.
func TestJourneyMap_EveryTouchpointWithItsValuation(t *testing.T) {
	store, c := seeded(t)
	ctx := context.Background()
	page, err := c.JourneyMap(ctx, lead(audit.English), console.SampleCurrent)
	if err != nil {
		t.Fatal(err)
	}
	rep := sampleReport(t, store)
	re := regexp.MustCompile(`data-touchpoint="([^"]+)" data-valuation="([^"]*)"`)
	got := map[string]string{}
	for _, m := range re.FindAllStringSubmatch(string(page), -1) {
		if _, dup := got[m[1]]; dup {
			t.Errorf("touchpoint %s appears twice", m[1])
		}
		got[m[1]] = html.UnescapeString(m[2])
	}
	for _, tp := range rep.Touchpoints {
		if got[tp.TouchpointID] != console.Signed(tp.Median) {
			t.Errorf("%s shows %q, want %q", tp.TouchpointID, got[tp.TouchpointID], console.Signed(tp.Median))
		}
	}
	walked := 0
	for _, v := range got {
		if v != "" {
			walked++
		}
	}
	// The sample bank has 47 touchpoints; the review walked 39 of them.
	if walked != 39 || len(got) != 47 {
		t.Errorf("map shows %d touchpoints, %d walked; want 47 and 39", len(got), walked)
	}
}

func TestProgress_CountsAndLateWalks(t *testing.T) {
	_, c := seeded(t)
	html, err := c.Progress(context.Background(), lead(audit.English), console.SampleRunning)
	if err != nil {
		t.Fatal(err)
	}
	s := string(html)
	for _, want := range []string{`data-live="30"`, `<table class="list" id="late">`, "Late walks", "Per auditor", "Per touchpoint"} {
		if !strings.Contains(s, want) {
			t.Errorf("progress lacks %q", want)
		}
	}
	late := strings.Count(s[strings.Index(s, `id="late"`):strings.Index(s, `class="two"`)], "<tr><td>")
	// The running sample opened 11 days before now with walk k due on day
	// 2(k mod 12)+1: of the 10 walks due before now, 3 are still open
	// (assigned, started, assigned); the rest ended or were handed on.
	if late != 3 {
		t.Errorf("late walks listed = %d, want 3", late)
	}
}

func TestDriftGroups_TellServiceFromStandard(t *testing.T) {
	one, zero, minus := 1, 0, -1
	cases := []struct {
		name string
		d    scoring.Drift
		want string
	}{
		{"worse, same standard", scoring.Drift{Status: scoring.DriftWorsened, Delta: &minus}, "worse"},
		{"better, same standard", scoring.Drift{Status: scoring.DriftImproved, Delta: &one}, "better"},
		{"moved only by the new standard", scoring.Drift{Status: scoring.DriftWorsened, Delta: &minus, StandardChanged: true, LikeForLike: &zero}, "rebaselined"},
		{"worse like for like under a new standard", scoring.Drift{Status: scoring.DriftImproved, Delta: &one, StandardChanged: true, LikeForLike: &minus}, "worse"},
		{"the scoring package's own status", scoring.Drift{Status: "rebaselined", Delta: &minus, StandardChanged: true}, "rebaselined"},
		{"a status not known yet", scoring.Drift{Status: "mystery"}, "other"},
		{"new", scoring.Drift{Status: scoring.DriftNew}, "new"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := console.DriftGroupOf(tc.d); got != tc.want {
				t.Fatalf("group = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCatalogues_SameKeys(t *testing.T) {
	_, c := seeded(t)
	pl, en := c.Keys(audit.Polish), c.Keys(audit.English)
	if strings.Join(pl, ",") != strings.Join(en, ",") {
		t.Fatalf("pl and en catalogues differ in keys")
	}
	for _, ch := range audit.Channels {
		for _, lang := range console.Languages {
			if k := "channel." + string(ch); c.T(lang, k) == k {
				t.Errorf("%s has no %s", lang, k)
			}
		}
	}
	if got := c.T(audit.Polish, "quadrant.quickWin"); got != "Szybkie zwycięstwa" {
		t.Errorf("quadrant.quickWin in Polish = %q", got)
	}
}

func sampleReport(t *testing.T, store interface {
	GetReport(context.Context, string) ([]byte, error)
}) *scoring.Report {
	t.Helper()
	b, err := store.GetReport(context.Background(), console.SampleCurrent)
	if err != nil {
		t.Fatal(err)
	}
	var r scoring.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

func TestShell_ASignInOriginThatIsNoOriginIsRefused(t *testing.T) {
	for _, bad := range []string{"touchaudit.auth.eu-central-1.amazoncognito.com", "https://touchaudit.auth.eu-central-1.amazoncognito.com/oauth2", "ftp://x"} {
		if _, err := console.NewShell(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("NewShell(%q): %v, want an error naming it", bad, err)
		}
	}
}
