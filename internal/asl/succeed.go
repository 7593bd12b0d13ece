package asl

// SucceedState ends the execution (or branch, or iteration) successfully.
type SucceedState struct {
	StateBase
}

func (p *parser) succeed(f fields) *SucceedState {
	f.unknown(allowed("InputPath", "OutputPath"), "Succeed")
	s := &SucceedState{}
	f.io(&s.StateBase, false)
	return s
}

func (s *SucceedState) run(t *thread, raw any) (any, *StatesError) {
	in, err := t.effectiveInput(&s.StateBase, raw)
	if err != nil {
		return nil, err
	}
	return t.stateOutput(&s.StateBase, in)
}
