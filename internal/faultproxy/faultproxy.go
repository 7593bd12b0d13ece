// Package faultproxy is an HTTP reverse proxy that injects the faults a
// client of an AWS API meets in production, for tests: responses lost
// after the upstream applied the request, HTTP 500s, throttling, connection
// resets before forwarding, and delays. Put it in front of moto_server (or
// the local Step Functions API) and point an SDK client at its URL.
//
// Which request gets which fault is drawn from the seed and the request's
// sequence number, so a seed gives the same sequence of faults every run
// (for concurrent requests, which request is the n-th may vary).
package faultproxy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// Rates are the probabilities, per request, of each fault; at most one
// fault happens to a request, so they must sum to at most 1.
type Rates struct {
	// Drop forwards the request, waits for the upstream's answer (so the
	// write is applied) and resets the connection instead of answering.
	Drop float64
	// ServerError answers HTTP 500 with an AWS-shaped InternalServerError
	// body, without forwarding.
	ServerError float64
	// Throttle answers HTTP 400 ThrottlingException (for DynamoDB,
	// alternately ThrottlingException and
	// ProvisionedThroughputExceededException), without forwarding.
	Throttle float64
	// Reset resets the connection before forwarding.
	Reset float64
	// Delay waits DelayFor, then forwards normally.
	Delay float64
	// DelayFor is the delay's length; 0 means DefaultDelay.
	DelayFor time.Duration
}

// DefaultDelay is a slow answer that stays inside any attempt timeout.
const DefaultDelay = 50 * time.Millisecond

func (r Rates) validate() error {
	sum := 0.0
	for _, v := range []float64{r.Drop, r.ServerError, r.Throttle, r.Reset, r.Delay} {
		if v < 0 || v > 1 {
			return fmt.Errorf("faultproxy: rate %v is not within [0, 1]", v)
		}
		sum += v
	}
	if sum > 1 {
		return fmt.Errorf("faultproxy: rates sum to %v, more than 1", sum)
	}
	return nil
}

// Kind is what the proxy did with one request.
type Kind int

const (
	Forward Kind = iota
	Drop
	ServerError
	Throttle
	Reset
	Delay
)

var kindNames = [...]string{"forward", "drop", "500", "throttle", "reset", "delay"}

func (k Kind) String() string { return kindNames[k] }

// Counts are the requests the proxy has seen and the faults it injected.
type Counts struct {
	Requests    int64
	Forwarded   int64 // answered with the upstream's response, delayed or not
	Dropped     int64
	ServerError int64
	Throttled   int64
	Reset       int64
	Delayed     int64
}

// Faults is the number of requests that did not get the upstream's answer.
func (c Counts) Faults() int64 { return c.Dropped + c.ServerError + c.Throttled + c.Reset }

func (c Counts) String() string {
	return fmt.Sprintf("%d requests: %d forwarded (%d delayed), %d dropped after applying, %d × 500, %d throttled, %d reset",
		c.Requests, c.Forwarded, c.Delayed, c.Dropped, c.ServerError, c.Throttled, c.Reset)
}

// Proxy is a running fault proxy.
type Proxy struct {
	// URL is the proxy's base URL, for example http://127.0.0.1:41234.
	URL string

	upstream string
	rates    Rates
	seed     uint64
	srv      *http.Server
	client   *http.Client
	seq      atomic.Uint64
	counts   [len(kindNames)]atomic.Int64
	requests atomic.Int64
}

// Start listens on a free loopback port and proxies to upstream (a base
// URL such as moto_server's endpoint).
func Start(upstream string, rates Rates, seed uint64) (*Proxy, error) {
	if err := rates.validate(); err != nil {
		return nil, err
	}
	if rates.DelayFor == 0 {
		rates.DelayFor = DefaultDelay
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: listen: %w", err)
	}
	p := &Proxy{
		URL:      "http://" + l.Addr().String(),
		upstream: strings.TrimRight(upstream, "/"),
		rates:    rates,
		seed:     seed,
		client:   &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}},
	}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go p.srv.Serve(l)
	return p, nil
}

