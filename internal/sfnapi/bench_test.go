package sfnapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Targets of the benchmark (issue 3, item 11).
const (
	batchItems         = 1000
	targetRatio        = 50          // engine executions/s over moto's
	targetWithWaitsRun = time.Second // wall time of one run with its Waits
	motoBudget         = 8 * time.Minute
)

// BenchmarkBatchMap1000 runs the batch state machine over 1,000 items, with
// its Waits (30 days, and an hour per item), on the engine behind sfnapi,
// driven by the sfn client. In the same run it times the same definition
// without Waits on moto's interpreter and reports how many times faster the
// engine is.
func BenchmarkBatchMap1000(b *testing.B) {
	ctx := context.Background()
	input := batchInput(batchItems)
	want := batchOutput(batchItems)

	// moto first: one execution takes minutes there (about 0.37 s per item),
	// and one is all a moto server can run. The budget keeps `make bench`
	// inside go test's default 10-minute timeout.
	motoCtx, cancel := context.WithTimeout(ctx, motoBudget)
	defer cancel()
	moto := motoClient(b)
	motoSM := createBatchMachine(b, moto, "batch", batchDefinition(b, false))
	const motoRuns = 1
	motoStart := time.Now()
	for range motoRuns {
		wantOutput(b, runBatch(motoCtx, b, moto, motoSM, input), want)
	}
	motoPerSec := motoRuns / time.Since(motoStart).Seconds()

	engine, client := newEngineClient(b)
	sm := createBatchMachine(b, client, "batch", batchDefinition(b, true))
	var (
		runs        int
		transitions int64
		slowest     time.Duration
	)
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		t0 := time.Now()
		d := runBatch(ctx, b, client, sm, input)
		slowest = max(slowest, time.Since(t0))
		b.StopTimer()
		wantOutput(b, d, want)
		desc, err := engine.DescribeExecution(aws.ToString(d.ExecutionArn))
		if err != nil {
			b.Fatal(err)
		}
		transitions += desc.StateTransitions
		runs++
		b.StartTimer()
	}
	b.StopTimer()
	elapsed := b.Elapsed()
	if elapsed == 0 {
		elapsed = time.Since(start)
	}
	perSec := float64(runs) / elapsed.Seconds()
	b.ReportMetric(perSec, "executions/s")
	b.ReportMetric(float64(transitions)/elapsed.Seconds(), "transitions/s")
	b.ReportMetric(float64(transitions)/float64(runs), "transitions/op")
	b.ReportMetric(slowest.Seconds(), "slowest-s")
	b.ReportMetric(motoPerSec, "moto-executions/s")
	b.ReportMetric(perSec/motoPerSec, "x-faster-than-moto")
	if perSec/motoPerSec < targetRatio {
		b.Errorf("engine %.2f executions/s is %.1f× moto's %.3f, want at least %d×", perSec, perSec/motoPerSec, motoPerSec, targetRatio)
	}
	if slowest > targetWithWaitsRun {
		b.Errorf("slowest run with Waits took %v of wall time, want under %v", slowest, targetWithWaitsRun)
	}
}
