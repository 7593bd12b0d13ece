package audit

import "fmt"

// Channel is how the customer reaches the company at a touchpoint.
type Channel string

const (
	ChannelIVR       Channel = "ivr"
	ChannelWebForm   Channel = "web_form"
	ChannelBranch    Channel = "branch"
	ChannelMobileApp Channel = "mobile_app"
	ChannelChat      Channel = "chat"
	ChannelEmail     Channel = "email"
	ChannelPhone     Channel = "phone"
)

// Channels lists every channel, in the order reports show them.
var Channels = []Channel{ChannelIVR, ChannelPhone, ChannelWebForm, ChannelMobileApp, ChannelChat, ChannelEmail, ChannelBranch}

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool {
	for _, k := range Channels {
		if k == c {
			return true
		}
	}
	return false
}

// Journey is a customer journey map: stages (for example "up to signing",
// "fulfilment", "after-sales"), each with its touchpoints.
type Journey struct {
	ID     string  `json:"id"`
	Name   Label   `json:"name"`
	Stages []Stage `json:"stages"`
}

// Stage is one cut of a journey.
type Stage struct {
	ID          string       `json:"id"`
	Name        Label        `json:"name"`
	Touchpoints []Touchpoint `json:"touchpoints"`
}

// Touchpoint is any moment the customer is in contact with the company.
type Touchpoint struct {
	ID      string  `json:"id"`
	Name    Label   `json:"name"`
	Channel Channel `json:"channel"`
	// OwnerUnit is the unit responsible for the touchpoint: a branch for a
	// visit, IT for the web form, the contact centre for the IVR.
	OwnerUnit string `json:"ownerUnit"`
	// MomentOfTruth marks where the customer checks that a promise holds.
	MomentOfTruth bool `json:"momentOfTruth,omitempty"`
	// CustomerEffort marks where customers tire and give up.
	CustomerEffort bool `json:"customerEffort,omitempty"`
	// Reach is the share of customers (0..1) who pass through the touchpoint.
	Reach float64 `json:"reach"`
	// Facts are what the touchpoint must state, compared across channels.
	Facts []FactSpec `json:"facts,omitempty"`
	// Instructions tell the auditor how to walk it ("call the IVR and reach a consultant").
	Instructions Label `json:"instructions"`
	// Language is the language a branch visit is held in (default Polish).
	Language Lang `json:"language,omitempty"`
}

// FactSpec is a fact a touchpoint must state, such as an account's monthly fee.
type FactSpec struct {
	Key   string   `json:"key"`
	Label Label    `json:"label"`
	Kind  FactKind `json:"kind"`
}

// FactKind tells how recorded values are normalised before comparison.
type FactKind string

const (
	FactMoney  FactKind = "money"
	FactNumber FactKind = "number"
	FactText   FactKind = "text"
)

// Validate checks the journey on its own; Company.Validate checks references.
func (j *Journey) Validate() error {
	v := &validator{}
	v.nonEmpty(j.ID, "id")
	j.Name.validate(v, "name")
	v.require(len(j.Stages) > 0, "stages", "a journey needs at least one stage")
	for si, s := range j.Stages {
		sp := idx("stages", si)
		v.nonEmpty(s.ID, sp+".id")
		s.Name.validate(v, sp+".name")
		v.require(len(s.Touchpoints) > 0, sp+".touchpoints", "a stage needs at least one touchpoint")
		for ti := range s.Touchpoints {
			v.nest(idx(sp+".touchpoints", ti), s.Touchpoints[ti].Validate())
		}
	}
	return v.err("journey " + j.ID)
}

// Validate checks one touchpoint.
func (t *Touchpoint) Validate() error {
	v := &validator{}
	v.nonEmpty(t.ID, "id")
	if t.ID != "" {
		v.require(validID(t.ID), "id", "must be lower-case letters, digits, dots and dashes")
	}
	t.Name.validate(v, "name")
	v.require(t.Channel.Valid(), "channel", "must be one of %v, not %q", Channels, t.Channel)
	v.nonEmpty(t.OwnerUnit, "ownerUnit")
	v.require(t.Reach > 0 && t.Reach <= 1, "reach", "must be a share of customers in (0, 1], not %v", t.Reach)
	t.Instructions.validate(v, "instructions")
	v.require(t.Language == "" || t.Language == Polish || t.Language == English, "language", "must be pl or en, not %q", t.Language)
	keys := map[string]bool{}
	for i, f := range t.Facts {
		p := idx("facts", i)
		v.nonEmpty(f.Key, p+".key")
		v.require(!keys[f.Key], p+".key", "duplicate fact %q", f.Key)
		keys[f.Key] = true
		f.Label.validate(v, p+".label")
		v.require(f.Kind == FactMoney || f.Kind == FactNumber || f.Kind == FactText, p+".kind", "must be money, number or text, not %q", f.Kind)
	}
	return v.err(fmt.Sprintf("touchpoint %s", t.ID))
}

// VisitLanguage is the language an auditor needs for a branch visit.
func (t *Touchpoint) VisitLanguage() Lang {
	if t.Language == "" {
		return Polish
	}
	return t.Language
}