// Close stops the proxy.
func (p *Proxy) Close() {
	_ = p.srv.Close()
	p.client.CloseIdleConnections()
}

// Counts reports what the proxy has done so far.
func (p *Proxy) Counts() Counts {
	return Counts{
		Requests:    p.requests.Load(),
		Forwarded:   p.counts[Forward].Load() + p.counts[Delay].Load(),
		Dropped:     p.counts[Drop].Load(),
		ServerError: p.counts[ServerError].Load(),
		Throttled:   p.counts[Throttle].Load(),
		Reset:       p.counts[Reset].Load(),
		Delayed:     p.counts[Delay].Load(),
	}
}

// Decide is the fault of the n-th request (from 0) for the seed.
func Decide(r Rates, seed, n uint64) Kind {
	u := unit(seed, n)
	for _, c := range []struct {
		kind Kind
		rate float64
	}{{Drop, r.Drop}, {ServerError, r.ServerError}, {Throttle, r.Throttle}, {Reset, r.Reset}, {Delay, r.Delay}} {
		if u < c.rate {
			return c.kind
		}
		u -= c.rate
	}
	return Forward
}

// unit is a uniform number in [0, 1) from splitmix64 of the seed and n.
func unit(seed, n uint64) float64 {
	z := seed + (n+1)*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	return float64(z>>11) / (1 << 53)
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := p.seq.Add(1) - 1
	kind := Decide(p.rates, p.seed, n)
	p.requests.Add(1)
	p.counts[kind].Add(1)
	dynamo := strings.HasPrefix(r.Header.Get("X-Amz-Target"), "DynamoDB_")
	switch kind {
	case Reset:
		reset(w)
		return
	case ServerError:
		awsError(w, http.StatusInternalServerError, dynamo, "InternalServerError", "Internal server error (injected by faultproxy)")
		return
	case Throttle:
		code := "ThrottlingException"
		if dynamo && n%2 == 1 {
			code = "ProvisionedThroughputExceededException"
		}
		awsError(w, http.StatusBadRequest, dynamo, code, "Rate of requests exceeds the allowed throughput (injected by faultproxy)")
		return
	case Delay:
		select {
		case <-time.After(p.rates.DelayFor):
		case <-r.Context().Done():
			return
		}
	}
	resp, body, err := p.forward(r)
	if err != nil {
		http.Error(w, "faultproxy: upstream: "+err.Error(), http.StatusBadGateway)
		return
	}
	if kind == Drop {
		reset(w) // the upstream has applied the request; its answer is lost
		return
	}
	for k, vs := range resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(body)
}

// forward sends the request upstream and reads the whole answer.
func (p *Proxy) forward(r *http.Request) (*http.Response, []byte, error) {
	in, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, nil, err
	}
	// The upstream's answer must be read whole even when the client gave
	// up, so that a dropped response is always an applied request.
	ctx := context.WithoutCancel(r.Context())
	out, err := http.NewRequestWithContext(ctx, r.Method, p.upstream+r.URL.RequestURI(), bytes.NewReader(in))
	if err != nil {
		return nil, nil, err
	}
	out.Header = r.Header.Clone()
	out.Host = r.Host
	resp, err := p.client.Do(out)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

// reset closes the client's connection with a TCP RST, answering nothing.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(errors.New("faultproxy: the response writer cannot be hijacked"))
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// awsError answers in the JSON protocols' error shape (DynamoDB, Step
// Functions): the code in __type and in X-Amzn-ErrorType.
func awsError(w http.ResponseWriter, status int, dynamo bool, code, message string) {
	typ := code
	if dynamo {
		typ = "com.amazonaws.dynamodb.v20120810#" + code
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amzn-ErrorType", code)
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"__type":%q,"message":%q}`, typ, message)
}
