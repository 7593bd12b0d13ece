package sfnapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"touchaudit/internal/asl"
)

// Page sizes of the List* and GetExecutionHistory calls: "The default is 100
// and the maximum allowed page size is 1000. A value of 0 uses the default"
// (API reference, maxResults).
const (
	defaultPageSize = 100
	maxPageSize     = 1000
)

// executionStatuses are ListExecutions' statusFilter values (API reference).
var executionStatuses = map[string]bool{
	"RUNNING": true, "SUCCEEDED": true, "FAILED": true, "TIMED_OUT": true, "ABORTED": true, "PENDING_REDRIVE": true,
}

func (s *Server) createStateMachine(_ context.Context, in *createStateMachineInput) (*createStateMachineOutput, error) {
	if err := required("name", in.Name, "definition", in.Definition, "roleArn", in.RoleArn); err != nil {
		return nil, err
	}
	switch in.Type {
	case "", "STANDARD":
	case "EXPRESS":
		return nil, &asl.APIError{Code: codeValidation, Message: "The local engine runs STANDARD workflows only; create the state machine with type STANDARD"}
	default:
		return nil, validation(fmt.Sprintf("Value '%s' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]", in.Type))
	}
	out, err := s.engine.CreateStateMachine(asl.CreateStateMachineInput{Name: in.Name, Definition: in.Definition, RoleArn: in.RoleArn})
	if err != nil {
		return nil, invalidDefinition(err)
	}
	return &createStateMachineOutput{StateMachineArn: out.StateMachineArn, CreationDate: epoch(out.CreationDate)}, nil
}

func (s *Server) describeStateMachine(_ context.Context, in *describeStateMachineInput) (*describeStateMachineOutput, error) {
	if err := required("stateMachineArn", in.StateMachineArn); err != nil {
		return nil, err
	}
	d, err := s.engine.DescribeStateMachine(in.StateMachineArn)
	if err != nil {
		return nil, err
	}
	return &describeStateMachineOutput{StateMachineArn: d.StateMachineArn, Name: d.Name, Status: d.Status, Definition: d.Definition,
		RoleArn: d.RoleArn, Type: d.Type, CreationDate: epoch(d.CreationDate), RevisionID: d.RevisionID}, nil
}

func (s *Server) listStateMachines(_ context.Context, in *listStateMachinesInput) (*listStateMachinesOutput, error) {
	size, err := pageSize(in.MaxResults)
	if err != nil {
		return nil, err
	}
	all := s.engine.ListStateMachines() // by name
	start := 0
	if in.NextToken != "" {
		next, err := decodeToken("sm", in.NextToken)
		if err != nil {
			return nil, err
		}
		for start < len(all) && all[start].Name < next {
			start++
		}
	}
	out := &listStateMachinesOutput{StateMachines: []stateMachineListItem{}}
	for i := start; i < len(all); i++ {
		if len(out.StateMachines) == size {
			out.NextToken = encodeToken("sm", all[i].Name)
			break
		}
		d := all[i]
		out.StateMachines = append(out.StateMachines, stateMachineListItem{StateMachineArn: d.StateMachineArn, Name: d.Name, Type: d.Type, CreationDate: epoch(d.CreationDate)})
	}
	return out, nil
}

func (s *Server) startExecution(ctx context.Context, in *startExecutionInput) (*startExecutionOutput, error) {
	if err := required("stateMachineArn", in.StateMachineArn); err != nil {
		return nil, err
	}
	out, err := s.engine.StartExecution(asl.StartExecutionInput{StateMachineArn: in.StateMachineArn, Name: in.Name, Input: in.Input})
	if err != nil {
		return nil, err
	}
	s.settleEngine(ctx)
	return &startExecutionOutput{ExecutionArn: out.ExecutionArn, StartDate: epoch(out.StartDate)}, nil
}

