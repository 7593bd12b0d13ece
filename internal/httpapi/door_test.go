package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/memstore"
	"touchaudit/internal/workflow"
)

// The door: drafts and submissions are refused with 400 and the field path
// before anything is stored, for every rule the scorer applies later and
// for every bound that keeps a stored assignment readable. Each case runs on
// the embedded store and on DynamoDB (moto).

// eachStore runs the test on a fixture over the embedded store and over a
// DynamoDB table on moto.
func eachStore(t *testing.T, run func(t *testing.T, f *fixture)) {
	t.Run("embedded", func(t *testing.T) { run(t, newFixture(t, nil)) })
	t.Run("moto", func(t *testing.T) {
		store, _ := motoStore(t)
		run(t, newFixture(t, store))
	})
}

// bodyOf is a fixture event's body as a map, to change.
func bodyOf(t *testing.T, event string) map[string]any {
	t.Helper()
	var b map[string]any
	if err := json.Unmarshal([]byte(readEvent(t, event).Body), &b); err != nil {
		t.Fatal(err)
	}
	return b
}

func encode(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// shiftTimes moves every RFC 3339 string in v by d, as a phone whose clock
// is off by d would write them.
func shiftTimes(t *testing.T, v any, d time.Duration) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = shiftTimes(t, e, d)
		}
	case []any:
		for i, e := range x {
			x[i] = shiftTimes(t, e, d)
		}
	case string:
		if ts, err := time.Parse(time.RFC3339, x); err == nil {
			return ts.Add(d).Format(time.RFC3339)
		}
	}
	return v
}

// setTimes sets every RFC 3339 string in v to s.
func setTimes(v any, s string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = setTimes(e, s)
		}
	case []any:
		for i, e := range x {
			x[i] = setTimes(e, s)
		}
	case string:
		if _, err := time.Parse(time.RFC3339, x); err == nil {
			return s
		}
	}
	return v
}

// readable checks that s-017's assignment and list still read fine.
func (f *fixture) readable(t *testing.T) {
	t.Helper()
	var v workflow.AssignmentView
	f.invoke(t, readEvent(t, "api-assignment")).decode(t, &v)
	var list struct {
		Assignments []workflow.AssignmentView `json:"assignments"`
	}
	f.invoke(t, readEvent(t, "api-assignments")).decode(t, &list)
	if len(list.Assignments) != 2 {
		t.Errorf("s-017 lists %d assignments, want 2", len(list.Assignments))
	}
}

func TestSubmit_ClockAnHourOffIsRefusedAtTheDoor(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ev := readEvent(t, "api-submit")
		body := bodyOf(t, "api-submit")
		off := shiftTimes(t, body, time.Hour).(map[string]any)
		e := f.invoke(t, withBody(ev, encode(t, off))).wantError(t, 400, "invalid",
			"walkthrough.timeline[0].start.client", "walkthrough.timeline[2].end.client", "walkthrough.timeline[2].pauses[0].start.client")
		// The fixture's phone is 3 s behind the server; an hour ahead of that
		// is 59m57s off.
		if !strings.Contains(e.Error.Fields[0].Reason, "clock skew") || !strings.Contains(e.Error.Fields[0].Reason, "59m57s") {
			t.Errorf("reason %q does not name the skew", e.Error.Fields[0].Reason)
		}
		f.unchanged(t)
		// The same walk from a phone with the right time is taken, not 409.
		var out submitJSON
		f.invoke(t, ev).decode(t, &out)
		if !out.Signalled {
			t.Errorf("the corrected submission: %+v", out)
		}
	})
}

func TestDoor_FarTimesNeverReachTheStore(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		draft := bodyOf(t, "api-draft")
		draft["draft"] = setTimes(draft["draft"], "9999-12-31T23:59:59Z")
		draft["clientSentAt"] = "2000-01-01T00:00:00Z"
		f.invoke(t, withBody(readEvent(t, "api-draft"), encode(t, draft))).wantError(t, 400, "invalid",
			"clientSentAt", "draft.timeline[0].start.client", "draft.timeline[1].end.client")

		submit := bodyOf(t, "api-submit")
		submit["walkthrough"] = setTimes(submit["walkthrough"], "9999-12-31T23:59:59Z")
		submit["clientSentAt"] = "2000-01-01T00:00:00Z"
		f.invoke(t, withBody(readEvent(t, "api-submit"), encode(t, submit))).wantError(t, 400, "invalid",
			"clientSentAt", "walkthrough.timeline[0].start.client", "walkthrough.promises[0].madeAt", "walkthrough.promises[0].dueAt")

		// A right clientSentAt with far stamps: the stamps are refused, the
		// server stamps derived from them too.
		draft["clientSentAt"] = "2026-11-22T09:20:00+01:00"
		f.invoke(t, withBody(readEvent(t, "api-draft"), encode(t, draft))).wantError(t, 400, "invalid",
			"draft.timeline[0].start.client", "draft.timeline[0].start.server")
		f.unchanged(t)
		f.readable(t)
	})
}

