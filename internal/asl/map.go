package asl

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"touchaudit/internal/asl/jsonvalue"
)

// MapState runs an item processor for each element of an input array
// (inline mode). Its result is the array of iteration outputs.
type MapState struct {
	StateBase
	Processor      *Definition
	ItemsPath      OptionalPath
	ItemSelector   *Template
	MaxConcurrency int64
	// MaxConcurrencyPath reads MaxConcurrency from the state's effective
	// input (developer guide, "Map state fields": inline Map, JSONPath).
	MaxConcurrencyPath OptionalPath

	ToleratedFailureCount      int64
	ToleratedFailurePercentage float64
	tolerance                  bool

	// Distributed is set for ProcessorConfig Mode DISTRIBUTED
	// (distributedmap.go).
	Distributed *DistributedMap
}

func (p *parser) mapState(f fields, depth int) *MapState {
	f.unknown(allowed("Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "Retry", "Catch",
		"ItemProcessor", "Iterator", "ItemsPath", "ItemSelector", "MaxConcurrency", "MaxConcurrencyPath", "ToleratedFailureCount", "ToleratedFailurePercentage", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath",
		"ItemReader", "ItemBatcher", "ResultWriter", "Label"), "Map")
	s := &MapState{ToleratedFailureCount: -1, ToleratedFailurePercentage: -1}
	f.transition(&s.StateBase)
	f.io(&s.StateBase, true)
	s.ResultSelector = f.template("ResultSelector")
	f.errorHandling(&s.StateBase)
	s.ItemsPath = f.path("ItemsPath", referencePath, false)
	switch {
	case f.has("ItemSelector") && f.has("Parameters"):
		f.bad("Parameters", "cannot be used together with \"ItemSelector\" (Parameters is the legacy name of ItemSelector)")
	case f.has("ItemSelector"):
		s.ItemSelector = f.template("ItemSelector")
	case f.has("Parameters"):
		s.ItemSelector = f.template("Parameters")
	}
	s.MaxConcurrency, _ = f.integer("MaxConcurrency", 0, math.MaxInt32)
	s.MaxConcurrencyPath = f.path("MaxConcurrencyPath", variablePath, false)
	if f.has("MaxConcurrency") && f.has("MaxConcurrencyPath") {
		f.bad("MaxConcurrencyPath", "cannot be used together with \"MaxConcurrency\"")
	}
	if n, ok := f.integer("ToleratedFailureCount", 0, math.MaxInt32); ok {
		s.ToleratedFailureCount, s.tolerance = n, true
	}
	if x, ok := f.number("ToleratedFailurePercentage"); ok {
		if x < 0 || x > 100 {
			f.bad("ToleratedFailurePercentage", "must be between 0 and 100, not %v", x)
		} else {
			s.ToleratedFailurePercentage, s.tolerance = x, true
		}
	}
	field := "ItemProcessor"
	switch {
	case f.has("ItemProcessor") && f.has("Iterator"):
		f.bad("Iterator", "cannot be used together with \"ItemProcessor\" (Iterator is its legacy name)")
		return s
	case f.has("Iterator"):
		field = "Iterator"
	case !f.has("ItemProcessor"):
		f.bad("ItemProcessor", "is required in a Map state")
		return s
	}
	o, ok := f.obj.Value(field).(*jsonvalue.Object)
	if !ok {
		f.bad(field, "must be an object, not %s", jsonKind(f.obj.Value(field)))
		return s
	}
	at := fmt.Sprintf("%s: field %q", f.where, field)
	pf := fields{p: p, where: at, obj: o}
	// AWS accepts ProcessorConfig under the legacy Iterator too, and runs
	// {"Mode":"INLINE"} as an inline Map.
	pf.unknown(processorFields, "")
	{
		if v, ok := o.Get("ProcessorConfig"); ok {
			cfg, ok := v.(*jsonvalue.Object)
			if !ok {
				pf.bad("ProcessorConfig", "must be an object, not %s", jsonKind(v))
			} else {
				cf := pf.sub("ProcessorConfig", cfg)
				cf.unknownIn(set("Mode", "ExecutionType"))
				switch mode := cf.str("Mode", false); mode {
				case "", "INLINE":
				case "DISTRIBUTED":
					s.Distributed = &DistributedMap{}
				default:
					cf.bad("Mode", "must be \"INLINE\" or \"DISTRIBUTED\", not %q", mode)
				}
			}
		}
	}
	s.Processor = p.machine(o, at, false, depth+1)
	p.distributedFields(f, s, o)
	return s
}

// tolerated reports whether failures out of n items are within the state's
// ToleratedFailureCount/Percentage (without those fields, none is).
func (s *MapState) tolerated(failures, n int) bool {
	if !s.tolerance {
		return false
	}
	if s.ToleratedFailureCount >= 0 && int64(failures) <= s.ToleratedFailureCount {
		return true
	}
	if s.ToleratedFailurePercentage >= 0 && n > 0 && float64(failures)*100/float64(n) <= s.ToleratedFailurePercentage {
		return true
	}
	return false
}

