package audit

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Photo and file evidence (issue 13, item 3). The auditor's phone uploads
// each file straight to the file store through a presigned PUT that fixes
// its content type, size and SHA-256, so the bytes never pass through the
// API. The assignment keeps one Evidence record per file; the walk refers
// to uploaded files by id in Walkthrough.Evidence.

// Evidence is one file of a walk: a photo, an audio note or a PDF.
type Evidence struct {
	// ID is "ev-<random>.<assignment id>" (EvidenceID): the assignment is
	// found from the id alone, so a lead can open a file by its id.
	ID          string         `json:"id"`
	FileName    string         `json:"fileName"`
	ContentType string         `json:"contentType"`
	Size        int64          `json:"size"`
	SHA256      string         `json:"sha256"` // base64 of the SHA-256 of the bytes
	AttachTo    EvidenceTarget `json:"attachTo"`
	UploadedBy  string         `json:"uploadedBy"`
	CreatedAt   time.Time      `json:"createdAt"`
	// Uploaded says the file was found in the store with this size and
	// checksum; only uploaded files may be referenced by a submission.
	Uploaded   bool       `json:"uploaded"`
	UploadedAt *time.Time `json:"uploadedAt,omitempty"`
}

// EvidenceTarget is what a file documents: a timeline step (by its key), a
// criterion's answer, or the walk as a whole (both empty).
type EvidenceTarget struct {
	Step        string `json:"step,omitempty"`
	CriterionID string `json:"criterionId,omitempty"`
}

// Evidence limits.
const (
	// MaxEvidenceSize is issue 13's "for example 10 MB" as 10 MiB: the phone
	// downsizes photos to well under it, an audio note of a few minutes
	// fits, and the PUT to the store is one request.
	MaxEvidenceSize = 10 << 20
	// MaxFileName bounds a file's name, kept only to show it.
	MaxFileName = 200
	// EvidenceUploadTTL is how long a presigned PUT stays valid: long
	// enough to send 10 MiB over a slow mobile link, short enough that a
	// leaked URL is soon useless. A later upload asks for a new URL.
	EvidenceUploadTTL = 15 * time.Minute
	// EvidenceViewTTL is how long a presigned GET for the console lives
	// (issue 13: "short-lived"; 5 minutes in the API contract).
	EvidenceViewTTL = 5 * time.Minute
	// EvidencePrefix is the key prefix of every file in the store; the
	// bucket policy and the function's permissions are scoped to it
	// (template.yaml).
	EvidencePrefix = "evidence/"
)

// EvidenceContentTypes are the accepted file types: photos the phone takes
// (JPEG, PNG, WebP), audio notes as browsers record them (MP4/AAC, MPEG,
// WebM/Opus) and PDF documents.
var EvidenceContentTypes = []string{
	"image/jpeg", "image/png", "image/webp",
	"audio/mp4", "audio/mpeg", "audio/webm",
	"application/pdf",
}

// Files is the file store port: presigned uploads and downloads, and what is
// stored under a key. internal/s3 implements it on an S3 bucket and
// internal/filestore in a local folder.
type Files interface {
	// PresignPut returns a request that uploads exactly the file described
	// (content type, size, SHA-256) to key, valid for ttl.
	PresignPut(ctx context.Context, key string, f FileSpec, ttl time.Duration) (PresignedRequest, error)
	// PresignGet returns a request that downloads key, valid for ttl.
	PresignGet(ctx context.Context, key string, ttl time.Duration) (PresignedRequest, error)
	// Stat describes the file stored under key; NotFound when there is none.
	Stat(ctx context.Context, key string) (FileSpec, error)
}

// FileSpec is a file's content type, size in bytes and base64 SHA-256.
// Stat leaves SHA256 empty when the store kept no checksum.
type FileSpec struct {
	ContentType string
	Size        int64
	SHA256      string
}

// PresignedRequest is a request the client sends as is: the method, the URL
// and the headers it must carry (signed, so each must be sent exactly).
type PresignedRequest struct {
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
	ExpiresAt time.Time         `json:"expiresAt"`
}

