package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"touchaudit/internal/audit"
	"touchaudit/internal/consoleapi"
	"touchaudit/internal/httpapi"
	"touchaudit/internal/memstore"
	"touchaudit/internal/workflow"
)

// The fixtures' world: the sample bank with one running review, and the
// small mobile network of testdata/events/import-company.json beside it.
const (
	eventsDir = "../../testdata/events"
	reviewID  = "bank-pl-2026-h2-test"
	// a1 waits for auditor s-017's walk (its audit holds the dispatch token).
	a1 = "bank-pl-2026-h2-test.acc.ivr-info.w1"
	// a2 is s-017's scored walk with a promise check waiting for the answer.
	a2 = "bank-pl-2026-h2-test.acc.chat-fees.w1"
	// a3 is s-018's.
	a3          = "bank-pl-2026-h2-test.acc.web-form.w1"
	otherReview = "siec-przykladowa-2026-h2"
)

// testNow is the server clock: three seconds after the fixtures' clientSentAt.
var testNow = time.Date(2026, 11, 22, 8, 20, 3, 0, time.UTC)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

// countingExec is the Step Functions port, counting what the API makes the
// workflow send. Like AWS, a task token takes one success: a later
// SendTaskSuccess for it is answered TaskTimedOut and wakes nothing.
type countingExec struct {
	mu       sync.Mutex
	success  map[string]int // accepted, by task token
	attempts map[string]int // every call, by task token
	started  []string
	fail     error
	// failFirst makes the first n calls fail with fail, then succeed.
	failFirst int
}

func (x *countingExec) StartExecution(_ context.Context, arn, name string, _ []byte) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.started = append(x.started, name)
	return nil
}

func (x *countingExec) SendTaskSuccess(_ context.Context, token string, _ []byte) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.success == nil {
		x.success, x.attempts = map[string]int{}, map[string]int{}
	}
	x.attempts[token]++
	if x.fail != nil && (x.failFirst == 0 || x.attempts[token] <= x.failFirst) {
		return x.fail
	}
	if x.success[token] > 0 {
		return fmt.Errorf("TaskTimedOut: the task of this token is closed: %w", workflow.ErrTaskTimedOut)
	}
	x.success[token]++
	return nil
}

// successes counts the signals the waiting task accepted.
func (x *countingExec) successes(token string) int {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.success[token]
}

type fixture struct {
	h     *httpapi.Handler
	store audit.Store
	exec  *countingExec
	logs  *bytes.Buffer
}

// form stands in for internal/webform in handler tests.
var form = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte("<!doctype html><title>touchaudit</title>"))
})

var (
	companiesOnce sync.Once
	bank, network *audit.Company
	companiesErr  error
)

func companies(t testing.TB) (*audit.Company, *audit.Company) {
	t.Helper()
	companiesOnce.Do(func() {
		if bank, companiesErr = audit.LoadCompanyDir("../../testdata/company"); companiesErr != nil {
			return
		}
		network = &audit.Company{}
		companiesErr = audit.DecodeFile(os.DirFS(eventsDir), "import-company.json", network)
	})
	if companiesErr != nil {
		t.Fatal(companiesErr)
	}
	return bank, network
}

