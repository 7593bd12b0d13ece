package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/scoring"
)

func init() {
	register("score", "score recorded walkthroughs offline and print JSON results (or a report)", runScore)
}

// runScore is `touchaudit score --company DIR --walkthroughs FILE|DIR`. It
// prints a JSON array of results with their reasons, in file order. With
// --report it prints the compiled review report instead, with drift against
// --previous walkthroughs when given. --fixes names a JSON object of the
// dates −2 fixes were marked done, by touchpoint id: such a touchpoint is
// due one month after its fix (nextDue, dueReason "afterFix"), in the
// results and in the report. Every bad walkthrough is reported on stderr as
// "file: field path: reason"; the valid ones are still printed and the exit
// code is 1. Usage errors exit 2.
func runScore(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	fs.SetOutput(stderr)
	companyDir := fs.String("company", "", "company configuration directory (required)")
	walks := fs.String("walkthroughs", "", "a walkthrough JSON file (one object or an array) or a directory of *.json (required)")
	previous := fs.String("previous", "", "the previous review's walkthroughs, for drift (with --report)")
	report := fs.Bool("report", false, "print the compiled report instead of the results")
	costsFile := fs.String("costs", "", "JSON object of fix cost estimates in person-days by touchpoint id (with --report)")
	atFlag := fs.String("at", "", "scoring time, RFC 3339 (default: each walkthrough's submittedAt, so output is reproducible)")
	reviewID := fs.String("review", "", "review id for the report (default: the walkthroughs' reviewId)")
	fixesFile := fs.String("fixes", "", `JSON object of when -2 fixes were marked done, by touchpoint id ("2026-12-01" or RFC 3339)`)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *companyDir == "" || *walks == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: touchaudit score --company DIR --walkthroughs FILE|DIR [--report] [--previous FILE|DIR] [--costs FILE] [--fixes FILE] [--at TIME]")
		return 2
	}
	var at time.Time
	if *atFlag != "" {
		t, err := time.Parse(time.RFC3339, *atFlag)
		if err != nil {
			fmt.Fprintf(stderr, "touchaudit score: --at: %v\n", err)
			return 2
		}
		at = t
	}
	company, err := audit.LoadCompanyDir(*companyDir)
	if err != nil {
		printErr(stderr, err)
		return 1
	}
	engine, err := scoring.New(company)
	if err != nil {
		printErr(stderr, err)
		return 1
	}

	var fixes map[string]time.Time
	if *fixesFile != "" {
		if fixes, err = readFixes(engine, *fixesFile); err != nil {
			printErr(stderr, err)
			return 1
		}
	}

	failed := false
	results, walkthroughs, ok := scoreAll(engine, *walks, at, stderr)
	failed = failed || !ok
	for i := range results {
		if d, ok := fixes[results[i].TouchpointID]; ok {
			engine.MarkFixDone(&results[i], d)
		}
	}
	if !*report {
		if results == nil {
			results = []audit.Result{}
		}
		if err := writeJSON(stdout, results); err != nil {
			fmt.Fprintf(stderr, "touchaudit score: %v\n", err)
			return 1
		}
		if failed {
			return 1
		}
		return 0
	}

	in := scoring.ReportInput{ReviewID: *reviewID, Results: results, Walkthroughs: walkthroughs, FixesDone: fixes}
	if *previous != "" {
		prev, prevWalks, ok := scoreAll(engine, *previous, at, stderr)
		failed = failed || !ok
		in.Previous, in.PreviousWalkthroughs = prev, prevWalks
		if len(prevWalks) > 0 {
			in.PreviousReviewID = prevWalks[0].ReviewID
		}
	}
	if *costsFile != "" {
		if err := audit.DecodeFile(os.DirFS("."), *costsFile, &in.Costs); err != nil {
			// DecodeFile wants a relative path; fall back to reading directly.
			b, rerr := os.ReadFile(*costsFile)
			if rerr != nil || audit.DecodeStrict(b, &in.Costs) != nil {
				printErr(stderr, err)
				return 1
			}
		}
	}
	if in.ReviewID == "" && len(walkthroughs) > 0 {
		in.ReviewID = walkthroughs[0].ReviewID
	}
	in.GeneratedAt = at
	if in.GeneratedAt.IsZero() {
		for _, r := range results {
			if r.ScoredAt.After(in.GeneratedAt) {
				in.GeneratedAt = r.ScoredAt
			}
		}
	}
	rep, err := engine.Report(in)
	if err != nil {
		printErr(stderr, err)
		return 1
	}
	if err := writeJSON(stdout, rep); err != nil {
		fmt.Fprintf(stderr, "touchaudit score: %v\n", err)
		return 1
	}
	if failed {
		return 1
	}
	return 0
}

