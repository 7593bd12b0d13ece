package scoring

import (
	"math"
	"slices"
	"sort"
	"time"

	"touchaudit/internal/audit"
)

// DisagreementSpread is how far apart two auditors' valuations of the same
// touchpoint must be to flag a disagreement (issue #4: 2 points or more).
const DisagreementSpread = 2

// Median is the median valuation of independent walks. With an even count it
// is the lower of the two middle values: the conservative choice, so one
// generous auditor cannot lift a touchpoint out of the fix list. No walks is 0.
func Median(vs []audit.Valuation) audit.Valuation {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

// Levels counts touchpoints (or walks) per valuation.
type Levels struct {
	MinusTwo int `json:"-2"`
	MinusOne int `json:"-1"`
	Zero     int `json:"0"`
	PlusOne  int `json:"+1"`
	PlusTwo  int `json:"+2"`
}

func (l *Levels) add(v audit.Valuation) {
	switch {
	case v <= -2:
		l.MinusTwo++
	case v == -1:
		l.MinusOne++
	case v == 0:
		l.Zero++
	case v == 1:
		l.PlusOne++
	default:
		l.PlusTwo++
	}
}

// TouchpointSummary aggregates the independent walks of one touchpoint.
type TouchpointSummary struct {
	TouchpointID    string            `json:"touchpointId"`
	Name            audit.Label       `json:"name"`
	JourneyID       string            `json:"journeyId"`
	StageID         string            `json:"stageId"`
	Channel         audit.Channel     `json:"channel"`
	OwnerUnit       string            `json:"ownerUnit"`
	MomentOfTruth   bool              `json:"momentOfTruth"`
	CustomerEffort  bool              `json:"customerEffort"`
	Reach           float64           `json:"reach"`
	StandardVersion string            `json:"standardVersion"`
	Walks           int               `json:"walks"`
	Auditors        []string          `json:"auditors"`
	Valuations      []audit.Valuation `json:"valuations"`
	Median          audit.Valuation   `json:"median"`
	// Spread is the highest minus the lowest valuation; Disagreement is set
	// when two different auditors' walks are DisagreementSpread or more apart
	// (one auditor's own walks differing is the service varying, not the
	// auditors disagreeing).
	Spread       int  `json:"spread"`
	Disagreement bool `json:"disagreement"`
	// Reasons merges the walks' reasons: each criterion once, with how many
	// walks gave it, worst effect first.
	Reasons []ReasonCount `json:"reasons"`
	// PlusTwo lists the +2 behaviours the touchpoint's standard defines:
	// where a differentiator can be built.
	PlusTwo []string `json:"plusTwo,omitempty"`
	// Gaps are the missed criteria with how many walks missed each.
	Gaps []GapCount `json:"gaps,omitempty"`
	// Durations are median measured timings by criterion id; EndToEnd the
	// median task time.
	Durations       map[string]audit.Duration `json:"durations,omitempty"`
	EndToEnd        audit.Duration            `json:"endToEnd,omitempty"`
	Unanswered      []string                  `json:"unanswered,omitempty"`
	PendingPromises int                       `json:"pendingPromises,omitempty"`
	BrokenPromises  int                       `json:"brokenPromises,omitempty"`
	LastWalked      time.Time                 `json:"lastWalked"`
	NextDue         time.Time                 `json:"nextDue"`
	DueReason       string                    `json:"dueReason"`
}

// GapCount is a missed criterion with the number of walks that missed it.
type GapCount struct {
	audit.Gap
	Walks int `json:"walks"`
}

// ReasonCount is one reason with the number of walks that gave it.
type ReasonCount struct {
	audit.Reason
	Walks int `json:"walks"`
}

// Aggregate groups results by touchpoint, in the company's journey order,
// and computes each touchpoint's median, spread and disagreement flag,
// merged reasons, median durations and next due date. fixesDone gives, per
// touchpoint, when the fix of a −2 was marked done (may be nil).
func (e *Engine) Aggregate(results []audit.Result, fixesDone map[string]time.Time) []TouchpointSummary {
	by := map[string][]*audit.Result{}
	for i := range results {
		by[results[i].TouchpointID] = append(by[results[i].TouchpointID], &results[i])
	}
	var out []TouchpointSummary
	seen := map[string]bool{}
	for _, ref := range e.company.Touchpoints() {
		rs := by[ref.ID]
		if len(rs) == 0 {
			continue
		}
		seen[ref.ID] = true
		out = append(out, e.summarize(ref, rs, fixesDone[ref.ID]))
	}
	return out
}

func (e *Engine) summarize(ref audit.TouchpointRef, rs []*audit.Result, fixDone time.Time) TouchpointSummary {
	// Stable order: by auditor, then walkthrough id.
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].AuditorID != rs[j].AuditorID {
			return rs[i].AuditorID < rs[j].AuditorID
		}
		return rs[i].WalkthroughID < rs[j].WalkthroughID
	})
	s := TouchpointSummary{
		TouchpointID: ref.ID, Name: ref.Name, JourneyID: ref.JourneyID, StageID: ref.StageID,
		Channel: ref.Channel, OwnerUnit: ref.OwnerUnit, MomentOfTruth: ref.MomentOfTruth,
		CustomerEffort: ref.CustomerEffort, Reach: ref.Reach, Walks: len(rs),
	}
	latest := rs[0]
	durs := map[string][]time.Duration{}
	var e2e []time.Duration
	reasons := map[string]int{}
	unanswered := map[string]bool{}
	for _, r := range rs {
		s.Valuations = append(s.Valuations, r.Valuation)
		if !slices.Contains(s.Auditors, r.AuditorID) {
			s.Auditors = append(s.Auditors, r.AuditorID)
		}
		if r.ScoredAt.After(latest.ScoredAt) {
			latest = r
		}
		if w := walkedAt(r); w.After(s.LastWalked) {
			s.LastWalked = w
		}
		for id, d := range r.Durations {
			durs[id] = append(durs[id], d.D())
		}
		if r.EndToEnd > 0 {
			e2e = append(e2e, r.EndToEnd.D())
		}
		for _, rsn := range r.Reasons {
			key := rsn.CriterionID + "\x00" + string(rune('0'+rsn.Effect+2))
			if k, ok := reasons[key]; ok {
				s.Reasons[k].Walks++
				continue
			}
			reasons[key] = len(s.Reasons)
			s.Reasons = append(s.Reasons, ReasonCount{Reason: rsn, Walks: 1})
		}
		for _, g := range r.Gaps {
			found := false
			for k := range s.Gaps {
				if s.Gaps[k].CriterionID == g.CriterionID {
					s.Gaps[k].Walks++
					found = true
				}
			}
			if !found {
				s.Gaps = append(s.Gaps, GapCount{Gap: g, Walks: 1})
			}
		}
		for _, id := range r.Unanswered {
			unanswered[id] = true
		}
		s.PendingPromises += r.PendingPromises
		for _, rsn := range r.Reasons {
			if rsn.Kind == audit.KindPromise && rsn.Effect < 0 {
				s.BrokenPromises++
			}
		}
	}
	s.StandardVersion = latest.StandardVersion
	s.Median = Median(s.Valuations)
	lo, hi := slices.Min(s.Valuations), slices.Max(s.Valuations)
	s.Spread = int(hi - lo)
	s.Disagreement = auditorsDisagree(rs)
	sort.SliceStable(s.Reasons, func(i, j int) bool {
		a, b := s.Reasons[i], s.Reasons[j]
		if (a.Effect < 0) != (b.Effect < 0) {
			return a.Effect < 0
		}
		if a.Effect < 0 && a.Effect != b.Effect {
			return a.Effect < b.Effect
		}
		if a.Effect > 0 && a.Effect != b.Effect {
			return a.Effect > b.Effect
		}
		return a.Walks > b.Walks
	})
	if len(durs) > 0 {
		s.Durations = map[string]audit.Duration{}
		for id, ds := range durs {
			s.Durations[id] = audit.Duration(medianDuration(ds))
		}
	}
	if len(e2e) > 0 {
		s.EndToEnd = audit.Duration(medianDuration(e2e))
	}
	for id := range unanswered {
		s.Unanswered = append(s.Unanswered, id)
	}
	sort.Strings(s.Unanswered)

	for _, c := range e.CriteriaFor(s.StandardVersion, ref.ID) {
		if c.Kind == audit.KindExceed && c.Exceed.Level == 2 {
			s.PlusTwo = append(s.PlusTwo, c.ID)
		}
	}
	cad := audit.DefaultCadence()
	in := DueInput{Valuation: s.Median, MomentOfTruth: s.MomentOfTruth, Disagreement: s.Disagreement, VerifiedAt: s.LastWalked, FixDoneAt: fixDone}
	if st, ok := e.standards[s.StandardVersion]; ok {
		cad, in.NewStandardFrom = st.cadence, st.newerFrom
	}
	if in.VerifiedAt.IsZero() {
		in.VerifiedAt = latest.ScoredAt
	}
	s.NextDue, s.DueReason = NextDueWithReason(cad, in)
	return s
}

