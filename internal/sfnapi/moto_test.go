package sfnapi_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"touchaudit/internal/motoserver"
)

// motoExecuteConfig makes moto run state machines with its interpreter
// instead of only recording executions (moto 5.2, moto/core/config.py:
// default_user_config["stepfunctions"]["execute_state_machine"], set in
// server mode by POST /moto-api/config).
const motoExecuteConfig = `{"stepfunctions": {"execute_state_machine": true}}`

// motoClient starts a private moto_server with state machine execution
// enabled and returns an sfn client for it. Private, because moto 5.2.1
// runs one execution per server: the next StartExecution deep-copies the
// state machine together with the finished execution's lock and fails with
// HTTP 500 ("cannot pickle '_thread.RLock' object").
func motoClient(tb testing.TB) *sfn.Client {
	tb.Helper()
	srv := motoserver.New(tb)
	resp, err := http.Post(srv.Endpoint+"/moto-api/config", "application/json", strings.NewReader(motoExecuteConfig))
	if err != nil {
		tb.Fatalf("enable moto's interpreter: %v", err)
	}
	defer resp.Body.Close()
	// moto 5.2 stores the stepfunctions key but echoes only batch and
	// lambda, so the answer's status is all there is to check.
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		tb.Fatalf("enable moto's interpreter: POST /moto-api/config: %s: %s", resp.Status, b)
	}
	return newClient(srv.Endpoint)
}

// TestBatch_MotoAgrees runs the batch state machine without its Waits on
// moto's interpreter and on the engine: both must give the same output.
func TestBatch_MotoAgrees(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const n = 7
	def := batchDefinition(t, false)

	moto := motoClient(t)
	d := runBatch(ctx, t, moto, createBatchMachine(t, moto, "sfnapi-batch-agrees", def), batchInput(n))
	wantOutput(t, d, batchOutput(n))

	_, engine := newEngineClient(t)
	d = runBatch(ctx, t, engine, createBatchMachine(t, engine, "batch", def), batchInput(n))
	wantOutput(t, d, batchOutput(n))
}
