package asl

import (
	"encoding/json"
	"fmt"
	"strings"
	"touchaudit/internal/asl/jsonvalue"
)

// resultEntry is one child execution in a SUCCEEDED_n.json or FAILED_n.json
// file of a ResultWriter (developer guide, "ResultWriter": the file holds
// the executions' DescribeExecution fields).
type resultEntry struct {
	ExecutionArn        string          `json:"ExecutionArn"`
	Input               string          `json:"Input"`
	InputDetails        map[string]bool `json:"InputDetails"`
	Name                string          `json:"Name"`
	Output              *string         `json:"Output,omitempty"`
	OutputDetails       map[string]bool `json:"OutputDetails,omitempty"`
	Error               string          `json:"Error,omitempty"`
	Cause               string          `json:"Cause,omitempty"`
	RedriveCount        int             `json:"RedriveCount"`
	RedriveStatus       string          `json:"RedriveStatus"`
	RedriveStatusReason string          `json:"RedriveStatusReason"`
	StartDate           string          `json:"StartDate"`
	StateMachineArn     string          `json:"StateMachineArn"`
	Status              string          `json:"Status"`
	StopDate            string          `json:"StopDate"`
}

// pendingEntry is an item no child execution ran (PENDING_n.json).
type pendingEntry struct {
	Input string `json:"Input"`
}

type resultFile struct {
	Key  string `json:"Key"`
	Size int    `json:"Size"`
}

// manifest is the ResultWriter's manifest.json.
type manifest struct {
	DestinationBucket string                  `json:"DestinationBucket"`
	MapRunArn         string                  `json:"MapRunArn"`
	ResultFiles       map[string][]resultFile `json:"ResultFiles"`
}

// writeResults writes the Map Run's results to S3 under
// PREFIX/MAP_RUN_ID/: SUCCEEDED_0.json, FAILED_0.json and PENDING_0.json
// (each only when it has entries) and manifest.json listing them. The
// state's result is {"MapRunArn", "ResultWriterDetails": {"Bucket", "Key"}}
// with the manifest's key.
func (s *MapState) writeResults(t *thread, in any, run *mapRun, inputs []any, outcomes []branchOutcome) (any, *StatesError) {
	w := s.Distributed.Writer
	params, err := t.evalTemplate(s.Name, "ResultWriter.Parameters", w.Parameters.Value, in)
	if err != nil {
		return nil, err
	}
	p, _ := params.(*jsonvalue.Object)
	bucket, _ := p.Value("Bucket").(string)
	prefix, _ := p.Value("Prefix").(string)
	if bucket == "" {
		return nil, writerErr("the ResultWriter's Parameters must include a string Bucket")
	}
	s3 := t.ex.e.s3
	if s3 == nil {
		return nil, writerErr("touchaudit: no S3 client is configured (Options.S3; S3_ENDPOINT for sfn run and sfn serve)")
	}
	dir := run.id + "/"
	if prefix != "" {
		dir = strings.TrimSuffix(prefix, "/") + "/" + dir
	}
	var succeeded, failed, pending []any
	written := 0
	for _, c := range run.results(inputs) {
		switch {
		case c.pending:
			pending = append(pending, pendingEntry{Input: compact(c.input)})
		case c.ok:
			written += c.items
			succeeded = append(succeeded, w.transform(c)...)
		default:
			written += c.items
			failed = append(failed, c.entry)
		}
	}
	man := manifest{DestinationBucket: bucket, MapRunArn: run.arn, ResultFiles: map[string][]resultFile{"SUCCEEDED": {}, "FAILED": {}, "PENDING": {}}}
	put := func(kind string, entries []any) *StatesError {
		if len(entries) == 0 {
			return nil
		}
		b, jerr := w.encode(entries)
		if jerr != nil {
			return writerErr("%v", jerr)
		}
		key := dir + kind + "_0.json"
		if err := s3.PutObject(t.sc.ctx, bucket, key, b); err != nil {
			return writerErr("%v", err)
		}
		man.ResultFiles[kind] = append(man.ResultFiles[kind], resultFile{Key: key, Size: len(b)})
		return nil
	}
	if err := put("SUCCEEDED", succeeded); err != nil {
		return nil, err
	}
	if err := put("FAILED", failed); err != nil {
		return nil, err
	}
	if err := put("PENDING", pending); err != nil {
		return nil, err
	}
	b, _ := json.Marshal(man)
	key := dir + "manifest.json"
	if err := s3.PutObject(t.sc.ctx, bucket, key, b); err != nil {
		return nil, writerErr("%v", err)
	}
	run.mu.Lock()
	run.written = written
	run.mu.Unlock()
	return jsonvalue.FromGo(map[string]any{
		"MapRunArn":           run.arn,
		"ResultWriterDetails": map[string]any{"Bucket": bucket, "Key": key},
	}), nil
}

