package asl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// memS3 is an in-memory S3 for the engine's own tests (the awss3 adapter
// is tested against moto).
type memS3 struct {
	mu      sync.Mutex
	objects map[string][]byte // "bucket/key"
}

type noSuchKey struct{ key string }

func (e *noSuchKey) Error() string { return "NoSuchKey: The specified key does not exist: " + e.key }

func newMemS3(files map[string]string) *memS3 {
	m := &memS3{objects: map[string][]byte{}}
	for k, v := range files {
		m.objects[k] = []byte(v)
	}
	return m
}

func (m *memS3) GetObject(_ context.Context, bucket, key, _ string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.objects[bucket+"/"+key]
	if !ok {
		return nil, &noSuchKey{key}
	}
	return b, nil
}

func (m *memS3) ListObjects(_ context.Context, bucket, prefix string) ([]S3Object, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []S3Object
	for k, b := range m.objects {
		if key, ok := strings.CutPrefix(k, bucket+"/"); ok && strings.HasPrefix(key, prefix) {
			out = append(out, S3Object{Key: key, Size: int64(len(b)), ETag: `"e"`, LastModified: time.Unix(1668699881, 0), StorageClass: "STANDARD"})
		}
	}
	slices.SortFunc(out, func(a, b S3Object) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

func (m *memS3) PutObject(_ context.Context, bucket, key string, body []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objects[bucket+"/"+key] = body
	return nil
}

func (m *memS3) get(t *testing.T, key string) any {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.objects[key]
	if !ok {
		t.Fatalf("no object %s", key)
	}
	v, err := decodeJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// distributed wraps a state's extra fields and an item processor into a
// Distributed Map definition.
func distributed(fields, processor string) string {
	return `{"StartAt":"M","States":{"M":{"Type":"Map",` + fields + `"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},` + processor + `},"End":true}}}`
}

const passProcessor = `"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}`

// failTwo fails the item 2 (or a batch holding it) and passes the rest.
const failTwo = `"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":2,"Next":"F"}],"Default":"OK"},
	"F":{"Type":"Fail","Error":"Two","Cause":"item two"},"OK":{"Type":"Pass","End":true}}`

func TestDistributedMap_Outputs(t *testing.T) {
	files := map[string]string{
		"in/items.json":  `[{"n":1},{"n":2},{"n":3}]`,
		"in/nested.json": `{"visits":["x","y"]}`,
		"in/items.jsonl": "{\"n\":1}\n\n{\"n\":2}\n",
		"in/items.csv":   "name,qty\nbolt,3\n\"nut, small\",5\n",
		"in/nohead.csv":  "bolt|3\nnut|5\n",
		"in/logs/a.txt":  "aa",
		"in/logs/b.txt":  "bbbb",
		"in/other.txt":   "x",
	}
	tests := []struct{ name, fields, processor, input, want string }{
		{"inline items", `"ItemsPath":"$.items",`, passProcessor, `{"items":[1,"two",{"three":3}]}`, `[1,"two",{"three":3}]`},
		{"ItemSelector sees the item", `"ItemsPath":"$.items","ItemSelector":{"i.$":"$$.Map.Item.Index","v.$":"$$.Map.Item.Value","k.$":"$.k"},`, passProcessor,
			`{"k":"x","items":["a","b"]}`, `[{"v":"a","i":0,"k":"x"},{"v":"b","i":1,"k":"x"}]`},
		{"ItemBatcher MaxItemsPerBatch and BatchInput", `"ItemsPath":"$.items","ItemBatcher":{"MaxItemsPerBatch":2,"BatchInput":{"job.$":"$.job"}},`, passProcessor,
			`{"job":"j","items":[1,2,3,4,5]}`, `[{"BatchInput":{"job":"j"},"Items":[1,2]},{"BatchInput":{"job":"j"},"Items":[3,4]},{"BatchInput":{"job":"j"},"Items":[5]}]`},
		{"ItemBatcher MaxInputBytesPerBatch", `"ItemBatcher":{"MaxInputBytesPerBatch":25},`, passProcessor,
			`["aaaa","bbbb","cccc"]`, `[{"Items":["aaaa","bbbb"]},{"Items":["cccc"]}]`},
		{"ItemReader JSON with MaxItems", `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON","MaxItems":2},"Parameters":{"Bucket":"in","Key":"items.json"}},`,
			passProcessor, `{}`, `[{"n":1},{"n":2}]`},
		{"ItemReader JSON with ItemsPath into the object", `"ItemsPath":"$.visits","ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"in","Key":"nested.json"}},`,
			passProcessor, `{}`, `["x","y"]`},
		{"ItemReader JSONL, paths in Parameters", `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSONL"},"Parameters":{"Bucket.$":"$.b","Key.$":"$.k"}},`,
			passProcessor, `{"b":"in","k":"items.jsonl"}`, `[{"n":1},{"n":2}]`},
		{"ItemReader CSV FIRST_ROW", `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW"},"Parameters":{"Bucket":"in","Key":"items.csv"}},`,
			passProcessor, `{}`, `[{"name":"bolt","qty":"3"},{"name":"nut, small","qty":"5"}]`},
		{"ItemReader CSV GIVEN with PIPE", `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"GIVEN","CSVHeaders":["part","qty"],"CSVDelimiter":"PIPE","MaxItemsPath":"$.max"},"Parameters":{"Bucket":"in","Key":"nohead.csv"}},`,
			passProcessor, `{"max":1}`, `[{"part":"bolt","qty":"3"}]`},
		{"ItemReader listObjectsV2", `"ItemReader":{"Resource":"arn:aws:states:::s3:listObjectsV2","Parameters":{"Bucket":"in","Prefix":"logs/"}},`,
			passProcessor, `{}`, `[{"Etag":"\"e\"","Key":"logs/a.txt","LastModified":1668699881,"Size":2,"StorageClass":"STANDARD"},{"Etag":"\"e\"","Key":"logs/b.txt","LastModified":1668699881,"Size":4,"StorageClass":"STANDARD"}]`},
		{"WriterConfig COMPACT without S3", `"ItemsPath":"$","ResultWriter":{"WriterConfig":{"Transformation":"COMPACT","OutputType":"JSON"}},`, passProcessor,
			`[[1,2],[3]]`, `[[1,2],[3]]`},
		{"WriterConfig FLATTEN without S3", `"ItemsPath":"$","ResultWriter":{"WriterConfig":{"Transformation":"FLATTEN","OutputType":"JSON"}},`, passProcessor,
			`[[1,2],[3],4]`, `[1,2,3,4]`},
		{"WriterConfig JSONL without S3", `"ItemsPath":"$","ResultWriter":{"WriterConfig":{"Transformation":"COMPACT","OutputType":"JSONL"}},`, passProcessor,
			`[{"a":1},2]`, `"{\"a\":1}\n2\n"`},
		{"tolerated count keeps a failed item's null", `"ToleratedFailureCount":1,`, failTwo, `[1,2,3]`, `[1,null,3]`},
		{"tolerated percentage from a path", `"ToleratedFailurePercentagePath":"$$.Execution.Input[3]",`, failTwo, `[1,2,3,50]`, `[1,null,3,50]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s3 := newMemS3(files)
			r := run(t, distributed(tc.fields, tc.processor), tc.input, func(e *Engine) { e.s3 = s3 })
			assertJSON(t, r.output(t), tc.want)
		})
	}
}

func TestDistributedMap_Failures(t *testing.T) {
	tests := []struct{ name, fields, processor, input, wantErr, wantCause string }{
		{"a failed child fails the run without tolerance", `"ItemsPath":"$",`, failTwo, `[1,2,3]`,
			"States.ExceedToleratedFailureThreshold", "The specified tolerated failure threshold was exceeded: 1 of 3 items failed."},
		{"percentage exceeded", `"ToleratedFailurePercentage":30,`, failTwo, `[1,2,3]`,
			"States.ExceedToleratedFailureThreshold", "The specified tolerated failure threshold was exceeded: 1 of 3 items failed."},
		{"a batch's failure counts its items", `"ToleratedFailureCount":1,"ItemBatcher":{"MaxItemsPerBatch":2},`,
			`"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Bad"}}`, `[1,2,3]`,
			"States.ExceedToleratedFailureThreshold", "The specified tolerated failure threshold was exceeded: 3 of 3 items failed."},
		{"missing object", `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"in","Key":"nope.json"}},`,
			passProcessor, `{}`, "States.ItemReaderFailed", "NoSuchKey: The specified key does not exist: nope.json"},
		{"JSON object is not an item list", `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"in","Key":"obj.json"}},`,
			passProcessor, `{}`, "States.ItemReaderFailed", "s3://in/obj.json: a JSON item source must hold an array, not an object"},
		{"items not an array", `"ItemsPath":"$.items",`, passProcessor, `{"items":{}}`,
			"States.Runtime", "An error occurred while executing the state 'M' (entered at the event id #2). Item selector must be a JSON array, but the ItemsPath selected an object."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s3 := newMemS3(map[string]string{"in/obj.json": `{"a":1}`})
			r := run(t, distributed(tc.fields, tc.processor), tc.input, func(e *Engine) { e.s3 = s3 })
			if r.desc.Status != StatusFailed || r.desc.Error != tc.wantErr || r.desc.Cause != tc.wantCause {
				t.Errorf("got %s %s %q, want FAILED %s %q", r.desc.Status, r.desc.Error, r.desc.Cause, tc.wantErr, tc.wantCause)
			}
		})
	}
}

func TestDistributedMap_MapRunAndChildren(t *testing.T) {
	def := distributed(`"Label":"Walks","MaxConcurrency":2,"ItemsPath":"$",`, `"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"End":true}}`)
	r := run(t, def, `[1,2,3,4,5]`)
	if r.desc.Status != StatusSucceeded {
		t.Fatalf("status %s %s %s", r.desc.Status, r.desc.Error, r.desc.Cause)
	}
	// Five 10-second children, two at a time: three rounds.
	if got := r.desc.StopDate.Sub(r.desc.StartDate); got != 30*time.Second {
		t.Errorf("took %v, want 30s", got)
	}
	want := []string{"ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunSucceeded", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"}
	if got := r.types(); !slices.Equal(got, want) {
		t.Errorf("history %v, want %v", got, want)
	}
	runArn := r.history[3].MapRunStartedEventDetails.MapRunArn
	if !strings.HasPrefix(runArn, "arn:aws:states:us-east-1:123456789012:mapRun:test/Walks:") {
		t.Errorf("map run ARN %s", runArn)
	}
	runs, err := r.engine.ListMapRuns(r.desc.ExecutionArn)
	if err != nil || len(runs) != 1 || runs[0].MapRunArn != runArn {
		t.Fatalf("ListMapRuns: %+v %v", runs, err)
	}
	d, err := r.engine.DescribeMapRun(runArn)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != MapRunSucceeded || d.MaxConcurrency != 2 || d.ItemCounts.Succeeded != 5 || d.ItemCounts.Total != 5 || d.ExecutionCounts.Succeeded != 5 {
		t.Errorf("DescribeMapRun %+v", d)
	}
	children, err := r.engine.ListMapRunExecutions(runArn, "")
	if err != nil || len(children) != 5 {
		t.Fatalf("children %d %v", len(children), err)
	}
	c := children[4] // oldest last: the first item
	if !strings.HasPrefix(c.ExecutionArn, "arn:aws:states:us-east-1:123456789012:execution:test/Walks:") || c.StateMachineArn != "arn:aws:states:us-east-1:123456789012:stateMachine:test/Walks" || c.MapRunArn != runArn || c.Input != "1" {
		t.Errorf("child %+v", c)
	}
	h, err := r.engine.GetExecutionHistory(GetExecutionHistoryInput{ExecutionArn: c.ExecutionArn})
	if err != nil || len(h) != 4 || h[0].Type != "ExecutionStarted" || h[3].Type != "ExecutionSucceeded" {
		t.Errorf("child history %d events: %v", len(h), err)
	}
	if _, err := r.engine.DescribeMapRun("arn:aws:states:us-east-1:123456789012:mapRun:test/Walks:nope"); !IsCode(err, CodeResourceNotFound) {
		t.Errorf("unknown map run: %v", err)
	}
	// The parent's own listing does not show the children.
	if l, _ := r.engine.ListExecutions(ListExecutionsInput{StateMachineArn: r.desc.StateMachineArn}); len(l) != 1 {
		t.Errorf("ListExecutions of the parent's machine: %d", len(l))
	}
}

