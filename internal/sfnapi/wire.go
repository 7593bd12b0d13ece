package sfnapi

import (
	"encoding/json"
	"strconv"
	"time"

	"touchaudit/internal/asl"
)

// epoch is a timestamp on the wire: AWS JSON 1.0 sends timestamps as
// seconds since the epoch, a JSON number with a fraction for milliseconds.
type epoch time.Time

func (t epoch) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(time.Time(t).UnixMilli())/1e3, 'f', -1, 64), nil
}

// optionalEpoch is nil for a zero time (stopDate of a running execution).
func optionalEpoch(t time.Time) *epoch {
	if t.IsZero() {
		return nil
	}
	e := epoch(t)
	return &e
}

// The request and response documents below carry the member names of the
// Step Functions API reference (and of aws-sdk-go-v2's serializers).

type createStateMachineInput struct {
	Name       string `json:"name"`
	Definition string `json:"definition"`
	RoleArn    string `json:"roleArn"`
	Type       string `json:"type"`
}

type createStateMachineOutput struct {
	StateMachineArn string `json:"stateMachineArn"`
	CreationDate    epoch  `json:"creationDate"`
}

type describeStateMachineInput struct {
	StateMachineArn string `json:"stateMachineArn"`
}

type describeStateMachineOutput struct {
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	Status          string `json:"status"`
	Definition      string `json:"definition"`
	RoleArn         string `json:"roleArn"`
	Type            string `json:"type"`
	CreationDate    epoch  `json:"creationDate"`
	RevisionID      string `json:"revisionId,omitempty"`
}

