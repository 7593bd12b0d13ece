package awss3_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"touchaudit/internal/asl"
	"touchaudit/internal/asl/awss3"
	"touchaudit/internal/awsclient"
	"touchaudit/internal/motoserver"
	s3store "touchaudit/internal/s3"
)

// limits are a local client's: no per-attempt timeout, as an object's
// body is read after the attempt (awss3.CallTimeout bounds each call).
var limits = awsclient.Limits{DialTimeout: time.Second, TLSHandshakeTimeout: 2 * time.Second, MaxAttempts: 3,
	BaseBackoff: 50 * time.Millisecond, MaxBackoff: 500 * time.Millisecond}

// motoBucket returns a client of the shared moto_server and creates bucket
// with the given objects.
func motoBucket(t *testing.T, bucket string, objects map[string]string) *s3.Client {
	t.Helper()
	srv := motoserver.Shared(t)
	client := s3store.NewClient(limits, limits.Local(), srv.Endpoint)
	ctx := context.Background()
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	for k, v := range objects {
		if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: strings.NewReader(v)}); err != nil {
			t.Fatalf("PutObject %s: %v", k, err)
		}
	}
	return client
}

func TestAdapter_Calls(t *testing.T) {
	client := motoBucket(t, "awss3-calls", map[string]string{"in/a.json": `[1,2]`, "in/b.csv": "x\n1\n", "other.txt": "o"})
	a := awss3.New(client)
	ctx := context.Background()
	body, err := a.GetObject(ctx, "awss3-calls", "in/a.json", "")
	if err != nil || string(body) != `[1,2]` {
		t.Errorf("GetObject: %q %v", body, err)
	}
	objs, err := a.ListObjects(ctx, "awss3-calls", "in/")
	if err != nil || len(objs) != 2 {
		t.Fatalf("ListObjects: %+v %v", objs, err)
	}
	if objs[0].Key != "in/a.json" || objs[0].Size != 5 || !strings.HasPrefix(objs[0].ETag, `"`) || objs[0].StorageClass != "STANDARD" || objs[0].LastModified.IsZero() {
		t.Errorf("first object %+v", objs[0])
	}
	if err := a.PutObject(ctx, "awss3-calls", "out/r.json", []byte(`{"ok":true}`)); err != nil {
		t.Fatal(err)
	}
	if body, err := a.GetObject(ctx, "awss3-calls", "out/r.json", ""); err != nil || string(body) != `{"ok":true}` {
		t.Errorf("read back: %q %v", body, err)
	}
	_, err = a.GetObject(ctx, "awss3-calls", "missing.json", "")
	var se *awss3.Error
	if !errors.As(err, &se) || se.Code != "NoSuchKey" || !strings.Contains(err.Error(), "GetObject s3://awss3-calls/missing.json: NoSuchKey") {
		t.Errorf("missing key: %v", err)
	}
	if _, err := a.ListObjects(ctx, "awss3-no-such-bucket", ""); !errors.As(err, &se) || se.Code != "NoSuchBucket" {
		t.Errorf("missing bucket: %v", err)
	}
}

// TestAdapter_DistributedMap runs a Distributed Map that reads a CSV from
// moto's S3 and writes its results there, and reads them back.
func TestAdapter_DistributedMap(t *testing.T) {
	client := motoBucket(t, "awss3-dmap", map[string]string{"visits.csv": "store,score\nKrakow,80\nGdansk,95\n"})
	e := asl.NewEngine(asl.Options{S3: awss3.New(client)})
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","Label":"Visits",
		"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW"},"Parameters":{"Bucket":"awss3-dmap","Key":"visits.csv"}},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"s.$":"$.store"},"End":true}}},
		"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"awss3-dmap","Prefix":"results"}},"End":true}}}`
	sm, err := e.CreateStateMachine(asl.CreateStateMachineInput{Name: "visits", Definition: def})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := e.StartExecution(asl.StartExecutionInput{StateMachineArn: sm.StateMachineArn})
	d, err := e.WaitForExecution(context.Background(), st.ExecutionArn)
	if err != nil || d.Output == nil {
		t.Fatalf("%+v %v", d, err)
	}
	var out struct {
		MapRunArn           string
		ResultWriterDetails struct{ Bucket, Key string }
	}
	if err := json.Unmarshal([]byte(*d.Output), &out); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a := awss3.New(client)
	raw, err := a.GetObject(ctx, out.ResultWriterDetails.Bucket, out.ResultWriterDetails.Key, "")
	if err != nil {
		t.Fatal(err)
	}
	var man struct {
		MapRunArn   string
		ResultFiles map[string][]struct {
			Key  string
			Size int
		}
	}
	if err := json.Unmarshal(raw, &man); err != nil || man.MapRunArn != out.MapRunArn || len(man.ResultFiles["SUCCEEDED"]) != 1 {
		t.Fatalf("manifest %s: %v", raw, err)
	}
	f := man.ResultFiles["SUCCEEDED"][0]
	raw, err = a.GetObject(ctx, "awss3-dmap", f.Key, "")
	if err != nil || len(raw) != f.Size || !strings.HasPrefix(f.Key, "results/") {
		t.Fatalf("%s: %d bytes, manifest says %d: %v", f.Key, len(raw), f.Size, err)
	}
	// An item read from CSV keeps the header's column order.
	var results []struct{ Input, Output, Status string }
	if err := json.Unmarshal(raw, &results); err != nil || len(results) != 2 {
		t.Fatalf("results %s: %v", raw, err)
	}
	if results[0].Input != `{"store":"Krakow","score":"80"}` || results[0].Output != `{"s":"Krakow"}` || results[1].Output != `{"s":"Gdansk"}` || results[0].Status != "SUCCEEDED" {
		t.Errorf("results %+v", results)
	}
}
