package asl

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
	"touchaudit/internal/asl/jsonvalue"
)

// Limits of a Distributed Map (developer guide, "Map state in Distributed
// mode" and its ItemReader, ItemBatcher and Label fields).
const (
	maxLabelLen          = 40        // "Label ... can contain up to 40 characters"
	maxItemsLimit        = 100000000 // ReaderConfig MaxItems: "maximum ... 100,000,000"
	maxBatchInputBytes   = 256 * 1024
	maxItemsPerBatchMax  = math.MaxInt32
	defaultChildDuration = 5 * time.Minute // an Express child's five-minute limit
)

// Names a Distributed Map adds: its history events (API reference,
// HistoryEvent type), the error of a ResultWriter that cannot write, and
// DescribeMapRun's exception for an unknown Map Run.
const (
	EventMapRunStarted   = "MapRunStarted"
	EventMapRunSucceeded = "MapRunSucceeded"
	EventMapRunFailed    = "MapRunFailed"
	EventMapRunAborted   = "MapRunAborted"

	ErrResultWriterFailed = "States.ResultWriterFailed"
	CodeResourceNotFound  = "ResourceNotFound"
)

// MapRunStartedDetails is mapRunStartedEventDetails.
type MapRunStartedDetails struct {
	MapRunArn string `json:"mapRunArn"`
}

// DistributedMap holds the fields of a Map state in Distributed mode: its
// iterations run as child executions of a Map Run.
type DistributedMap struct {
	ExecutionType string // STANDARD or EXPRESS
	Label         string
	Reader        *ItemReader
	Batcher       *ItemBatcher
	Writer        *ResultWriter

	ToleratedFailureCountPath      OptionalPath
	ToleratedFailurePercentagePath OptionalPath
}

// ItemReader reads a Distributed Map's items from Amazon S3.
type ItemReader struct {
	Resource   string // s3:getObject or s3:listObjectsV2
	Parameters *Template

	InputType         string // JSON, JSONL or CSV (getObject)
	CSVHeaderLocation string // FIRST_ROW or GIVEN
	CSVHeaders        []string
	CSVDelimiter      string // COMMA, PIPE, SEMICOLON, SPACE, TAB
	MaxItems          int64  // 0: all
	MaxItemsPath      OptionalPath
}

// ItemBatcher groups items into batches, each the input of one child
// execution: {"BatchInput": ..., "Items": [...]}.
type ItemBatcher struct {
	MaxItemsPerBatch          int64
	MaxItemsPerBatchPath      OptionalPath
	MaxInputBytesPerBatch     int64
	MaxInputBytesPerBatchPath OptionalPath
	BatchInput                *Template
}

// ResultWriter writes the child executions' results to Amazon S3
// (Resource and Parameters), shapes them (WriterConfig), or both.
type ResultWriter struct {
	Resource   string // s3:putObject; "" with WriterConfig alone
	Parameters *Template
	// WriterConfig: Transformation NONE, COMPACT or FLATTEN and OutputType
	// JSON or JSONL ("" when absent).
	Transformation string
	OutputType     string
}

// Resources of the Distributed Map's S3 fields.
const (
	resS3GetObject     = "arn:aws:states:::s3:getObject"
	resS3ListObjectsV2 = "arn:aws:states:::s3:listObjectsV2"
	resS3PutObject     = "arn:aws:states:::s3:putObject"
)

