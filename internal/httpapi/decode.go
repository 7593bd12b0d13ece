package httpapi

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"touchaudit/internal/audit"
	"touchaudit/internal/strictjson"
)

// Body limits. API Gateway accepts 10 MB and Lambda 6 MB; the API takes far
// less, because a walk is a few KiB and a larger body is a mistake or abuse.
const (
	// MaxBody bounds every request body (issue 6: "a body over 64 KiB gets 413").
	MaxBody = 64 << 10
	// MaxCompanyBody bounds PUT /api/company: the sample bank's configuration
	// is 123 KB of JSON, and the store keeps it as one item of at most
	// 350 KB compressed (internal/dynamo).
	MaxCompanyBody = 512 << 10
)

// body returns the request body, decoded from base64 when API Gateway
// encoded it, refusing more than limit bytes before and after decoding.
func body(req *events.APIGatewayV2HTTPRequest, limit int) ([]byte, error) {
	if !req.IsBase64Encoded {
		if len(req.Body) > limit {
			return nil, tooLarge(limit)
		}
		return []byte(req.Body), nil
	}
	if len(req.Body) > base64.StdEncoding.EncodedLen(limit) {
		return nil, tooLarge(limit)
	}
	b, err := base64.StdEncoding.DecodeString(req.Body)
	if err != nil {
		return nil, errorf(audit.Invalid, "body is not valid base64")
	}
	if len(b) > limit {
		return nil, tooLarge(limit)
	}
	return b, nil
}

func tooLarge(limit int) error {
	return errorf(codeTooLarge, "request body over %d KiB", limit>>10)
}

// decode reads one JSON value into v strictly: an unknown field, a name
// given twice, a wrong type, malformed JSON, invalid UTF-8 or data after the
// value is a 400 naming the field's full path ("walkthrough.timeline[1].end").
// Names match exactly (case-sensitive). An empty body decodes as {} when
// emptyOK.
func decode(b []byte, v any, emptyOK bool) error {
	if len(bytes.TrimSpace(b)) == 0 {
		if emptyOK {
			return nil
		}
		return errorf(audit.Invalid, "a JSON body is required")
	}
	// RFC 8259 leaves duplicate names undefined; encoding/json keeps the
	// last, so a proxy and the API could read different walks. This decoder
	// refuses them, as it refuses invalid UTF-8.
	if err := strictjson.Unmarshal(b, v); err != nil {
		return decodeError(err)
	}
	return nil
}

func decodeError(err error) error {
	var e *strictjson.Error
	if !errors.As(err, &e) {
		// No detail of an unexpected decoder error reaches the client.
		return errorf(audit.Invalid, "invalid JSON")
	}
	path := pointerPath(e.Pointer)
	switch {
	case errors.Is(e.Err, strictjson.ErrDuplicateName):
		return &audit.Error{Code: audit.Invalid, Message: fmt.Sprintf("duplicate field %q", path),
			Problems: []audit.Problem{{Path: path, Reason: "duplicate field: give each field once"}}}
	case errors.Is(e.Err, io.ErrUnexpectedEOF):
		return errorf(audit.Invalid, "invalid JSON: unexpected end of input")
	case e.Syntax:
		return errorf(audit.Invalid, "invalid JSON at byte %d: %v", e.Offset, e.Err)
	case errors.Is(e.Err, strictjson.ErrUnknownName):
		return &audit.Error{Code: audit.Invalid, Message: fmt.Sprintf("unknown field %q", path),
			Problems: []audit.Problem{{Path: path, Reason: "unknown field: not accepted here"}}}
	case path == "":
		return errorf(audit.Invalid, "invalid JSON: the body must be a JSON object")
	case e.Err == nil:
		return invalidField(path, "cannot be a JSON %s", kindName(e.JSONKind))
	}
	// A field's own decoding failed (a number out of range).
	return invalidField(path, "invalid value")
}

func kindName(k strictjson.Kind) string {
	switch k {
	case '"':
		return "string"
	case '0':
		return "number"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "value"
}

// pointerPath turns the JSON pointer "/walkthrough/timeline/1/end" into the
// field path "walkthrough.timeline[1].end".
func pointerPath(p []string) string {
	var b strings.Builder
	for _, tok := range p {
		if _, err := strconv.Atoi(tok); err == nil {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}
