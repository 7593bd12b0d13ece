package sfnapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"

	"touchaudit/internal/asl"
	"touchaudit/internal/sfnapi"
)

const roleArn = "arn:aws:iam::123456789012:role/sfn"

// newClient is the real SDK client, configured as application code would
// be for a local endpoint.
func newClient(endpoint string) *sfn.Client {
	return sfn.New(sfn.Options{
		BaseEndpoint: aws.String(endpoint),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
}

// fixture is an engine behind sfnapi behind httptest, with the review state
// machine created and its two Lambda functions bound to Go handlers.
type fixture struct {
	engine *asl.Engine
	url    string
	client *sfn.Client
	smArn  string

	mu     sync.Mutex
	tokens map[string]string // audit → task token of AskAuditor
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{tokens: map[string]string{}}
	reg := asl.NewRegistry()
	reg.Register("score", asl.TypedHandler(func(_ context.Context, in struct {
		Answers []int `json:"answers"`
	}) (map[string]int, error) {
		sum := 0
		for _, a := range in.Answers {
			sum += a
		}
		return map[string]int{"points": sum}, nil
	}))
	reg.Register("notify-auditor", asl.TypedHandler(func(_ context.Context, in struct {
		Audit string `json:"audit"`
		Token string `json:"token"`
	}) (map[string]bool, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.tokens[in.Audit] = in.Token
		return map[string]bool{"sent": true}, nil
	}))
	f.engine = asl.NewEngine(asl.Options{Registry: reg})
	srv := httptest.NewServer(sfnapi.NewServer(f.engine))
	t.Cleanup(srv.Close)
	f.url = srv.URL
	f.client = newClient(srv.URL)
	def, err := os.ReadFile("testdata/review.asl.json")
	if err != nil {
		t.Fatal(err)
	}
	out, err := f.client.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{
		Name: aws.String("review"), Definition: aws.String(string(def)), RoleArn: aws.String(roleArn),
	})
	if err != nil {
		t.Fatalf("CreateStateMachine: %v", err)
	}
	f.smArn = aws.ToString(out.StateMachineArn)
	return f
}

// start starts a review; points below 50 take the week-long Wait.
func (f *fixture) start(t *testing.T, name, audit string, points int) string {
	t.Helper()
	out, err := f.client.StartExecution(context.Background(), &sfn.StartExecutionInput{
		StateMachineArn: aws.String(f.smArn), Name: aws.String(name), Input: aws.String(reviewInput(audit, points)),
	})
	if err != nil {
		t.Fatalf("StartExecution %s: %v", name, err)
	}
	return aws.ToString(out.ExecutionArn)
}

func reviewInput(audit string, points int) string {
	return fmt.Sprintf(`{"audit":%q,"answers":[%d,0]}`, audit, points)
}

func (f *fixture) token(t *testing.T, audit string) string {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	tok, ok := f.tokens[audit]
	if !ok {
		t.Fatalf("notify-auditor was not called for %s", audit)
	}
	return tok
}

func (f *fixture) describe(t *testing.T, arn string) *sfn.DescribeExecutionOutput {
	t.Helper()
	d, err := f.client.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
	if err != nil {
		t.Fatalf("DescribeExecution: %v", err)
	}
	return d
}

func (f *fixture) history(t *testing.T, arn string) []types.HistoryEvent {
	t.Helper()
	var all []types.HistoryEvent
	p := sfn.NewGetExecutionHistoryPaginator(f.client, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1000})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("GetExecutionHistory: %v", err)
		}
		all = append(all, page.Events...)
	}
	return all
}

func eventTypes(evs []types.HistoryEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, string(e.Type))
	}
	return out
}

// wantAPIError checks that err is the SDK's typed error T.
func wantAPIError[T error](t *testing.T, err error) T {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("error = %T %v, want %T", err, err, target)
	}
	return target
}

