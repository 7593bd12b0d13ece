package scoring

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/strictjson"
)

// Recorded is a walkthrough with the file it was read from.
type Recorded struct {
	File string `json:"file"`
	// Index is the walkthrough's place in a file holding an array, or -1.
	Index       int               `json:"index"`
	Walkthrough audit.Walkthrough `json:"walkthrough"`
	// ResolvedMissing is set when the file did not say whether the
	// customer's matter was settled (no "resolved" field). Walkthrough.Resolved
	// is then true: a matter is valued unresolved only when recorded so, and
	// ScoreRecorded lists "resolved" as unanswered.
	ResolvedMissing bool `json:"resolvedMissing,omitempty"`
}

// ScoreRecorded scores a walkthrough read by ReadWalkthroughs, as the
// score CLI does: with ScoreVerified (a promise already verified broken
// re-values the touchpoint, RevaluedFrom set), at its submission time when
// at is zero (or the walk's end without one), and with "resolved" listed as
// unanswered when the file did not record it.
func (e *Engine) ScoreRecorded(rec *Recorded, at time.Time) (audit.Result, error) {
	w := &rec.Walkthrough
	if at.IsZero() {
		at = w.SubmittedAt
	}
	if at.IsZero() {
		at = walkEnd(w.Timeline)
	}
	r, err := e.ScoreVerified(w, at)
	if err == nil && rec.ResolvedMissing {
		r.Unanswered = append(r.Unanswered, ResolvedID)
	}
	return r, err
}

// Path names the walkthrough in errors: "file.json" or "file.json: [2]".
func (r Recorded) Path() string {
	if r.Index < 0 {
		return r.File
	}
	return fmt.Sprintf("%s: [%d]", r.File, r.Index)
}

// FieldPath prefixes a walkthrough field path with the array index, if any.
func (r Recorded) FieldPath(field string) string {
	if r.Index < 0 {
		return field
	}
	if field == "" {
		return fmt.Sprintf("[%d]", r.Index)
	}
	return fmt.Sprintf("[%d].%s", r.Index, field)
}

// ReadWalkthroughs reads recorded walkthroughs from a file holding one
// walkthrough or an array of them, or from a directory (every *.json in it,
// in name order, not descending into subdirectories). JSON is decoded
// strictly: unknown fields, wrong types, duplicate names and trailing data
// are errors. The error is an *audit.Error whose problems name
// "file: field path".
func ReadWalkthroughs(path string) ([]Recorded, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, &audit.Error{Code: audit.Invalid, Message: fmt.Sprintf("walkthroughs: %v", err)}
	}
	files := []string{path}
	if fi.IsDir() {
		files, err = filepath.Glob(filepath.Join(path, "*.json"))
		if err != nil {
			return nil, err
		}
		sort.Strings(files)
		if len(files) == 0 {
			return nil, &audit.Error{Code: audit.Invalid, Message: fmt.Sprintf("walkthroughs: no *.json files in %s", path)}
		}
	}
	var out []Recorded
	var probs []audit.Problem
	for _, f := range files {
		recs, p := readFile(f)
		out = append(out, recs...)
		probs = append(probs, p...)
	}
	if len(probs) > 0 {
		return out, &audit.Error{Code: audit.Invalid, Message: "invalid walkthroughs", Problems: probs}
	}
	return out, nil
}

func readFile(name string) ([]Recorded, []audit.Problem) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, []audit.Problem{{Path: name, Reason: err.Error()}}
	}
	trimmed := bytes.TrimLeft(b, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, []audit.Problem{{Path: name, Reason: "empty file"}}
	}
	if trimmed[0] != '[' {
		var w audit.Walkthrough
		if err := decodeStrict(b, &w); err != nil {
			return nil, []audit.Problem{{Path: name + ": " + err.path, Reason: err.reason}}
		}
		return []Recorded{recorded(name, -1, b, w)}, nil
	}
	var raws []json.RawMessage
	if err := decodeStrict(b, &raws); err != nil {
		return nil, []audit.Problem{{Path: name + ": " + err.path, Reason: err.reason}}
	}
	var out []Recorded
	var probs []audit.Problem
	for i, raw := range raws {
		var w audit.Walkthrough
		if err := decodeStrict(raw, &w); err != nil {
			probs = append(probs, audit.Problem{Path: name + ": " + joinPath(fmt.Sprintf("[%d]", i), err.path), Reason: err.reason})
			continue
		}
		out = append(out, recorded(name, i, raw, w))
	}
	return out, probs
}

// recorded notes whether the walkthrough's JSON says if the matter was settled.
func recorded(name string, i int, raw []byte, w audit.Walkthrough) Recorded {
	var has struct {
		Resolved *bool `json:"resolved"`
	}
	rec := Recorded{File: name, Index: i, Walkthrough: w}
	if json.Unmarshal(raw, &has) == nil && has.Resolved == nil {
		rec.ResolvedMissing, rec.Walkthrough.Resolved = true, true
	}
	return rec
}

type decodeError struct{ path, reason string }

func decodeStrict(b []byte, v any) *decodeError {
	err := strictjson.Unmarshal(b, v)
	if err == nil {
		return nil
	}
	var e *strictjson.Error
	if !errors.As(err, &e) {
		return &decodeError{reason: err.Error()}
	}
	if e.Syntax {
		line := bytes.Count(b[:min(int(e.Offset), len(b))], []byte("\n")) + 1
		return &decodeError{path: pointerPath(e.Pointer), reason: fmt.Sprintf("line %d: %v", line, e.Err)}
	}
	reason := "invalid value"
	switch {
	case errors.Is(e.Err, strictjson.ErrUnknownName):
		reason = "unknown field"
	case e.Err != nil:
		reason = e.Err.Error()
	case e.GoType != nil && e.JSONKind != 0:
		reason = fmt.Sprintf("must be %s, not JSON %s", goKind(e.GoType.String()), e.JSONKind)
	}
	return &decodeError{path: pointerPath(e.Pointer), reason: reason}
}

func goKind(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"):
		return "an array"
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "*int"), strings.HasPrefix(t, "float"):
		return "a number"
	case t == "bool":
		return "true or false"
	case t == "string", strings.HasPrefix(t, "audit."):
		return "a string"
	}
	return t
}

// pointerPath turns "/timeline/1/start" into "timeline[1].start".
func pointerPath(p []string) string {
	var b strings.Builder
	for _, tok := range p {
		if _, err := strconv.Atoi(tok); err == nil {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

func joinPath(a, b string) string {
	switch {
	case b == "":
		return a
	case strings.HasPrefix(b, "["):
		return a + b
	}
	return a + "." + b
}
