package asl

import (
	"encoding/json"
	"fmt"
	"strings"
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
	p, _ := params.(map[string]any)
	bucket, _ := p["Bucket"].(string)
	prefix, _ := p["Prefix"].(string)
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
	var succeeded, failed []resultEntry
	var pending []pendingEntry
	run.mu.Lock()
	children := append([]*execution(nil), run.children...)
	run.mu.Unlock()
	written := 0
	for i, ex := range children {
		if ex == nil {
			pending = append(pending, pendingEntry{Input: compact(inputs[i])})
			continue
		}
		d := ex.describe()
		e := resultEntry{
			ExecutionArn: d.ExecutionArn, Input: d.Input, InputDetails: map[string]bool{"Included": true}, Name: d.Name,
			RedriveStatus: "NOT_REDRIVABLE", StartDate: d.StartDate.UTC().Format(timestampLayout),
			StateMachineArn: d.StateMachineArn, Status: d.Status, StopDate: d.StopDate.UTC().Format(timestampLayout),
		}
		written += run.batchSizes[i]
		if d.Status == StatusSucceeded {
			e.Output, e.OutputDetails = d.Output, map[string]bool{"Included": true}
			e.RedriveStatusReason = "Execution is SUCCEEDED and cannot be redriven"
			succeeded = append(succeeded, e)
			continue
		}
		e.Error, e.Cause = d.Error, d.Cause
		e.RedriveStatusReason = "Execution is a child of a Map Run; redrive the parent execution"
		failed = append(failed, e)
	}
	man := manifest{DestinationBucket: bucket, MapRunArn: run.arn, ResultFiles: map[string][]resultFile{"SUCCEEDED": {}, "FAILED": {}, "PENDING": {}}}
	put := func(kind string, v any, n int) *StatesError {
		if n == 0 {
			return nil
		}
		b, jerr := json.Marshal(v)
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
	if err := put("SUCCEEDED", succeeded, len(succeeded)); err != nil {
		return nil, err
	}
	if err := put("FAILED", failed, len(failed)); err != nil {
		return nil, err
	}
	if err := put("PENDING", pending, len(pending)); err != nil {
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
	return map[string]any{
		"MapRunArn":           run.arn,
		"ResultWriterDetails": map[string]any{"Bucket": bucket, "Key": key},
	}, nil
}

func writerErr(format string, args ...any) *StatesError {
	return &StatesError{Name: ErrResultWriterFailed, Cause: fmt.Sprintf(format, args...)}
}
