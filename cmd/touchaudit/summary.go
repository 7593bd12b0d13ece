package main

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"touchaudit/internal/audit"
	"touchaudit/internal/scoring"
)

// text holds the summary's wording in both UI languages.
var text = map[string]audit.Label{
	"title":     {PL: "touchaudit — przegląd %s (%s), standard %s, porównanie z %s (standard %s)", EN: "touchaudit — review %s (%s), standard %s, compared with %s (standard %s)"},
	"run":       {PL: "Magazyn: %s · czas wirtualny: %.1f dni w %.1f s rzeczywistych", EN: "Store: %s · virtual time: %.1f days in %.1f s of wall time"},
	"map":       {PL: "Mapa podróży klienta (mediana oceny, najgorsze najpierw)", EN: "Journey map (median valuation, worst first)"},
	"walks":     {PL: "przejścia", EN: "walks"},
	"disagree":  {PL: "audytorzy się różnią", EN: "auditors disagree"},
	"mot":       {PL: "moment prawdy", EN: "moment of truth"},
	"effort":    {PL: "wysiłek klienta", EN: "customer effort"},
	"drift":     {PL: "Zmiana względem %s", EN: "Drift against %s"},
	"likeFor":   {PL: "wg wspólnych kryteriów %+d", EN: "like for like %+d"},
	"noDrift":   {PL: "  brak wspólnych punktów styku", EN: "  no touchpoints in common"},
	"incons":    {PL: "Niespójności między kanałami", EN: "Cross-channel inconsistencies"},
	"none":      {PL: "  brak", EN: "  none"},
	"fix":       {PL: "Naprawić najpierw (wpływ × waga × zasięg wobec kosztu)", EN: "Fix first (impact = gap × weight × reach, against cost)"},
	"diff":      {PL: "Kandydaci na wyróżniki +2", EN: "Candidate +2 differentiators"},
	"workflow":  {PL: "Przebieg", EN: "Workflow"},
	"auditors":  {PL: "  audytorzy: %d zgłoszeń, %d spóźnionych (po przypomnieniu), %d nigdy — przydzielono ponownie %d; obietnice dotrzymane %d, złamane %d", EN: "  auditors: %d submissions, %d late (after a reminder), %d never — reassigned %d; promises kept %d, broken %d"},
	"execs":     {PL: "  wykonania audytów: %d (zakończone: %s); przejścia stanów na audyt: min %d, mediana %d, max %d", EN: "  audit executions: %d (%s); state transitions per audit: min %d, median %d, max %d"},
	"reviewEx":  {PL: "  wykonanie przeglądu: %s, %d przejść stanów, %d zdarzeń historii (nie rośnie z liczbą przydziałów)", EN: "  review execution: %s, %d state transitions, %d history events (does not grow with the number of assignments)"},
	"counter":   {PL: "  licznik ukończenia: %d z %d przydziałów (w tym %d wygasłych)", EN: "  completion counter: %d of %d assignments done (%d expired)"},
	"cost":      {PL: "Szacowany koszt AWS tego przeglądu (ceny katalogowe us-east-1)", EN: "Estimated AWS cost of this review (us-east-1 list prices)"},
	"costSfn":   {PL: "  Step Functions: %d przejść stanów × $0.025/1000", EN: "  Step Functions: %d state transitions × $0.025/1000"},
	"costLam":   {PL: "  Lambda: %d wywołań × 256 MB × ~120 ms (arm64)", EN: "  Lambda: %d invocations × 256 MB × ~120 ms (arm64)"},
	"costDdb":   {PL: "  DynamoDB: ~%.0f jednostek zapisu, ~%.0f jednostek odczytu (on-demand)", EN: "  DynamoDB: ~%.0f write units, ~%.0f read units (on-demand)"},
	"costTotal": {PL: "  razem: $%.4f (≈ $%.5f na audyt)", EN: "  total: $%.4f (≈ $%.5f per audit)"},
}

func t(key string, lang audit.Lang) string { return text[key].In(lang) }

// valuationMark renders −2..+2 with a sign, as CX leads write it.
func valuationMark(v audit.Valuation) string {
	switch {
	case v > 0:
		return fmt.Sprintf("+%d", v)
	case v < 0:
		return fmt.Sprintf("−%d", -v)
	}
	return " 0"
}

