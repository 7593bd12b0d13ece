package audit

// ValuationRules are the per-standard-set settings of the valuation rules.
// The rules themselves are applied in package scoring; a zero field means
// the documented default (see DefaultValuationRules).
type ValuationRules struct {
	// MissedStep is the valuation when any non-critical step is missed (−1).
	MissedStep int `json:"missedStep,omitempty"`
	// MissedCriticalStep is the valuation when a critical step is missed (−2).
	MissedCriticalStep int `json:"missedCriticalStep,omitempty"`
	// OverTarget is the valuation for timing over target within limit, and
	// effort above target (−1).
	OverTarget int `json:"overTarget,omitempty"`
	// OverLimit is the valuation for timing over its limit (−2).
	OverLimit int `json:"overLimit,omitempty"`
	// CompanyWork is the valuation when the customer does the company's work (−2).
	CompanyWork int `json:"companyWork,omitempty"`
	// Unresolved is the valuation when the customer's matter was not settled (−1).
	Unresolved int `json:"unresolved,omitempty"`
	// BrokenPromise is the valuation of a broken promise (−1), and
	// BrokenPromiseMomentOfTruth at a moment-of-truth touchpoint (−2).
	BrokenPromise              int `json:"brokenPromise,omitempty"`
	BrokenPromiseMomentOfTruth int `json:"brokenPromiseMomentOfTruth,omitempty"`
	// MaxClockSkew bounds the difference between an auditor's device clock and
	// the server's receipt time (default 10m).
	MaxClockSkew Duration `json:"maxClockSkew,omitempty"`
}

// DefaultValuationRules are the rules of the CX method touchaudit serves.
func DefaultValuationRules() ValuationRules {
	return ValuationRules{
		MissedStep: -1, MissedCriticalStep: -2,
		OverTarget: -1, OverLimit: -2,
		CompanyWork: -2, Unresolved: -1,
		BrokenPromise: -1, BrokenPromiseMomentOfTruth: -2,
		MaxClockSkew: Duration(10 * 60e9),
	}
}

// WithDefaults fills zero fields from DefaultValuationRules.
func (r *ValuationRules) WithDefaults() ValuationRules {
	d := DefaultValuationRules()
	if r == nil {
		return d
	}
	out := *r
	for _, f := range []struct{ v, def *int }{
		{&out.MissedStep, &d.MissedStep}, {&out.MissedCriticalStep, &d.MissedCriticalStep},
		{&out.OverTarget, &d.OverTarget}, {&out.OverLimit, &d.OverLimit},
		{&out.CompanyWork, &d.CompanyWork}, {&out.Unresolved, &d.Unresolved},
		{&out.BrokenPromise, &d.BrokenPromise}, {&out.BrokenPromiseMomentOfTruth, &d.BrokenPromiseMomentOfTruth},
	} {
		if *f.v == 0 {
			*f.v = *f.def
		}
	}
	if out.MaxClockSkew == 0 {
		out.MaxClockSkew = d.MaxClockSkew
	}
	return out
}

// Validate checks that every valuation is a penalty on the −2..−1 scale.
func (r *ValuationRules) Validate() error {
	v := &validator{}
	for name, val := range map[string]int{
		"missedStep": r.MissedStep, "missedCriticalStep": r.MissedCriticalStep,
		"overTarget": r.OverTarget, "overLimit": r.OverLimit, "companyWork": r.CompanyWork,
		"unresolved": r.Unresolved, "brokenPromise": r.BrokenPromise,
		"brokenPromiseMomentOfTruth": r.BrokenPromiseMomentOfTruth,
	} {
		v.require(val == 0 || val == -1 || val == -2, name, "must be -1 or -2 (or omitted for the default), not %d", val)
	}
	v.require(r.MaxClockSkew >= 0, "maxClockSkew", "must not be negative")
	return v.err("valuation rules")
}

// Cadence sets how soon a touchpoint is verified again, by its valuation and
// flags. Zero fields mean the defaults (DefaultCadence).
type Cadence struct {
	// AfterFix is the interval after a −2 touchpoint's fix is marked done.
	AfterFix Duration `json:"afterFix,omitempty"`
	// MinusOne is the interval for a −1 touchpoint.
	MinusOne Duration `json:"minusOne,omitempty"`
	// MomentOfTruthMax caps the interval for moment-of-truth touchpoints.
	MomentOfTruthMax Duration `json:"momentOfTruthMax,omitempty"`
	// Default is the interval for every other touchpoint.
	Default Duration `json:"default,omitempty"`
}

// DefaultCadence: one month after a −2 fix, 3 months for −1, at most 6
// months for moments of truth, 6 months otherwise (the half-yearly review).
func DefaultCadence() Cadence {
	return Cadence{AfterFix: Duration(30 * Day), MinusOne: Duration(90 * Day), MomentOfTruthMax: Duration(180 * Day), Default: Duration(180 * Day)}
}

// WithDefaults fills zero fields from DefaultCadence.
func (c *Cadence) WithDefaults() Cadence {
	d := DefaultCadence()
	if c == nil {
		return d
	}
	out := *c
	for _, f := range []struct{ v, def *Duration }{{&out.AfterFix, &d.AfterFix}, {&out.MinusOne, &d.MinusOne}, {&out.MomentOfTruthMax, &d.MomentOfTruthMax}, {&out.Default, &d.Default}} {
		if *f.v == 0 {
			*f.v = *f.def
		}
	}
	return out
}

// Validate checks that every interval is positive.
func (c *Cadence) Validate() error {
	v := &validator{}
	for name, d := range map[string]Duration{"afterFix": c.AfterFix, "minusOne": c.MinusOne, "momentOfTruthMax": c.MomentOfTruthMax, "default": c.Default} {
		v.require(d >= 0, name, "must not be negative, not %s", d)
	}
	return v.err("cadence")
}
