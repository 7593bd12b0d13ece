package faultproxy

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// upstream records the id in each request it applied.
type upstream struct {
	mu      sync.Mutex
	applied map[string]bool
}

func startUpstream(t *testing.T) (*upstream, string) {
	u := &upstream{applied: map[string]bool{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		u.mu.Lock()
		u.applied[string(b)] = true
		u.mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		fmt.Fprintf(w, `{"applied":%q}`, b)
	}))
	t.Cleanup(srv.Close)
	return u, srv.URL
}

var rates = Rates{Drop: 0.10, ServerError: 0.10, Throttle: 0.10, Reset: 0.05, Delay: 0.05, DelayFor: time.Millisecond}

func TestProxy_InjectsEachFaultAtItsSeededRate(t *testing.T) {
	const n = 2000
	up, url := startUpstream(t)
	p, err := Start(url, rates, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for i := range n {
		id := fmt.Sprintf("req-%d", i)
		req, _ := http.NewRequest("POST", p.URL+"/", strings.NewReader(id))
		req.Header.Set("X-Amz-Target", "DynamoDB_20120810.PutItem")
		resp, err := client.Do(req)
		kind := Decide(rates, 1, uint64(i))
		var status int
		var body []byte
		if err == nil {
			status = resp.StatusCode
			body, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		up.mu.Lock()
		applied := up.applied[id]
		up.mu.Unlock()
		var shape struct {
			Type string `json:"__type"`
		}
		_ = json.Unmarshal(body, &shape)
		switch kind {
		case Drop:
			if err == nil || !applied {
				t.Fatalf("request %d (drop): err %v, applied %v; want no answer and applied upstream", i, err, applied)
			}
		case Reset:
			if err == nil || applied {
				t.Fatalf("request %d (reset): err %v, applied %v; want no answer and nothing applied", i, err, applied)
			}
		case ServerError:
			if status != 500 || applied || shape.Type != "com.amazonaws.dynamodb.v20120810#InternalServerError" {
				t.Fatalf("request %d (500): status %d, applied %v, body %s", i, status, applied, body)
			}
		case Throttle:
			want := "com.amazonaws.dynamodb.v20120810#ThrottlingException"
			if i%2 == 1 {
				want = "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"
			}
			if status != 400 || applied || shape.Type != want {
				t.Fatalf("request %d (throttle): status %d, applied %v, body %s; want 400 %s", i, status, applied, body, want)
			}
		default:
			if status != 200 || !applied || string(body) != fmt.Sprintf(`{"applied":%q}`, id) {
				t.Fatalf("request %d (%s): status %d, applied %v, body %s, err %v", i, kind, status, applied, body, err)
			}
		}
	}
	c := p.Counts()
	// Seed 1 over 2000 requests: the same numbers on every run.
	want := Counts{Requests: 2000, Forwarded: 1270, Dropped: 219, ServerError: 193, Throttled: 227, Reset: 91, Delayed: 102}
	for _, r := range []struct {
		name string
		got  int64
		rate float64
	}{{"dropped", c.Dropped, 0.10}, {"500", c.ServerError, 0.10}, {"throttled", c.Throttled, 0.10}, {"reset", c.Reset, 0.05}, {"delayed", c.Delayed, 0.05}} {
		mean := r.rate * n
		if sd := math.Sqrt(n * r.rate * (1 - r.rate)); math.Abs(float64(r.got)-mean) > 4*sd {
			t.Errorf("%s %d of %d, want about %.0f (±%.0f)", r.name, r.got, n, mean, 4*sd)
		}
	}
	if c != want {
		t.Fatalf("counts %+v, want %+v", c, want)
	}
	t.Log(c)
}

func TestDecide_IsDeterministicForASeed(t *testing.T) {
	seq := func(seed uint64) string {
		var b strings.Builder
		for i := range 200 {
			b.WriteString(Decide(rates, seed, uint64(i)).String()[:1])
		}
		return b.String()
	}
	if first, again := seq(7), seq(7); first != again {
		t.Fatal("seed 7 gave two sequences")
	}
	if seq(7) == seq(8) {
		t.Fatal("seeds 7 and 8 gave the same 200 faults")
	}
	if got := Decide(Rates{}, 7, 3); got != Forward {
		t.Fatalf("no rates: %s, want forward", got)
	}
	if got := Decide(Rates{Reset: 1}, 7, 3); got != Reset {
		t.Fatalf("reset rate 1: %s, want reset", got)
	}
}

func TestStart_RefusesRatesOutsideZeroToOne(t *testing.T) {
	for name, r := range map[string]Rates{
		"sum over 1": {Drop: 0.5, ServerError: 0.3, Throttle: 0.3},
		"negative":   {Delay: -0.1},
	} {
		if p, err := Start("http://127.0.0.1:1", r, 1); err == nil {
			p.Close()
			t.Errorf("%s: Start accepted %+v", name, r)
		}
	}
}