func TestDoor_Bounds(t *testing.T) {
	steps := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = map[string]any{"key": "k", "channel": "ivr",
				"start": map[string]any{"client": "2026-11-22T09:12:05+01:00"}, "end": map[string]any{"client": "2026-11-22T09:12:06+01:00"}}
		}
		return out
	}
	many := func(n int, one func(i int) any) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = one(i)
		}
		return out
	}
	pause := map[string]any{"start": map[string]any{"client": "2026-11-22T09:15:00+01:00"}, "end": map[string]any{"client": "2026-11-22T09:15:01+01:00"}}
	cases := []struct {
		name string
		edit func(w map[string]any)
		path string
	}{
		{"596 promises", func(w map[string]any) {
			w["promises"] = many(596, func(i int) any { return map[string]any{"id": fmt.Sprint("p", i), "text": "x"} })
		}, "promises"},
		{"21 promises", func(w map[string]any) {
			w["promises"] = many(21, func(i int) any {
				return map[string]any{"id": fmt.Sprint("p", i), "text": "x", "madeAt": "2026-11-22T09:18:00+01:00", "dueAt": "2026-11-23T12:00:00+01:00"}
			})
		}, "promises"},
		{"201 steps", func(w map[string]any) { w["timeline"] = steps(201) }, "timeline"},
		{"21 pauses in a step", func(w map[string]any) {
			step(w, 2)["pauses"] = many(21, func(int) any { return pause })
		}, "timeline[2].pauses"},
		{"201 answers", func(w map[string]any) {
			w["answers"] = many(201, func(i int) any { return map[string]any{"criterionId": fmt.Sprint("c", i), "value": "yes"} })
		}, "answers"},
		{"51 facts", func(w map[string]any) {
			w["facts"] = many(51, func(i int) any { return map[string]any{"key": fmt.Sprint("f", i), "value": "1", "channel": "ivr"} })
		}, "facts"},
		{"21 evidence references", func(w map[string]any) { w["evidence"] = many(21, func(int) any { return "photo" }) }, "evidence"},
		{"notes of 8001 characters", func(w map[string]any) { w["notes"] = strings.Repeat("ż", 8001) }, "notes"},
		{"a step note of 2001 characters", func(w map[string]any) { step(w, 0)["note"] = strings.Repeat("x", 2001) }, "timeline[0].note"},
		{"an answer note of 2001 characters", func(w map[string]any) {
			w["answers"].([]any)[0].(map[string]any)["note"] = strings.Repeat("x", 2001)
		}, "answers[0].note"},
		{"a promise text of 501 characters", func(w map[string]any) {
			w["promises"].([]any)[0].(map[string]any)["text"] = strings.Repeat("x", 501)
		}, "promises[0].text"},
		{"a fact value of 501 characters", func(w map[string]any) {
			w["facts"].([]any)[0].(map[string]any)["value"] = strings.Repeat("x", 501)
		}, "facts[0].value"},
		{"a step key of 101 characters", func(w map[string]any) { step(w, 0)["key"] = strings.Repeat("k", 101) }, "timeline[0].key"},
		{"a promise due in 2028", func(w map[string]any) {
			w["promises"].([]any)[0].(map[string]any)["dueAt"] = "2028-01-01T00:00:00Z"
		}, "promises[0].dueAt"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, nil)
			submit := bodyOf(t, "api-submit")
			c.edit(submit["walkthrough"].(map[string]any))
			f.invoke(t, withBody(readEvent(t, "api-submit"), encode(t, submit))).wantError(t, 400, "invalid", "walkthrough."+c.path)
			draft := bodyOf(t, "api-draft")
			draft["draft"] = submit["walkthrough"]
			f.invoke(t, withBody(readEvent(t, "api-draft"), encode(t, draft))).wantError(t, 400, "invalid", "draft."+c.path)
			f.unchanged(t)
		})
	}
}

func step(w map[string]any, i int) map[string]any { return w["timeline"].([]any)[i].(map[string]any) }

// TestSubmit_TimelineRulesAtTheDoor: what the scorer would refuse as invalid
// input is refused at submission, with the same paths.
func TestSubmit_TimelineRulesAtTheDoor(t *testing.T) {
	cases := []struct {
		name, path, reason string
		edit               func(w map[string]any)
	}{
		{"a step ends before it starts", "walkthrough.timeline[1].end.client", "before the step starts", func(w map[string]any) {
			step(w, 1)["end"] = map[string]any{"client": "2026-11-22T09:13:00+01:00"}
		}},
		{"steps out of order", "walkthrough.timeline[2].start.client", "steps out of order", func(w map[string]any) {
			step(w, 2)["start"] = map[string]any{"client": "2026-11-22T09:13:00+01:00"}
		}},
		{"a pause outside its step", "walkthrough.timeline[2].pauses[0].end.client", "after its step ends", func(w map[string]any) {
			step(w, 2)["pauses"].([]any)[0].(map[string]any)["end"] = map[string]any{"client": "2026-11-22T09:19:00+01:00"}
		}},
		{"a step over 90 days", "walkthrough.timeline[0].end.client", "over the 90d bound", func(w map[string]any) {
			step(w, 0)["start"] = map[string]any{"client": "2026-08-20T09:12:05+01:00"}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, nil)
			submit := bodyOf(t, "api-submit")
			c.edit(submit["walkthrough"].(map[string]any))
			e := f.invoke(t, withBody(readEvent(t, "api-submit"), encode(t, submit))).wantError(t, 400, "invalid", c.path)
			if !strings.Contains(fmt.Sprint(e.Error.Fields), c.reason) {
				t.Errorf("fields %+v do not say %q", e.Error.Fields, c.reason)
			}
			f.unchanged(t)
		})
	}
}