func TestServer_ExecutionRunsToCallbackAndSucceeds(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	arn := f.start(t, "a1", "audit-1", 20)

	// The week-long Wait is over at once; the execution waits for the auditor.
	d := f.describe(t, arn)
	if d.Status != types.ExecutionStatusRunning || d.StopDate != nil || d.Output != nil {
		t.Fatalf("after start: status %s stop %v output %v, want RUNNING without stop date or output", d.Status, d.StopDate, d.Output)
	}
	if got, want := aws.ToString(d.Input), reviewInput("audit-1", 20); got != want {
		t.Errorf("input = %s, want %s", got, want)
	}
	if !d.StartDate.Equal(asl.DefaultVirtualStart) {
		t.Errorf("startDate = %v, want the virtual start %v", d.StartDate, asl.DefaultVirtualStart)
	}

	if _, err := f.client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{
		TaskToken: aws.String(f.token(t, "audit-1")), Output: aws.String(`{"approved":true}`),
	}); err != nil {
		t.Fatalf("SendTaskSuccess: %v", err)
	}
	d = f.describe(t, arn)
	if d.Status != types.ExecutionStatusSucceeded {
		t.Fatalf("status = %s (%s: %s), want SUCCEEDED", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(aws.ToString(d.Output)), &out); err != nil {
		t.Fatal(err)
	}
	if out["label"] != "review of audit-1" || fmt.Sprint(out["score"]) != "map[points:20]" || fmt.Sprint(out["verdict"]) != "map[approved:true]" {
		t.Errorf("output = %s", aws.ToString(d.Output))
	}
	if week := 7 * 24 * time.Hour; d.StopDate == nil || d.StopDate.Sub(*d.StartDate) < week {
		t.Errorf("stopDate = %v, want at least a week after %v (the Wait)", d.StopDate, d.StartDate)
	}

	evs := f.history(t, arn)
	want := []string{
		"ExecutionStarted",
		"PassStateEntered", "PassStateExited",
		"TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited",
		"ChoiceStateEntered", "ChoiceStateExited",
		"WaitStateEntered", "WaitStateExited",
		"TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded", "TaskStateExited",
		"SucceedStateEntered", "SucceedStateExited",
		"ExecutionSucceeded",
	}
	if got := eventTypes(evs); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("history types:\n got %v\nwant %v", got, want)
	}
	for i, e := range evs {
		if e.Id != int64(i+1) || e.Timestamp == nil {
			t.Errorf("event %d: id %d timestamp %v", i, e.Id, e.Timestamp)
		}
	}
	if got := evs[0].ExecutionStartedEventDetails; got == nil || aws.ToString(got.Input) != reviewInput("audit-1", 20) || aws.ToString(got.RoleArn) != roleArn {
		t.Errorf("executionStartedEventDetails = %+v", got)
	}
	if got := evs[1].StateEnteredEventDetails; got == nil || aws.ToString(got.Name) != "Prepare" {
		t.Errorf("stateEnteredEventDetails = %+v", got)
	}
	if got := evs[4].LambdaFunctionScheduledEventDetails; got == nil || aws.ToString(got.Resource) != "arn:aws:lambda:us-east-1:123456789012:function:score" {
		t.Errorf("lambdaFunctionScheduledEventDetails = %+v", got)
	}
	if got := evs[13].TaskScheduledEventDetails; got == nil || aws.ToString(got.Resource) != "invoke.waitForTaskToken" ||
		aws.ToString(got.ResourceType) != "lambda" || aws.ToInt64(got.HeartbeatInSeconds) != 3600 || aws.ToInt64(got.TimeoutInSeconds) != 86400 {
		t.Errorf("taskScheduledEventDetails = %+v", got)
	}
	if got := evs[len(evs)-1].ExecutionSucceededEventDetails; got == nil || aws.ToString(got.Output) != aws.ToString(d.Output) {
		t.Errorf("executionSucceededEventDetails = %+v", got)
	}
	if !evs[11].Timestamp.Equal(evs[10].Timestamp.Add(7 * 24 * time.Hour)) {
		t.Errorf("WaitStateExited at %v, want a week after WaitStateEntered at %v", evs[11].Timestamp, evs[10].Timestamp)
	}
}

func TestServer_StartExecutionIsIdempotentForTheSameInput(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	arn := f.start(t, "same", "audit-1", 80)

	again := f.start(t, "same", "audit-1", 80)
	if again != arn {
		t.Errorf("restart with the same input: arn %s, want %s", again, arn)
	}
	_, err := f.client.StartExecution(ctx, &sfn.StartExecutionInput{
		StateMachineArn: aws.String(f.smArn), Name: aws.String("same"), Input: aws.String(reviewInput("audit-1", 81)),
	})
	wantAPIError[*types.ExecutionAlreadyExists](t, err)

	// Once closed, even the same input is a conflict.
	if _, err := f.client.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	_, err = f.client.StartExecution(ctx, &sfn.StartExecutionInput{
		StateMachineArn: aws.String(f.smArn), Name: aws.String("same"), Input: aws.String(reviewInput("audit-1", 80)),
	})
	wantAPIError[*types.ExecutionAlreadyExists](t, err)
}

