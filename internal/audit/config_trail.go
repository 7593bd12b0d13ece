package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"time"
)

// maxTrailState bounds the before and after an entry keeps of a changed
// part of a configuration; a larger part is recorded by the names of its
// changed fields and a digest. TrailEntry.Validate allows 200,000 bytes.
const maxTrailState = 150_000

// ConfigChanges lists the trail entries of replacing old (nil: none
// stored) with new: one for the company when its organisation, journeys or settings
// changed ("created" or "updated", before and after holding the changed
// fields), and one per standard version created, published, retired,
// updated (a draft) or deleted (a draft), holding the version before and
// after. Ids derive from both configurations, so the same replacement
// gives the same entries.
func ConfigChanges(old, new *Company, actor, reason string, at time.Time) ([]TrailEntry, error) {
	oldJSON, err := json.Marshal(old)
	if err != nil {
		return nil, &Error{Code: Internal, Message: "encode stored company", Err: err}
	}
	newJSON, err := json.Marshal(new)
	if err != nil {
		return nil, &Error{Code: Internal, Message: "encode company", Err: err}
	}
	sum := sha256.Sum256(append(append(oldJSON, 0), newJSON...))
	prefix := "cfg-" + hex.EncodeToString(sum[:8]) + "-"
	entry := func(kind, id, action string, before, after any) TrailEntry {
		return TrailEntry{ID: prefix + kind + "-" + id, CompanyID: new.ID, Object: TrailObject{Kind: kind, ID: id},
			Action: action, Actor: actor, At: at, Before: trailState(before), After: trailState(after), Reason: reason}
	}
	var out []TrailEntry
	if old == nil {
		out = append(out, entry(TrailCompany, new.ID, "created", nil, Summarize(new)))
	} else if before, after := organisationDiff(old, new); before != nil {
		out = append(out, entry(TrailCompany, new.ID, "updated", before, after))
	}
	was := map[string]*StandardSet{}
	if old != nil {
		for i := range old.Standards {
			was[old.Standards[i].Version] = &old.Standards[i]
		}
	}
	kept := map[string]bool{}
	for i := range new.Standards {
		n := &new.Standards[i]
		kept[n.Version] = true
		o, existed := was[n.Version]
		switch {
		case !existed && n.State() == StandardDraft:
			out = append(out, entry(TrailStandard, n.Version, "created", nil, n))
		case !existed:
			out = append(out, entry(TrailStandard, n.Version, string(n.State()), nil, n))
		case o.State() != n.State():
			out = append(out, entry(TrailStandard, n.Version, string(n.State()), o, n))
		case !sameJSON(o, n):
			out = append(out, entry(TrailStandard, n.Version, "updated", o, n))
		}
	}
	if old != nil {
		for i := range old.Standards {
			if o := &old.Standards[i]; !kept[o.Version] {
				out = append(out, entry(TrailStandard, o.Version, "deleted", o, nil))
			}
		}
	}
	return out, nil
}

// organisationDiff returns the changed top-level fields of the company
// other than its standards, before and after, or nils when none changed.
func organisationDiff(old, new *Company) (map[string]any, map[string]any) {
	parts := []struct {
		name string
		x, y any
	}{
		{"name", old.Name, new.Name},
		{"units", old.Units, new.Units},
		{"staff", old.Staff, new.Staff},
		{"journeys", old.Journeys, new.Journeys},
		{"settings", old.Settings, new.Settings},
	}
	before, after := map[string]any{}, map[string]any{}
	for _, p := range parts {
		if !sameJSON(p.x, p.y) {
			before[p.name], after[p.name] = p.x, p.y
		}
	}
	if len(before) == 0 {
		return nil, nil
	}
	return before, after
}

func sameJSON(a, b any) bool {
	x, errX := json.Marshal(a)
	y, errY := json.Marshal(b)
	return errX == nil && errY == nil && bytes.Equal(x, y)
}

// trailState is v's JSON, or when larger than maxTrailState the names of
// its fields (for a map) and a digest, so an entry always fits an item.
func trailState(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return nil
	}
	if len(b) <= maxTrailState {
		return b
	}
	sum := sha256.Sum256(b)
	digest := map[string]any{"bytes": len(b), "sha256": hex.EncodeToString(sum[:])}
	if m, ok := v.(map[string]any); ok {
		var fields []string
		for k := range m {
			fields = append(fields, k)
		}
		slices.Sort(fields)
		digest["fields"] = fields
	}
	out, _ := json.Marshal(digest)
	return out
}