func writerErr(format string, args ...any) *StatesError {
	return &StatesError{Name: ErrResultWriterFailed, Cause: fmt.Sprintf(format, args...)}
}

// childResult is one child of a Map Run as a ResultWriter sees it.
type childResult struct {
	pending bool // never started
	ok      bool // SUCCEEDED
	input   any
	output  any
	items   int
	entry   resultEntry
}

// results are the run's children in item order.
func (m *mapRun) results(inputs []any) []childResult {
	m.mu.Lock()
	children := append([]*execution(nil), m.children...)
	sizes := m.batchSizes
	m.mu.Unlock()
	out := make([]childResult, len(children))
	for i, ex := range children {
		c := childResult{input: inputs[i], items: sizes[i]}
		if ex == nil {
			c.pending = true
			out[i] = c
			continue
		}
		d := ex.describe()
		c.entry = resultEntry{
			ExecutionArn: d.ExecutionArn, Input: d.Input, InputDetails: map[string]bool{"Included": true}, Name: d.Name,
			RedriveStatus: "NOT_REDRIVABLE", StartDate: d.StartDate.UTC().Format(timestampLayout),
			StateMachineArn: d.StateMachineArn, Status: d.Status, StopDate: d.StopDate.UTC().Format(timestampLayout),
		}
		if d.Status == StatusSucceeded && d.Output != nil {
			c.ok = true
			c.output, _ = decodeJSON([]byte(*d.Output))
			c.entry.Output, c.entry.OutputDetails = d.Output, map[string]bool{"Included": true}
			c.entry.RedriveStatusReason = "Execution is SUCCEEDED and cannot be redriven"
		} else {
			c.entry.Error, c.entry.Cause = d.Error, d.Cause
			c.entry.RedriveStatusReason = "Execution is a child of a Map Run; redrive the parent execution"
		}
		out[i] = c
	}
	return out
}

// transform is a succeeded child's part of the results under the
// WriterConfig's Transformation: NONE (the default with S3) its execution
// details, COMPACT its output, FLATTEN its output's elements if it is an
// array.
func (w *ResultWriter) transform(c childResult) []any {
	switch w.Transformation {
	case "COMPACT":
		return []any{c.output}
	case "FLATTEN":
		if arr, ok := c.output.([]any); ok {
			return arr
		}
		return []any{c.output}
	}
	return []any{c.entry}
}

// shape is the state's result under WriterConfig alone (no S3): every
// started child in item order, a failed one as its execution details
// ("If a child workflow execution fails, Step Functions returns its
// execution result unchanged"), as a JSON array or, with OutputType JSONL,
// a string of JSON lines.
func (w *ResultWriter) shape(results []childResult) any {
	out := []any{}
	for _, c := range results {
		switch {
		case c.pending:
		case c.ok:
			out = append(out, w.transform(c)...)
		default:
			out = append(out, c.entry)
		}
	}
	if w.OutputType != "JSONL" {
		v, _ := decodeJSON([]byte(compact(out)))
		return v
	}
	b, _ := w.encode(out)
	return string(b)
}

// encode is a result file's body: a JSON array, or JSON Lines.
func (w *ResultWriter) encode(entries []any) ([]byte, error) {
	if w.OutputType != "JSONL" {
		return []byte(compact(entries)), nil
	}
	var b strings.Builder
	for _, e := range entries {
		b.WriteString(compact(e))
		b.WriteByte('\n')
	}
	return []byte(b.String()), nil
}