// distributedFields reads the Distributed-mode fields of a Map state (f)
// and its ItemProcessor (proc); in an inline Map they are refused.
func (p *parser) distributedFields(f fields, s *MapState, proc *jsonvalue.Object) {
	dm := s.Distributed
	if dm == nil {
		for _, k := range []string{"ItemReader", "ItemBatcher", "ResultWriter", "Label", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath"} {
			if f.has(k) {
				f.bad(k, "is allowed only in a Distributed Map (ItemProcessor.ProcessorConfig.Mode \"DISTRIBUTED\")")
			}
		}
		return
	}
	if cfg, ok := proc.Value("ProcessorConfig").(*jsonvalue.Object); ok {
		cf := fields{p: p, where: f.where, obj: cfg, prefix: "ItemProcessor.ProcessorConfig."}
		switch et := cf.str("ExecutionType", true); et {
		case "STANDARD", "EXPRESS":
			dm.ExecutionType = et
		case "":
		default:
			cf.bad("ExecutionType", "must be \"STANDARD\" or \"EXPRESS\", not %q", et)
		}
	}
	if f.has("Label") {
		dm.Label = f.str("Label", false)
		if dm.Label == "" || len([]rune(dm.Label)) > maxLabelLen || !validName(dm.Label) {
			f.bad("Label", "%q must be 1 to %d characters without spaces, brackets, wildcards or special characters", dm.Label, maxLabelLen)
		}
	}
	dm.ToleratedFailureCountPath = f.path("ToleratedFailureCountPath", variablePath, false)
	dm.ToleratedFailurePercentagePath = f.path("ToleratedFailurePercentagePath", variablePath, false)
	if f.has("ToleratedFailureCount") && f.has("ToleratedFailureCountPath") {
		f.bad("ToleratedFailureCountPath", "cannot be used together with \"ToleratedFailureCount\"")
	}
	if f.has("ToleratedFailurePercentage") && f.has("ToleratedFailurePercentagePath") {
		f.bad("ToleratedFailurePercentagePath", "cannot be used together with \"ToleratedFailurePercentage\"")
	}
	if v, ok := f.obj.Get("ItemReader"); ok {
		if o, ok := v.(*jsonvalue.Object); !ok {
			f.bad("ItemReader", "must be an object, not %s", jsonKind(v))
		} else {
			dm.Reader = p.itemReader(f.sub("ItemReader", o))
		}
	}
	if v, ok := f.obj.Get("ItemBatcher"); ok {
		if o, ok := v.(*jsonvalue.Object); !ok {
			f.bad("ItemBatcher", "must be an object, not %s", jsonKind(v))
		} else {
			dm.Batcher = itemBatcher(f.sub("ItemBatcher", o))
		}
	}
	if v, ok := f.obj.Get("ResultWriter"); ok {
		if o, ok := v.(*jsonvalue.Object); !ok {
			f.bad("ResultWriter", "must be an object, not %s", jsonKind(v))
		} else {
			dm.Writer = resultWriter(f.sub("ResultWriter", o))
		}
	}
}

func resultWriter(f fields) *ResultWriter {
	f.unknownIn(set("Resource", "Parameters", "WriterConfig"))
	w := &ResultWriter{Resource: f.str("Resource", false), Parameters: f.template("Parameters")}
	switch {
	case !f.has("Resource") && !f.has("Parameters") && !f.has("WriterConfig"):
		f.bad("Resource", "a ResultWriter needs Resource and Parameters, WriterConfig, or all three")
	case f.has("Resource") != f.has("Parameters"):
		f.bad("Parameters", "Resource and Parameters go together (Bucket and Prefix)")
	}
	if w.Resource != "" && w.Resource != resS3PutObject {
		f.bad("Resource", "must be %q, not %q", resS3PutObject, w.Resource)
	}
	if v, ok := f.obj.Get("WriterConfig"); ok {
		o, ok := v.(*jsonvalue.Object)
		if !ok {
			f.bad("WriterConfig", "must be an object, not %s", jsonKind(v))
			return w
		}
		cf := f.sub("WriterConfig", o)
		cf.unknownIn(set("Transformation", "OutputType"))
		switch w.Transformation = cf.str("Transformation", true); w.Transformation {
		case "NONE", "COMPACT", "FLATTEN", "":
		default:
			cf.bad("Transformation", "must be NONE, COMPACT or FLATTEN, not %q", w.Transformation)
		}
		switch w.OutputType = cf.str("OutputType", true); w.OutputType {
		case "JSON", "JSONL", "":
		default:
			cf.bad("OutputType", "must be JSON or JSONL, not %q", w.OutputType)
		}
	}
	return w
}