func (s *Server) describeExecution(_ context.Context, in *executionArnInput) (*describeExecutionOutput, error) {
	if err := required("executionArn", in.ExecutionArn); err != nil {
		return nil, err
	}
	d, err := s.engine.DescribeExecution(in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	out := &describeExecutionOutput{
		ExecutionArn: d.ExecutionArn, StateMachineArn: d.StateMachineArn, Name: d.Name, Status: d.Status,
		StartDate: epoch(d.StartDate), StopDate: optionalEpoch(d.StopDate),
		Input: d.Input, InputDetails: payloadDetails{Included: true},
		Error: d.Error, Cause: d.Cause, RedriveCount: d.RedriveCount, MapRunArn: d.MapRunArn,
	}
	if d.Output != nil {
		out.Output = d.Output
		out.OutputDetails = &payloadDetails{Included: true}
	}
	return out, nil
}

// getExecutionHistory pages by event id, which stays put as the history
// grows: the token names the id of the first event of the next page.
func (s *Server) getExecutionHistory(_ context.Context, in *getExecutionHistoryInput) (*getExecutionHistoryOutput, error) {
	if err := required("executionArn", in.ExecutionArn); err != nil {
		return nil, err
	}
	size, err := pageSize(in.MaxResults)
	if err != nil {
		return nil, err
	}
	events, err := s.engine.GetExecutionHistory(asl.GetExecutionHistoryInput{ExecutionArn: in.ExecutionArn, ReverseOrder: in.ReverseOrder})
	if err != nil {
		return nil, err
	}
	start := 0
	if in.NextToken != "" {
		key, err := decodeToken("history:"+in.ExecutionArn, in.NextToken)
		if err != nil {
			return nil, err
		}
		next, perr := strconv.ParseInt(key, 10, 64)
		if perr != nil {
			return nil, invalidToken()
		}
		for start < len(events) && (!in.ReverseOrder && events[start].ID < next || in.ReverseOrder && events[start].ID > next) {
			start++
		}
	}
	out := &getExecutionHistoryOutput{Events: []json.RawMessage{}}
	for i := start; i < len(events); i++ {
		if len(out.Events) == size {
			out.NextToken = encodeToken("history:"+in.ExecutionArn, strconv.FormatInt(events[i].ID, 10))
			break
		}
		ev := historyEvent{HistoryEvent: events[i], Timestamp: epoch(events[i].Timestamp)}
		var b json.RawMessage
		if in.IncludeExecutionData != nil && !*in.IncludeExecutionData {
			b, err = withoutExecutionData(ev)
		} else {
			b, err = json.Marshal(ev)
		}
		if err != nil {
			return nil, err
		}
		out.Events = append(out.Events, b)
	}
	return out, nil
}

// listExecutions pages over the unfiltered list, newest first, which only
// grows at the front: the token names the next execution to look at.
func (s *Server) listExecutions(_ context.Context, in *listExecutionsInput) (*listExecutionsOutput, error) {
	if in.MapRunArn != "" && in.StateMachineArn != "" {
		return nil, validation("Only one of stateMachineArn or mapRunArn may be given")
	}
	if in.MapRunArn == "" {
		if err := required("stateMachineArn", in.StateMachineArn); err != nil {
			return nil, err
		}
	}
	if in.StatusFilter != "" && !executionStatuses[in.StatusFilter] {
		return nil, validation(fmt.Sprintf("Value '%s' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]", in.StatusFilter))
	}
	size, err := pageSize(in.MaxResults)
	if err != nil {
		return nil, err
	}
	listing := in.StateMachineArn
	var all []asl.ExecutionDescription
	if in.MapRunArn != "" {
		listing = in.MapRunArn
		all, err = s.engine.ListMapRunExecutions(in.MapRunArn, "")
	} else {
		all, err = s.engine.ListExecutions(asl.ListExecutionsInput{StateMachineArn: in.StateMachineArn})
	}
	if err != nil {
		return nil, err
	}
	start := 0
	if in.NextToken != "" {
		next, err := decodeToken("executions:"+listing, in.NextToken)
		if err != nil {
			return nil, err
		}
		for start < len(all) && all[start].ExecutionArn != next {
			start++
		}
		if start == len(all) {
			return nil, invalidToken()
		}
	}
	out := &listExecutionsOutput{Executions: []executionListItem{}}
	for i := start; i < len(all); i++ {
		d := all[i]
		if in.StatusFilter != "" && d.Status != in.StatusFilter {
			continue
		}
		if len(out.Executions) == size {
			out.NextToken = encodeToken("executions:"+listing, d.ExecutionArn)
			break
		}
		out.Executions = append(out.Executions, executionListItem{ExecutionArn: d.ExecutionArn, StateMachineArn: d.StateMachineArn,
			Name: d.Name, Status: d.Status, StartDate: epoch(d.StartDate), StopDate: optionalEpoch(d.StopDate), MapRunArn: d.MapRunArn})
	}
	return out, nil
}

func (s *Server) stopExecution(ctx context.Context, in *stopExecutionInput) (*stopExecutionOutput, error) {
	if err := required("executionArn", in.ExecutionArn); err != nil {
		return nil, err
	}
	stop, err := s.engine.StopExecution(in.ExecutionArn, in.Error, in.Cause)
	if err != nil {
		return nil, err
	}
	s.settleEngine(ctx)
	return &stopExecutionOutput{StopDate: epoch(stop)}, nil
}

func (s *Server) sendTaskSuccess(ctx context.Context, in *sendTaskSuccessInput) (*empty, error) {
	if err := required("taskToken", in.TaskToken); err != nil {
		return nil, err
	}
	if in.Output == nil {
		return nil, validation("Value null at 'output' failed to satisfy constraint: Member must not be null")
	}
	if err := s.engine.SendTaskSuccess(in.TaskToken, *in.Output); err != nil {
		return nil, err
	}
	s.settleEngine(ctx)
	return &empty{}, nil
}

func (s *Server) sendTaskFailure(ctx context.Context, in *sendTaskFailureInput) (*empty, error) {
	if err := required("taskToken", in.TaskToken); err != nil {
		return nil, err
	}
	if err := s.engine.SendTaskFailure(in.TaskToken, in.Error, in.Cause); err != nil {
		return nil, err
	}
	s.settleEngine(ctx)
	return &empty{}, nil
}

func (s *Server) sendTaskHeartbeat(_ context.Context, in *sendTaskHeartbeatInput) (*empty, error) {
	if err := required("taskToken", in.TaskToken); err != nil {
		return nil, err
	}
	if err := s.engine.SendTaskHeartbeat(in.TaskToken); err != nil {
		return nil, err
	}
	return &empty{}, nil
}

// required checks (member, value) pairs, as AWS's request validation does.
func required(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			return validation(fmt.Sprintf("Value null at '%s' failed to satisfy constraint: Member must not be null", pairs[i]))
		}
	}
	return nil
}