func TestServer_GetExecutionHistoryPages(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	arn := f.start(t, "paged", "audit-1", 80)
	all := f.history(t, arn)
	if len(all) < 10 {
		t.Fatalf("history has %d events, want a running execution's dozen", len(all))
	}
	ids := func(evs []types.HistoryEvent) []int64 {
		var out []int64
		for _, e := range evs {
			out = append(out, e.Id)
		}
		return out
	}

	for _, reverse := range []bool{false, true} {
		t.Run(fmt.Sprintf("reverse=%v", reverse), func(t *testing.T) {
			var got []types.HistoryEvent
			pages := 0
			p := sfn.NewGetExecutionHistoryPaginator(f.client, &sfn.GetExecutionHistoryInput{
				ExecutionArn: aws.String(arn), MaxResults: 3, ReverseOrder: reverse,
			})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if len(page.Events) > 3 {
					t.Fatalf("page of %d events, want at most 3", len(page.Events))
				}
				pages++
				got = append(got, page.Events...)
			}
			want := ids(all)
			if reverse {
				for i, j := 0, len(want)-1; i < j; i, j = i+1, j-1 {
					want[i], want[j] = want[j], want[i]
				}
			}
			if fmt.Sprint(ids(got)) != fmt.Sprint(want) {
				t.Errorf("ids %v, want %v", ids(got), want)
			}
			if wantPages := (len(all) + 2) / 3; pages != wantPages {
				t.Errorf("%d pages, want %d", pages, wantPages)
			}
		})
	}

	t.Run("token outlives growth", func(t *testing.T) {
		first, err := f.client.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 4})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(f.token(t, "audit-1")), Output: aws.String("{}")}); err != nil {
			t.Fatal(err)
		}
		rest, err := f.client.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1000, NextToken: first.NextToken})
		if err != nil {
			t.Fatal(err)
		}
		if rest.Events[0].Id != 5 || rest.Events[len(rest.Events)-1].Type != types.HistoryEventTypeExecutionSucceeded || rest.NextToken != nil {
			t.Errorf("second page: ids %v, last %s, next %v", ids(rest.Events), rest.Events[len(rest.Events)-1].Type, rest.NextToken)
		}
	})

	t.Run("bad token", func(t *testing.T) {
		_, err := f.client.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), NextToken: aws.String("not-a-token")})
		wantAPIError[*types.InvalidToken](t, err)
	})
	t.Run("maxResults over 1000", func(t *testing.T) {
		_, err := f.client.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1001})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" {
			t.Errorf("error = %v, want ValidationException", err)
		}
	})
	t.Run("unknown execution", func(t *testing.T) {
		_, err := f.client.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn + "-nope")})
		wantAPIError[*types.ExecutionDoesNotExist](t, err)
	})
}

func TestServer_ListExecutionsFiltersByStatus(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	running1 := f.start(t, "running-1", "audit-1", 80)
	done := f.start(t, "done", "audit-2", 80)
	stopped := f.start(t, "stopped", "audit-3", 80)
	running2 := f.start(t, "running-2", "audit-4", 80)
	if _, err := f.client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(f.token(t, "audit-2")), Output: aws.String("{}")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(stopped)}); err != nil {
		t.Fatal(err)
	}

	list := func(t *testing.T, filter types.ExecutionStatus, pageSize int32) []string {
		var arns []string
		p := sfn.NewListExecutionsPaginator(f.client, &sfn.ListExecutionsInput{
			StateMachineArn: aws.String(f.smArn), StatusFilter: filter, MaxResults: pageSize,
		})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Executions) > int(pageSize) && pageSize > 0 {
				t.Fatalf("page of %d, want at most %d", len(page.Executions), pageSize)
			}
			for _, e := range page.Executions {
				if filter != "" && e.Status != filter {
					t.Errorf("%s has status %s under filter %s", aws.ToString(e.Name), e.Status, filter)
				}
				if e.StartDate == nil || (e.Status != types.ExecutionStatusRunning) != (e.StopDate != nil) {
					t.Errorf("%s: status %s, startDate %v, stopDate %v", aws.ToString(e.Name), e.Status, e.StartDate, e.StopDate)
				}
				arns = append(arns, aws.ToString(e.ExecutionArn))
			}
		}
		return arns
	}
	tests := []struct {
		filter types.ExecutionStatus
		want   []string
	}{
		{"", []string{running2, stopped, done, running1}},
		{types.ExecutionStatusRunning, []string{running2, running1}},
		{types.ExecutionStatusSucceeded, []string{done}},
		{types.ExecutionStatusAborted, []string{stopped}},
		{types.ExecutionStatusFailed, nil},
	}
	for _, tt := range tests {
		for _, size := range []int32{0, 1} {
			t.Run(fmt.Sprintf("%s/page=%d", tt.filter, size), func(t *testing.T) {
				if got := list(t, tt.filter, size); fmt.Sprint(got) != fmt.Sprint(tt.want) {
					t.Errorf("got %v\nwant %v", got, tt.want)
				}
			})
		}
	}

	t.Run("bad filter", func(t *testing.T) {
		_, err := f.client.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(f.smArn), StatusFilter: "DONE"})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" {
			t.Errorf("error = %v, want ValidationException", err)
		}
	})
	t.Run("unknown state machine", func(t *testing.T) {
		_, err := f.client.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(f.smArn + "-nope")})
		wantAPIError[*types.StateMachineDoesNotExist](t, err)
	})
}

