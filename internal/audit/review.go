package audit

import (
	"time"
	"unicode/utf8"
)

// ReviewStatus is where a review campaign stands.
type ReviewStatus string

const (
	ReviewPlanned   ReviewStatus = "planned"
	ReviewRunning   ReviewStatus = "running"
	ReviewCompleted ReviewStatus = "completed"
	ReviewCancelled ReviewStatus = "cancelled"
	ReviewFailed    ReviewStatus = "failed"
)

// Review is one verification campaign, typically half-yearly: which
// touchpoints are walked, in which window, against which standard version.
type Review struct {
	ID              string       `json:"id"`
	CompanyID       string       `json:"companyId"`
	Name            string       `json:"name"`
	Scope           ReviewScope  `json:"scope"`
	Window          Window       `json:"window"`
	StandardVersion string       `json:"standardVersion"`
	Status          ReviewStatus `json:"status"`
	// PreviousReviewID is the review this one is compared with for drift.
	PreviousReviewID string `json:"previousReviewId,omitempty"`
	// FixCosts are the CX lead's estimates of fixing each touchpoint, in
	// person-days, for the impact-versus-cost matrix (a default for the rest).
	FixCosts map[string]float64 `json:"fixCosts,omitempty"`
	// Seed makes auditor assignment reproducible.
	Seed int64 `json:"seed"`
	// Assignments and Done count the review's assignments and how many of them
	// reached an end (scored, closed or expired). Done is only ever increased
	// with a conditional update, so completion needs no scan.
	Assignments int `json:"assignments"`
	Done        int `json:"done"`
	// Staffed counts the assignments the assignment engine gave an auditor.
	Staffed int `json:"staffed"`
	// TaskToken is the review execution's callback token, sent success when
	// the last assignment ends.
	TaskToken string    `json:"taskToken,omitempty"`
	Failure   string    `json:"failure,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	CreatedBy string    `json:"createdBy,omitempty"`
	Version   int       `json:"version"`
}

// ReviewScope limits a review. Empty lists mean every journey; touchpoints
// due for re-verification and every moment of truth are always included.
type ReviewScope struct {
	Journeys    []string `json:"journeys,omitempty"`
	Touchpoints []string `json:"touchpoints,omitempty"`
	// WalksPerTouchpoint is how many independent auditors walk each one (default 2).
	WalksPerTouchpoint int `json:"walksPerTouchpoint,omitempty"`
	// MaxPerAuditor caps assignments per auditor in this review (default 6).
	MaxPerAuditor int `json:"maxPerAuditor,omitempty"`
}

// Window is when auditors may walk the touchpoints.
type Window struct {
	Opens  time.Time `json:"opens"`
	Closes time.Time `json:"closes"`
}

// Complete reports whether every assignment reached an end. A review
// whose planning found nothing to walk (running, no assignments) is
// complete at once; one not planned yet is not.
func (r *Review) Complete() bool {
	return (r.Assignments > 0 || r.Status != ReviewPlanned) && r.Done >= r.Assignments
}

// Bounds of a review.
const (
	// MaxReviewName bounds a review's name: it heads the report.
	MaxReviewName = 200
	// MaxReviewWindow bounds how long a review stays open: reviews are
	// half-yearly (six weeks by default), so a year is generous.
	MaxReviewWindow = 365 * Day
	// MaxReviewLead bounds how far from now a new review may open: a review
	// is planned at most a couple of half-years ahead, and one opening in
	// year 1 or 9999 is a typing mistake.
	MaxReviewLead = 2 * 365 * Day
)

// CheckNewReview checks what a CX lead asks of a new review, against the
// server's clock: the name at most MaxReviewName characters, opens within
// MaxReviewLead of now, and closes after opens within MaxReviewWindow. A nil
// time is one not given (the defaults apply later); a given zero time (year
// 1) is refused like any other far one. Paths are "name", "opens" and
// "closes". Validate does not apply these bounds: it guards every write of a
// stored review, which must stay updatable.
func CheckNewReview(name string, opens, closes *time.Time, now time.Time) []Problem {
	v := &validator{}
	if n := utf8.RuneCountInString(name); n > MaxReviewName {
		v.add("name", "at most %d characters, not %d", MaxReviewName, n)
	}
	from := now
	if opens != nil {
		from = *opens
		d := opens.Sub(now)
		v.require(d <= MaxReviewLead && d >= -MaxReviewLead, "opens", "%s is more than %s from today (%s)",
			stamp(*opens), Duration(MaxReviewLead), stamp(now))
	}
	if closes != nil {
		switch {
		case !closes.After(from):
			v.add("closes", "must be after opens (%s)", stamp(from))
		case closes.Sub(from) > MaxReviewWindow:
			v.add("closes", "the review would stay open %s, over the %s bound", days(closes.Sub(from)), Duration(MaxReviewWindow))
		}
	}
	return v.problems
}

// Validate checks the review.
func (r *Review) Validate() error {
	v := &validator{}
	v.nonEmpty(r.ID, "id")
	if r.ID != "" {
		v.require(validID(r.ID), "id", "must be lower-case letters, digits, dots and dashes")
	}
	v.nonEmpty(r.CompanyID, "companyId")
	v.nonEmpty(r.StandardVersion, "standardVersion")
	v.require(!r.Window.Opens.IsZero(), "window.opens", "is required")
	v.require(r.Window.Closes.After(r.Window.Opens), "window.closes", "must be after window.opens")
	switch r.Status {
	case ReviewPlanned, ReviewRunning, ReviewCompleted, ReviewCancelled, ReviewFailed:
	default:
		v.add("status", "unknown review status %q", r.Status)
	}
	v.require(r.Scope.WalksPerTouchpoint >= 0 && r.Scope.WalksPerTouchpoint <= 5, "scope.walksPerTouchpoint", "must be between 1 and 5")
	v.require(r.Scope.MaxPerAuditor >= 0, "scope.maxPerAuditor", "must not be negative")
	v.require(r.Done >= 0 && r.Done <= r.Assignments, "done", "must be between 0 and assignments (%d)", r.Assignments)
	for tp, c := range r.FixCosts {
		v.require(c > 0, "fixCosts."+tp, "must be a positive number of person-days")
	}
	return v.err("review " + r.ID)
}
