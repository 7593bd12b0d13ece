// Package functions_test smoke-tests every Lambda function in functions/:
// each one is built as a real bootstrap, started behind the local Runtime API
// (internal/lambdart) and invoked with its events from testdata/events, with
// DynamoDB served by moto_server. A function added later is covered without
// touching this file; one without a test event fails.
package functions_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"touchaudit/internal/dynamo"
	"touchaudit/internal/iamtrace"
	"touchaudit/internal/lambdart"
	"touchaudit/internal/motoserver"
	"touchaudit/internal/samtemplate"
)

const (
	eventsDir = "../testdata/events"
	region    = "us-east-1"
	// buildTimeout covers a cold build cache: the AWS SDK takes a while to
	// compile on a 2-core machine.
	buildTimeout = 5 * time.Minute
	// wantInvalidType is the errorType every <name>.invalid.json must produce.
	wantInvalidType = "InvalidInput"
)

// functionNames lists the directories under functions/ that hold a main package.
func functionNames(t testing.TB) []string {
	t.Helper()
	mains, err := filepath.Glob("*/main.go")
	if err != nil {
		t.Fatal(err)
	}
	if len(mains) == 0 {
		t.Fatal("no functions/*/main.go found")
	}
	var names []string
	for _, m := range mains {
		names = append(names, filepath.Dir(m))
	}
	return names
}

func TestSmoke_EveryFunctionThroughTheRuntimeAPI(t *testing.T) {
	names := functionNames(t)
	h := newHarness(t)
	t.Run("invoke", func(t *testing.T) { h.invokeAll(t, names) })
	t.Run("least-privilege", func(t *testing.T) { h.leastPrivilege(t, names) })
}

// newHarness starts (or shares) moto with the state machines, the template's
// environment and the AWS resources it names; each function's calls go
// through a recording proxy (least privilege, policy_test.go).
func newHarness(tb testing.TB) *harness {
	ctx := context.Background()
	moto := motoserver.Shared(tb)
	client, err := dynamo.NewLocalClient(ctx, moto.Endpoint)
	if err != nil {
		tb.Fatal(err)
	}
	h := &harness{endpoint: moto.Endpoint, bin: tb.TempDir(), client: client}
	if h.machines, err = createStateMachines(ctx, moto.Endpoint); err != nil {
		tb.Fatalf("create the state machines in moto: %v", err)
	}
	if h.template, err = samtemplate.Transform(ctx, "../template.yaml", smokeStack); err != nil {
		tb.Fatal(err)
	}
	if h.recorder, err = iamtrace.New(moto.Endpoint); err != nil {
		tb.Fatal(err)
	}
	if err := h.createAWS(ctx); err != nil {
		tb.Fatalf("create the smoke test's AWS resources in moto: %v", err)
	}
	return h
}

// invokeAll invokes every function with its events, in parallel.
func (h *harness) invokeAll(t *testing.T, names []string) {
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			event, err := os.ReadFile(filepath.Join(eventsDir, name+".json"))
			if err != nil {
				t.Fatalf("every function needs a test event: %v (see testdata/events/README.md)", err)
			}
			event = walkedJustNow(event, time.Now())
			ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
			defer cancel()

			table := "smoke-" + name
			if err := dynamo.EnsureTable(ctx, h.client, table); err != nil {
				t.Fatalf("create table %s in moto: %v", table, err)
			}
			if err := h.setup(ctx, t, name, table); err != nil {
				t.Fatal(err)
			}
			fn := h.start(ctx, t, name, table)
			out, err := fn.Invoke(ctx, event)
			if err != nil {
				t.Fatalf("invoke with %s.json: %v", name, err)
			}
			if !json.Valid(out) {
				t.Fatalf("response is not JSON: %q", out)
			}
			t.Logf("%s.json -> %s", name, out)

			invalid, err := os.ReadFile(filepath.Join(eventsDir, name+".invalid.json"))
			if errors.Is(err, os.ErrNotExist) {
				return
			} else if err != nil {
				t.Fatal(err)
			}
			_, err = fn.Invoke(ctx, invalid)
			var fe *lambdart.FunctionError
			if !errors.As(err, &fe) {
				t.Fatalf("invoke with %s.invalid.json: want a function error, got %v", name, err)
			}
			var doc struct {
				Type    string `json:"errorType"`
				Message string `json:"errorMessage"`
			}
			if err := json.Unmarshal(fe.Raw, &doc); err != nil {
				t.Fatalf("error is not in Lambda's shape: %s", fe.Raw)
			}
			if doc.Type != wantInvalidType || doc.Message == "" {
				t.Errorf("%s.invalid.json: got %s, want errorType %q with a message", name, fe.Raw, wantInvalidType)
			}
			t.Logf("%s.invalid.json -> %s", name, fe.Raw)
		})
	}
}