func TestServer_StopExecutionAborts(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	arn := f.start(t, "stop-me", "audit-1", 80)
	out, err := f.client.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(arn), Error: aws.String("Audit.Cancelled"), Cause: aws.String("the company withdrew")})
	if err != nil {
		t.Fatal(err)
	}
	d := f.describe(t, arn)
	if d.Status != types.ExecutionStatusAborted || d.StopDate == nil || !d.StopDate.Equal(aws.ToTime(out.StopDate)) {
		t.Errorf("status %s stopDate %v, want ABORTED at %v", d.Status, d.StopDate, out.StopDate)
	}
	evs := f.history(t, arn)
	last := evs[len(evs)-1]
	if last.Type != types.HistoryEventTypeExecutionAborted || last.ExecutionAbortedEventDetails == nil ||
		aws.ToString(last.ExecutionAbortedEventDetails.Error) != "Audit.Cancelled" || aws.ToString(last.ExecutionAbortedEventDetails.Cause) != "the company withdrew" {
		t.Errorf("last event %s %+v, want ExecutionAborted with the error and cause", last.Type, last.ExecutionAbortedEventDetails)
	}
	// The auditor answers too late: the task is closed.
	_, err = f.client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(f.token(t, "audit-1")), Output: aws.String("{}")})
	wantAPIError[*types.TaskTimedOut](t, err)
}

func TestServer_SendTaskFailureFailsTheExecution(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	arn := f.start(t, "rejected", "audit-1", 80)
	if _, err := f.client.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{
		TaskToken: aws.String(f.token(t, "audit-1")), Error: aws.String("Auditor.Rejected"), Cause: aws.String("photos missing"),
	}); err != nil {
		t.Fatal(err)
	}
	d := f.describe(t, arn)
	if d.Status != types.ExecutionStatusFailed || aws.ToString(d.Error) != "Auditor.Rejected" || aws.ToString(d.Cause) != "photos missing" {
		t.Errorf("status %s error %q cause %q, want FAILED Auditor.Rejected: photos missing", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}
	evs := f.history(t, arn)
	var failed *types.TaskFailedEventDetails
	for _, e := range evs {
		if e.Type == types.HistoryEventTypeTaskFailed {
			failed = e.TaskFailedEventDetails
		}
	}
	if failed == nil || aws.ToString(failed.Error) != "Auditor.Rejected" {
		t.Errorf("TaskFailed details = %+v", failed)
	}
	// A second answer on the same token: the task is closed.
	_, err := f.client.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: aws.String(f.token(t, "audit-1"))})
	wantAPIError[*types.TaskTimedOut](t, err)
}

