package functions_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"touchaudit/internal/dynamo"
	"touchaudit/internal/lambdart"
)

// BenchmarkColdStart starts every function cold behind the local Runtime API
// (internal/lambdart), against moto, and in the same iteration the
// hello-world aws-lambda-go bootstrap (internal/lambdart/testdata/hello,
// built with the same flags), so that the ratios hold on a noisy machine.
// Per function, as medians over the iterations (`make bench` runs 10):
//
//	init-ms        process start to its first GET invocation/next (Lambda's "Init Duration")
//	hello-init-ms  the same for hello-world
//	init-x         init / hello-world's init, pair by pair (target ≤ 1.5)
//	first-ms       init plus the first invocation with testdata/events/<name>.json, against moto
//	hello-first-ms the same for hello-world
//
// The first iteration's invocation runs on the state <name>.setup leaves; a
// later one may be refused (a walk already submitted): fn-errors counts those.
func BenchmarkColdStart(b *testing.B) {
	ctx := context.Background()
	h := newHarness(b)
	h.quiet = true
	client := h.client
	hello := lambdart.Config{Bootstrap: filepath.Join(h.bin, "hello", "bootstrap"), FunctionName: "hello", Region: region}
	if err := lambdart.Build(ctx, "../internal/lambdart/testdata/hello", hello.Bootstrap); err != nil {
		b.Fatal(err)
	}
	for _, name := range functionNames(b) {
		round := 0
		b.Run(name, func(b *testing.B) {
			// testing runs this once with b.N = 1 and again with b.N
			// (-benchtime 10x): each run starts from its own setup.
			round++
			event, err := os.ReadFile(filepath.Join(eventsDir, name+".json"))
			if err != nil {
				b.Fatal(err)
			}
			table := fmt.Sprintf("bench-%s-%d", name, round)
			if err := dynamo.EnsureTable(ctx, client, table); err != nil {
				b.Fatal(err)
			}
			if err := h.setup(ctx, b, name, table); err != nil {
				b.Fatal(err)
			}
			cfg, stop, err := h.config(ctx, name, table)
			if err != nil {
				b.Fatal(err)
			}
			defer stop()
			var inits, helloInits, ratios, firsts, helloFirsts []float64
			fnErrors := 0
			b.ResetTimer()
			for range b.N {
				hi, hf, err := coldStart(ctx, hello, []byte(`{}`))
				if err != nil {
					b.Fatalf("hello-world: %v", err)
				}
				fi, ff, err := coldStart(ctx, cfg, event)
				var fe *lambdart.FunctionError
				if errors.As(err, &fe) {
					fnErrors++
				} else if err != nil {
					b.Fatal(err)
				}
				inits, helloInits, ratios = append(inits, ms(fi)), append(helloInits, ms(hi)), append(ratios, float64(fi)/float64(hi))
				firsts, helloFirsts = append(firsts, ms(ff)), append(helloFirsts, ms(hf))
			}
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(median(inits), "init-ms")
			b.ReportMetric(median(helloInits), "hello-init-ms")
			b.ReportMetric(median(ratios), "init-x")
			b.ReportMetric(median(firsts), "first-ms")
			b.ReportMetric(median(helloFirsts), "hello-first-ms")
			b.ReportMetric(float64(fnErrors), "fn-errors")
		})
	}
}

// coldStart starts cfg's bootstrap in a new execution environment and
// invokes it once: its init, and init plus that first invocation.
func coldStart(ctx context.Context, cfg lambdart.Config, event []byte) (init, first time.Duration, err error) {
	cfg.Logs = io.Discard
	fn, err := lambdart.Start(cfg)
	if err != nil {
		return 0, 0, err
	}
	defer fn.Close()
	start := time.Now()
	_, err = fn.Invoke(ctx, event)
	first = time.Since(start)
	inits := fn.Inits()
	if len(inits) != 1 {
		return 0, 0, fmt.Errorf("%s: %d cold starts in one invocation (%v)", cfg.FunctionName, len(inits), err)
	}
	return inits[0], first, err
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
