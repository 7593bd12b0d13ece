package httpapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"touchaudit/internal/audit"
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

// decode reads one JSON value into v strictly: an unknown field, a wrong
// type, malformed JSON or data after the value is a 400 naming what is
// wrong. An empty body decodes as {} when emptyOK.
func decode(b []byte, v any, emptyOK bool) error {
	if len(bytes.TrimSpace(b)) == 0 {
		if emptyOK {
			return nil
		}
		return errorf(audit.Invalid, "a JSON body is required")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errorf(audit.Invalid, "invalid JSON: data after the JSON value")
	}
	return nil
}

func decodeError(err error) error {
	var (
		syntax  *json.SyntaxError
		typeErr *json.UnmarshalTypeError
	)
	msg := strings.TrimPrefix(err.Error(), "json: ")
	switch {
	case errors.As(err, &syntax):
		return errorf(audit.Invalid, "invalid JSON at byte %d: %s", syntax.Offset, msg)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return errorf(audit.Invalid, "invalid JSON: unexpected end of input")
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return errorf(audit.Invalid, "invalid JSON: the body must be a JSON object")
		}
		return invalidField(typeErr.Field, "cannot be a JSON %s", typeErr.Value)
	}
	if name, ok := strings.CutPrefix(msg, "unknown field "); ok {
		name = strings.Trim(name, `"`)
		return &audit.Error{Code: audit.Invalid, Message: fmt.Sprintf("unknown field %q", name),
			Problems: []audit.Problem{{Path: name, Reason: "unknown field: not accepted here"}}}
	}
	// A field's own decoding failed (a time that is not RFC 3339).
	return invalidFields([]audit.Problem{{Path: "", Reason: fmt.Sprintf("invalid value: %s", msg)}})
}