func TestServer_SendTaskHeartbeatKeepsTheTaskAlive(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	arn := f.start(t, "slow-auditor", "audit-1", 80)
	tok := aws.String(f.token(t, "audit-1"))

	// HeartbeatSeconds is 3600: beat every 50 minutes for 4 hours.
	for range 5 {
		if err := f.engine.Advance(ctx, 50*time.Minute); err != nil {
			t.Fatal(err)
		}
		if _, err := f.client.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: tok}); err != nil {
			t.Fatalf("SendTaskHeartbeat: %v", err)
		}
	}
	if d := f.describe(t, arn); d.Status != types.ExecutionStatusRunning {
		t.Fatalf("status %s (%s), want RUNNING while heartbeats arrive", d.Status, aws.ToString(d.Error))
	}
	// Silence for more than an hour times the task out.
	if err := f.engine.Advance(ctx, 61*time.Minute); err != nil {
		t.Fatal(err)
	}
	d := f.describe(t, arn)
	if d.Status != types.ExecutionStatusFailed || aws.ToString(d.Error) != "States.HeartbeatTimeout" {
		t.Errorf("status %s error %q, want FAILED States.HeartbeatTimeout", d.Status, aws.ToString(d.Error))
	}
	_, err := f.client.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: tok})
	wantAPIError[*types.TaskTimedOut](t, err)
	_, err = f.client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: tok, Output: aws.String("{}")})
	wantAPIError[*types.TaskTimedOut](t, err)
}

func TestServer_InvalidToken(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.start(t, "waiting", "audit-1", 80)
	real := f.token(t, "audit-1")
	for name, tok := range map[string]string{
		"garbage":       "not-a-token",
		"unknown":       real[:len(real)-4] + "AAAA",
		"too long":      strings.Repeat("A", 2049),
		"another shape": "AQB" + real,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f.client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(tok), Output: aws.String("{}")})
			wantAPIError[*types.InvalidToken](t, err)
			_, err = f.client.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: aws.String(tok)})
			wantAPIError[*types.InvalidToken](t, err)
			_, err = f.client.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: aws.String(tok)})
			wantAPIError[*types.InvalidToken](t, err)
		})
	}
	t.Run("invalid output", func(t *testing.T) {
		_, err := f.client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(real), Output: aws.String("{not json")})
		wantAPIError[*types.InvalidOutput](t, err)
	})
}

func TestServer_StateMachines(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d, err := f.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(f.smArn)})
	if err != nil {
		t.Fatal(err)
	}
	def, _ := os.ReadFile("testdata/review.asl.json")
	if aws.ToString(d.Name) != "review" || aws.ToString(d.Definition) != string(def) || aws.ToString(d.RoleArn) != roleArn ||
		d.Type != types.StateMachineTypeStandard || d.Status != types.StateMachineStatusActive || d.CreationDate == nil {
		t.Errorf("DescribeStateMachine = name %q type %s status %s role %q created %v", aws.ToString(d.Name), d.Type, d.Status, aws.ToString(d.RoleArn), d.CreationDate)
	}

	for _, name := range []string{"c", "a", "b"} {
		if _, err := f.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
			Name: aws.String(name), RoleArn: aws.String(roleArn), Definition: aws.String(`{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`),
		}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	p := sfn.NewListStateMachinesPaginator(f.client, &sfn.ListStateMachinesInput{MaxResults: 2})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, sm := range page.StateMachines {
			names = append(names, aws.ToString(sm.Name))
		}
	}
	if got := strings.Join(names, ","); got != "a,b,c,review" {
		t.Errorf("ListStateMachines = %s, want a,b,c,review", got)
	}

	t.Run("invalid definition", func(t *testing.T) {
		_, err := f.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
			Name: aws.String("broken"), RoleArn: aws.String(roleArn), Definition: aws.String(`{"StartAt":"Nowhere","States":{"P":{"Type":"Pass","End":true}}}`),
		})
		e := wantAPIError[*types.InvalidDefinition](t, err)
		if !strings.Contains(e.ErrorMessage(), "Nowhere") {
			t.Errorf("message %q does not name the missing state", e.ErrorMessage())
		}
	})
	t.Run("name taken", func(t *testing.T) {
		_, err := f.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
			Name: aws.String("a"), RoleArn: aws.String(roleArn), Definition: aws.String(`{"StartAt":"Q","States":{"Q":{"Type":"Pass","End":true}}}`),
		})
		wantAPIError[*types.StateMachineAlreadyExists](t, err)
	})
	t.Run("unknown state machine", func(t *testing.T) {
		_, err := f.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(f.smArn + "x")})
		wantAPIError[*types.StateMachineDoesNotExist](t, err)
		_, err = f.client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(f.smArn + "x")})
		wantAPIError[*types.StateMachineDoesNotExist](t, err)
	})
	t.Run("invalid input", func(t *testing.T) {
		_, err := f.client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(f.smArn), Input: aws.String("{")})
		wantAPIError[*types.InvalidExecutionInput](t, err)
	})
	t.Run("invalid name", func(t *testing.T) {
		_, err := f.client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(f.smArn), Name: aws.String("has space")})
		wantAPIError[*types.InvalidName](t, err)
	})
	t.Run("express", func(t *testing.T) {
		_, err := f.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
			Name: aws.String("fast"), RoleArn: aws.String(roleArn), Type: types.StateMachineTypeExpress,
			Definition: aws.String(`{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`),
		})
		wantAPIError[*types.ValidationException](t, err)
	})
}

