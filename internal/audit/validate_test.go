package audit

import (
	"strings"
	"testing"
	"time"
)

func tinyCompany() Company {
	l := func(s string) Label { return Label{PL: s + " pl", EN: s} }
	return Company{
		ID: "bank-pl", Name: l("Bank"),
		Units: []Unit{
			{ID: "reg-maz", Kind: UnitRegion, Name: l("Mazowsze")},
			{ID: "br-waw-1", Kind: UnitBranch, Name: l("Warszawa 1"), Region: "reg-maz", City: "Warszawa"},
			{ID: "dep-cc", Kind: UnitDepartment, Name: l("Contact centre"), Region: "reg-maz"},
		},
		Staff: []Staff{{ID: "s-001", Name: "Anna Nowak", HomeUnit: "dep-cc", Region: "reg-maz", Languages: []Lang{Polish}, Roles: []Role{RoleAuditor}}},
		Journeys: []Journey{{ID: "acc", Name: l("Account"), Stages: []Stage{{ID: "sign", Name: l("Signing"), Touchpoints: []Touchpoint{
			{ID: "acc.ivr", Name: l("IVR"), Channel: ChannelIVR, OwnerUnit: "dep-cc", Reach: 0.4, Instructions: l("Call"),
				Facts: []FactSpec{{Key: "fee.account.monthly", Label: l("Monthly fee"), Kind: FactMoney}}},
		}}}}},
		Standards: []StandardSet{{Version: "v1", Name: l("Standard 2025"), EffectiveFrom: MustDate("2025-01-01"), Criteria: []Criterion{
			{ID: "ivr.reach", Kind: KindTiming, Label: l("Reach a consultant"), Weight: 1, Category: GapTechnology, Channels: []Channel{ChannelIVR},
				Timing: &TimingSpec{Step: "ivr_menu", Target: Duration(60 * time.Second), Limit: Duration(180 * time.Second)}},
		}}},
	}
}

func TestCompany_Validate_Tiny(t *testing.T) {
	c := tinyCompany()
	if err := c.Validate(); err != nil {
		t.Fatalf("valid company refused: %v", err)
	}
}

func TestCompany_Validate_NamesFieldPath(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Company)
		path   string
	}{
		{"unknown channel", func(c *Company) { c.Journeys[0].Stages[0].Touchpoints[0].Channel = "fax" }, "journeys[0].stages[0].touchpoints[0].channel"},
		{"reach above one", func(c *Company) { c.Journeys[0].Stages[0].Touchpoints[0].Reach = 1.5 }, "journeys[0].stages[0].touchpoints[0].reach"},
		{"unknown owner", func(c *Company) { c.Journeys[0].Stages[0].Touchpoints[0].OwnerUnit = "br-x" }, "journeys[0].stages[0].touchpoints[0].ownerUnit"},
		{"missing english label", func(c *Company) { c.Journeys[0].Name.EN = "" }, "journeys[0].name.en"},
		{"branch without region", func(c *Company) { c.Units[1].Region = "" }, "units[1].region"},
		{"staff unknown home", func(c *Company) { c.Staff[0].HomeUnit = "nowhere" }, "staff[0].homeUnit"},
		{"staff bad role", func(c *Company) { c.Staff[0].Roles = []Role{"boss"} }, "staff[0].roles[0]"},
		{"timing limit below target", func(c *Company) { c.Standards[0].Criteria[0].Timing.Limit = Duration(time.Second) }, "standards[0].criteria[0].timing.limit"},
		{"timing without spec", func(c *Company) { c.Standards[0].Criteria[0].Timing = nil }, "standards[0].criteria[0].timing"},
		{"criterion unknown touchpoint", func(c *Company) { c.Standards[0].Criteria[0].Touchpoints = []string{"nope"} }, "standards[0].criteria[0].touchpoints[0]"},
		{"bad category", func(c *Company) { c.Standards[0].Criteria[0].Category = "luck" }, "standards[0].criteria[0].category"},
		{"zero weight", func(c *Company) { c.Standards[0].Criteria[0].Weight = 0 }, "standards[0].criteria[0].weight"},
		{"bad rule", func(c *Company) { c.Standards[0].Rules = &ValuationRules{MissedStep: 1} }, "standards[0].rules.missedStep"},
		{"duplicate touchpoint", func(c *Company) {
			s := &c.Journeys[0].Stages[0]
			s.Touchpoints = append(s.Touchpoints, s.Touchpoints[0])
		}, "journeys[0].stages[0].touchpoints[1].id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := tinyCompany()
			tc.mutate(&c)
			assertProblem(t, c.Validate(), tc.path)
		})
	}
}

