package audit

import (
	"fmt"
	"math"
	"time"
)

// GPS check-in (issue 13, item 4). For a branch visit the form asks the
// auditor's consent and records where the phone was at the start and at the
// end of the walk. The server compares both positions with the branch's
// coordinates when it scores the walk. What it finds is an evidence flag
// for QA (Result.EvidenceFlags), never a refusal and never a silent pass:
// a walk far from its branch, or without a position, is still valued.

// GeoPoint is a position in WGS 84 degrees.
type GeoPoint struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// CheckIn is where the auditor's phone was when the walk started and ended.
// Consent false means the auditor declined location: no position is kept.
type CheckIn struct {
	Consent bool      `json:"consent"`
	Start   *Position `json:"start,omitempty"`
	End     *Position `json:"end,omitempty"`
}

// Position is one reading of the phone's location: coordinates, the radius
// of its accuracy in metres (the Geolocation API's coords.accuracy) and the
// device time of the reading.
type Position struct {
	Lat       float64   `json:"lat"`
	Lon       float64   `json:"lon"`
	AccuracyM float64   `json:"accuracyM"`
	At        time.Time `json:"at"`
}

// The check-in thresholds.
const (
	// FarFromBranchM is the distance from the branch beyond which a
	// position is flagged: a branch and its entrance, a queue outside and a
	// phone's usual error in a city street (tens of metres) fit well inside
	// 300 m, while the next branch of the same city is usually further.
	FarFromBranchM = 300.0
	// PoorAccuracyM is the accuracy radius beyond which a position says
	// too little to place the auditor at the branch (indoors, phones
	// without GPS fall back to Wi-Fi or cell positions of 100 m and more).
	PoorAccuracyM = 100.0
	// MaxAccuracyM bounds a reported accuracy: a reading vaguer than 100 km
	// places nobody in any city and is a client error.
	MaxAccuracyM = 100_000.0
	// CheckInSlack is how far a reading may lie before the walk's first
	// step starts or after its last step ends (device clock): the form takes
	// the start position when the auditor opens the walk and the end
	// position when they finish it, a few minutes either side of the timed
	// steps; a phone's cached position may be a little older.
	CheckInSlack = 30 * time.Minute
	// EarthRadiusM is the mean Earth radius (IUGG) used by Distance.
	EarthRadiusM = 6_371_008.8
)

// Evidence flags set on a branch walk's result. A flag with a detail is the
// name, a colon and the detail ("far-from-branch: 2.3 km").
const (
	FlagNoPosition       = "no-position"
	FlagNoConsent        = "no-consent"
	FlagFarFromBranch    = "far-from-branch"
	FlagPoorAccuracy     = "poor-accuracy"
	FlagNoBranchLocation = "no-branch-location"
)

// Distance is the great-circle (haversine) distance in metres.
func Distance(a, b GeoPoint) float64 {
	rad := math.Pi / 180
	dLat := (b.Lat - a.Lat) * rad
	dLon := (b.Lon - a.Lon) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * EarthRadiusM * math.Asin(math.Min(1, math.Sqrt(h)))
}

// CheckInFlags are the evidence flags of a walk of touchpoint tp given its
// check-in. Only branch visits are checked (nil for other channels). The
// branch is the touchpoint's owner unit; a branch without coordinates is
// itself a flag, so that a walk is never passed for want of the data.
//
//	no-consent              the auditor declined location
//	no-position             no position at all; "no-position: start" or
//	                        "no-position: end" when one of the two is missing
//	poor-accuracy: 250 m    the vaguer reading is over PoorAccuracyM
//	far-from-branch: 2.3 km the further reading is over FarFromBranchM
//	no-branch-location      the branch has no coordinates to compare with
func CheckInFlags(c *Company, tp *Touchpoint, ci *CheckIn) []string {
	if tp.Channel != ChannelBranch {
		return nil
	}
	var flags []string
	switch {
	case ci == nil || ci.Consent && ci.Start == nil && ci.End == nil:
		flags = append(flags, FlagNoPosition)
	case !ci.Consent:
		flags = append(flags, FlagNoConsent)
	case ci.Start == nil:
		flags = append(flags, FlagNoPosition+": start")
	case ci.End == nil:
		flags = append(flags, FlagNoPosition+": end")
	}
	var readings []*Position
	if ci != nil && ci.Consent {
		for _, p := range []*Position{ci.Start, ci.End} {
			if p != nil {
				readings = append(readings, p)
			}
		}
	}
	if len(readings) == 0 {
		return flags
	}
	worst := 0.0
	for _, p := range readings {
		worst = max(worst, p.AccuracyM)
	}
	if worst > PoorAccuracyM {
		flags = append(flags, FlagPoorAccuracy+": "+metres(worst))
	}
	u, ok := c.Unit(tp.OwnerUnit)
	if !ok || u.Location == nil {
		return append(flags, FlagNoBranchLocation)
	}
	far := 0.0
	for _, p := range readings {
		far = max(far, Distance(*u.Location, GeoPoint{Lat: p.Lat, Lon: p.Lon}))
	}
	if far > FarFromBranchM {
		flags = append(flags, FlagFarFromBranch+": "+metres(far))
	}
	return flags
}