// TestServer_Wire checks the protocol below the SDK: what an unsigned or
// hand-written AWS JSON 1.0 client sees.
func TestServer_Wire(t *testing.T) {
	f := newFixture(t)
	post := func(t *testing.T, target, body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, f.url+"/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		if target != "" {
			req.Header.Set("X-Amz-Target", target)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); ct != "application/x-amz-json-1.0" {
			t.Errorf("Content-Type = %q", ct)
		}
		b, _ := io.ReadAll(resp.Body)
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("body %q: %v", b, err)
		}
		return resp.StatusCode, doc
	}
	tests := []struct {
		name, target, body string
		status             int
		wantType           string
	}{
		{"unknown operation", "AWSStepFunctions.DeleteEverything", "{}", 400, "com.amazon.coral.service#UnknownOperationException"},
		{"other service", "DynamoDB_20120810.GetItem", "{}", 400, "com.amazon.coral.service#UnknownOperationException"},
		{"no target", "", "{}", 400, "com.amazon.coral.service#UnknownOperationException"},
		{"malformed body", "AWSStepFunctions.DescribeExecution", "{", 400, "com.amazon.coral.service#SerializationException"},
		{"missing member", "AWSStepFunctions.DescribeExecution", "{}", 400, "com.amazonaws.swf.service.v2.model#ValidationException"},
		{"not found", "AWSStepFunctions.DescribeExecution", `{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:review:nope"}`, 400, "com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist"},
		{"too large", "AWSStepFunctions.StartExecution", `{"input":"` + strings.Repeat("x", 1<<20) + `"}`, 413, "com.amazon.coral.service#RequestEntityTooLargeException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, doc := post(t, tt.target, tt.body)
			if status != tt.status || doc["__type"] != tt.wantType || doc["message"] == "" {
				t.Errorf("got %d %v, want %d __type %s with a message", status, doc, tt.status, tt.wantType)
			}
		})
	}
	t.Run("timestamps are epoch seconds", func(t *testing.T) {
		status, doc := post(t, "AWSStepFunctions.StartExecution", `{"stateMachineArn":"`+f.smArn+`","input":"{\"audit\":\"x\",\"answers\":[90]}"}`)
		if status != 200 {
			t.Fatalf("status %d: %v", status, doc)
		}
		if got, want := doc["startDate"], float64(asl.DefaultVirtualStart.Unix()); got != want {
			t.Errorf("startDate = %v (%T), want %v", got, got, want)
		}
	})
}

// A Task whose handler answers its own token through the API, from inside
// the settle of the StartExecution that ran it, must not deadlock.
func TestServer_HandlerCallsBackDuringStartExecution(t *testing.T) {
	reg := asl.NewRegistry()
	var client *sfn.Client
	reg.Register("auto-approve", asl.TypedHandler(func(ctx context.Context, in struct {
		Token string `json:"token"`
	}) (map[string]bool, error) {
		_, err := client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(in.Token), Output: aws.String(`{"approved":true}`)})
		return map[string]bool{"sent": err == nil}, err
	}))
	srv := httptest.NewServer(sfnapi.NewServer(asl.NewEngine(asl.Options{Registry: reg})))
	defer srv.Close()
	client = newClient(srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sm, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("auto"), RoleArn: aws.String(roleArn), Definition: aws.String(`{
		"StartAt": "Ask",
		"States": {
			"Ask": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
				"Parameters": {"FunctionName": "auto-approve", "Payload": {"token.$": "$$.Task.Token"}}, "Next": "Later"},
			"Later": {"Type": "Wait", "Seconds": 86400, "End": true}
		}}`)})
	if err != nil {
		t.Fatal(err)
	}
	start, err := client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn})
	if err != nil {
		t.Fatal(err)
	}
	d, err := client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: start.ExecutionArn})
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `{"approved":true}` {
		t.Errorf("status %s output %s (%s), want SUCCEEDED {\"approved\":true}", d.Status, aws.ToString(d.Output), aws.ToString(d.Cause))
	}
}