func (p *parser) itemReader(f fields) *ItemReader {
	f.unknownIn(set("Resource", "Parameters", "Arguments", "ReaderConfig"))
	r := &ItemReader{Resource: f.str("Resource", true)}
	// A JSONata Map's reader takes Arguments, a JSONPath one Parameters.
	if f.p.jsonata {
		if f.has("Parameters") {
			f.bad("Parameters", "is not supported when QueryLanguage is \"JSONata\" (use Arguments)")
		}
		if v, ok := f.obj.Get("Arguments"); ok {
			r.Parameters = f.jsonataTemplate("Arguments", v)
		}
	} else {
		if f.has("Arguments") {
			f.bad("Arguments", "is only supported when QueryLanguage is \"JSONata\"")
		}
		r.Parameters = f.template("Parameters")
	}
	switch r.Resource {
	case resS3GetObject, resS3ListObjectsV2, "":
	default:
		f.bad("Resource", "must be %q or %q, not %q (other item sources are not supported by this engine)", resS3GetObject, resS3ListObjectsV2, r.Resource)
	}
	if r.Parameters == nil {
		name := "Parameters"
		if f.p.jsonata {
			name = "Arguments"
		}
		f.bad(name, "is required (Bucket, and Key or Prefix)")
	}
	if v, ok := f.obj.Get("ReaderConfig"); ok {
		o, ok := v.(*jsonvalue.Object)
		if !ok {
			f.bad("ReaderConfig", "must be an object, not %s", jsonKind(v))
			return r
		}
		cf := f.sub("ReaderConfig", o)
		cf.unknownIn(set("InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "MaxItems", "MaxItemsPath"))
		r.InputType = cf.str("InputType", false)
		r.CSVHeaderLocation = cf.str("CSVHeaderLocation", false)
		r.CSVDelimiter = cf.str("CSVDelimiter", false)
		if v, ok := o.Get("CSVHeaders"); ok {
			arr, ok := v.([]any)
			if !ok {
				cf.bad("CSVHeaders", "must be an array of strings, not %s", jsonKind(v))
			}
			for _, h := range arr {
				s, ok := h.(string)
				if !ok {
					cf.bad("CSVHeaders", "must contain only strings, not %s", jsonKind(h))
					continue
				}
				r.CSVHeaders = append(r.CSVHeaders, s)
			}
		}
		r.MaxItems, _ = cf.integer("MaxItems", 1, maxItemsLimit)
		r.MaxItemsPath = cf.path("MaxItemsPath", variablePath, false)
		if cf.has("MaxItems") && cf.has("MaxItemsPath") {
			cf.bad("MaxItemsPath", "cannot be used together with \"MaxItems\"")
		}
		switch r.InputType {
		case "", "JSON", "JSONL":
		case "CSV":
			switch r.CSVHeaderLocation {
			case "FIRST_ROW", "":
				if len(r.CSVHeaders) > 0 {
					cf.bad("CSVHeaders", "is allowed only with CSVHeaderLocation \"GIVEN\"")
				}
			case "GIVEN":
				if len(r.CSVHeaders) == 0 {
					cf.bad("CSVHeaders", "is required with CSVHeaderLocation \"GIVEN\"")
				}
			default:
				cf.bad("CSVHeaderLocation", "must be \"FIRST_ROW\" or \"GIVEN\", not %q", r.CSVHeaderLocation)
			}
			if _, ok := csvDelimiters[r.CSVDelimiter]; !ok {
				cf.bad("CSVDelimiter", "must be COMMA, PIPE, SEMICOLON, SPACE or TAB, not %q", r.CSVDelimiter)
			}
		case "MANIFEST", "PARQUET":
			cf.bad("InputType", "%s is not supported by this engine (JSON, JSONL, CSV)", r.InputType)
		default:
			cf.bad("InputType", "must be CSV, JSON, JSONL, MANIFEST or PARQUET, not %q", r.InputType)
		}
		if r.InputType != "CSV" && (cf.has("CSVHeaderLocation") || cf.has("CSVHeaders") || cf.has("CSVDelimiter")) {
			cf.bad("InputType", "the CSV fields need InputType \"CSV\"")
		}
	}
	if r.Resource == resS3GetObject && r.InputType == "" {
		f.bad("ReaderConfig", "InputType is required for %s (CSV, JSON or JSONL)", resS3GetObject)
	}
	if r.Resource == resS3ListObjectsV2 && r.InputType != "" {
		f.bad("ReaderConfig", "InputType is not allowed for %s", resS3ListObjectsV2)
	}
	return r
}

var csvDelimiters = map[string]rune{"": ',', "COMMA": ',', "PIPE": '|', "SEMICOLON": ';', "SPACE": ' ', "TAB": '\t'}

func itemBatcher(f fields) *ItemBatcher {
	f.unknownIn(set("MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath", "BatchInput"))
	b := &ItemBatcher{}
	b.MaxItemsPerBatch, _ = f.integer("MaxItemsPerBatch", 1, maxItemsPerBatchMax)
	b.MaxItemsPerBatchPath = f.path("MaxItemsPerBatchPath", variablePath, false)
	b.MaxInputBytesPerBatch, _ = f.integer("MaxInputBytesPerBatch", 1, maxBatchInputBytes)
	b.MaxInputBytesPerBatchPath = f.path("MaxInputBytesPerBatchPath", variablePath, false)
	b.BatchInput = f.template("BatchInput")
	if f.has("MaxItemsPerBatch") && f.has("MaxItemsPerBatchPath") {
		f.bad("MaxItemsPerBatchPath", "cannot be used together with \"MaxItemsPerBatch\"")
	}
	if f.has("MaxInputBytesPerBatch") && f.has("MaxInputBytesPerBatchPath") {
		f.bad("MaxInputBytesPerBatchPath", "cannot be used together with \"MaxInputBytesPerBatch\"")
	}
	if !f.has("MaxItemsPerBatch") && !f.has("MaxItemsPerBatchPath") && !f.has("MaxInputBytesPerBatch") && !f.has("MaxInputBytesPerBatchPath") {
		f.bad("MaxItemsPerBatch", "an ItemBatcher needs MaxItemsPerBatch or MaxInputBytesPerBatch (or their *Path)")
	}
	return b
}

// Map Run statuses (API reference, DescribeMapRun "status").
const (
	MapRunRunning   = "RUNNING"
	MapRunSucceeded = "SUCCEEDED"
	MapRunFailed    = "FAILED"
	MapRunAborted   = "ABORTED"
)

// mapRun is one run of a Distributed Map state: its child executions run
// the item processor, one per item or batch.
type mapRun struct {
	arn    string
	id     string
	parent *execution
	sm     *stateMachine // the children's state machine, "PARENT/LABEL"

	mu             sync.Mutex
	status         string
	start, stop    time.Time
	maxConcurrency int
	tolCount       int64
	tolPercent     float64
	batchSizes     []int        // items per child, by child index
	children       []*execution // by child index; nil: not started
	written        int          // items whose results were written
}

// mapRuns is the engine's record of Map Runs, in start order.
type mapRuns struct {
	mu    sync.Mutex
	byArn map[string]*mapRun
	order []*mapRun
}

func (r *mapRuns) add(m *mapRun) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byArn == nil {
		r.byArn = map[string]*mapRun{}
	}
	r.byArn[m.arn] = m
	r.order = append(r.order, m)
}

func (r *mapRuns) get(arn string) *mapRun {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byArn[arn]
}

// runDistributed runs a Distributed Map: it reads the items (ItemsPath or
// ItemReader), applies ItemSelector and ItemBatcher, starts one child
// execution per item or batch (at most MaxConcurrency at once), fails with
// States.ExceedToleratedFailureThreshold once more children failed than
// tolerated, and writes the results (ResultWriter).
func (s *MapState) runDistributed(t *thread, raw any) (any, *StatesError) {
	dm := s.Distributed
	in, err := t.effectiveInput(&s.StateBase, raw)
	if err != nil {
		return nil, err
	}
	if s.JSONata {
		if s, err = s.withTolerance(t, raw); err != nil {
			return nil, err
		}
	}
	items, err := s.readItems(t, in)
	if err != nil {
		return nil, err
	}
	for i := range items {
		if s.ItemSelector == nil {
			continue
		}
		sel := &thread{ex: t.ex, sc: t.sc, prev: t.prev, state: t.state, item: &mapItem{index: i, value: items[i]}, vars: t.vars}
		v, err := sel.evalItemSelector(s, in)
		if err != nil {
			return nil, err
		}
		items[i] = v
	}
	inputs, sizes, err := s.batch(t, in, items)
	if err != nil {
		return nil, err
	}
	limit, err := s.maxConcurrency(t, in)
	if err != nil {
		return nil, err
	}
	tolCount, tolPct, err := s.tolerances(t, in)
	if err != nil {
		return nil, err
	}
	if err := t.startAttempt(HistoryEvent{Type: EventMapStateStarted, MapStateStartedEventDetails: &MapStateStartedDetails{Length: len(items)}}); err != nil {
		return nil, err
	}
	defer t.ex.forgetChildren(t.state.enteredID)
	run := t.ex.e.newMapRun(t.ex, s, limit, tolCount, tolPct, sizes)
	if err := t.emit(HistoryEvent{Type: EventMapRunStarted, MapRunStartedEventDetails: &MapRunStartedDetails{MapRunArn: run.arn}}); err != nil {
		run.close(MapRunAborted)
		return nil, err
	}
	n := len(inputs)
	failedItems := 0
	var fmu sync.Mutex
	tolerated := func(int) bool {
		fmu.Lock()
		defer fmu.Unlock()
		return withinTolerance(failedItems, len(items), tolCount, tolPct)
	}
	outcomes := t.runConcurrently(n, limit, tolerated, func(i int, sub *thread) (any, *StatesError) {
		out, err := run.runChild(sub, i, inputs[i])
		if err != nil && err != errCancelled {
			fmu.Lock()
			failedItems += sizes[i]
			fmu.Unlock()
		}
		return out, err
	})
	if t.sc.isCancelled() {
		run.close(MapRunAborted)
		return nil, errCancelled
	}
	var result any
	if dm.Writer != nil && dm.Writer.Resource == "" {
		result = dm.Writer.shape(run.results(inputs))
	} else if dm.Writer != nil {
		res, werr := s.writeResults(t, in, run, inputs, outcomes)
		if werr != nil {
			run.close(MapRunFailed)
			t.emit(HistoryEvent{Type: EventMapRunFailed, MapRunFailedEventDetails: &ErrorDetails{Error: werr.Name, Cause: werr.Cause}})
			t.emit(HistoryEvent{Type: EventMapStateFailed})
			return nil, werr
		}
		result = res
	}
	if !withinTolerance(failedItems, len(items), tolCount, tolPct) {
		run.close(MapRunFailed)
		cause := fmt.Sprintf("The specified tolerated failure threshold was exceeded: %d of %d items failed.", failedItems, len(items))
		t.emit(HistoryEvent{Type: EventMapRunFailed, MapRunFailedEventDetails: &ErrorDetails{Error: ErrExceedToleratedFailureThresh, Cause: cause}})
		t.emit(HistoryEvent{Type: EventMapStateFailed})
		return nil, &StatesError{Name: ErrExceedToleratedFailureThresh, Cause: cause}
	}
	run.close(MapRunSucceeded)
	if err := t.emit(HistoryEvent{Type: EventMapRunSucceeded}); err != nil {
		return nil, err
	}
	if err := t.emit(HistoryEvent{Type: EventMapStateSucceeded}); err != nil {
		return nil, err
	}
	if result == nil {
		outs := make([]any, n)
		for i, o := range outcomes {
			outs[i] = o.out
		}
		result = outs
	}
	return t.effectiveOutput(&s.StateBase, raw, result, true)
}

// withinTolerance reports whether failed of total items stay within the
// tolerated count or percentage (both default to zero in Distributed mode).
func withinTolerance(failed, total int, count int64, percent float64) bool {
	if failed == 0 {
		return true
	}
	if count >= 0 && int64(failed) <= count {
		return true
	}
	return percent >= 0 && total > 0 && float64(failed)*100/float64(total) <= percent
}

// tolerances is the state's ToleratedFailureCount and Percentage, read from
// the input for the *Path forms; -1 means not set. With neither, no
// failure is tolerated.
func (s *MapState) tolerances(t *thread, in any) (int64, float64, *StatesError) {
	count, pct := s.ToleratedFailureCount, s.ToleratedFailurePercentage
	dm := s.Distributed
	if dm.ToleratedFailureCountPath.Set {
		n, err := t.intFrom(dm.ToleratedFailureCountPath, in, "ToleratedFailureCountPath", 0, math.MaxInt32)
		if err != nil {
			return 0, 0, err
		}
		count = n
	}
	if p := dm.ToleratedFailurePercentagePath; p.Set {
		v, lerr := t.lookup(p.Path, in)
		if lerr != nil {
			return 0, 0, t.pathErr(p.Path, lerr)
		}
		num, ok := v.(json.Number)
		x, perr := strconv.ParseFloat(string(num), 64)
		if !ok || perr != nil || x < 0 || x > 100 {
			return 0, 0, t.runtimeErr("The ToleratedFailurePercentagePath field refers to value \"%s\" which is not a valid percentage: %s", plainText(v), p.Path)
		}
		pct = x
	}
	if count < 0 && pct < 0 {
		count = 0
	}
	return count, pct, nil
}

// intFrom reads a whole number in [min, max] that a *Path field selects.
func (t *thread) intFrom(p OptionalPath, in any, field string, min, max int64) (int64, *StatesError) {
	v, err := t.lookup(p.Path, in)
	if err != nil {
		return 0, t.pathErr(p.Path, err)
	}
	n, ok := v.(json.Number)
	i, perr := strconv.ParseInt(string(n), 10, 64)
	if !ok || perr != nil || i < min || i > max {
		return 0, t.runtimeErr("The %s field refers to value \"%s\" which is not a valid integer: %s", field, plainText(v), p.Path)
	}
	return i, nil
}

// batch turns items into the children's inputs: one per item, or with an
// ItemBatcher {"BatchInput": ..., "Items": [...]} per batch. sizes counts
// the items of each input.
func (s *MapState) batch(t *thread, in any, items []any) ([]any, []int, *StatesError) {
	b := s.Distributed.Batcher
	if b == nil {
		sizes := make([]int, len(items))
		for i := range sizes {
			sizes[i] = 1
		}
		return items, sizes, nil
	}
	maxItems, maxBytes := b.MaxItemsPerBatch, b.MaxInputBytesPerBatch
	var err *StatesError
	if b.MaxItemsPerBatchPath.Set {
		if maxItems, err = t.intFrom(b.MaxItemsPerBatchPath, in, "MaxItemsPerBatchPath", 1, maxItemsPerBatchMax); err != nil {
			return nil, nil, err
		}
	}
	if b.MaxInputBytesPerBatchPath.Set {
		if maxBytes, err = t.intFrom(b.MaxInputBytesPerBatchPath, in, "MaxInputBytesPerBatchPath", 1, maxBatchInputBytes); err != nil {
			return nil, nil, err
		}
	}
	var batchInput any
	if b.BatchInput != nil {
		if batchInput, err = t.evalTemplate(s.Name, "BatchInput", b.BatchInput.Value, in); err != nil {
			return nil, nil, err
		}
	}
	wrap := func(batch []any) any {
		// BatchInput first, then Items, as AWS's documentation shows them.
		m := jsonvalue.NewObject(2)
		if batchInput != nil {
			m.Set("BatchInput", deepCopy(batchInput))
		}
		m.Set("Items", batch)
		return m
	}
	var (
		inputs []any
		sizes  []int
		cur    []any
	)
	flush := func() {
		if len(cur) > 0 {
			inputs = append(inputs, wrap(cur))
			sizes = append(sizes, len(cur))
			cur = nil
		}
	}
	for i, it := range items {
		if maxBytes > 0 {
			if len(compact(wrap([]any{it}))) > int(maxBytes) {
				return nil, nil, t.runtimeErr("Item %d is larger than MaxInputBytesPerBatch (%d bytes) on its own.", i, maxBytes)
			}
			if len(cur) > 0 && len(compact(wrap(append(append([]any(nil), cur...), it)))) > int(maxBytes) {
				flush()
			}
		}
		cur = append(cur, it)
		if maxItems > 0 && int64(len(cur)) >= maxItems {
			flush()
		}
	}
	flush()
	return inputs, sizes, nil
}

// newMapRun records a Map Run of state s in parent. Its ARN is
// arn:aws:states:REGION:ACCOUNT:mapRun:STATE_MACHINE/LABEL:ID, and its
// children are executions of the state machine STATE_MACHINE/LABEL
// (developer guide, "Viewing a Distributed Map Run"); LABEL defaults to
// the state's name.
func (e *Engine) newMapRun(parent *execution, s *MapState, limit int, tolCount int64, tolPct float64, sizes []int) *mapRun {
	label := s.Distributed.Label
	if label == "" {
		label = s.Name
	}
	id := e.newUUID()
	smName := parent.sm.name + "/" + label
	def := s.Processor
	if s.Distributed.ExecutionType == "EXPRESS" {
		d := *def
		d.TimeoutSeconds = int64(defaultChildDuration / time.Second)
		def = &d
	}
	run := &mapRun{
		arn:    fmt.Sprintf("arn:aws:states:%s:%s:mapRun:%s:%s", e.region, e.account, smName, id),
		id:     id,
		parent: parent,
		sm: &stateMachine{name: smName, arn: fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s", e.region, e.account, smName),
			roleArn: parent.sm.roleArn, def: def, created: e.clock.Now()},
		status: MapRunRunning, start: e.clock.Now(), maxConcurrency: limit, tolCount: tolCount, tolPercent: tolPct,
		batchSizes: sizes, children: make([]*execution, len(sizes)),
	}
	e.runs.add(run)
	return run
}

// close ends the run once.
func (m *mapRun) close(status string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.status != MapRunRunning {
		return
	}
	m.status = status
	m.stop = m.parent.e.clock.Now()
}

// runChild starts child execution i on input and waits for it to close.
// If the thread is cancelled first (the run failed beyond tolerance, or the
// parent stopped) the child is aborted.
func (m *mapRun) runChild(sub *thread, i int, input any) (any, *StatesError) {
	e := m.parent.e
	name := e.newUUID()
	raw := compact(input)
	ex := &execution{
		e: e, sm: m.sm, arn: fmt.Sprintf("arn:aws:states:%s:%s:execution:%s:%s", e.region, e.account, m.sm.name, name), name: name,
		input: deepCopy(input), inputRaw: raw, done: make(chan struct{}), status: StatusRunning, start: e.clock.Now(),
		mockCalls: map[string]int{}, marks: map[string]*mark{}, mapRun: m, testCase: m.parent.testCase,
	}
	ex.root = ex.newScope(nil)
	e.mu.Lock()
	e.executions[ex.arn] = ex
	e.order = append(e.order, ex)
	e.mu.Unlock()
	m.mu.Lock()
	m.children[i] = ex
	m.mu.Unlock()
	w := e.clock.newWaiter()
	ex.whenDone(func() { w.wake(nil) })
	e.clock.goBusy(ex.run)
	if sub.sc.park(w) == errCancelled {
		ex.finish(StatusAborted, "", "", "", 0)
		return nil, errCancelled
	}
	d := ex.describe()
	if d.Status == StatusSucceeded {
		v, jerr := decodeJSON([]byte(*d.Output))
		if jerr != nil {
			return nil, &StatesError{Name: ErrRuntime, Cause: "child output: " + jerr.Error()}
		}
		return v, nil
	}
	return nil, &StatesError{Name: d.Error, Cause: d.Cause}
}

// MapRunDescription is the DescribeMapRun response.
type MapRunDescription struct {
	MapRunArn                  string
	ExecutionArn               string
	Status                     string
	StartDate                  time.Time
	StopDate                   time.Time // zero while running
	MaxConcurrency             int
	ToleratedFailurePercentage float64
	ToleratedFailureCount      int64
	ItemCounts                 MapRunCounts
	ExecutionCounts            MapRunCounts
}

// MapRunCounts are DescribeMapRun's itemCounts and executionCounts.
type MapRunCounts struct {
	Pending, Running, Succeeded, Failed, TimedOut, Aborted, Total, ResultsWritten int64
}

func (m *mapRun) describe() *MapRunDescription {
	m.mu.Lock()
	d := &MapRunDescription{MapRunArn: m.arn, ExecutionArn: m.parent.arn, Status: m.status, StartDate: m.start, StopDate: m.stop,
		MaxConcurrency: m.maxConcurrency, ToleratedFailureCount: max(m.tolCount, 0), ToleratedFailurePercentage: max(m.tolPercent, 0)}
	children := append([]*execution(nil), m.children...)
	sizes := m.batchSizes
	written := m.written
	m.mu.Unlock()
	count := func(c *MapRunCounts, status string, n int64) {
		c.Total += n
		switch status {
		case "":
			c.Pending += n
		case StatusRunning:
			c.Running += n
		case StatusSucceeded:
			c.Succeeded += n
		case StatusFailed:
			c.Failed += n
		case StatusTimedOut:
			c.TimedOut += n
		case StatusAborted:
			c.Aborted += n
		}
	}
	for i, ex := range children {
		status := ""
		if ex != nil {
			status = ex.describe().Status
		}
		count(&d.ItemCounts, status, int64(sizes[i]))
		count(&d.ExecutionCounts, status, 1)
	}
	d.ItemCounts.ResultsWritten = int64(written)
	if written > 0 {
		d.ExecutionCounts.ResultsWritten = int64(len(children))
	}
	return d
}

// DescribeMapRun describes a Map Run.
func (e *Engine) DescribeMapRun(arn string) (*MapRunDescription, error) {
	if !strings.HasPrefix(arn, "arn:") {
		return nil, apiErr(CodeInvalidArn, "Invalid Arn: '%s'", arn)
	}
	m := e.runs.get(arn)
	if m == nil {
		return nil, apiErr(CodeResourceNotFound, "Map Run Does Not Exist: '%s'", arn)
	}
	return m.describe(), nil
}

// MapRunListItem is one entry of ListMapRuns.
type MapRunListItem struct {
	ExecutionArn    string
	MapRunArn       string
	StateMachineArn string
	StartDate       time.Time
	StopDate        time.Time
}

// ListMapRuns lists the Map Runs an execution started, newest first.
func (e *Engine) ListMapRuns(executionArn string) ([]MapRunListItem, error) {
	ex, err := e.execution(executionArn)
	if err != nil {
		return nil, err
	}
	e.runs.mu.Lock()
	runs := append([]*mapRun(nil), e.runs.order...)
	e.runs.mu.Unlock()
	var out []MapRunListItem
	for i := len(runs) - 1; i >= 0; i-- {
		m := runs[i]
		if m.parent != ex {
			continue
		}
		m.mu.Lock()
		out = append(out, MapRunListItem{ExecutionArn: ex.arn, MapRunArn: m.arn, StateMachineArn: ex.sm.arn, StartDate: m.start, StopDate: m.stop})
		m.mu.Unlock()
	}
	return out, nil
}

// ListMapRunExecutions lists the child executions of a Map Run, newest
// first (ListExecutions with mapRunArn).
func (e *Engine) ListMapRunExecutions(mapRunArn, statusFilter string) ([]ExecutionDescription, error) {
	if !strings.HasPrefix(mapRunArn, "arn:") {
		return nil, apiErr(CodeInvalidArn, "Invalid Arn: '%s'", mapRunArn)
	}
	m := e.runs.get(mapRunArn)
	if m == nil {
		return nil, apiErr(CodeResourceNotFound, "Map Run Does Not Exist: '%s'", mapRunArn)
	}
	m.mu.Lock()
	children := append([]*execution(nil), m.children...)
	m.mu.Unlock()
	var out []ExecutionDescription
	for i := len(children) - 1; i >= 0; i-- {
		if children[i] == nil {
			continue
		}
		d := children[i].describe()
		if statusFilter == "" || statusFilter == d.Status {
			out = append(out, *d)
		}
	}
	return out, nil
}
