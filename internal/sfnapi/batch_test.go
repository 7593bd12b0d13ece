package sfnapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"touchaudit/internal/asl"
	"touchaudit/internal/sfnapi"
)

// The batch state machine (testdata/map1000.asl.json) is the benchmark's
// workload: Prepare → Wait 30 days → Map(Choice → Pass → Wait 1 h → Pass)
// → Summarise. Its Waits add this much virtual time.
const batchWaits = 30*24*time.Hour + time.Hour

// batchDefinition returns the batch state machine, or the same with its
// Wait states removed (what moto runs: its interpreter sleeps through Waits).
func batchDefinition(tb testing.TB, waits bool) string {
	tb.Helper()
	b, err := os.ReadFile("testdata/map1000.asl.json")
	if err != nil {
		tb.Fatal(err)
	}
	if waits {
		return string(b)
	}
	var def map[string]any
	if err := json.Unmarshal(b, &def); err != nil {
		tb.Fatal(err)
	}
	removeWaits(tb, def)
	out, err := json.Marshal(def)
	if err != nil {
		tb.Fatal(err)
	}
	return string(out)
}

// removeWaits deletes a (sub-)machine's Wait states, pointing whatever led
// to a Wait at the Wait's Next, in nested Map and Parallel machines too.
func removeWaits(tb testing.TB, machine map[string]any) {
	tb.Helper()
	states := machine["States"].(map[string]any)
	skip := map[string]string{}
	for name, s := range states {
		st := s.(map[string]any)
		if st["Type"] == "Wait" {
			next, ok := st["Next"].(string)
			if !ok {
				tb.Fatalf("Wait state %s ends its machine; removeWaits cannot remove it", name)
			}
			skip[name] = next
			delete(states, name)
		}
	}
	resolve := func(name string) string {
		for {
			next, ok := skip[name]
			if !ok {
				return name
			}
			name = next
		}
	}
	relink := func(m map[string]any, key string) {
		if n, ok := m[key].(string); ok {
			m[key] = resolve(n)
		}
	}
	relink(machine, "StartAt")
	for _, s := range states {
		st := s.(map[string]any)
		relink(st, "Next")
		relink(st, "Default")
		for _, key := range []string{"Choices", "Catch"} {
			list, _ := st[key].([]any)
			for _, c := range list {
				relink(c.(map[string]any), "Next")
			}
		}
		for _, key := range []string{"ItemProcessor", "Iterator"} {
			if sub, ok := st[key].(map[string]any); ok {
				removeWaits(tb, sub)
			}
		}
		branches, _ := st["Branches"].([]any)
		for _, br := range branches {
			removeWaits(tb, br.(map[string]any))
		}
	}
}

// batchInput is a batch of n items with scores spread over 0..99.
func batchInput(n int) string {
	items := make([]map[string]any, n)
	for i := range items {
		items[i] = map[string]any{"id": fmt.Sprintf("u%d", i), "score": (i * 37) % 100}
	}
	b, _ := json.Marshal(map[string]any{"batch": "2024-H1", "items": items})
	return string(b)
}

// batchOutput is what the batch state machine returns for batchInput(n),
// worked out by hand from the definition.
func batchOutput(n int) any {
	scored := make([]any, n)
	for i := range scored {
		score := (i * 37) % 100
		tier, points := "low", score-5
		if score >= 50 {
			tier, points = "high", score+10
		}
		scored[i] = map[string]any{"index": float64(i), "points": float64(points), "label": fmt.Sprintf("%s:%d", tier, points)}
	}
	return map[string]any{
		"batch": "batch-2024-H1", "count": float64(n), "scoredCount": float64(n), "last": scored[n-1], "scored": scored,
	}
}

// runBatch creates the batch state machine on an sfn endpoint, runs one
// execution to its end (polling DescribeExecution, as application code
// would) and returns the description.
func runBatch(ctx context.Context, tb testing.TB, client *sfn.Client, smArn, input string) *sfn.DescribeExecutionOutput {
	tb.Helper()
	start, err := client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(smArn), Input: aws.String(input)})
	if err != nil {
		tb.Fatalf("StartExecution: %v", err)
	}
	for {
		d, err := client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: start.ExecutionArn})
		if err != nil {
			tb.Fatalf("DescribeExecution: %v", err)
		}
		if d.Status != types.ExecutionStatusRunning {
			return d
		}
		select {
		case <-ctx.Done():
			tb.Fatalf("execution still running: %v", ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func createBatchMachine(tb testing.TB, client *sfn.Client, name, definition string) string {
	tb.Helper()
	out, err := client.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{
		Name: aws.String(name), Definition: aws.String(definition), RoleArn: aws.String(roleArn),
	})
	if err != nil {
		tb.Fatalf("CreateStateMachine %s: %v", name, err)
	}
	return aws.ToString(out.StateMachineArn)
}

// newEngineClient serves a fresh virtual-time engine and returns a client.
func newEngineClient(tb testing.TB) (*asl.Engine, *sfn.Client) {
	e := asl.NewEngine(asl.Options{})
	srv := httptest.NewServer(sfnapi.NewServer(e))
	tb.Cleanup(srv.Close)
	return e, newClient(srv.URL)
}

func wantOutput(tb testing.TB, d *sfn.DescribeExecutionOutput, want any) {
	tb.Helper()
	if d.Status != types.ExecutionStatusSucceeded {
		tb.Fatalf("status %s (%s: %s), want SUCCEEDED", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}
	var got any
	if err := json.Unmarshal([]byte(aws.ToString(d.Output)), &got); err != nil {
		tb.Fatalf("output %q: %v", aws.ToString(d.Output), err)
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		tb.Fatalf("output:\n got %.2000s\nwant %.2000s", g, w)
	}
}

func TestBatch_RunsOnEngineInVirtualTime(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{1, 7, 1000} {
		t.Run(fmt.Sprintf("items=%d", n), func(t *testing.T) {
			_, client := newEngineClient(t)
			sm := createBatchMachine(t, client, "batch", batchDefinition(t, true))
			d := runBatch(ctx, t, client, sm, batchInput(n))
			wantOutput(t, d, batchOutput(n))
			if got := d.StopDate.Sub(*d.StartDate); got != batchWaits {
				t.Errorf("virtual duration %v, want the Waits' %v", got, batchWaits)
			}
		})
	}
}

func TestBatch_WithoutWaits(t *testing.T) {
	def := batchDefinition(t, false)
	var m map[string]any
	_ = json.Unmarshal([]byte(def), &m)
	if _, ok := m["States"].(map[string]any)["Cooldown"]; ok || m["States"].(map[string]any)["Prepare"].(map[string]any)["Next"] != "ScoreItems" {
		t.Errorf("Cooldown not removed: %s", def)
	}
	ctx := context.Background()
	_, client := newEngineClient(t)
	sm := createBatchMachine(t, client, "batch-nowait", def)
	d := runBatch(ctx, t, client, sm, batchInput(7))
	wantOutput(t, d, batchOutput(7))
	if !d.StopDate.Equal(*d.StartDate) {
		t.Errorf("without Waits the run took %v of virtual time, want none", d.StopDate.Sub(*d.StartDate))
	}
}