func printSummary(w io.Writer, res *reviewOutcome, lang audit.Lang) {
	r, c := res.report, res.company
	fmt.Fprintf(w, t("title", lang)+"\n", r.ReviewID, c.Name.In(lang), r.StandardVersion, r.PreviousReviewID, r.PreviousStandardVersion)
	fmt.Fprintf(w, t("run", lang)+"\n\n", res.backend, res.virtualDays, res.wall.Seconds())

	fmt.Fprintln(w, t("map", lang))
	byJourney := map[string][]scoring.TouchpointSummary{}
	for _, tp := range r.Touchpoints {
		byJourney[tp.JourneyID] = append(byJourney[tp.JourneyID], tp)
	}
	for _, j := range c.Journeys {
		tps := byJourney[j.ID]
		if len(tps) == 0 {
			continue
		}
		sort.SliceStable(tps, func(a, b int) bool { return tps[a].Median < tps[b].Median })
		fmt.Fprintf(w, "  %s\n", j.Name.In(lang))
		for _, tp := range tps {
			var flags []string
			if tp.MomentOfTruth {
				flags = append(flags, t("mot", lang))
			}
			if tp.CustomerEffort {
				flags = append(flags, t("effort", lang))
			}
			if tp.Disagreement {
				flags = append(flags, "⚠ "+t("disagree", lang))
			}
			marks := make([]string, len(tp.Valuations))
			for i, v := range tp.Valuations {
				marks[i] = strings.TrimSpace(valuationMark(v))
			}
			line := fmt.Sprintf("    %s  %-58s %-10s %s: %s", valuationMark(tp.Median), trim(tp.Name.In(lang), 58), tp.Channel, t("walks", lang), strings.Join(marks, " "))
			if len(flags) > 0 {
				line += "  [" + strings.Join(flags, ", ") + "]"
			}
			fmt.Fprintln(w, line)
			if tp.Median < 0 && len(tp.Reasons) > 0 {
				fmt.Fprintf(w, "          %s\n", trim(tp.Reasons[0].Detail, 110))
			}
		}
	}

	fmt.Fprintf(w, "\n"+t("drift", lang)+"\n", r.PreviousReviewID)
	shown := 0
	for _, d := range r.Drift {
		if d.Previous == nil || d.Current == nil {
			continue
		}
		shown++
		line := fmt.Sprintf("  %-58s %s → %s", trim(d.Name.In(lang), 58), valuationMark(d.Previous.Median), valuationMark(d.Current.Median))
		if d.Delta != nil {
			line += fmt.Sprintf("  (%+d, %s)", *d.Delta, d.Status)
		}
		if d.StandardChanged && d.LikeForLike != nil {
			line += "  " + fmt.Sprintf(t("likeFor", lang), *d.LikeForLike)
		}
		fmt.Fprintln(w, line)
	}
	if shown == 0 {
		fmt.Fprintln(w, t("noDrift", lang))
	}

	fmt.Fprintln(w, "\n"+t("incons", lang))
	if len(r.Inconsistencies) == 0 {
		fmt.Fprintln(w, t("none", lang))
	}
	for _, in := range r.Inconsistencies {
		fmt.Fprintf(w, "  %s (%s): %s\n", in.Label.In(lang), in.Key, statedValues(in.Values))
	}

	fmt.Fprintln(w, "\n"+t("fix", lang))
	for i, f := range r.Recommendations.Fixes {
		if i == 8 {
			fmt.Fprintf(w, "  … +%d\n", len(r.Recommendations.Fixes)-i)
			break
		}
		fmt.Fprintf(w, "  %d. %s %-52s impact %.2f · cost %.0f d · %s\n", f.Rank, valuationMark(f.Valuation), trim(f.Name.In(lang), 52), f.Impact, f.Cost, f.Quadrant)
	}
	if len(r.Recommendations.Differentiators) > 0 {
		fmt.Fprintln(w, t("diff", lang))
		for _, f := range r.Recommendations.Differentiators {
			fmt.Fprintf(w, "  %d. %s %-52s impact %.2f · cost %.0f d · %s\n", f.Rank, valuationMark(f.Valuation), trim(f.Name.In(lang), 52), f.Impact, f.Cost, f.Quadrant)
		}
	}

	fmt.Fprintln(w, "\n"+t("workflow", lang))
	s := res.sim
	fmt.Fprintf(w, t("auditors", lang)+"\n", s.Submitted, s.Late, s.Never, s.Reassigned, s.PromisesKept, s.PromisesBroken)
	var trans []int
	statuses := map[string]int{}
	for _, e := range res.audits {
		trans = append(trans, int(e.StateTransitions))
		statuses[e.Status]++
	}
	sort.Ints(trans)
	if len(trans) > 0 {
		fmt.Fprintf(w, t("execs", lang)+"\n", len(res.audits), statusList(statuses), trans[0], trans[len(trans)/2], trans[len(trans)-1])
	}
	fmt.Fprintf(w, t("reviewEx", lang)+"\n", res.reviewExec.Status, res.reviewExec.StateTransitions, res.reviewExec.HistoryEvents)
	fmt.Fprintf(w, t("counter", lang)+"\n", res.review.Done, res.review.Assignments, res.unstaffed)

	u := res.usage
	fmt.Fprintln(w, "\n"+t("cost", lang))
	fmt.Fprintf(w, t("costSfn", lang)+" = $%.4f\n", u.Transitions, u.StepFunctions())
	fmt.Fprintf(w, t("costLam", lang)+" = $%.4f\n", u.LambdaCalls, u.Lambda())
	fmt.Fprintf(w, t("costDdb", lang)+" = $%.4f\n", u.WriteUnits, u.ReadUnits, u.DynamoDB())
	perAudit := 0.0
	if res.review.Assignments > 0 {
		perAudit = u.Total() / float64(res.review.Assignments)
	}
	fmt.Fprintf(w, t("costTotal", lang)+"\n", u.Total(), perAudit)
}

func statusList(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s", m[k], strings.ToLower(k))
	}
	return strings.Join(parts, ", ")
}

func trim(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// statedValues groups a fact's statements by normalised value: what the
// customer heard, and in which channels.
func statedValues(vs []scoring.StatedFact) string {
	type group struct {
		shown    string
		channels []string
		n        int
	}
	var order []string
	groups := map[string]*group{}
	for _, v := range vs {
		g, ok := groups[v.Normalized]
		if !ok {
			g = &group{shown: v.Value}
			groups[v.Normalized] = g
			order = append(order, v.Normalized)
		}
		g.n++
		if !slices.Contains(g.channels, string(v.Channel)) {
			g.channels = append(g.channels, string(v.Channel))
		}
	}
	parts := make([]string, len(order))
	for i, k := range order {
		g := groups[k]
		parts[i] = fmt.Sprintf("%q in %s (%d×)", g.shown, strings.Join(g.channels, ", "), g.n)
	}
	return strings.Join(parts, " vs ")
}
