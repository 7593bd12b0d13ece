package httpapi_test

import (
	"context"
	"encoding/json"
	"testing"
)

// submitCheckIn is the fixture submission with a check-in.
func submitCheckIn(t *testing.T, checkIn string) string {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal([]byte(readEvent(t, "api-submit").Body), &body); err != nil {
		t.Fatal(err)
	}
	var ci any
	if err := json.Unmarshal([]byte(checkIn), &ci); err != nil {
		t.Fatal(err)
	}
	body["walkthrough"].(map[string]any)["checkIn"] = ci
	b, _ := json.Marshal(body)
	return string(b)
}

func TestSubmit_CheckInAtTheDoor(t *testing.T) {
	path := "/api/assignments/" + a1 + "/submit"
	for _, c := range []struct {
		name, checkIn, path string
	}{
		{"latitude out of range", `{"consent":true,"start":{"lat":95,"lon":19.9366,"accuracyM":10,"at":"2026-11-22T09:12:00+01:00"}}`, "walkthrough.checkIn.start.lat"},
		{"no longitude", `{"consent":true,"start":{"lat":50.0614,"accuracyM":10,"at":"2026-11-22T09:12:00+01:00"}}`, "walkthrough.checkIn.start.lon"},
		{"negative accuracy", `{"consent":true,"end":{"lat":50.0614,"lon":19.9366,"accuracyM":-5,"at":"2026-11-22T09:19:00+01:00"}}`, "walkthrough.checkIn.end.accuracyM"},
		{"no reading time", `{"consent":true,"end":{"lat":50.0614,"lon":19.9366,"accuracyM":5}}`, "walkthrough.checkIn.end.at"},
		{"an hour before the walk", `{"consent":true,"start":{"lat":50.0614,"lon":19.9366,"accuracyM":5,"at":"2026-11-22T08:12:00+01:00"}}`, "walkthrough.checkIn.start.at"},
		{"a position without consent", `{"consent":false,"start":{"lat":50.0614,"lon":19.9366,"accuracyM":5,"at":"2026-11-22T09:12:00+01:00"}}`, "walkthrough.checkIn.consent"},
		{"an unknown field", `{"consent":true,"altitude":210}`, "walkthrough.checkIn.altitude"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, nil)
			callAs(t, f, auditor, "POST", path, submitCheckIn(t, c.checkIn)).wantError(t, 400, "invalid", c.path)
		})
	}

	// A check-in 2.3 km from anywhere is stored as sent: the distance is
	// QA's evidence flag at scoring, never a refusal.
	f := newFixture(t, nil)
	var sub submitJSON
	callAs(t, f, auditor, "POST", path, submitCheckIn(t, `{"consent":true,
		"start":{"lat":50.0614,"lon":19.9366,"accuracyM":12,"at":"2026-11-22T09:11:40+01:00"},
		"end":{"lat":50.0821,"lon":19.9366,"accuracyM":20,"at":"2026-11-22T09:19:10+01:00"}}`)).decode(t, &sub)
	w, err := f.store.GetWalkthrough(context.Background(), sub.Receipt.WalkthroughID)
	if err != nil {
		t.Fatal(err)
	}
	if ci := w.CheckIn; ci == nil || !ci.Consent || ci.Start.Lat != 50.0614 || ci.End.Lat != 50.0821 || ci.End.AccuracyM != 20 ||
		ci.Start.At.UTC().Format("15:04:05") != "08:11:40" {
		t.Errorf("stored check-in %+v", w.CheckIn)
	}
}