// harness builds each function once and starts it against moto.
type harness struct {
	endpoint string
	client   *dynamodb.Client
	template *samtemplate.Template
	recorder *iamtrace.Recorder
	// pools are the Cognito user pools in moto, by table.
	poolMu sync.Mutex
	pools  map[string]string
	bin    string
	// machines are the state machines' ARNs in moto, by env var name.
	machines map[string]string
	// quiet drops the functions' logs (a benchmark prints what it logs).
	quiet  bool
	mu     sync.Mutex
	builds map[string]*build
}

var buildSlot = make(chan struct{}, 1)

type build struct {
	once sync.Once
	path string
	err  error
}

// bootstrap builds functions/<name> for this host, once per test run.
func (h *harness) bootstrap(ctx context.Context, name string) (string, error) {
	h.mu.Lock()
	if h.builds == nil {
		h.builds = map[string]*build{}
	}
	b, ok := h.builds[name]
	if !ok {
		b = &build{path: filepath.Join(h.bin, name, "bootstrap")}
		h.builds[name] = b
	}
	h.mu.Unlock()
	b.once.Do(func() {
		// One go build at a time: they share most packages, and parallel
		// builds would compile the AWS SDK once each on a cold cache.
		buildSlot <- struct{}{}
		defer func() { <-buildSlot }()
		b.err = lambdart.Build(ctx, name, b.path)
	})
	return b.path, b.err
}

// start runs functions/<name> against table; it stops with the test.
func (h *harness) start(ctx context.Context, t testing.TB, name, table string) *lambdart.Function {
	t.Helper()
	cfg, stop, err := h.config(ctx, name, table)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	cfg.Logs = testLog{t}
	if h.quiet {
		cfg.Logs = io.Discard
	}
	fn, err := lambdart.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fn.Close() })
	return fn
}

// config is functions/<name>'s Runtime API configuration against table, its
// bootstrap built and its AWS calls recorded; stop ends the recording
// endpoint.
func (h *harness) config(ctx context.Context, name, table string) (lambdart.Config, func(), error) {
	bootstrap, err := h.bootstrap(ctx, name)
	if err != nil {
		return lambdart.Config{}, nil, err
	}
	endpoint, stop, err := h.recorder.Endpoint(name)
	if err != nil {
		return lambdart.Config{}, nil, err
	}
	env, err := h.templateEnv(ctx, name, table)
	if err != nil {
		stop()
		return lambdart.Config{}, nil, err
	}
	env = append(env,
		"DYNAMODB_ENDPOINT="+endpoint,
		"SFN_ENDPOINT="+endpoint,
		"S3_ENDPOINT="+endpoint,
		"SES_ENDPOINT="+endpoint,
		"COGNITO_ENDPOINT="+endpoint,
		// Every other AWS client the function builds goes to moto too.
		"AWS_ENDPOINT_URL="+endpoint,
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
	)
	extra, err := extraEnv(name, map[string]string{"MOTO_ENDPOINT": h.endpoint, "TABLE_NAME": table})
	if err != nil {
		stop()
		return lambdart.Config{}, nil, err
	}
	return lambdart.Config{
		Bootstrap:    bootstrap,
		FunctionName: "touchaudit-" + name,
		Region:       region,
		Env:          append(env, extra...),
	}, stop, nil
}

