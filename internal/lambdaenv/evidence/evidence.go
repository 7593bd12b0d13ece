// Package evidence builds the S3 file store of the walks' photos and files
// for a function whose role may sign for the evidence bucket
// (internal/lambdaenv).
//
// Variables:
//
//	EVIDENCE_BUCKET  the S3 bucket of the walks' photos and files
//	S3_ENDPOINT      another S3 API (moto)
package evidence

import (
	"touchaudit/internal/audit"
	"touchaudit/internal/awsclient"
	"touchaudit/internal/lambdaenv"
	"touchaudit/internal/s3"
)

// New is the evidence file store on EVIDENCE_BUCKET, or nil when the
// variable is not set (the API then answers its evidence routes 404).
func New(e *lambdaenv.Env) audit.Files {
	bucket := e.Getenv("EVIDENCE_BUCKET")
	if bucket == "" {
		return nil
	}
	return s3.New(s3.NewClient(awsclient.Lambda, e.AWS(), e.Getenv("S3_ENDPOINT")), bucket)
}