// scoreAll reads and scores every walkthrough under path, reporting each
// bad one on stderr. ok is false when any was bad.
func scoreAll(e *scoring.Engine, path string, at time.Time, stderr io.Writer) ([]audit.Result, []audit.Walkthrough, bool) {
	recs, err := scoring.ReadWalkthroughs(path)
	ok := true
	if err != nil {
		printErr(stderr, err)
		ok = false
	}
	var results []audit.Result
	var walks []audit.Walkthrough
	for _, rec := range recs {
		w := &rec.Walkthrough
		r, err := e.ScoreRecorded(&rec, at)
		if err != nil {
			ok = false
			probs := audit.ProblemsOf(err)
			if len(probs) == 0 {
				fmt.Fprintf(stderr, "%s: %v\n", rec.Path(), err)
				continue
			}
			for _, p := range probs {
				fmt.Fprintf(stderr, "%s: %s: %s\n", rec.File, rec.FieldPath(p.Path), p.Reason)
			}
			continue
		}
		results = append(results, r)
		walks = append(walks, *w)
	}
	return results, walks, ok
}

// readFixes reads the --fixes file: {"touchpoint id": "YYYY-MM-DD" or an
// RFC 3339 time}. A date means the start of that day, UTC. Errors name the
// file and the touchpoint id.
func readFixes(e *scoring.Engine, name string) (map[string]time.Time, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, &audit.Error{Code: audit.Invalid, Message: "fixes", Problems: []audit.Problem{{Path: name, Reason: err.Error()}}}
	}
	var raw map[string]string
	if err := audit.DecodeStrict(b, &raw); err != nil {
		return nil, &audit.Error{Code: audit.Invalid, Message: "fixes", Problems: []audit.Problem{{Path: name,
			Reason: fmt.Sprintf("must be a JSON object of dates by touchpoint id: %v", err)}}}
	}
	known := map[string]bool{}
	for _, ref := range e.Company().Touchpoints() {
		known[ref.ID] = true
	}
	out := map[string]time.Time{}
	var probs []audit.Problem
	for id, v := range raw {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			t, err = time.Parse(time.DateOnly, v)
		}
		switch {
		case !known[id]:
			probs = append(probs, audit.Problem{Path: name + ": " + id, Reason: fmt.Sprintf("unknown touchpoint %q", id)})
		case err != nil:
			probs = append(probs, audit.Problem{Path: name + ": " + id, Reason: fmt.Sprintf("must be a date (YYYY-MM-DD) or an RFC 3339 time, not %q", v)})
		default:
			out[id] = t.UTC()
		}
	}
	if len(probs) > 0 {
		sort.Slice(probs, func(i, j int) bool { return probs[i].Path < probs[j].Path })
		return nil, &audit.Error{Code: audit.Invalid, Message: "invalid fixes", Problems: probs}
	}
	return out, nil
}

func printErr(w io.Writer, err error) {
	var ae *audit.Error
	if errors.As(err, &ae) && len(ae.Problems) > 0 {
		for _, p := range ae.Problems {
			fmt.Fprintf(w, "%s: %s\n", p.Path, p.Reason)
		}
		return
	}
	fmt.Fprintln(w, err)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