// setup runs the optional testdata/events/<name>.setup: lines
// "<function> <event file>" invoked in order on the same table, each of which
// must succeed, so a function that works on stored state (a review, an
// assignment) finds it.
func (h *harness) setup(ctx context.Context, t testing.TB, name, table string) error {
	b, err := os.ReadFile(filepath.Join(eventsDir, name+".setup"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	for i, line := range strings.Split(string(b), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if len(fields) != 2 {
			return fmt.Errorf("%s.setup line %d: want \"<function> <event file>\", got %q", name, i+1, line)
		}
		event, err := os.ReadFile(filepath.Join(eventsDir, fields[1]))
		if err != nil {
			return fmt.Errorf("%s.setup line %d: %w", name, i+1, err)
		}
		event = walkedJustNow(event, time.Now())
		out, err := h.start(ctx, t, fields[0], table).Invoke(ctx, event)
		if err != nil {
			return fmt.Errorf("%s.setup line %d: %s %s: %w", name, i+1, fields[0], fields[1], err)
		}
		if !h.quiet {
			t.Logf("setup: %s %s -> %s", fields[0], fields[1], out)
		}
	}
	return nil
}

// TestSmoke_EveryFunctionIsDeployable checks what `sam build` needs for each
// function: an AWS::Serverless::Function in template.yaml named after the
// directory (import-company → ImportCompanyFunction) with BuildMethod
// makefile, and a Makefile target build-<LogicalId> building that directory.
func TestSmoke_EveryFunctionIsDeployable(t *testing.T) {
	template, err := os.ReadFile("../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	makeBin, err := exec.LookPath("make")
	if err != nil {
		t.Fatal("make is required to check the SAM build targets")
	}
	for _, name := range functionNames(t) {
		t.Run(name, func(t *testing.T) {
			id := logicalID(name)
			block := resourceBlock(string(template), id)
			if block == "" {
				t.Fatalf("template.yaml has no resource %s for functions/%s", id, name)
			}
			for _, want := range []string{"Type: AWS::Serverless::Function", "BuildMethod: makefile", "CodeUri: ."} {
				if !strings.Contains(block, want) {
					t.Errorf("template.yaml %s lacks %q", id, want)
				}
			}
			out, err := exec.Command(makeBin, "-C", "..", "-n", "build-"+id, "ARTIFACTS_DIR=/artifacts").CombinedOutput()
			if err != nil {
				t.Fatalf("make -n build-%s: %v\n%s", id, err, out)
			}
			if !strings.Contains(string(out), "-o /artifacts/bootstrap ./functions/"+name+"\n") {
				t.Errorf("make build-%s does not build functions/%s into $(ARTIFACTS_DIR)/bootstrap:\n%s", id, name, out)
			}
		})
	}
}

// logicalID is the template's name for functions/<name>.
func logicalID(name string) string {
	var b strings.Builder
	for _, part := range strings.Split(name, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String() + "Function"
}

// resourceBlock returns the lines of the top-level resource id in a SAM
// template (two-space indented keys under Resources).
func resourceBlock(template, id string) string {
	start := regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(id) + `:\s*$`).FindStringIndex(template)
	if start == nil {
		return ""
	}
	rest := template[start[1]:]
	if end := regexp.MustCompile(`(?m)^ {0,2}\S`).FindStringIndex(rest); end != nil {
		rest = rest[:end[0]]
	}
	return rest
}

// extraEnv reads the optional testdata/events/<name>.env: KEY=VALUE lines
// (# comments allowed) a function needs beyond the common ones, with
// ${MOTO_ENDPOINT} and ${TABLE_NAME} expanded.
func extraEnv(name string, vars map[string]string) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(eventsDir, name+".env"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var env []string
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !strings.Contains(line, "=") {
			return nil, fmt.Errorf("%s.env line %d: want KEY=VALUE, got %q", name, i+1, line)
		}
		env = append(env, os.Expand(line, func(k string) string { return vars[k] }))
	}
	return env, nil
}

// testLog sends a function's log lines to the test log.
type testLog struct{ t testing.TB }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// createStateMachines creates statemachines/*.asl.json in moto (which stores
// them without running them), so the functions that start executions or
// send task results talk to a real Step Functions API. It returns the env
// vars the functions read.
func createStateMachines(ctx context.Context, endpoint string) (map[string]string, error) {
	client := sfn.New(sfn.Options{Region: region, BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	placeholder := regexp.MustCompile(`\$\{([A-Za-z0-9]+)\}`)
	env := map[string]string{}
	for _, m := range []struct{ file, name, envVar string }{
		{"audit.asl.json", "smoke-audit", "AUDIT_STATE_MACHINE_ARN"},
		{"review.asl.json", "smoke-review", "REVIEW_STATE_MACHINE_ARN"},
	} {
		def, err := os.ReadFile(filepath.Join("..", "statemachines", m.file))
		if err != nil {
			return nil, err
		}
		text := placeholder.ReplaceAllString(string(def), "arn:aws:lambda:"+region+":123456789012:function:smoke-$1")
		out, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(m.name), Definition: aws.String(text),
			RoleArn: aws.String("arn:aws:iam::123456789012:role/smoke")})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.file, err)
		}
		env[m.envVar] = aws.ToString(out.StateMachineArn)
	}
	return env, nil
}

