package httpapi

import (
	"fmt"
	"time"

	"touchaudit/internal/audit"
)

// The request bodies of the auditor endpoints. Each is an allow-list: only
// these fields are decoded (anything else is a 400), and everything the
// server decides (ids, auditor, touchpoint, standard version, promise
// outcomes, server stamps) is set from the assignment and the server clock,
// never from the body. Times are strings so that a bad one is reported with
// its field path.

type startRequest struct {
	StartedAt string `json:"startedAt"`
}

type draftRequest struct {
	Version *int `json:"version"`
	// ClientSentAt, when given, lets the server stamp the draft's steps as it
	// stamps a submission's.
	ClientSentAt string      `json:"clientSentAt"`
	Draft        walkRequest `json:"draft"`
}

type submitRequest struct {
	SubmissionID string      `json:"submissionId"`
	ClientSentAt string      `json:"clientSentAt"`
	Walkthrough  walkRequest `json:"walkthrough"`
}

type promiseRequest struct {
	Outcome audit.PromiseOutcome `json:"outcome"`
}

// walkRequest is the allow-listed part of audit.Walkthrough (docs/API.md, Walk).
type walkRequest struct {
	Resolved bool                 `json:"resolved"`
	Timeline []stepRequest        `json:"timeline"`
	Answers  []answerRequest      `json:"answers"`
	Facts    []factRequest        `json:"facts"`
	Promises []madePromiseRequest `json:"promises"`
	Notes    string               `json:"notes"`
	Evidence []string             `json:"evidence"`
	CheckIn  *checkInRequest      `json:"checkIn"`
}

// checkInRequest is a branch visit's GPS check-in (docs/API.md, Walk).
type checkInRequest struct {
	Consent bool             `json:"consent"`
	Start   *positionRequest `json:"start"`
	End     *positionRequest `json:"end"`
}

type positionRequest struct {
	Lat       *float64 `json:"lat"`
	Lon       *float64 `json:"lon"`
	AccuracyM *float64 `json:"accuracyM"`
	At        string   `json:"at"`
}

type stampRequest struct {
	Client string `json:"client"`
}

type stepRequest struct {
	Key     string         `json:"key"`
	Channel audit.Channel  `json:"channel"`
	Start   stampRequest   `json:"start"`
	End     stampRequest   `json:"end"`
	Pauses  []pauseRequest `json:"pauses"`
	Note    string         `json:"note"`
}

type pauseRequest struct {
	Start stampRequest `json:"start"`
	End   stampRequest `json:"end"`
}

type answerRequest struct {
	CriterionID string            `json:"criterionId"`
	Value       audit.AnswerValue `json:"value"`
	Count       *int              `json:"count"`
	Note        string            `json:"note"`
}

type factRequest struct {
	Key     string        `json:"key"`
	Value   string        `json:"value"`
	Channel audit.Channel `json:"channel"`
}

type madePromiseRequest struct {
	ID          string `json:"id"`
	CriterionID string `json:"criterionId"`
	Text        string `json:"text"`
	MadeAt      string `json:"madeAt"`
	DueAt       string `json:"dueAt"`
}

// problems collects field problems under a prefix.
type problems struct {
	prefix string
	list   []audit.Problem
}

func (p *problems) add(path, format string, args ...any) {
	if p.prefix != "" {
		if path == "" {
			path = p.prefix
		} else {
			path = p.prefix + "." + path
		}
	}
	p.list = append(p.list, audit.Problem{Path: path, Reason: fmt.Sprintf(format, args...)})
}

// time parses an RFC 3339 time; "" is the zero time, reported when required.
func (p *problems) time(path, s string, required bool) time.Time {
	if s == "" {
		if required {
			p.add(path, "is required")
		}
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		p.add(path, "must be an RFC 3339 time such as 2026-11-20T14:05:00+01:00, not %q", s)
		return time.Time{}
	}
	return t
}

// sentAt parses the device's clock at sending, which must lie within
// audit.MaxClockDistance of the server's clock: a device set to another
// year would shift every server stamp by as much. A bad or absent one
// gives 0 and false: nothing is stamped.
func (p *problems) sentAt(path, s string, required bool, now time.Time) (time.Duration, bool) {
	sent := p.time(path, s, required)
	if sent.IsZero() {
		return 0, false
	}
	if d := sent.Sub(now); d > audit.MaxClockDistance || d < -audit.MaxClockDistance {
		p.add(path, "%s is more than %s from the server's clock (%s): check the device's date",
			s, audit.Duration(audit.MaxClockDistance), now.Format(time.RFC3339))
		return 0, false
	}
	return now.Sub(sent), true
}

