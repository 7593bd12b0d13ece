package storetest

import (
	"encoding/json"
	"testing"

	"touchaudit/internal/audit"
)

var companyCases = []contractCase{
	{"saved configuration reads back whole", func(t *testing.T, s audit.Store) {
		c := newCompany("bank")
		b, _ := json.Marshal(c)
		t.Logf("company configuration: %d bytes of JSON", len(b))
		must(t, s.SaveCompany(ctxOf(t), c), "SaveCompany")
		got, err := s.GetCompany(ctxOf(t), "bank")
		must(t, err, "GetCompany")
		sameJSON(t, got, c, "company")
	}},
	{"saving again overwrites", func(t *testing.T, s audit.Store) {
		c := newCompany("bank")
		must(t, s.SaveCompany(ctxOf(t), c), "SaveCompany")
		c.Staff = c.Staff[:10]
		c.Name.EN = "Renamed bank"
		must(t, s.SaveCompany(ctxOf(t), c), "SaveCompany again")
		got, err := s.GetCompany(ctxOf(t), "bank")
		must(t, err, "GetCompany")
		sameJSON(t, got, c, "company")
	}},
	{"missing company is not found", func(t *testing.T, s audit.Store) {
		_, err := s.GetCompany(ctxOf(t), "nobody")
		wantCode(t, err, audit.NotFound, "GetCompany(missing)")
	}},
	{"invalid configuration is refused and nothing is stored", func(t *testing.T, s audit.Store) {
		c := newCompany("bank")
		c.Staff[3].HomeUnit = "no-such-unit"
		wantCode(t, s.SaveCompany(ctxOf(t), c), audit.Invalid, "SaveCompany(invalid)")
		_, err := s.GetCompany(ctxOf(t), "bank")
		wantCode(t, err, audit.NotFound, "GetCompany after a refused save")
	}},
	{"callers cannot change stored state through their copies", func(t *testing.T, s audit.Store) {
		c := newCompany("bank")
		want, _ := json.Marshal(c)
		must(t, s.SaveCompany(ctxOf(t), c), "SaveCompany")
		c.Staff[0].Name = "changed after save"
		c.Journeys[0].Stages[0].Touchpoints[0].Facts[0].Key = "changed"
		got, err := s.GetCompany(ctxOf(t), "bank")
		must(t, err, "GetCompany")
		got.Units[0].ID = "changed after get"
		again, err := s.GetCompany(ctxOf(t), "bank")
		must(t, err, "GetCompany again")
		sameJSON(t, again, json.RawMessage(want), "company")
	}},
}