// maxConcurrency is MaxConcurrency, or the value MaxConcurrencyPath selects
// from the effective input: a non-negative integer (0: no limit).
func (s *MapState) maxConcurrency(t *thread, in any) (int, *StatesError) {
	if e := s.exprs["MaxConcurrency"]; e != "" {
		return t.maxConcurrencyExpr(e, in)
	}
	if !s.MaxConcurrencyPath.Set {
		return int(s.MaxConcurrency), nil
	}
	v, err := t.lookup(s.MaxConcurrencyPath.Path, in)
	if err != nil {
		return 0, t.pathErr(s.MaxConcurrencyPath.Path, err)
	}
	n, ok := v.(json.Number)
	if str, isStr := v.(string); isStr {
		// AWS takes a string holding an integer too (a recorded
		// execution: MaxConcurrencyPath "$maxConcurrency" with "1").
		n, ok = json.Number(str), true
	}
	i, perr := strconv.ParseInt(string(n), 10, 32)
	if !ok || perr != nil || i < 0 {
		return 0, t.runtimeErr("The MaxConcurrencyPath field refers to value \"%s\" which is not a valid integer: %s", plainText(v), s.MaxConcurrencyPath.Path)
	}
	return int(i), nil
}

// run selects the items, runs one iteration per item and collects outputs.
func (s *MapState) run(t *thread, raw any) (any, *StatesError) {
	if s.Distributed != nil {
		return s.runDistributed(t, raw)
	}
	in, err := t.effectiveInput(&s.StateBase, raw)
	if err != nil {
		return nil, err
	}
	if s.JSONata {
		if s, err = s.withTolerance(t, raw); err != nil {
			return nil, err
		}
	}
	itemsDoc := in
	if s.JSONata {
		if itemsDoc, err = t.mapItems(&s.StateBase, raw); err != nil {
			return nil, err
		}
	} else if s.ItemsPath.Set {
		v, lerr := t.lookup(s.ItemsPath.Path, in)
		if lerr != nil {
			return nil, t.pathErr(s.ItemsPath.Path, lerr)
		}
		itemsDoc = v
	}
	items, ok := itemsDoc.([]any)
	if !ok {
		return nil, t.runtimeErr("Item selector must be a JSON array, but the ItemsPath selected %s.", jsonKind(itemsDoc))
	}
	if err := t.startAttempt(HistoryEvent{Type: EventMapStateStarted, MapStateStartedEventDetails: &MapStateStartedDetails{Length: len(items)}}); err != nil {
		return nil, err
	}
	defer t.ex.forgetChildren(t.state.enteredID)
	limit, err := s.maxConcurrency(t, in)
	if err != nil {
		return nil, err
	}
	n := len(items)
	outcomes := t.runConcurrently(n, limit, func(f int) bool { return s.tolerated(f, n) }, func(i int, sub *thread) (any, *StatesError) {
		sub.item = &mapItem{index: i, value: items[i]}
		sub.state = t.state
		det := &MapIterationDetails{Name: s.Name, Index: i}
		// An iteration resumed from its checkpoint had started before.
		if t.ex.resumeMark(sub.path) == nil {
			if err := sub.emit(HistoryEvent{Type: EventMapIterationStarted, MapIterationStartedEventDetails: det}); err != nil {
				return nil, err
			}
		}
		itemIn := deepCopy(items[i])
		if s.ItemSelector != nil && s.JSONata {
			v, err := sub.evalJSONata(s.Name, "ItemSelector", s.ItemSelector.Value, sub.statesVar(in, nil))
			if err != nil {
				return nil, err
			}
			itemIn = v
		} else if s.ItemSelector != nil {
			v, err := sub.evalTemplate(s.Name, "ItemSelector", s.ItemSelector.Value, in)
			if err != nil {
				return nil, err
			}
			itemIn = v
		}
		iter := &thread{ex: sub.ex, sc: sub.sc, prev: sub.prev, item: sub.item, path: sub.path, vars: sub.vars}
		out, err := iter.runStates(s.Processor, itemIn)
		sub.prev = iter.prev
		switch {
		case err == errCancelled:
			sub.emit(HistoryEvent{Type: EventMapIterationAborted, MapIterationAbortedEventDetails: det})
		case err != nil:
			sub.emit(HistoryEvent{Type: EventMapIterationFailed, MapIterationFailedEventDetails: det})
		default:
			if e := sub.emit(HistoryEvent{Type: EventMapIterationSucceeded, MapIterationSucceededEventDetails: det}); e != nil {
				return nil, e
			}
		}
		return out, err
	})
	if t.sc.isCancelled() {
		return nil, errCancelled
	}
	results := make([]any, n)
	failures := 0
	var first *StatesError
	for i, o := range outcomes {
		if o.err != nil && o.err != errCancelled {
			failures++
			if first == nil {
				first = o.err
			}
		}
		results[i] = o.out
	}
	if first != nil {
		if terminalError(first.Name) || !s.tolerance {
			t.emit(HistoryEvent{Type: EventMapStateFailed})
			return nil, first
		}
		if !s.tolerated(failures, n) {
			t.emit(HistoryEvent{Type: EventMapStateFailed})
			return nil, &StatesError{Name: ErrExceedToleratedFailureThresh, Cause: fmt.Sprintf("The specified tolerated failure threshold was exceeded: %d of %d items failed.", failures, n)}
		}
	}
	if err := t.emit(HistoryEvent{Type: EventMapStateSucceeded}); err != nil {
		return nil, err
	}
	return t.effectiveOutput(&s.StateBase, raw, results, true)
}