func TestDuration_ParseAndFormat(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
		out  string
	}{
		{"90s", 90 * time.Second, "1m30s"},
		{"3m", 3 * time.Minute, "3m0s"},
		{"24h", 24 * time.Hour, "1d"},
		{"7d", 7 * Day, "7d"},
		{"1d12h", 36 * time.Hour, "36h0m0s"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			d, err := ParseDuration(c.in)
			if err != nil || d.D() != c.want || d.String() != c.out {
				t.Fatalf("ParseDuration(%q) = %v (%s), %v; want %v (%s)", c.in, d.D(), d, err, c.want, c.out)
			}
		})
	}
	for _, bad := range []string{"", "d", "xd", "5 minutes", "3q"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) accepted", bad)
		}
	}
}

func TestDecodeStrict_NamesProblem(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"unknown field", `{"id":"x","colour":"red"}`, `unknown field "colour"`},
		{"wrong type", `{"id":"x","reach":"high"}`, "field reach"},
		{"trailing data", `{"id":"x"} {}`, "after the JSON document"},
		{"syntax", "{\n\"id\": }", "line 2"},
		{"bad duration", `{"timing":{"target":"soon","limit":"1m"}}`, "duration"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var v struct {
				ID     string      `json:"id"`
				Reach  float64     `json:"reach"`
				Timing *TimingSpec `json:"timing"`
			}
			err := DecodeStrict([]byte(c.in), &v)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error = %v, want it to mention %q", err, c.want)
			}
		})
	}
}

func TestWalkthrough_Validate(t *testing.T) {
	at := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	one := 1
	good := Walkthrough{ID: "w1", CompanyID: "bank-pl", TouchpointID: "acc.ivr", AuditorID: "s-001", StandardVersion: "v2",
		Timeline: []TimelineStep{{Key: "ivr_menu", Channel: ChannelIVR, Start: Stamp{Client: at}, End: Stamp{Client: at.Add(time.Minute)}}},
		Answers:  []Answer{{CriterionID: "a", Value: AnswerYes}, {CriterionID: "b", Count: &one}},
		Promises: []Promise{{ID: "p1", Text: "oddzwonimy w 24 h", MadeAt: at, DueAt: at.Add(24 * time.Hour), Outcome: PromisePending}},
	}
	if err := good.Validate(); err != nil {
		t.Fatalf("valid walkthrough refused: %v", err)
	}
	cases := []struct {
		name   string
		mutate func(*Walkthrough)
		path   string
	}{
		{"no timeline", func(w *Walkthrough) { w.Timeline = nil }, "timeline"},
		{"bad channel", func(w *Walkthrough) { w.Timeline[0].Channel = "pigeon" }, "timeline[0].channel"},
		{"bad answer", func(w *Walkthrough) { w.Answers[0].Value = "maybe" }, "answers[0].value"},
		{"answered twice", func(w *Walkthrough) { w.Answers[1].CriterionID = "a" }, "answers[1].criterionId"},
		{"promise due before made", func(w *Walkthrough) { w.Promises[0].DueAt = at.Add(-time.Hour) }, "promises[0].dueAt"},
		{"promise outcome", func(w *Walkthrough) { w.Promises[0].Outcome = "maybe" }, "promises[0].outcome"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := good
			w.Timeline = append([]TimelineStep(nil), good.Timeline...)
			w.Answers = append([]Answer(nil), good.Answers...)
			w.Promises = append([]Promise(nil), good.Promises...)
			c.mutate(&w)
			assertProblem(t, w.Validate(), c.path)
		})
	}
}

func TestErrorCodeOf(t *testing.T) {
	if ErrorCodeOf(nil) != "" {
		t.Fatal("nil error has a code")
	}
	if got := ErrorCodeOf(strings.NewReader("").UnreadByte()); got != Internal {
		t.Fatalf("plain error code = %s, want internal", got)
	}
	if got := ErrorCodeOf(Errorf(NotFound, "no review %s", "r1")); got != NotFound {
		t.Fatalf("code = %s", got)
	}
}
