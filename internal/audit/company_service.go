package audit

import "context"

// CompanyService imports and reads company configurations.
type CompanyService struct {
	store     CompanyStore
	directory StaffDirectory
}

// StaffDirectory is where staff sign in (in AWS, the Cognito user pool):
// an import makes it match the configuration's staff.
type StaffDirectory interface {
	// SyncStaff creates, updates and disables the company's users so that
	// they match c.Staff. A second call with the same company changes
	// nothing.
	SyncStaff(ctx context.Context, c *Company) (StaffSync, error)
}

// StaffSync says what a directory sync changed. Unchanged counts users
// that already matched; Skipped lists staff ids the directory cannot hold
// (no email address to sign in with).
type StaffSync struct {
	Created   int      `json:"created"`
	Updated   int      `json:"updated"`
	Disabled  int      `json:"disabled"`
	Enabled   int      `json:"enabled"`
	Unchanged int      `json:"unchanged"`
	Skipped   []string `json:"skipped,omitempty"`
}

// WithDirectory makes every import also sync the staff to d (nil: no
// directory, as locally, where dev tokens stand in for sign-in).
func (s *CompanyService) WithDirectory(d StaffDirectory) *CompanyService {
	s.directory = d
	return s
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
	// Directory is what the staff directory sync changed, when there is one.
	Directory *StaffSync `json:"directory,omitempty"`
}

// Import validates the configuration, saves it whole and syncs the staff
// to the directory. Saving and syncing the same configuration again is
// harmless, so a retried import is idempotent; a sync that failed half way
// is finished by the retry.
func (s *CompanyService) Import(ctx context.Context, c Company) (ImportSummary, error) {
	if err := c.Validate(); err != nil {
		return ImportSummary{}, err
	}
	if err := s.store.SaveCompany(ctx, &c); err != nil {
		return ImportSummary{}, err
	}
	sum := Summarize(&c)
	if s.directory != nil {
		sync, err := s.directory.SyncStaff(ctx, &c)
		if err != nil {
			return ImportSummary{}, err
		}
		sum.Directory = &sync
	}
	return sum, nil
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