func TestDistributedMap_ExceededAbortsRunningChildren(t *testing.T) {
	// Item 1 fails at once; items 2 and 3 wait: they are aborted.
	def := distributed(`"ItemsPath":"$",`, `"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":1,"Next":"F"}],"Default":"W"},
		"F":{"Type":"Fail","Error":"One"},"W":{"Type":"Wait","Seconds":100,"End":true}}`)
	r := run(t, def, `[1,2,3]`)
	if r.desc.Error != ErrExceedToleratedFailureThresh {
		t.Fatalf("error %s", r.desc.Error)
	}
	runArn := r.history[3].MapRunStartedEventDetails.MapRunArn
	d, _ := r.engine.DescribeMapRun(runArn)
	if d.Status != MapRunFailed || d.ExecutionCounts.Failed != 1 || d.ExecutionCounts.Aborted != 2 {
		t.Errorf("DescribeMapRun %+v", d)
	}
	if got := r.types(); !slices.Contains(got, EventMapRunFailed) {
		t.Errorf("history %v has no MapRunFailed", got)
	}
}

func TestDistributedMap_ResultWriter(t *testing.T) {
	s3 := newMemS3(nil)
	def := distributed(`"ItemsPath":"$","ToleratedFailureCount":1,"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out","Prefix.$":"$$.Execution.Name"}},`, failTwo)
	e := NewEngine(Options{Seed: 1, S3: s3})
	sm, err := e.CreateStateMachine(CreateStateMachineInput{Name: "w", Definition: def})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := e.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: "run1", Input: `[1,2,3]`})
	d, _ := e.WaitForExecution(context.Background(), st.ExecutionArn)
	if d.Output == nil {
		t.Fatalf("%s %s %s", d.Status, d.Error, d.Cause)
	}
	var out struct {
		MapRunArn           string
		ResultWriterDetails struct{ Bucket, Key string }
	}
	if err := json.Unmarshal([]byte(*d.Output), &out); err != nil {
		t.Fatal(err)
	}
	id := out.MapRunArn[strings.LastIndex(out.MapRunArn, ":")+1:]
	if out.ResultWriterDetails.Bucket != "out" || out.ResultWriterDetails.Key != "run1/"+id+"/manifest.json" {
		t.Fatalf("output %s", *d.Output)
	}
	man := plain(s3.get(t, "out/run1/"+id+"/manifest.json"))
	files := man["ResultFiles"].(map[string]any)
	if man["MapRunArn"] != out.MapRunArn || man["DestinationBucket"] != "out" || len(files["SUCCEEDED"].([]any)) != 1 || len(files["FAILED"].([]any)) != 1 || len(files["PENDING"].([]any)) != 0 {
		t.Errorf("manifest %s", compact(man))
	}
	succeeded := s3.get(t, "out/run1/"+id+"/SUCCEEDED_0.json").([]any)
	failed := s3.get(t, "out/run1/"+id+"/FAILED_0.json").([]any)
	if len(succeeded) != 2 || len(failed) != 1 {
		t.Fatalf("%d succeeded, %d failed", len(succeeded), len(failed))
	}
	f := plain(failed[0])
	if f["Status"] != "FAILED" || f["Error"] != "Two" || f["Cause"] != "item two" || f["Input"] != "2" {
		t.Errorf("failed entry %s", compact(f))
	}
	s := plain(succeeded[0])
	if s["Status"] != "SUCCEEDED" || s["Output"] != "1" || s["Input"] != "1" {
		t.Errorf("succeeded entry %s", compact(s))
	}
	mr, _ := e.DescribeMapRun(out.MapRunArn)
	if mr.ItemCounts.ResultsWritten != 3 || mr.ItemCounts.Failed != 1 {
		t.Errorf("DescribeMapRun %+v", mr)
	}
}