// evidenceIDPrefix starts every evidence id; evidenceRandLen is the length
// of its random part (16 bytes in unpadded base32).
const (
	evidenceIDPrefix = "ev-"
	evidenceRandLen  = 26
)

var evidenceEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewEvidenceID returns a new random id for a file of assignmentID.
func NewEvidenceID(assignmentID string) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return evidenceIDPrefix + evidenceEncoding.EncodeToString(b) + "." + assignmentID
}

// EvidenceAssignment is the assignment id inside an evidence id, or false
// when id is not one.
func EvidenceAssignment(id string) (string, bool) {
	rest, ok := strings.CutPrefix(id, evidenceIDPrefix)
	if !ok || len(rest) < evidenceRandLen+2 || rest[evidenceRandLen] != '.' {
		return "", false
	}
	for _, r := range rest[:evidenceRandLen] {
		if !(r >= 'a' && r <= 'z' || r >= '2' && r <= '7') {
			return "", false
		}
	}
	a := rest[evidenceRandLen+1:]
	if len(a) > MaxKey*2 || strings.ContainsAny(a, "/\\") || strings.Contains(a, "..") {
		return "", false
	}
	return a, true
}

// EvidenceKey is the file store key of an evidence file.
func EvidenceKey(companyID, assignmentID, evidenceID string) string {
	return EvidencePrefix + companyID + "/" + assignmentID + "/" + evidenceID
}

// FindEvidence returns the assignment's evidence record with the given id.
func (a *Assignment) FindEvidence(id string) (*Evidence, bool) {
	for i := range a.Evidence {
		if a.Evidence[i].ID == id {
			return &a.Evidence[i], true
		}
	}
	return nil, false
}

// EvidenceOnlySince reports whether every write to the assignment since
// version v added or confirmed an evidence record. Such writes do not make
// a client's version stale: uploading a photo must not turn the form's next
// draft save into a conflict.
func (a *Assignment) EvidenceOnlySince(v int) bool {
	if v < 0 || v > a.Version {
		return false
	}
	for x := v; x < a.Version; x++ {
		if !slices.Contains(a.EvidenceWrites, x) {
			return false
		}
	}
	return true
}

// CheckFileSpec checks a requested upload: an accepted content type, a size
// in 1..MaxEvidenceSize and a base64 SHA-256. Problems name the request's
// fields.
func CheckFileSpec(fileName string, f FileSpec, to EvidenceTarget) []Problem {
	var probs []Problem
	add := func(path, format string, args ...any) {
		probs = append(probs, Problem{Path: path, Reason: fmt.Sprintf(format, args...)})
	}
	switch {
	case strings.TrimSpace(fileName) == "":
		add("fileName", "is required")
	case utf8.RuneCountInString(fileName) > MaxFileName:
		add("fileName", "at most %d characters, not %d", MaxFileName, utf8.RuneCountInString(fileName))
	case !utf8.ValidString(fileName) || strings.ContainsAny(fileName, "/\\") || strings.ContainsFunc(fileName, unicode.IsControl):
		add("fileName", "must be a file name without slashes or control characters")
	}
	if !slices.Contains(EvidenceContentTypes, f.ContentType) {
		add("contentType", "must be one of %s, not %q", strings.Join(EvidenceContentTypes, ", "), f.ContentType)
	}
	switch {
	case f.Size <= 0:
		add("size", "must be the file's size in bytes, more than 0")
	case f.Size > MaxEvidenceSize:
		add("size", "at most %d bytes (10 MiB), not %d: downsize the photo or shorten the note", MaxEvidenceSize, f.Size)
	}
	if sum, err := base64.StdEncoding.DecodeString(f.SHA256); err != nil || len(sum) != 32 {
		add("sha256", "must be the base64 SHA-256 of the file (44 characters)")
	}
	switch {
	case to.Step != "" && to.CriterionID != "":
		add("attachTo", "name a step or a criterion, not both")
	case utf8.RuneCountInString(to.Step) > MaxKey:
		add("attachTo.step", "at most %d characters", MaxKey)
	case utf8.RuneCountInString(to.CriterionID) > MaxKey:
		add("attachTo.criterionId", "at most %d characters", MaxKey)
	}
	return probs
}