// newFixture seeds store (nil: a new embedded store) and returns the handler.
func newFixture(t testing.TB, store audit.Store) *fixture {
	t.Helper()
	if store == nil {
		store = memstore.New()
	}
	f := &fixture{store: store, exec: &countingExec{}, logs: &bytes.Buffer{}}
	seed(t, store)
	log := slog.New(slog.NewJSONHandler(&syncWriter{w: f.logs}, nil))
	wf := workflow.New(store, f.exec, workflow.LogNotifier{Log: log}, fixedClock{testNow}, workflow.Config{}, log)
	f.h = httpapi.New(wf, store, consoleapi.MustWith(httpapi.Options{Form: form, Log: log, Now: func() time.Time { return testNow }}, store))
	return f
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func seed(t testing.TB, store audit.Store) {
	t.Helper()
	ctx := context.Background()
	b, n := companies(t)
	for _, c := range []*audit.Company{b, n} {
		if err := store.SaveCompany(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	opens := time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC)
	window := audit.Window{Opens: opens, Closes: opens.AddDate(0, 0, 42)}
	for _, r := range []*audit.Review{
		{ID: reviewID, CompanyID: b.ID, Name: "Przegląd testowy II/2026", StandardVersion: "v2", Window: window,
			Status: audit.ReviewRunning, Seed: 1, Assignments: 3, TaskToken: "tok-review", CreatedAt: opens},
		{ID: otherReview, CompanyID: n.ID, Name: "Przegląd sieci", StandardVersion: "v1", Window: window,
			Status: audit.ReviewRunning, Seed: 1, Assignments: 1, CreatedAt: opens},
	} {
		if err := store.CreateReview(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	base := audit.Assignment{CompanyID: b.ID, ReviewID: reviewID, Due: window.Closes, Walk: 1, StandardVersion: "v2", UpdatedAt: opens}
	as := []audit.Assignment{base, base, base}
	as[0].ID, as[0].TouchpointID, as[0].AuditorID, as[0].Status, as[0].TaskToken = a1, "acc.ivr-info", "s-017", audit.StatusAssigned, "tok-a1"
	as[1].ID, as[1].TouchpointID, as[1].AuditorID, as[1].Status = a2, "acc.chat-fees", "s-017", audit.StatusScored
	as[1].WalkthroughID, as[1].SubmissionID, as[1].PromiseTokens = "w-earlier", "earlier", map[string]string{"p-callback": "tok-a2-promise"}
	as[2].ID, as[2].TouchpointID, as[2].AuditorID, as[2].Status, as[2].TaskToken = a3, "acc.web-form", "s-018", audit.StatusAssigned, "tok-a3"
	if err := store.PutAssignments(ctx, as); err != nil {
		t.Fatal(err)
	}
	// PutAssignments stores versions as given; one update makes them 1
	// and proves the store counts them.
	for _, a := range as {
		a := a
		if err := store.UpdateAssignment(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.SaveReport(ctx, reviewID, []byte(`{"reviewId":"`+reviewID+`","summary":{"walks":1}}`)); err != nil {
		t.Fatal(err)
	}
}

// invoke runs an event through lambda.NewHandler, the JSON path of production.
func (f *fixture) invoke(t testing.TB, ev events.APIGatewayV2HTTPRequest) response {
	t.Helper()
	payload, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	out, err := lambda.NewHandler(f.h.Handle).Invoke(context.Background(), payload)
	if err != nil {
		t.Fatalf("invoke: %v", err)
	}
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatal(err)
	}
	return response{resp}
}

type response struct {
	events.APIGatewayV2HTTPResponse
}

// errorJSON is the API's one error shape.
type errorJSON struct {
	Error struct {
		Code    string          `json:"code"`
		Message string          `json:"message"`
		Fields  []audit.Problem `json:"fields"`
	} `json:"error"`
}

func (r response) err(t testing.TB) errorJSON {
	t.Helper()
	var e errorJSON
	dec := json.NewDecoder(bytes.NewReader([]byte(r.Body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("status %d: body %s is not the error shape (%v)", r.StatusCode, r.Body, err)
	}
	return e
}

// wantError checks the status, the code and, when given, the field paths.
func (r response) wantError(t testing.TB, status int, code string, paths ...string) errorJSON {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", r.StatusCode, status, r.Body)
	}
	e := r.err(t)
	if e.Error.Code != code {
		t.Errorf("code %q, want %q: %s", e.Error.Code, code, r.Body)
	}
	for _, p := range paths {
		found := false
		for _, f := range e.Error.Fields {
			found = found || f.Path == p
		}
		if !found {
			t.Errorf("no problem at %q in %s", p, r.Body)
		}
	}
	return e
}

func (r response) decode(t testing.TB, v any) {
	t.Helper()
	if r.StatusCode/100 != 2 {
		t.Fatalf("status %d: %s", r.StatusCode, r.Body)
	}
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("%v: %s", err, r.Body)
	}
}

// readEvent reads testdata/events/<name>.json.
func readEvent(t testing.TB, name string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(eventsDir, name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

// withClaims is ev as sent by someone else (nil: nobody signed in).
func withClaims(ev events.APIGatewayV2HTTPRequest, claims map[string]string) events.APIGatewayV2HTTPRequest {
	if claims == nil {
		ev.RequestContext.Authorizer = nil
		return ev
	}
	ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
		JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims},
	}
	return ev
}

func claims(staff, company, groups string) map[string]string {
	return map[string]string{"sub": "sub-" + company + "-" + staff, "custom:staffId": staff, "custom:companyId": company, "cognito:groups": groups, "token_use": "id"}
}

// withBody is ev with another JSON body.
func withBody(ev events.APIGatewayV2HTTPRequest, body string) events.APIGatewayV2HTTPRequest {
	ev.Body, ev.IsBase64Encoded = body, false
	return ev
}