// near checks that a time lies within audit.MaxClockDistance of now.
func (p *problems) near(path string, t, now time.Time) {
	if d := t.Sub(now); !t.IsZero() && (d > audit.MaxClockDistance || d < -audit.MaxClockDistance) {
		p.add(path, "%s is more than %s from the server's clock (%s): check the device's date",
			t.Format(time.RFC3339), audit.Duration(audit.MaxClockDistance), now.Format(time.RFC3339))
	}
}

// checkWalk applies audit.CheckWalk, the rule the scorer applies later, and
// reports its problems under p's prefix. The walk's server fields are filled
// as the workflow fills them, so that only the client's fields are named.
func checkWalk(p *problems, w audit.Walkthrough, who caller, rules audit.WalkRules) {
	w.ID, w.CompanyID, w.AuditorID = "w-check", who.CompanyID, who.StaffID
	w.TouchpointID, w.StandardVersion = "-", "-"
	for _, pr := range audit.ProblemsOf(audit.CheckWalk(&w, rules)) {
		p.add(pr.Path, "%s", pr.Reason)
	}
}

// walkthrough converts the walk. Each stamp's server time is its client
// time shifted by skew (serverNow − clientSentAt), so a walk queued offline
// keeps its intervals while the skew check still sees a wrong device clock;
// stamp false leaves server times empty.
func (w *walkRequest) walkthrough(p *problems, skew time.Duration, stamp bool) audit.Walkthrough {
	toStamp := func(path string, s stampRequest) audit.Stamp {
		c := p.time(path+".client", s.Client, false)
		st := audit.Stamp{Client: c}
		if stamp && !c.IsZero() {
			st.Server = c.Add(skew).UTC()
		}
		return st
	}
	out := audit.Walkthrough{Resolved: w.Resolved, Notes: w.Notes, Evidence: w.Evidence}
	out.Timeline = make([]audit.TimelineStep, 0, len(w.Timeline))
	for i, s := range w.Timeline {
		path := fmt.Sprintf("timeline[%d]", i)
		step := audit.TimelineStep{Key: s.Key, Channel: s.Channel, Note: s.Note,
			Start: toStamp(path+".start", s.Start), End: toStamp(path+".end", s.End)}
		for k, ps := range s.Pauses {
			pp := fmt.Sprintf("%s.pauses[%d]", path, k)
			step.Pauses = append(step.Pauses, audit.Pause{Start: toStamp(pp+".start", ps.Start), End: toStamp(pp+".end", ps.End)})
		}
		out.Timeline = append(out.Timeline, step)
	}
	out.Answers = make([]audit.Answer, 0, len(w.Answers))
	for _, a := range w.Answers {
		out.Answers = append(out.Answers, audit.Answer{CriterionID: a.CriterionID, Value: a.Value, Count: a.Count, Note: a.Note})
	}
	for _, f := range w.Facts {
		out.Facts = append(out.Facts, audit.FactRecord{Key: f.Key, Value: f.Value, Channel: f.Channel})
	}
	if ci := w.CheckIn; ci != nil {
		out.CheckIn = &audit.CheckIn{Consent: ci.Consent, Start: ci.Start.position(p, "checkIn.start"), End: ci.End.position(p, "checkIn.end")}
	}
	for i, pr := range w.Promises {
		path := fmt.Sprintf("promises[%d]", i)
		out.Promises = append(out.Promises, audit.Promise{ID: pr.ID, CriterionID: pr.CriterionID, Text: pr.Text,
			MadeAt: p.time(path+".madeAt", pr.MadeAt, false), DueAt: p.time(path+".dueAt", pr.DueAt, false),
			Outcome: audit.PromisePending})
	}
	return out
}

// position converts one reading; a reading must give all of its numbers.
func (r *positionRequest) position(p *problems, path string) *audit.Position {
	if r == nil {
		return nil
	}
	num := func(field string, v *float64) float64 {
		if v == nil {
			p.add(path+"."+field, "is required")
			return 0
		}
		return *v
	}
	return &audit.Position{Lat: num("lat", r.Lat), Lon: num("lon", r.Lon), AccuracyM: num("accuracyM", r.AccuracyM),
		At: p.time(path+".at", r.At, true)}
}

// maxSubmissionID is the longest submission id.
const maxSubmissionID = 64

// validSubmissionID admits client-generated ids such as UUIDs: 1 to 64
// ASCII letters, digits, '.', '_' and '-', starting with a letter or a
// digit. The id names the walkthrough ("w-<id>") and the idempotency
// record. (A regexp of this compiles 63 repetitions at every cold start.)
func validSubmissionID(id string) bool {
	if id == "" || len(id) > maxSubmissionID {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		if !alnum && (i == 0 || c != '.' && c != '_' && c != '-') {
			return false
		}
	}
	return true
}
