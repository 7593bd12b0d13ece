package audit

import (
	"fmt"
	"strings"
	"time"
)

// Review ids. A review id is global: it keys the review in the store, names
// its Step Functions execution, and every id derived from it (assignments,
// walkthroughs, results, evidence, done markers, the report) carries it
// first. So the company is part of the id, ended by a dot, which no company
// id may contain: <company>.<name>. The company of an id is the part before
// its first dot, so "bank.x" is bank's and "bank-pl.x" bank-pl's, and no
// company can name, block or read an id of another's.
//
// Within a company, names beginning with ScheduledPrefix belong to the
// half-yearly schedule (h-2027-1); a CX lead's ad-hoc review may not take
// one, so a scheduled review never finds its id taken.
//
// Reviews stored before this rule may have ids without a dot
// (<company>-<year>-h<half>); no new id has that shape, so they can collide
// with nothing new, and they stay readable and updatable by their old ids.

// ReviewIDSeparator ends the company in a review id.
const ReviewIDSeparator = "."

// ScheduledPrefix begins the name of every scheduled review.
const ScheduledPrefix = "h-"

// ReviewID is the id of the company's review of that name.
func ReviewID(companyID, name string) string {
	return companyID + ReviewIDSeparator + name
}

// ScheduledReviewID is the id of the company's half-yearly review of the
// half-year containing t: <company>.h-<year>-<1|2>, so a retried schedule
// names the same review.
func ScheduledReviewID(companyID string, t time.Time) string {
	half := 1
	if t.Month() > time.June {
		half = 2
	}
	return ReviewID(companyID, fmt.Sprintf("%s%d-%d", ScheduledPrefix, t.Year(), half))
}

// LegacyScheduledReviewID is the id the schedule gave the same review
// before ids carried the company with a dot (<company>-<year>-h<1|2>). Any
// company could take such an id, so a review found under it is the
// company's only if its CompanyID says so.
func LegacyScheduledReviewID(companyID string, t time.Time) string {
	half := 1
	if t.Month() > time.June {
		half = 2
	}
	return fmt.Sprintf("%s-%d-h%d", companyID, t.Year(), half)
}

// ReviewCompany is the company an id names: the part before the first dot.
// An id without a dot (a review stored before the rule) names none.
func ReviewCompany(id string) (string, bool) {
	company, _, ok := strings.Cut(id, ReviewIDSeparator)
	return company, ok
}

// CheckNewReviewID checks the id a CX lead chooses for a new ad-hoc review
// of the company: <company>.<name>, in the characters of every id, the name
// not a scheduled one. The path is "reviewId", the request's.
func CheckNewReviewID(companyID, id string) []Problem {
	v := &validator{}
	prefix := companyID + ReviewIDSeparator
	name, own := strings.CutPrefix(id, prefix)
	switch {
	case !validID(id):
		v.add("reviewId", "must be at most 64 lower-case letters, digits, dots, dashes and underscores, such as %q", prefix+"pilot-2027")
	case !own:
		v.add("reviewId", "must start with your company id and a dot, %q (such as %q)", prefix, prefix+"pilot-2027")
	case name == "":
		v.add("reviewId", "needs a name after %q", prefix)
	case strings.HasPrefix(name, ScheduledPrefix):
		v.add("reviewId", "names beginning %q are the half-yearly schedule's (such as %q): choose another", ScheduledPrefix, prefix+ScheduledPrefix+"2027-1")
	}
	return v.problems
}

// ValidateNew checks a review about to be stored for the first time: valid,
// and an id with a dot names the review's own company. Stores call it in
// CreateReview, so no company's review can take another's id space whoever
// writes it. Updates use Validate alone: a review stored before the rule
// stays updatable whatever its id.
func (r *Review) ValidateNew() error {
	if err := r.Validate(); err != nil {
		return err
	}
	v := &validator{}
	if company, ok := ReviewCompany(r.ID); ok {
		v.require(company == r.CompanyID, "id", "names company %q, not the review's %q", company, r.CompanyID)
	}
	return v.err("review " + r.ID)
}