// stamp matches the RFC 3339 times of an event.
var stamp = regexp.MustCompile(`"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))"`)

// walkedJustNow moves every time of a submission event (one that carries a
// walkthrough) so that the walk began nine minutes ago: the setup assigned
// the walk moments before, and a walk older than its assignment is refused
// as implausible. Other events are returned as they are.
func walkedJustNow(event []byte, now time.Time) []byte {
	if !bytes.Contains(event, []byte(`"walkthrough"`)) {
		return event
	}
	var earliest time.Time
	for _, m := range stamp.FindAllSubmatch(event, -1) {
		if t, err := time.Parse(time.RFC3339Nano, string(m[1])); err == nil && (earliest.IsZero() || t.Before(earliest)) {
			earliest = t
		}
	}
	if earliest.IsZero() {
		return event
	}
	shift := now.Add(-9 * time.Minute).Sub(earliest)
	return stamp.ReplaceAllFunc(event, func(b []byte) []byte {
		t, err := time.Parse(time.RFC3339Nano, string(b[1:len(b)-1]))
		if err != nil {
			return b
		}
		return []byte(`"` + t.Add(shift).Format(time.RFC3339Nano) + `"`)
	})
}

// The console's page is static and served by the form function (its
// fragments by the console function): GET /console/ through the form's
// bootstrap answers the page with its Content-Security-Policy, which lets
// it call the managed login's token endpoint named by the template.
func TestSmoke_FormServesTheConsolePage(t *testing.T) {
	h := newHarness(t)
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	table := "smoke-form-console"
	if err := dynamo.EnsureTable(ctx, h.client, table); err != nil {
		t.Fatal(err)
	}
	fn := h.start(ctx, t, "form", table)
	event, err := os.ReadFile(filepath.Join(eventsDir, "form.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ev map[string]any
	if err := json.Unmarshal(event, &ev); err != nil {
		t.Fatal(err)
	}
	ev["rawPath"] = "/console/"
	ev["headers"].(map[string]any)["accept-encoding"] = "identity"
	ev["requestContext"].(map[string]any)["http"].(map[string]any)["path"] = "/console/"
	event, _ = json.Marshal(ev)
	out, err := fn.Invoke(ctx, event)
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		Status  int               `json:"statusCode"`
		Headers map[string]string `json:"headers"`
		Body    string            `json:"body"`
	}
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	if resp.Status != 200 || !strings.Contains(resp.Body, `src="/console/console.js"`) {
		t.Fatalf("GET /console/: %d %.300s", resp.Status, resp.Body)
	}
	csp := resp.Headers["Content-Security-Policy"] + resp.Headers["content-security-policy"]
	if !strings.Contains(csp, "connect-src 'self' https://") || !strings.Contains(csp, ".amazoncognito.com") {
		t.Errorf("Content-Security-Policy %q: want connect-src to the managed login", csp)
	}
}
