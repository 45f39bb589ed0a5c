package rpc

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var payload = strings.Repeat("g", 512)

// TestEveryImplEchoes checks each implementation round-trips the request
// concurrently, so the benchmarks measure correct calls.
func TestEveryImplEchoes(t *testing.T) {
	for _, im := range append(append([]impl{}, binaryImpls...), jsonImpls...) {
		t.Run(im.name, func(t *testing.T) {
			call, closeFn := im.dial(t)
			defer closeFn()
			var wg sync.WaitGroup
			for g := 0; g < 8; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < 20; i++ {
						req, reply := &Req{A: int64(g), B: int64(-i), S: payload}, &Req{}
						ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
						err := call(ctx, req, reply)
						cancel()
						if err != nil || *reply != *req {
							t.Errorf("echo %d/%d: %v", g, i, err)
							return
						}
					}
				}()
			}
			wg.Wait()
		})
	}
}

// BenchmarkEcho/c<N>/<impl>: N client goroutines share one connection.
func BenchmarkEcho(b *testing.B) { benchSuite(b, binaryImpls) }

// BenchmarkEchoJSON compares JSON codecs.
func BenchmarkEchoJSON(b *testing.B) { benchSuite(b, jsonImpls) }

func benchSuite(b *testing.B, impls []impl) {
	for _, conc := range []int{1, 64, 512} {
		for _, im := range impls {
			b.Run(fmt.Sprintf("c%d/%s", conc, im.name), func(b *testing.B) {
				call, closeFn := im.dial(b)
				defer closeFn()
				runConcurrent(b, conc, call)
			})
		}
	}
}

func runConcurrent(b *testing.B, conc int, call caller) {
	lat := make([][]time.Duration, conc)
	for g := range lat {
		lat[g] = make([]time.Duration, 0, b.N/conc+2)
	}
	var next atomic.Int64
	var failed atomic.Value
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for g := 0; g < conc; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, reply := &Req{A: int64(g), B: 2, S: payload}, &Req{}
			for next.Add(1) <= int64(b.N) {
				t0 := time.Now()
				if err := call(ctx, req, reply); err != nil {
					failed.Store(err)
					return
				}
				lat[g] = append(lat[g], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if err := failed.Load(); err != nil {
		b.Fatal(err)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "calls/s")
	if len(all) > 0 {
		b.ReportMetric(float64(all[len(all)*99/100].Microseconds()), "p99-µs")
	}
}