// metres writes a distance for people: "450 m", or "2.3 km" from 1 km.
func metres(m float64) string {
	if m < 1000 {
		return fmt.Sprintf("%.0f m", m)
	}
	return fmt.Sprintf("%.1f km", m/1000)
}

// checkIn bounds a walk's check-in: coordinates in range, an accuracy in
// [0, MaxAccuracyM], a reading time for each position within
// MaxClockDistance of the server's clock, no position without consent and,
// for a submission, the end not before the start and both readings within
// CheckInSlack of the walk's timed steps.
func (c *walkCheck) checkIn(ci *CheckIn) {
	if ci == nil {
		return
	}
	if !ci.Consent && (ci.Start != nil || ci.End != nil) {
		c.add("checkIn.consent", "is false, yet a position was sent: send no position when the auditor declines location")
		return
	}
	for _, r := range []struct {
		name string
		p    *Position
	}{{"start", ci.Start}, {"end", ci.End}} {
		p := r.p
		if p == nil {
			continue
		}
		path := "checkIn." + r.name
		if !(p.Lat >= -90 && p.Lat <= 90) {
			c.add(path+".lat", "must be a latitude in [-90, 90], not %g", p.Lat)
		}
		if !(p.Lon >= -180 && p.Lon <= 180) {
			c.add(path+".lon", "must be a longitude in [-180, 180], not %g", p.Lon)
		}
		if !(p.AccuracyM >= 0 && p.AccuracyM <= MaxAccuracyM) {
			c.add(path+".accuracyM", "must be an accuracy radius in [0, %g] metres, not %g", MaxAccuracyM, p.AccuracyM)
		}
		if p.At.IsZero() {
			c.add(path+".at", "is required: the device time of the reading")
		}
		c.near(p.At, func() string { return path + ".at" })
	}
}

// checkInTimes applies the submission's rules to the check-in's reading
// times: the end is not before the start, and both lie within CheckInSlack
// of the walk's timed steps (device clock on both sides).
func (c *walkCheck) checkInTimes(ci *CheckIn, tl []TimelineStep) {
	if ci == nil || len(tl) == 0 {
		return
	}
	first, last := tl[0].Start.Client, tl[0].End.Client
	for i := range tl {
		if tl[i].Start.Client.Before(first) {
			first = tl[i].Start.Client
		}
		if tl[i].End.Client.After(last) {
			last = tl[i].End.Client
		}
	}
	from, to := first.Add(-CheckInSlack), last.Add(CheckInSlack)
	for _, r := range []struct {
		name string
		p    *Position
	}{{"start", ci.Start}, {"end", ci.End}} {
		if r.p == nil || r.p.At.IsZero() {
			continue
		}
		if r.p.At.Before(from) || r.p.At.After(to) {
			c.add("checkIn."+r.name+".at", "%s lies outside the walk (%s to %s) by more than %s",
				stamp(r.p.At), stamp(first), stamp(last), Duration(CheckInSlack))
		}
	}
	if ci.Start != nil && ci.End != nil && !ci.Start.At.IsZero() && ci.End.At.Before(ci.Start.At) {
		c.add("checkIn.end.at", "%s is before the start reading at %s", stamp(ci.End.At), stamp(ci.Start.At))
	}
}

// validLocation checks a unit's coordinates.
func validLocation(v *validator, path string, p *GeoPoint) {
	if p == nil {
		return
	}
	v.require(p.Lat >= -90 && p.Lat <= 90, path+".lat", "must be a latitude in [-90, 90], not %g", p.Lat)
	v.require(p.Lon >= -180 && p.Lon <= 180, path+".lon", "must be a longitude in [-180, 180], not %g", p.Lon)
}
