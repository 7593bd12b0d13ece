package audit

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestConfigChanges_RecordsWhatChanged(t *testing.T) {
	at := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	old := twoVersions()
	renamed := twoVersions()
	renamed.Name.EN = "Bank, renamed"
	draft := twoVersions()
	v3 := draft.Standards[0]
	v3.Version, v3.Status, v3.EffectiveFrom = "v3", StandardDraft, MustDate("2027-01-01")
	draft.Standards = append(draft.Standards, v3)
	retired := twoVersions()
	retired.Standards[1].Status = StandardRetired

	cases := []struct {
		name     string
		old, new *Company
		want     []string // kind/id action
	}{
		{"first import", nil, &old, []string{"company/" + old.ID + " created", "standard/v2 published", "standard/v1 published"}},
		{"nothing changed", &old, &old, nil},
		{"the name changed", &old, &renamed, []string{"company/" + old.ID + " updated"}},
		{"a draft added", &old, &draft, []string{"standard/v3 created"}},
		{"v1 retired", &old, &retired, []string{"standard/v1 retired"}},
		{"a draft deleted", &draft, &old, []string{"standard/v3 deleted"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			es, err := ConfigChanges(tc.old, tc.new, "s-001", "why", at)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range es {
				if err := e.Validate(); err != nil {
					t.Fatalf("entry %s: %v", e.ID, err)
				}
				got = append(got, e.Object.Kind+"/"+e.Object.ID+" "+e.Action)
			}
			if strings.Join(got, "; ") != strings.Join(tc.want, "; ") {
				t.Fatalf("entries %v, want %v", got, tc.want)
			}
			again, _ := ConfigChanges(tc.old, tc.new, "s-001", "why", at.Add(time.Hour))
			for i := range again {
				if again[i].ID != es[i].ID {
					t.Fatalf("the same change got another id: %s, then %s", es[i].ID, again[i].ID)
				}
			}
		})
	}
	t.Run("an update keeps only the changed fields", func(t *testing.T) {
		es, _ := ConfigChanges(&old, &renamed, "s-001", "", at)
		var before, after map[string]json.RawMessage
		json.Unmarshal(es[0].Before, &before)
		json.Unmarshal(es[0].After, &after)
		if len(before) != 1 || len(after) != 1 || !strings.Contains(string(after["name"]), "Bank, renamed") {
			t.Fatalf("before %s, after %s", es[0].Before, es[0].After)
		}
	})
}

func TestTrailState_LargeIsADigest(t *testing.T) {
	big := map[string]any{"staff": strings.Repeat("x", maxTrailState+1)}
	got := string(trailState(big))
	if !strings.Contains(got, `"fields":["staff"]`) || !strings.Contains(got, `"sha256":`) || len(got) > 200 {
		t.Fatalf("digest %s", got)
	}
}
