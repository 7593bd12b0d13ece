package audit

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// floriańska is the Kraków branch of the sample bank (testdata/company).
var floriańska = GeoPoint{Lat: 50.0614, Lon: 19.9366}

func TestDistance_Haversine(t *testing.T) {
	for _, c := range []struct {
		name string
		a, b GeoPoint
		want float64 // metres
	}{
		{"same point", floriańska, floriańska, 0},
		{"0.0207° of latitude north", floriańska, GeoPoint{Lat: 50.0821, Lon: 19.9366}, 2301.8},
		{"Kraków to Warszawa Marszałkowska", floriańska, GeoPoint{Lat: 52.2297, Lon: 21.0118}, 252_000},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Distance(c.a, c.b)
			if tol := max(1, c.want*0.005); math.Abs(got-c.want) > tol {
				t.Errorf("Distance = %.1f m, want %.1f m ± %.1f", got, c.want, tol)
			}
		})
	}
}

func branchCompany() (*Company, *Touchpoint, *Touchpoint) {
	c := &Company{ID: "bank-pl", Units: []Unit{
		{ID: "malopolski", Kind: UnitRegion},
		{ID: "br-krk-florianska", Kind: UnitBranch, Region: "malopolski", Location: &GeoPoint{Lat: 50.0614, Lon: 19.9366}},
		{ID: "br-tarnow-walowa", Kind: UnitBranch, Region: "malopolski"},
	}}
	krk := &Touchpoint{ID: "acc.branch-krk-florianska", Channel: ChannelBranch, OwnerUnit: "br-krk-florianska"}
	tarnow := &Touchpoint{ID: "addr.branch-tarnow-walowa", Channel: ChannelBranch, OwnerUnit: "br-tarnow-walowa"}
	return c, krk, tarnow
}

func TestCheckInFlags_BranchVisits(t *testing.T) {
	c, krk, tarnow := branchCompany()
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	pos := func(lat, lon, acc float64) *Position { return &Position{Lat: lat, Lon: lon, AccuracyM: acc, At: at} }
	inside := pos(50.0616, 19.9370, 15) // about 35 m from the branch
	for _, c2 := range []struct {
		name string
		tp   *Touchpoint
		ci   *CheckIn
		want []string
	}{
		{"at the branch", krk, &CheckIn{Consent: true, Start: inside, End: inside}, nil},
		{"2.3 km away", krk, &CheckIn{Consent: true, Start: inside, End: pos(50.0821, 19.9366, 20)}, []string{"far-from-branch: 2.3 km"}},
		{"445 m away", krk, &CheckIn{Consent: true, Start: pos(50.0654, 19.9366, 20), End: inside}, []string{"far-from-branch: 445 m"}},
		{"no check-in", krk, nil, []string{"no-position"}},
		{"consent without positions", krk, &CheckIn{Consent: true}, []string{"no-position"}},
		{"declined", krk, &CheckIn{Consent: false}, []string{"no-consent"}},
		{"no end position", krk, &CheckIn{Consent: true, Start: inside}, []string{"no-position: end"}},
		{"poor accuracy", krk, &CheckIn{Consent: true, Start: inside, End: pos(50.0614, 19.9366, 250)}, []string{"poor-accuracy: 250 m"}},
		{"branch without coordinates", tarnow, &CheckIn{Consent: true, Start: inside, End: inside}, []string{"no-branch-location"}},
		{"not a branch visit", &Touchpoint{ID: "acc.ivr", Channel: ChannelIVR, OwnerUnit: "cc"}, nil, nil},
	} {
		t.Run(c2.name, func(t *testing.T) {
			got := CheckInFlags(c, c2.tp, c2.ci)
			if !slices.Equal(got, c2.want) {
				t.Errorf("flags %q, want %q", got, c2.want)
			}
		})
	}
}

// checkInWalk is walk() with a check-in a minute before its first step and
// a minute after its last.
func checkInWalk() Walkthrough {
	w := walk()
	first, last := w.Timeline[0].Start.Client, w.Timeline[len(w.Timeline)-1].End.Client
	w.CheckIn = &CheckIn{Consent: true,
		Start: &Position{Lat: 50.0614, Lon: 19.9366, AccuracyM: 12, At: first.Add(-time.Minute)},
		End:   &Position{Lat: 50.0615, Lon: 19.9367, AccuracyM: 30, At: last.Add(time.Minute)}}
	return w
}

func TestCheckWalk_CheckInBounds(t *testing.T) {
	rules := WalkRules{Now: walkNow, MaxClockSkew: 10 * time.Minute}
	good := checkInWalk()
	if err := CheckWalk(&good, rules); err != nil {
		t.Fatalf("valid check-in refused: %v", err)
	}
	for _, c := range []struct {
		name, path, reason string
		draft              bool
		edit               func(ci *CheckIn)
	}{
		{"latitude", "checkIn.start.lat", "[-90, 90]", true, func(ci *CheckIn) { ci.Start.Lat = 91 }},
		{"longitude", "checkIn.end.lon", "[-180, 180]", true, func(ci *CheckIn) { ci.End.Lon = -180.5 }},
		{"negative accuracy", "checkIn.start.accuracyM", "[0, 100000]", true, func(ci *CheckIn) { ci.Start.AccuracyM = -1 }},
		{"no reading time", "checkIn.start.at", "is required", true, func(ci *CheckIn) { ci.Start.At = time.Time{} }},
		{"a year off", "checkIn.end.at", "more than 365d", true, func(ci *CheckIn) { ci.End.At = walkNow.AddDate(2, 0, 0) }},
		{"position without consent", "checkIn.consent", "send no position", true, func(ci *CheckIn) { ci.Consent = false }},
		{"start 31 min before the walk", "checkIn.start.at", "outside the walk", false, func(ci *CheckIn) { ci.Start.At = ci.Start.At.Add(-30 * time.Minute) }},
		{"end 31 min after the walk", "checkIn.end.at", "outside the walk", false, func(ci *CheckIn) { ci.End.At = ci.End.At.Add(30 * time.Minute) }},
		{"end before start", "checkIn.end.at", "before the start reading", false, func(ci *CheckIn) { ci.End.At = ci.Start.At.Add(-time.Second) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := checkInWalk()
			c.edit(w.CheckIn)
			r := rules
			err := CheckWalk(&w, r)
			if !slices.Contains(problemPaths(err), c.path) || !strings.Contains(err.Error(), c.reason) {
				t.Errorf("problems %v (%v), want %s: …%s…", problemPaths(err), err, c.path, c.reason)
			}
			r.Draft = true
			if err := CheckWalk(&w, r); c.draft != slices.Contains(problemPaths(err), c.path) {
				t.Errorf("draft: problems %v, want the problem at %s: %t", problemPaths(err), c.path, c.draft)
			}
		})
	}
}

func TestCompanyValidate_UnitLocation(t *testing.T) {
	c, _, _ := branchCompany()
	c.Name = Label{PL: "Bank", EN: "Bank"}
	for i := range c.Units {
		c.Units[i].Name = Label{PL: c.Units[i].ID, EN: c.Units[i].ID}
	}
	c.Units[1].Location = &GeoPoint{Lat: 95, Lon: 19.9}
	err := c.Validate()
	if !slices.Contains(problemPaths(err), "units[1].location.lat") {
		t.Errorf("problems %v, want units[1].location.lat", problemPaths(err))
	}
}
