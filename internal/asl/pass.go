package asl

// PassState passes its input to its output, optionally injecting Result.
type PassState struct {
	StateBase
	Result    any
	HasResult bool
}

func (p *parser) pass(f fields) *PassState {
	f.unknown(allowed("Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "Result"), "Pass")
	s := &PassState{}
	f.transition(&s.StateBase)
	f.io(&s.StateBase, true)
	s.Parameters = f.template("Parameters")
	s.Result, s.HasResult = f.obj.Get("Result")
	return s
}

// run applies InputPath → Parameters → Result (or the effective input) →
// ResultPath → OutputPath.
func (s *PassState) run(t *thread, raw any) (any, *StatesError) {
	in, err := t.effectiveInput(&s.StateBase, raw)
	if err != nil {
		return nil, err
	}
	result := in
	if s.HasResult {
		result = deepCopy(s.Result)
	}
	return t.effectiveOutput(&s.StateBase, raw, result, false)
}
