package evidence_test

import (
	"strings"
	"testing"
	"time"

	"touchaudit/internal/lambdaenv/evidence"
	"touchaudit/internal/lambdaenv/lambdaenvtest"
)

func TestNew_OnlyWithABucket(t *testing.T) {
	if f := evidence.New(lambdaenvtest.Load(t, nil)); f != nil {
		t.Errorf("a file store without EVIDENCE_BUCKET: %#v", f)
	}
	files := evidence.New(lambdaenvtest.Load(t, map[string]string{"EVIDENCE_BUCKET": "touchaudit-evidence"}))
	if files == nil {
		t.Fatal("no file store with EVIDENCE_BUCKET")
	}
	req, err := files.PresignGet(t.Context(), "evidence/bank-pl/a1/ev-1", 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(req.URL, "https://touchaudit-evidence.s3.eu-central-1.amazonaws.com/evidence/bank-pl/a1/ev-1?") {
		t.Errorf("download URL %s", req.URL)
	}
}
