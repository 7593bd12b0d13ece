package audit

import (
	"context"
	"time"
)

// ConfigStore is what importing a configuration needs: the company and the
// audit trail its changes are recorded in.
type ConfigStore interface {
	CompanyStore
	TrailStore
}

// CompanyService imports and reads company configurations.
type CompanyService struct {
	store       ConfigStore
	now         func() time.Time
	directory   StaffDirectory
	rescheduler Rescheduler
}

// Rescheduler moves the re-verification schedule when an import publishes
// a standard version: a newer standard makes the touchpoints scored under
// an older one due at once (in touchaudit, the workflow's Reviews).
type Rescheduler interface {
	StandardsPublished(ctx context.Context, c *Company, versions []string) error
}

// WithRescheduler makes every import that publishes a standard version
// reschedule the company's touchpoints through r (nil: none).
func (s *CompanyService) WithRescheduler(r Rescheduler) *CompanyService {
	s.rescheduler = r
	return s
}

// Published lists the standard versions published in new that were not
// published in old (nil: a first import): new versions and drafts
// published now.
func Published(old, new *Company) []string {
	was := map[string]bool{}
	if old != nil {
		for i := range old.Standards {
			was[old.Standards[i].Version] = old.Standards[i].State() != StandardDraft
		}
	}
	var out []string
	for i := range new.Standards {
		if st := &new.Standards[i]; st.State() == StandardPublished && !was[st.Version] {
			out = append(out, st.Version)
		}
	}
	return out
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

// NewCompanyService returns a service storing in store, on the wall clock.
func NewCompanyService(store ConfigStore) *CompanyService {
	return &CompanyService{store: store, now: func() time.Time { return time.Now().UTC() }}
}

// WithClock sets the clock that stamps the trail's entries.
func (s *CompanyService) WithClock(now func() time.Time) *CompanyService {
	s.now = now
	return s
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

// Import is ImportBy by the system (the import-company function).
func (s *CompanyService) Import(ctx context.Context, c Company) (ImportSummary, error) {
	return s.ImportBy(ctx, c, TrailActorSystem, "")
}

// ImportBy validates the configuration (overlapping published windows are
// Invalid with the field path), refuses changes to published or retired
// standard versions (a Conflict naming the version, see
// CheckStandardChanges), records what changed in the audit trail and saves
// the configuration whole. Saving the same configuration again records
// and changes nothing, so a retried import is idempotent.
//
// The trail is written first: its entry ids derive from the stored and the
// new configuration, so a retry after a failed save records nothing twice,
// and a change is never stored without its record.
func (s *CompanyService) ImportBy(ctx context.Context, c Company, actor, reason string) (ImportSummary, error) {
	if err := c.Validate(); err != nil {
		return ImportSummary{}, err
	}
	old, err := s.store.GetCompany(ctx, c.ID)
	if IsCode(err, NotFound) {
		old, err = nil, nil
	}
	if err != nil {
		return ImportSummary{}, err
	}
	if err := CheckStandardChanges(old, &c); err != nil {
		return ImportSummary{}, err
	}
	entries, err := ConfigChanges(old, &c, actor, reason, s.now())
	if err != nil {
		return ImportSummary{}, err
	}
	for _, e := range entries {
		if err := s.store.AppendTrail(ctx, e); err != nil {
			return ImportSummary{}, err
		}
	}
	// The schedule moves before the configuration is saved: a retry after
	// a failed save still sees the version as new and moves it again.
	if v := Published(old, &c); len(v) > 0 && old != nil && s.rescheduler != nil {
		if err := s.rescheduler.StandardsPublished(ctx, &c, v); err != nil {
			return ImportSummary{}, err
		}
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
