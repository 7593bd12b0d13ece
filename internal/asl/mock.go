package asl

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"touchaudit/internal/asl/jsonvalue"
)

// MockConfig is a Step Functions Local mock configuration file
// (MockConfigFile.json): test cases map state names to mocked responses, and
// each mocked response lists what the state's successive invocations return
// or throw, keyed by invocation index ("0") or range ("1-2").
type MockConfig struct {
	StateMachines   map[string]MockStateMachine
	MockedResponses map[string][]mockStep
}

// MockStateMachine is one entry of StateMachines: TestCases by name, each
// mapping a state name to a mocked response name.
type MockStateMachine struct {
	TestCases map[string]map[string]string
}

type mockStep struct {
	from, to int
	resp     MockResponse
}

// MockResponse is one invocation's outcome: Return (a result) or Throw.
type MockResponse struct {
	Return any
	Throw  *MockThrow
}

// MockThrow is a mocked failure.
type MockThrow struct {
	Error string
	Cause string
}

// ParseMockConfig parses and checks a mock configuration file.
func ParseMockConfig(data []byte) (*MockConfig, error) {
	doc, err := decodeJSON(data)
	if err != nil {
		return nil, fmt.Errorf("mock config: not valid JSON: %w", err)
	}
	root, ok := doc.(*jsonvalue.Object)
	if !ok {
		return nil, fmt.Errorf("mock config: must be a JSON object")
	}
	cfg := &MockConfig{StateMachines: map[string]MockStateMachine{}, MockedResponses: map[string][]mockStep{}}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	sms, _ := root.Value("StateMachines").(*jsonvalue.Object)
	if _, ok := root.Get("StateMachines"); ok && sms == nil {
		bad("StateMachines must be an object")
	}
	for _, smName := range slices.Sorted(slices.Values(sms.Keys())) {
		o, _ := sms.Value(smName).(*jsonvalue.Object)
		tcs, _ := o.Value("TestCases").(*jsonvalue.Object)
		if tcs == nil {
			bad("StateMachines.%s.TestCases must be an object", smName)
			continue
		}
		m := MockStateMachine{TestCases: map[string]map[string]string{}}
		for _, tc := range slices.Sorted(slices.Values(tcs.Keys())) {
			states, _ := tcs.Value(tc).(*jsonvalue.Object)
			if states == nil {
				bad("StateMachines.%s.TestCases.%s must be an object", smName, tc)
				continue
			}
			m.TestCases[tc] = map[string]string{}
			for _, st := range slices.Sorted(slices.Values(states.Keys())) {
				r, ok := states.Value(st).(string)
				if !ok {
					bad("StateMachines.%s.TestCases.%s.%s must name a mocked response", smName, tc, st)
					continue
				}
				m.TestCases[tc][st] = r
			}
		}
		cfg.StateMachines[smName] = m
	}
	resps, _ := root.Value("MockedResponses").(*jsonvalue.Object)
	for _, name := range slices.Sorted(slices.Values(resps.Keys())) {
		steps, _ := resps.Value(name).(*jsonvalue.Object)
		if steps == nil {
			bad("MockedResponses.%s must be an object", name)
			continue
		}
		for _, key := range slices.Sorted(slices.Values(steps.Keys())) {
			from, to, ok := parseRange(key)
			if !ok {
				bad("MockedResponses.%s: key %q must be an invocation index (\"0\") or range (\"1-2\")", name, key)
				continue
			}
			o, _ := steps.Value(key).(*jsonvalue.Object)
			var r MockResponse
			_, hasReturn := o.Get("Return")
			th, hasThrow := o.Value("Throw").(*jsonvalue.Object)
			switch {
			case o == nil || hasReturn == hasThrow:
				bad("MockedResponses.%s.%s must have exactly one of Return or Throw", name, key)
				continue
			case hasReturn:
				r.Return = o.Value("Return")
			default:
				e, _ := th.Value("Error").(string)
				c, _ := th.Value("Cause").(string)
				r.Throw = &MockThrow{Error: e, Cause: c}
			}
			cfg.MockedResponses[name] = append(cfg.MockedResponses[name], mockStep{from, to, r})
		}
	}
	for _, smName := range slices.Sorted(maps.Keys(cfg.StateMachines)) {
		for tc, states := range cfg.StateMachines[smName].TestCases {
			for st, r := range states {
				if _, ok := cfg.MockedResponses[r]; !ok {
					bad("StateMachines.%s.TestCases.%s.%s names mocked response %q, which is not defined", smName, tc, st, r)
				}
			}
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("mock config: %s", strings.Join(problems, "; "))
	}
	return cfg, nil
}

func parseRange(key string) (int, int, bool) {
	a, b, isRange := strings.Cut(key, "-")
	from, err := strconv.Atoi(a)
	if err != nil || from < 0 {
		return 0, 0, false
	}
	if !isRange {
		return from, from, true
	}
	to, err := strconv.Atoi(b)
	if err != nil || to < from {
		return 0, 0, false
	}
	return from, to, true
}

// TestCase returns the state→response map of a test case, if defined.
func (c *MockConfig) TestCase(stateMachine, testCase string) (map[string]string, bool) {
	if c == nil {
		return nil, false
	}
	sm, ok := c.StateMachines[stateMachine]
	if !ok {
		return nil, false
	}
	tc, ok := sm.TestCases[testCase]
	return tc, ok
}

// mockedResponse returns the mocked outcome of the next invocation of a
// state in this execution's test case. Invocations are counted per state
// name (retries count); an invocation with no entry is not mocked.
func (ex *execution) mockedResponse(state string) (MockResponse, bool) {
	if ex.testCase == "" {
		return MockResponse{}, false
	}
	cfg := ex.e.mockConfig()
	smName := ex.sm.name
	if ex.mapRun != nil { // a Distributed Map's child uses its parent's test case
		smName = ex.mapRun.parent.sm.name
	}
	tc, ok := cfg.TestCase(smName, ex.testCase)
	if !ok {
		return MockResponse{}, false
	}
	name, ok := tc[state]
	if !ok {
		return MockResponse{}, false
	}
	ex.mu.Lock()
	n := ex.mockCalls[state]
	ex.mockCalls[state] = n + 1
	ex.mu.Unlock()
	for _, s := range cfg.MockedResponses[name] {
		if n >= s.from && n <= s.to {
			return s.resp, true
		}
	}
	return MockResponse{}, false
}
