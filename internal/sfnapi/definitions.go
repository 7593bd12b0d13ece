package sfnapi

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"touchaudit/internal/asl"
)

// maxDiagnostics is ValidateStateMachineDefinition's page: "The default and
// maximum value is 100. Setting the value to 0 will also use the default of
// 100" (API reference, maxResults).
const maxDiagnostics = 100

func (s *Server) updateStateMachine(_ context.Context, in *updateStateMachineInput) (*updateStateMachineOutput, error) {
	if err := required("stateMachineArn", in.StateMachineArn); err != nil {
		return nil, err
	}
	if in.Publish {
		return nil, validation("publish is not supported: the local engine has no state machine versions")
	}
	out, err := s.engine.UpdateStateMachine(asl.UpdateStateMachineInput{StateMachineArn: in.StateMachineArn, Definition: in.Definition, RoleArn: in.RoleArn})
	if err != nil {
		return nil, invalidDefinition(err)
	}
	return &updateStateMachineOutput{UpdateDate: epoch(out.UpdateDate), RevisionID: out.RevisionID}, nil
}

func (s *Server) deleteStateMachine(_ context.Context, in *describeStateMachineInput) (*empty, error) {
	if err := required("stateMachineArn", in.StateMachineArn); err != nil {
		return nil, err
	}
	if err := s.engine.DeleteStateMachine(in.StateMachineArn); err != nil {
		return nil, err
	}
	return &empty{}, nil
}

// validateStateMachineDefinition answers with diagnostics, never with an
// InvalidDefinition error: result FAIL when any diagnostic is an ERROR.
func (s *Server) validateStateMachineDefinition(_ context.Context, in *validateInput) (*validateOutput, error) {
	if in.Definition == "" {
		return nil, validation("Value null at 'definition' failed to satisfy constraint: Member must not be null")
	}
	switch in.Type {
	case "", "STANDARD", "EXPRESS":
	default:
		return nil, validation(fmt.Sprintf("Value '%s' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]", in.Type))
	}
	switch in.Severity {
	case "", asl.DiagnosticSeverityError, asl.DiagnosticSeverityWarning:
	default:
		return nil, validation(fmt.Sprintf("Value '%s' at 'severity' failed to satisfy constraint: Member must satisfy enum value set: [ERROR, WARNING]", in.Severity))
	}
	if in.MaxResults < 0 || in.MaxResults > maxDiagnostics {
		return nil, validation(fmt.Sprintf("Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 0 and %d", in.MaxResults, maxDiagnostics))
	}
	limit := in.MaxResults
	if limit == 0 {
		limit = maxDiagnostics
	}
	out := &validateOutput{Result: "OK", Diagnostics: []diagnostic{}}
	for _, d := range asl.Validate(in.Definition) {
		if d.Severity == asl.DiagnosticSeverityError {
			out.Result = "FAIL"
		}
		if d.Severity == asl.DiagnosticSeverityWarning && in.Severity != asl.DiagnosticSeverityWarning {
			continue
		}
		if len(out.Diagnostics) == limit {
			out.Truncated = true
			continue
		}
		out.Diagnostics = append(out.Diagnostics, diagnostic{Severity: d.Severity, Code: d.Code, Message: d.Message, Location: d.Location})
	}
	return out, nil
}

func (s *Server) testState(ctx context.Context, in *testStateInput) (*testStateOutput, error) {
	if in.Definition == "" {
		return nil, validation("Value null at 'definition' failed to satisfy constraint: Member must not be null")
	}
	switch in.InspectionLevel {
	case "", "INFO", "DEBUG", "TRACE":
	default:
		return nil, validation(fmt.Sprintf("Value '%s' at 'inspectionLevel' failed to satisfy constraint: Member must satisfy enum value set: [INFO, DEBUG, TRACE]", in.InspectionLevel))
	}
	if in.Variables != "" {
		return nil, validation("variables are not supported: the local engine has no variables (Assign)")
	}
	req := asl.TestStateInput{Definition: in.Definition, StateName: in.StateName, Input: in.Input, InspectionLevel: in.InspectionLevel}
	if in.StateConfiguration != nil {
		req.RetryCount = in.StateConfiguration.RetrierRetryCount
	}
	if m := in.Mock; m != nil {
		req.Mock = &asl.TestStateMock{Result: m.Result}
		if m.ErrorOutput != nil {
			req.Mock.ErrorOutput, req.Mock.Error, req.Mock.Cause = true, m.ErrorOutput.Error, m.ErrorOutput.Cause
		}
	}
	res, err := s.engine.TestState(ctx, req)
	if err != nil {
		return nil, invalidDefinition(err)
	}
	out := &testStateOutput{Status: res.Status, Output: res.Output, Error: res.Error, Cause: res.Cause, NextState: res.NextState}
	if d := res.InspectionData; d != nil {
		out.InspectionData = &inspectionData{Input: d.Input, AfterInputPath: d.AfterInputPath, AfterParameters: d.AfterParameters,
			Result: d.Result, AfterResultSelector: d.AfterResultSelector, AfterResultPath: d.AfterResultPath}
		if d.CatchIndex != nil || d.RetryIndex != nil {
			out.InspectionData.ErrorDetails = &inspectionErrorDetails{CatchIndex: d.CatchIndex, RetryIndex: d.RetryIndex, RetryBackoffIntervalSeconds: d.RetryBackoffSeconds}
		}
	}
	return out, nil
}

// invalidDefinition words an InvalidDefinition as AWS does: "Invalid State
// Machine Definition: 'CODE: message at location, ...'", so the CLI shows
// the same codes as ValidateStateMachineDefinition.
func invalidDefinition(err error) error {
	var de *asl.DefinitionError
	ae, ok := err.(*asl.APIError)
	if !ok || ae.Code != asl.CodeInvalidDefinition {
		return err
	}
	de, ok = ae.Err.(*asl.DefinitionError)
	if !ok {
		return err
	}
	var parts []string
	for _, d := range de.Diagnostics() {
		p := d.Code + ": " + d.Message
		if d.Location != "" {
			p += " at " + d.Location
		}
		parts = append(parts, p)
	}
	return &asl.APIError{Code: asl.CodeInvalidDefinition, Message: "Invalid State Machine Definition: '" + strings.Join(parts, ", ") + "'", Err: de}
}

// withoutExecutionData drops the input and output of every event's details
// (GetExecutionHistory with includeExecutionData false: "You can select
// whether execution data (input or output of a history event) is
// returned", API reference).
func withoutExecutionData(ev historyEvent) (json.RawMessage, error) {
	b, err := json.Marshal(ev)
	if err != nil {
		return nil, err
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	for k, v := range doc {
		if !strings.HasSuffix(k, "EventDetails") {
			continue
		}
		var details map[string]json.RawMessage
		if err := json.Unmarshal(v, &details); err != nil {
			return nil, err
		}
		delete(details, "input")
		delete(details, "output")
		if doc[k], err = json.Marshal(details); err != nil {
			return nil, err
		}
	}
	return json.Marshal(doc)
}