func TestStart_StartedAtWithinAYear(t *testing.T) {
	f := newFixture(t, nil)
	ev := readEvent(t, "api-start")
	f.invoke(t, withBody(ev, `{"startedAt":"1999-01-01T00:00:00Z"}`)).wantError(t, 400, "invalid", "startedAt")
	f.invoke(t, withBody(ev, `{"startedAt":"9999-12-31T23:59:59Z"}`)).wantError(t, 400, "invalid", "startedAt")
	f.unchanged(t)
}

func TestDecode_DuplicateKeys(t *testing.T) {
	submit := readEvent(t, "api-submit").Body
	cases := []struct{ name, body, path string }{
		{"at the top", strings.Replace(submit, `"submissionId":`, `"submissionId": "other", "submissionId":`, 1), "submissionId"},
		{"in the walk", strings.Replace(submit, `"resolved": true`, `"resolved": true, "resolved": false`, 1), "walkthrough.resolved"},
		{"in a step", strings.Replace(submit, `"key": "queue"`, `"key": "queue", "key": "ivr_menu"`, 1), "walkthrough.timeline[1].key"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.body == submit {
				t.Fatal("the edit changed nothing")
			}
			eachStore(t, func(t *testing.T, f *fixture) {
				e := f.invoke(t, withBody(readEvent(t, "api-submit"), c.body)).wantError(t, 400, "invalid", c.path)
				if !strings.Contains(e.Error.Message, "duplicate") {
					t.Errorf("message %q", e.Error.Message)
				}
				f.unchanged(t)
			})
		})
	}
}

// TestErrors_NoInternalTextInAnyBody: an *audit.Error with the internal
// code, or a code the API does not know, is answered "internal error" with
// nothing of its message or cause.
func TestErrors_NoInternalTextInAnyBody(t *testing.T) {
	for _, err := range []error{
		&audit.Error{Code: audit.Internal, Message: "table/secret unreachable", Err: errSecret},
		&audit.Error{Code: "throttled", Message: "table/secret throttled"},
		fmt.Errorf("wrapped: %w", errSecret),
	} {
		t.Run(err.Error(), func(t *testing.T) {
			f := newFixture(t, errorStore{Store: memstore.New(), err: err})
			r := f.invoke(t, readEvent(t, "api-me"))
			if e := r.wantError(t, 500, "internal"); e.Error.Message != "internal error" || strings.Contains(r.Body, "secret") {
				t.Errorf("body %s", r.Body)
			}
		})
	}
}

type errorStore struct {
	audit.Store
	err error
}

func (s errorStore) GetCompany(context.Context, string) (*audit.Company, error) { return nil, s.err }

// TestReviews_StartBounds: a review opens within two years of now, stays
// open at most a year, and its name has at most 200 characters.
func TestReviews_StartBounds(t *testing.T) {
	cases := []struct{ name, body, path string }{
		{"opens in year 1", `{"opens":"0001-01-01T00:00:00Z"}`, "opens"},
		{"opens in 9999", `{"opens":"9999-12-31T00:00:00Z","closes":"9999-12-31T23:00:00Z"}`, "opens"},
		{"opens three years ahead", `{"opens":"2029-11-23T00:00:00Z"}`, "opens"},
		{"closes before it opens", `{"opens":"2027-01-10T00:00:00Z","closes":"2027-01-09T00:00:00Z"}`, "closes"},
		{"open for 366 days", `{"opens":"2027-01-01T00:00:00Z","closes":"2028-01-02T00:00:01Z"}`, "closes"},
		{"closes in 9999", `{"closes":"9999-12-31T00:00:00Z"}`, "closes"},
		{"a name of 201 characters", `{"name":"` + strings.Repeat("ą", 201) + `"}`, "name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, nil)
			f.invoke(t, withBody(readEvent(t, "api-review-start"), c.body)).wantError(t, 400, "invalid", c.path)
			if len(f.exec.started) != 0 {
				t.Errorf("started %v", f.exec.started)
			}
		})
	}
	t.Run("a name of 200 characters, open for 365 days", func(t *testing.T) {
		f := newFixture(t, nil)
		r := f.invoke(t, withBody(readEvent(t, "api-review-start"),
			`{"name":"`+strings.Repeat("ą", 200)+`","opens":"2027-01-01T00:00:00Z","closes":"2028-01-01T00:00:00Z"}`))
		if r.StatusCode != 202 {
			t.Errorf("%d %s", r.StatusCode, r.Body)
		}
	})
}
