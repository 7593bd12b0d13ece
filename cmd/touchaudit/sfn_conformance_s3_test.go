package main

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"touchaudit/internal/motoserver"
)

// uploadS3Fixtures uploads a case's s3/BUCKET/KEY... files to the shared
// moto_server and points sfn run at it (S3_ENDPOINT). Without the folder it
// does nothing and returns nil.
func uploadS3Fixtures(t *testing.T, root string) *s3.Client {
	t.Helper()
	buckets, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	srv := motoserver.Shared(t)
	t.Setenv("S3_ENDPOINT", srv.Endpoint)
	client := sfnS3Limits.S3(sfnS3Limits.Local(), srv.Endpoint)
	ctx := context.Background()
	for _, b := range buckets {
		if !b.IsDir() {
			continue
		}
		bucket := b.Name()
		_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
		var owned *types.BucketAlreadyOwnedByYou
		if err != nil && !errors.As(err, &owned) {
			t.Fatalf("CreateBucket %s: %v", bucket, err)
		}
		err = filepath.WalkDir(filepath.Join(root, bucket), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(filepath.Join(root, bucket), path)
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(filepath.ToSlash(rel)), Body: f})
			return err
		})
		if err != nil {
			t.Fatalf("uploading s3/%s: %v", bucket, err)
		}
	}
	return client
}

// checkResultWriter checks a ResultWriter's output and files. want is
// {"bucket": B, "prefix": P, "SUCCEEDED": [outputs...], "FAILED": [errors...],
// "PENDING": n}: the output must be {"MapRunArn", "ResultWriterDetails":
// {"Bucket": B, "Key": "P/<map run id>/manifest.json"}}, the manifest must
// name the run, and the result files must hold the children's outputs
// (decoded JSON, in item order; the outputs themselves with
// "transformation": "COMPACT") and errors.
func checkResultWriter(t *testing.T, client *s3.Client, got, want any) {
	t.Helper()
	w := want.(map[string]any)
	out, _ := got.(map[string]any)
	runArn, _ := out["MapRunArn"].(string)
	details, _ := out["ResultWriterDetails"].(map[string]any)
	bucket, _ := details["Bucket"].(string)
	key, _ := details["Key"].(string)
	id := runArn[strings.LastIndex(runArn, ":")+1:]
	prefix, _ := w["prefix"].(string)
	if !strings.HasPrefix(runArn, "arn:aws:states:us-east-1:123456789012:mapRun:") || bucket != w["bucket"] || key != prefix+id+"/manifest.json" {
		t.Fatalf("output %s, want a MapRunArn and ResultWriterDetails in bucket %v under %q", jsonText(got, true), w["bucket"], prefix)
	}
	read := func(key string) any {
		res, err := client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			t.Fatalf("GetObject %s: %v", key, err)
		}
		defer res.Body.Close()
		var v any
		if err := json.NewDecoder(res.Body).Decode(&v); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		return v
	}
	man := read(key).(map[string]any)
	if man["MapRunArn"] != runArn || man["DestinationBucket"] != bucket {
		t.Errorf("manifest %s", jsonText(man, true))
	}
	files := man["ResultFiles"].(map[string]any)
	entries := func(kind string) []any {
		var all []any
		for _, f := range files[kind].([]any) {
			all = append(all, read(f.(map[string]any)["Key"].(string)).([]any)...)
		}
		return all
	}
	var outputs []any
	for _, e := range entries("SUCCEEDED") {
		if w["transformation"] == "COMPACT" { // the file holds the outputs themselves
			outputs = append(outputs, e)
			continue
		}
		var v any
		if err := decodeNumbers([]byte(e.(map[string]any)["Output"].(string)), &v); err != nil {
			t.Fatal(err)
		}
		outputs = append(outputs, v)
	}
	var failures []any
	for _, e := range entries("FAILED") {
		failures = append(failures, e.(map[string]any)["Error"])
	}
	sort.Slice(failures, func(i, j int) bool { return failures[i].(string) < failures[j].(string) })
	wantOut, _ := w["SUCCEEDED"].([]any)
	wantFailed, _ := w["FAILED"].([]any)
	if (len(outputs) > 0 || len(wantOut) > 0) && !reflect.DeepEqual(outputs, wantOut) {
		t.Errorf("SUCCEEDED outputs %s, want %s", jsonText(outputs, true), jsonText(wantOut, true))
	}
	if (len(failures) > 0 || len(wantFailed) > 0) && !reflect.DeepEqual(failures, wantFailed) {
		t.Errorf("FAILED errors %s, want %s", jsonText(failures, true), jsonText(wantFailed, true))
	}
	if n, _ := w["PENDING"].(json.Number); n != "" && jsonText(len(entries("PENDING")), true) != string(n) {
		t.Errorf("%d PENDING entries, want %s", len(entries("PENDING")), n)
	}
}