func TestDistributedMap_WriterConfigNone(t *testing.T) {
	def := distributed(`"ItemsPath":"$","ToleratedFailureCount":1,"ResultWriter":{"WriterConfig":{"Transformation":"NONE","OutputType":"JSON"}},`, failTwo)
	out, ok := run(t, def, `[1,2]`).output(t).([]any)
	if !ok || len(out) != 2 {
		t.Fatalf("output %v", out)
	}
	first, second := plain(out[0]), plain(out[1])
	if first["Status"] != "SUCCEEDED" || first["Output"] != "1" || first["Input"] != "1" || !strings.Contains(first["ExecutionArn"].(string), ":execution:test/M:") {
		t.Errorf("succeeded child %s", compact(first))
	}
	if second["Status"] != "FAILED" || second["Error"] != "Two" || second["Cause"] != "item two" {
		t.Errorf("failed child %s", compact(second))
	}
}

func TestDistributedMap_Definitions(t *testing.T) {
	tests := []struct{ name, fields, processor, want string }{
		{"ExecutionType required", `"ItemsPath":"$",`, `"ProcessorConfig":{"Mode":"DISTRIBUTED"},` + passProcessor,
			`field "ItemProcessor.ProcessorConfig.ExecutionType": is required`},
		{"ItemReader in an inline Map", `"ItemReader":{"Resource":"arn:aws:states:::s3:listObjectsV2","Parameters":{"Bucket":"b"}},`, passProcessor,
			`field "ItemReader": is allowed only in a Distributed Map`},
		{"MANIFEST", `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"MANIFEST"},"Parameters":{"Bucket":"b","Key":"k"}},`,
			`"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},` + passProcessor, `MANIFEST is not supported by this engine`},
		{"GIVEN needs headers", `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"GIVEN"},"Parameters":{"Bucket":"b","Key":"k"}},`,
			`"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},` + passProcessor, `field "ItemReader.ReaderConfig.CSVHeaders": is required with CSVHeaderLocation "GIVEN"`},
		{"batcher without a limit", `"ItemBatcher":{"BatchInput":{}},`, `"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},` + passProcessor,
			`an ItemBatcher needs MaxItemsPerBatch or MaxInputBytesPerBatch`},
		{"label with a space", `"Label":"my label",`, `"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},` + passProcessor,
			`field "Label": "my label" must be 1 to 40 characters`},
		{"ResultWriter resource", `"ResultWriter":{"Resource":"arn:aws:states:::s3:getObject","Parameters":{"Bucket":"b"}},`, `"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},` + passProcessor,
			`field "ResultWriter.Resource": must be "arn:aws:states:::s3:putObject"`},
		{"empty ResultWriter", `"ResultWriter":{},`, `"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},` + passProcessor,
			`a ResultWriter needs Resource and Parameters, WriterConfig, or all three`},
		{"WriterConfig transformation", `"ResultWriter":{"WriterConfig":{"Transformation":"SQUASH","OutputType":"JSON"}},`, `"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},` + passProcessor,
			`field "ResultWriter.WriterConfig.Transformation": must be NONE, COMPACT or FLATTEN, not "SQUASH"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			def := `{"StartAt":"M","States":{"M":{"Type":"Map",` + tc.fields + `"ItemProcessor":{` + tc.processor + `},"End":true}}}`
			_, err := Parse([]byte(def))
			var de *DefinitionError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want a problem containing %q", err, tc.want)
			}
		})
	}
	if _, err := Parse([]byte(distributed(`"Label":"Walks","ItemsPath":"$",`, passProcessor))); err != nil {
		t.Errorf("valid definition refused: %v", err)
	}
}

func ExampleEngine_DescribeMapRun() {
	e := NewEngine(Options{})
	sm, _ := e.CreateStateMachine(CreateStateMachineInput{Name: "visits", Definition: distributed(`"ItemsPath":"$.stores",`, passProcessor)})
	st, _ := e.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: `{"stores":["a","b","c"]}`})
	e.WaitForExecution(context.Background(), st.ExecutionArn)
	runs, _ := e.ListMapRuns(st.ExecutionArn)
	d, _ := e.DescribeMapRun(runs[0].MapRunArn)
	fmt.Println(d.Status, d.ItemCounts.Succeeded, d.ItemCounts.Total)
	// Output: SUCCEEDED 3 3
}

func TestDistributedMap_StopAbortsChildren(t *testing.T) {
	e := NewEngine(Options{Seed: 1})
	e.Registry().Register("Hold", func(context.Context, json.RawMessage) (json.RawMessage, error) { return json.RawMessage(`{}`), nil })
	def := distributed(`"ItemsPath":"$",`, `"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
		"Parameters":{"FunctionName":"Hold","Payload":{"t.$":"$$.Task.Token"}},"End":true}}`)
	sm, err := e.CreateStateMachine(CreateStateMachineInput{Name: "stop", Definition: def})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := e.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: `[1,2]`})
	e.Settle(context.Background())
	runs, _ := e.ListMapRuns(st.ExecutionArn)
	if len(runs) != 1 {
		t.Fatalf("map runs %v", runs)
	}
	if _, err := e.StopExecution(st.ExecutionArn, "Operator", "stopped"); err != nil {
		t.Fatal(err)
	}
	e.Settle(context.Background())
	d, _ := e.DescribeMapRun(runs[0].MapRunArn)
	if d.Status != MapRunAborted || d.ExecutionCounts.Aborted != 2 {
		t.Errorf("DescribeMapRun %+v", d)
	}
}

func TestDistributedMap_ResumeRunsUnfinishedItemsAgain(t *testing.T) {
	dir, n := t.TempDir(), newNotifier()
	def := distributed(`"ItemsPath":"$.items",`, `"StartAt":"Ask","States":{"Ask":`+ask+`,"End":true}}`)
	first := durable(dir, n, Options{})
	sm, err := first.CreateStateMachine(CreateStateMachineInput{Name: "audit", Definition: def})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := first.StartExecution(StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: "walk-1", Input: `{"items":[{"key":"a"},{"key":"b"}]}`})
	first.Settle(context.Background())
	if err := first.SendTaskSuccess(n.token(t, "a"), `"done-a"`); err != nil {
		t.Fatal(err)
	}
	first.Settle(context.Background())
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*.json")); len(files) != 1 {
		t.Fatalf("state files %v: only the parent is kept", files)
	}
	second := durable(dir, n, Options{})
	if _, err := second.Resume(); err != nil {
		t.Fatal(err)
	}
	second.Settle(context.Background())
	if err := second.SendTaskSuccess(n.token(t, "b"), `"done-b"`); err != nil {
		t.Fatal(err)
	}
	d, err := second.WaitForExecution(context.Background(), st.ExecutionArn)
	if err != nil || d.Status != StatusSucceeded || *d.Output != `["done-a","done-b"]` {
		t.Fatalf("%+v %v", d, err)
	}
	if n.invocations() != 3 { // a, b, and b again in the new Map Run
		t.Errorf("%d invocations, want 3", n.invocations())
	}
}