// validation is a ValidationException worded as AWS's request validation.
func validation(detail string) error {
	return &asl.APIError{Code: codeValidation, Message: "1 validation error detected: " + detail}
}

func pageSize(maxResults int) (int, error) {
	switch {
	case maxResults < 0 || maxResults > maxPageSize:
		return 0, validation(fmt.Sprintf("Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 0 and %d", maxResults, maxPageSize))
	case maxResults == 0:
		return defaultPageSize, nil
	}
	return maxResults, nil
}

// Pagination tokens are opaque to clients; ours bind a key to the listing
// it came from, so a token is refused by any other listing.
func encodeToken(listing, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(listing + "\n" + key))
}

func decodeToken(listing, token string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", invalidToken()
	}
	got, key, ok := strings.Cut(string(b), "\n")
	if !ok || got != listing {
		return "", invalidToken()
	}
	return key, nil
}

func invalidToken() error {
	return &asl.APIError{Code: codeInvalidToken, Message: "Invalid Token: 'Invalid token'"}
}

func (s *Server) describeMapRun(_ context.Context, in *mapRunArnInput) (*describeMapRunOutput, error) {
	if err := required("mapRunArn", in.MapRunArn); err != nil {
		return nil, err
	}
	d, err := s.engine.DescribeMapRun(in.MapRunArn)
	if err != nil {
		return nil, err
	}
	counts := func(c asl.MapRunCounts) mapRunCounts {
		return mapRunCounts{Pending: c.Pending, Running: c.Running, Succeeded: c.Succeeded, Failed: c.Failed, TimedOut: c.TimedOut,
			Aborted: c.Aborted, Total: c.Total, ResultsWritten: c.ResultsWritten}
	}
	return &describeMapRunOutput{MapRunArn: d.MapRunArn, ExecutionArn: d.ExecutionArn, Status: d.Status, StartDate: epoch(d.StartDate),
		StopDate: optionalEpoch(d.StopDate), MaxConcurrency: d.MaxConcurrency, ToleratedFailurePercentage: d.ToleratedFailurePercentage,
		ToleratedFailureCount: d.ToleratedFailureCount, ItemCounts: counts(d.ItemCounts), ExecutionCounts: counts(d.ExecutionCounts)}, nil
}

// listMapRuns pages over an execution's Map Runs, newest first: the token
// names the next run.
func (s *Server) listMapRuns(_ context.Context, in *listMapRunsInput) (*listMapRunsOutput, error) {
	if err := required("executionArn", in.ExecutionArn); err != nil {
		return nil, err
	}
	size, err := pageSize(in.MaxResults)
	if err != nil {
		return nil, err
	}
	all, err := s.engine.ListMapRuns(in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	start := 0
	if in.NextToken != "" {
		next, err := decodeToken("mapruns:"+in.ExecutionArn, in.NextToken)
		if err != nil {
			return nil, err
		}
		for start < len(all) && all[start].MapRunArn != next {
			start++
		}
		if start == len(all) {
			return nil, invalidToken()
		}
	}
	out := &listMapRunsOutput{MapRuns: []mapRunListItem{}}
	for i := start; i < len(all); i++ {
		if len(out.MapRuns) == size {
			out.NextToken = encodeToken("mapruns:"+in.ExecutionArn, all[i].MapRunArn)
			break
		}
		r := all[i]
		out.MapRuns = append(out.MapRuns, mapRunListItem{ExecutionArn: r.ExecutionArn, MapRunArn: r.MapRunArn, StateMachineArn: r.StateMachineArn,
			StartDate: epoch(r.StartDate), StopDate: optionalEpoch(r.StopDate)})
	}
	return out, nil
}
