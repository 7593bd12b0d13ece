package audit

import "context"

// CompanyService imports and reads company configurations.
type CompanyService struct {
	store CompanyStore
}

// NewCompanyService returns a service storing in store.
func NewCompanyService(store CompanyStore) *CompanyService {
	return &CompanyService{store: store}
}

// ImportSummary says what an import stored.
type ImportSummary struct {
	CompanyID   string   `json:"companyId"`
	Units       int      `json:"units"`
	Branches    int      `json:"branches"`
	Regions     int      `json:"regions"`
	Staff       int      `json:"staff"`
	Auditors    int      `json:"auditors"`
	Journeys    int      `json:"journeys"`
	Touchpoints int      `json:"touchpoints"`
	Channels    int      `json:"channels"`
	Standards   []string `json:"standards"`
}

// Import validates the configuration and saves it whole. Saving the same
// configuration again is harmless, so a retried import is idempotent.
func (s *CompanyService) Import(ctx context.Context, c Company) (ImportSummary, error) {
	if err := c.Validate(); err != nil {
		return ImportSummary{}, err
	}
	if err := s.store.SaveCompany(ctx, &c); err != nil {
		return ImportSummary{}, err
	}
	return Summarize(&c), nil
}

// Summarize counts what a company configuration holds.
func Summarize(c *Company) ImportSummary {
	sum := ImportSummary{CompanyID: c.ID, Units: len(c.Units), Staff: len(c.Staff), Journeys: len(c.Journeys)}
	for _, u := range c.Units {
		switch u.Kind {
		case UnitBranch:
			sum.Branches++
		case UnitRegion:
			sum.Regions++
		}
	}
	sum.Auditors = len(c.Auditors())
	channels := map[Channel]bool{}
	for _, tp := range c.Touchpoints() {
		sum.Touchpoints++
		channels[tp.Channel] = true
	}
	sum.Channels = len(channels)
	for _, st := range c.Standards {
		sum.Standards = append(sum.Standards, st.Version)
	}
	return sum
}
