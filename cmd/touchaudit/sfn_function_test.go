package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"touchaudit/internal/lambdart"
)

// TestSFNRun_TaskCallsABuiltBootstrap runs a state machine whose Task calls a
// real Lambda bootstrap through the local Runtime API: its result comes back,
// and its error is caught by errorType, as in AWS.
func TestSFNRun_TaskCallsABuiltBootstrap(t *testing.T) {
	dir := t.TempDir()
	bootstrap := filepath.Join(dir, "bootstrap")
	if err := lambdart.Build(context.Background(), "../../internal/lambdart/testdata/handler", bootstrap); err != nil {
		t.Fatal(err)
	}
	def := `{"StartAt":"Ok","States":{
	  "Ok":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"fixture","Payload":{"value":"dzień dobry"}},
	        "ResultSelector":{"value.$":"$.Payload.value"},"ResultPath":"$.ok","Next":"Bad"},
	  "Bad":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:fixture","Parameters":{"action":"fail"},
	        "Catch":[{"ErrorEquals":["InvalidInput"],"ResultPath":"$.caught","Next":"Done"}],"End":true},
	  "Done":{"Type":"Succeed"}}}`
	defFile := filepath.Join(dir, "fixture.asl.json")
	if err := os.WriteFile(defFile, []byte(def), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"sfn", "run", "--definition", defFile, "--function", "fixture=" + bootstrap}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var res struct {
		Status string `json:"status"`
		Output struct {
			OK     struct{ Value string } `json:"ok"`
			Caught struct{ Error string } `json:"caught"`
		} `json:"output"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("%v: %s", err, stdout.String())
	}
	if res.Status != "SUCCEEDED" || res.Output.OK.Value != "dzień dobry" || res.Output.Caught.Error != "InvalidInput" {
		t.Fatalf("got %s", stdout.String())
	}
}