type listStateMachinesInput struct {
	MaxResults int    `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

type stateMachineListItem struct {
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	Type            string `json:"type"`
	CreationDate    epoch  `json:"creationDate"`
}

type listStateMachinesOutput struct {
	StateMachines []stateMachineListItem `json:"stateMachines"`
	NextToken     string                 `json:"nextToken,omitempty"`
}

type startExecutionInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	Input           string `json:"input"`
	TraceHeader     string `json:"traceHeader"`
}

type startExecutionOutput struct {
	ExecutionArn string `json:"executionArn"`
	StartDate    epoch  `json:"startDate"`
}

type executionArnInput struct {
	ExecutionArn string `json:"executionArn"`
}

type payloadDetails struct {
	Included bool `json:"included"`
}

type describeExecutionOutput struct {
	ExecutionArn    string          `json:"executionArn"`
	StateMachineArn string          `json:"stateMachineArn"`
	Name            string          `json:"name"`
	Status          string          `json:"status"`
	StartDate       epoch           `json:"startDate"`
	StopDate        *epoch          `json:"stopDate,omitempty"`
	Input           string          `json:"input"`
	InputDetails    payloadDetails  `json:"inputDetails"`
	Output          *string         `json:"output,omitempty"`
	OutputDetails   *payloadDetails `json:"outputDetails,omitempty"`
	Error           string          `json:"error,omitempty"`
	Cause           string          `json:"cause,omitempty"`
	RedriveCount    int             `json:"redriveCount"`
	MapRunArn       string          `json:"mapRunArn,omitempty"`
}

type getExecutionHistoryInput struct {
	ExecutionArn string `json:"executionArn"`
	MaxResults   int    `json:"maxResults"`
	NextToken    string `json:"nextToken"`
	ReverseOrder bool   `json:"reverseOrder"`
	// IncludeExecutionData defaults to true (API reference).
	IncludeExecutionData *bool `json:"includeExecutionData"`
}

// historyEvent is the engine's event, whose members already carry the API's
// names, with the timestamp in epoch seconds: the outer field wins over the
// embedded one of the same JSON name.
type historyEvent struct {
	asl.HistoryEvent
	Timestamp epoch `json:"timestamp"`
}

type getExecutionHistoryOutput struct {
	Events    []json.RawMessage `json:"events"`
	NextToken string            `json:"nextToken,omitempty"`
}

type listExecutionsInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	StatusFilter    string `json:"statusFilter"`
	MaxResults      int    `json:"maxResults"`
	NextToken       string `json:"nextToken"`
	MapRunArn       string `json:"mapRunArn"`
	RedriveFilter   string `json:"redriveFilter"`
}

type executionListItem struct {
	ExecutionArn    string `json:"executionArn"`
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	Status          string `json:"status"`
	StartDate       epoch  `json:"startDate"`
	StopDate        *epoch `json:"stopDate,omitempty"`
	MapRunArn       string `json:"mapRunArn,omitempty"`
}

type listExecutionsOutput struct {
	Executions []executionListItem `json:"executions"`
	NextToken  string              `json:"nextToken,omitempty"`
}

type stopExecutionInput struct {
	ExecutionArn string `json:"executionArn"`
	Error        string `json:"error"`
	Cause        string `json:"cause"`
}

type stopExecutionOutput struct {
	StopDate epoch `json:"stopDate"`
}

type sendTaskSuccessInput struct {
	TaskToken string  `json:"taskToken"`
	Output    *string `json:"output"`
}

type sendTaskFailureInput struct {
	TaskToken string `json:"taskToken"`
	Error     string `json:"error"`
	Cause     string `json:"cause"`
}

type sendTaskHeartbeatInput struct {
	TaskToken string `json:"taskToken"`
}

// empty is the response of the SendTask* calls.
type empty struct{}

type updateStateMachineInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	Definition      string `json:"definition"`
	RoleArn         string `json:"roleArn"`
	Publish         bool   `json:"publish"`
}

type updateStateMachineOutput struct {
	UpdateDate epoch  `json:"updateDate"`
	RevisionID string `json:"revisionId"`
}

type validateInput struct {
	Definition string `json:"definition"`
	Type       string `json:"type"`
	Severity   string `json:"severity"`
	MaxResults int    `json:"maxResults"`
}

type diagnostic struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Location string `json:"location,omitempty"`
}

type validateOutput struct {
	Result      string       `json:"result"`
	Diagnostics []diagnostic `json:"diagnostics"`
	Truncated   bool         `json:"truncated"`
}

type testStateInput struct {
	Definition      string `json:"definition"`
	RoleArn         string `json:"roleArn"`
	Input           string `json:"input"`
	InspectionLevel string `json:"inspectionLevel"`
	RevealSecrets   bool   `json:"revealSecrets"`
	Variables       string `json:"variables"`
	StateName       string `json:"stateName"`
	Mock            *struct {
		Result      *string `json:"result"`
		ErrorOutput *struct {
			Error string `json:"error"`
			Cause string `json:"cause"`
		} `json:"errorOutput"`
	} `json:"mock"`
	StateConfiguration *struct {
		RetrierRetryCount int64 `json:"retrierRetryCount"`
	} `json:"stateConfiguration"`
}

type inspectionErrorDetails struct {
	CatchIndex                  *int   `json:"catchIndex,omitempty"`
	RetryIndex                  *int   `json:"retryIndex,omitempty"`
	RetryBackoffIntervalSeconds *int64 `json:"retryBackoffIntervalSeconds,omitempty"`
}

type inspectionData struct {
	Input               *string                 `json:"input,omitempty"`
	AfterInputPath      *string                 `json:"afterInputPath,omitempty"`
	AfterParameters     *string                 `json:"afterParameters,omitempty"`
	Result              *string                 `json:"result,omitempty"`
	AfterResultSelector *string                 `json:"afterResultSelector,omitempty"`
	AfterResultPath     *string                 `json:"afterResultPath,omitempty"`
	ErrorDetails        *inspectionErrorDetails `json:"errorDetails,omitempty"`
}

type testStateOutput struct {
	Status         string          `json:"status"`
	Output         *string         `json:"output,omitempty"`
	Error          string          `json:"error,omitempty"`
	Cause          string          `json:"cause,omitempty"`
	NextState      string          `json:"nextState,omitempty"`
	InspectionData *inspectionData `json:"inspectionData,omitempty"`
}

type mapRunArnInput struct {
	MapRunArn string `json:"mapRunArn"`
}

// mapRunCounts are DescribeMapRun's itemCounts and executionCounts.
type mapRunCounts struct {
	Pending        int64 `json:"pending"`
	Running        int64 `json:"running"`
	Succeeded      int64 `json:"succeeded"`
	Failed         int64 `json:"failed"`
	TimedOut       int64 `json:"timedOut"`
	Aborted        int64 `json:"aborted"`
	Total          int64 `json:"total"`
	ResultsWritten int64 `json:"resultsWritten"`
}

type describeMapRunOutput struct {
	MapRunArn                  string       `json:"mapRunArn"`
	ExecutionArn               string       `json:"executionArn"`
	Status                     string       `json:"status"`
	StartDate                  epoch        `json:"startDate"`
	StopDate                   *epoch       `json:"stopDate,omitempty"`
	MaxConcurrency             int          `json:"maxConcurrency"`
	ToleratedFailurePercentage float64      `json:"toleratedFailurePercentage"`
	ToleratedFailureCount      int64        `json:"toleratedFailureCount"`
	ItemCounts                 mapRunCounts `json:"itemCounts"`
	ExecutionCounts            mapRunCounts `json:"executionCounts"`
	RedriveCount               int          `json:"redriveCount"`
}

type listMapRunsInput struct {
	ExecutionArn string `json:"executionArn"`
	MaxResults   int    `json:"maxResults"`
	NextToken    string `json:"nextToken"`
}

type mapRunListItem struct {
	ExecutionArn    string `json:"executionArn"`
	MapRunArn       string `json:"mapRunArn"`
	StateMachineArn string `json:"stateMachineArn"`
	StartDate       epoch  `json:"startDate"`
	StopDate        *epoch `json:"stopDate,omitempty"`
}

type listMapRunsOutput struct {
	MapRuns   []mapRunListItem `json:"mapRuns"`
	NextToken string           `json:"nextToken,omitempty"`
}
