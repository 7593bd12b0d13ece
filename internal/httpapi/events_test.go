package httpapi_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the handler's answers")

// apiEvents lists testdata/events/api-*.json, the API's request fixtures.
func apiEvents(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(eventsDir, "api-*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/events/api-*.json: %v", err)
	}
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".json"))
	}
	return append(names, "api")
}

// TestEvents_RoundTrip decodes each fixture as an API Gateway event and
// encodes it again, as aws-lambda-go's own fixture tests do: a fixture that
// does not survive names a field the handler would never see.
func TestEvents_RoundTrip(t *testing.T) {
	for _, name := range apiEvents(t) {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(eventsDir, name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var ev events.APIGatewayV2HTTPRequest
			if err := json.Unmarshal(raw, &ev); err != nil {
				t.Fatal(err)
			}
			again, err := json.Marshal(ev)
			if err != nil {
				t.Fatal(err)
			}
			var want, got any
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(again, &got); err != nil {
				t.Fatal(err)
			}
			// aws-lambda-go encodes the zero mTLS description, which API
			// Gateway sends only with mutual TLS.
			if _, sent := want.(map[string]any)["requestContext"].(map[string]any)["authentication"]; !sent {
				delete(got.(map[string]any)["requestContext"].(map[string]any), "authentication")
			}
			if !reflect.DeepEqual(want, got) {
				t.Errorf("re-encoded event differs:\n%s\nwant\n%s", again, raw)
			}
			if ev.RequestContext.Authorizer != nil && ev.RequestContext.Authorizer.JWT.Claims["custom:staffId"] == "" {
				t.Error("the event's claims name no staff member")
			}
		})
	}
}

// TestEvents_Golden runs every fixture through lambda.NewHandler on a fresh
// seeded store and compares the answer (status, headers, body) with
// testdata/<name>.golden; -update rewrites them.
func TestEvents_Golden(t *testing.T) {
	for _, name := range apiEvents(t) {
		if name == "api" {
			continue // the Lambda smoke test's event, for the small company
		}
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, nil)
			resp := f.invoke(t, readEvent(t, name))
			got := golden(t, resp)
			path := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (go test -update rewrites it):\n%s", name, path, got)
			}
			if resp.StatusCode/100 != 2 {
				t.Errorf("status %d: %s", resp.StatusCode, resp.Body)
			}
		})
	}
}

// TestEvents_Base64BodyIsTheSameRequest: API Gateway may base64-encode a
// body; the answer must not change.
func TestEvents_Base64BodyIsTheSameRequest(t *testing.T) {
	plain := newFixture(t, nil).invoke(t, readEvent(t, "api-submit"))
	encoded := newFixture(t, nil).invoke(t, readEvent(t, "api-submit-base64"))
	if plain.StatusCode != 200 || plain.Body != encoded.Body {
		t.Errorf("plain %d %s\nbase64 %d %s", plain.StatusCode, plain.Body, encoded.StatusCode, encoded.Body)
	}
}

// golden is the answer as a readable document.
func golden(t *testing.T, resp response) []byte {
	t.Helper()
	doc := struct {
		Status  int               `json:"status"`
		Headers map[string]string `json:"headers"`
		Base64  bool              `json:"isBase64Encoded,omitempty"`
		Body    any               `json:"body"`
	}{Status: resp.StatusCode, Headers: resp.Headers, Base64: resp.IsBase64Encoded, Body: resp.Body}
	var body any
	if json.Unmarshal([]byte(resp.Body), &body) == nil {
		doc.Body = body
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}