// auditorsDisagree reports whether two different auditors valued the
// touchpoint DisagreementSpread or more points apart.
func auditorsDisagree(rs []*audit.Result) bool {
	for i := range rs {
		for j := i + 1; j < len(rs); j++ {
			d := int(rs[i].Valuation - rs[j].Valuation)
			if rs[i].AuditorID != rs[j].AuditorID && (d >= DisagreementSpread || -d >= DisagreementSpread) {
				return true
			}
		}
	}
	return false
}

// walkedAt is when the walk ended, or the scoring time for results that do
// not record it.
func walkedAt(r *audit.Result) time.Time {
	if r.WalkedAt.IsZero() {
		return r.ScoredAt
	}
	return r.WalkedAt
}

// medianDuration is the lower median of durations (same rule as Median).
func medianDuration(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

// Rollup summarises touchpoints by stage, journey or channel, using each
// touchpoint's median valuation.
type Rollup struct {
	Key       string      `json:"key"`
	Name      audit.Label `json:"name"`
	JourneyID string      `json:"journeyId,omitempty"`
	// Touchpoints and Walks count what was walked.
	Touchpoints int `json:"touchpoints"`
	Walks       int `json:"walks"`
	// Mean is the mean of the touchpoints' medians (2 decimals), Min the worst.
	Mean   float64         `json:"mean"`
	Min    audit.Valuation `json:"min"`
	Levels Levels          `json:"levels"`
	// Below0 counts touchpoints to lift to 0 (median −1 or −2).
	Below0         int `json:"below0"`
	MomentsOfTruth int `json:"momentsOfTruth"`
	CustomerEffort int `json:"customerEffort"`
	Disagreements  int `json:"disagreements"`
}

// Rollups groups touchpoint summaries by stage, journey and channel. Stage
// keys are "journey/stage". Order follows the company's journeys and
// audit.Channels.
func (e *Engine) Rollups(ts []TouchpointSummary) (stages, journeys, channels []Rollup) {
	idx := map[string]int{}
	add := func(list *[]Rollup, key string, name audit.Label, journey string, t *TouchpointSummary) {
		k, ok := idx[key]
		if !ok {
			k = len(*list)
			idx[key] = k
			*list = append(*list, Rollup{Key: key, Name: name, JourneyID: journey, Min: audit.MaxValuation})
		}
		r := &(*list)[k]
		r.Touchpoints++
		r.Walks += t.Walks
		r.Mean += float64(t.Median)
		r.Min = min(r.Min, t.Median)
		r.Levels.add(t.Median)
		if t.Median < 0 {
			r.Below0++
		}
		if t.MomentOfTruth {
			r.MomentsOfTruth++
		}
		if t.CustomerEffort {
			r.CustomerEffort++
		}
		if t.Disagreement {
			r.Disagreements++
		}
	}
	for _, j := range e.company.Journeys {
		for _, st := range j.Stages {
			for i := range ts {
				if ts[i].JourneyID == j.ID && ts[i].StageID == st.ID {
					add(&stages, "stage:"+j.ID+"/"+st.ID, st.Name, j.ID, &ts[i])
					add(&journeys, "journey:"+j.ID, j.Name, "", &ts[i])
				}
			}
		}
	}
	for _, ch := range audit.Channels {
		for i := range ts {
			if ts[i].Channel == ch {
				add(&channels, "channel:"+string(ch), ChannelLabel(ch), "", &ts[i])
			}
		}
	}
	for _, list := range [][]Rollup{stages, journeys, channels} {
		for i := range list {
			list[i].Key = list[i].Key[indexColon(list[i].Key)+1:]
			list[i].Mean = round2(list[i].Mean / float64(list[i].Touchpoints))
		}
	}
	return stages, journeys, channels
}

func indexColon(s string) int {
	for i := range s {
		if s[i] == ':' {
			return i
		}
	}
	return -1
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// channelLabels name the channels in both UI languages.
var channelLabels = map[audit.Channel]audit.Label{
	audit.ChannelIVR:       {PL: "Infolinia (IVR)", EN: "Phone menu (IVR)"},
	audit.ChannelPhone:     {PL: "Telefon z konsultantem", EN: "Phone with a consultant"},
	audit.ChannelWebForm:   {PL: "Formularz internetowy", EN: "Web form"},
	audit.ChannelMobileApp: {PL: "Aplikacja mobilna", EN: "Mobile app"},
	audit.ChannelChat:      {PL: "Czat", EN: "Chat"},
	audit.ChannelEmail:     {PL: "E-mail", EN: "Email"},
	audit.ChannelBranch:    {PL: "Oddział", EN: "Branch"},
}

// ChannelLabel is a channel's bilingual name.
func ChannelLabel(c audit.Channel) audit.Label {
	if l, ok := channelLabels[c]; ok {
		return l
	}
	return audit.Label{PL: string(c), EN: string(c)}
}
