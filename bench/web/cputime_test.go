package web

import (
	"fmt"
	"net/http"
	"os"
	"regexp"
	"runtime"
	"sort"
	"syscall"
	"testing"
	"time"
)

// TestCPUTime prints nanoseconds of thread CPU time per op for each case and
// implementation, the minimum over interleaved rounds. On a shared machine
// wall-clock benchmarks count time spent descheduled; thread CPU time does
// not. Run: GEE_WEB_CPUTIME=. go test -run TestCPUTime -v ./web/
func TestCPUTime(t *testing.T) {
	pat := os.Getenv("GEE_WEB_CPUTIME")
	if pat == "" {
		t.Skip("set GEE_WEB_CPUTIME to a regexp of cases (e.g. .) to measure")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	type bench struct {
		name string
		h    http.Handler
		reqs []*http.Request
	}
	var bs []bench
	gh := githubRoutes(t)
	for _, im := range impls {
		bs = append(bs, bench{"github-all/" + im.name, im.build(gh), requests(t, gh)})
	}
	for _, s := range singles {
		rs := []route{{"GET", s.route}}
		for _, im := range impls {
			bs = append(bs, bench{s.name + "/" + im.name, im.build(rs), requests(t, rs)})
		}
	}
	re := regexp.MustCompile(pat)
	kept := bs[:0]
	for _, b := range bs {
		if re.MatchString(b.name) {
			kept = append(kept, b)
		}
	}
	bs = kept
	best := map[string]float64{}
	w := &discard{h: http.Header{}}
	for round := 0; round < 7; round++ {
		for _, b := range bs {
			n := 3000000 / len(b.reqs) // enough CPU time to dwarf tick-based accounting
			start := threadCPU()
			for i := 0; i < n; i++ {
				for _, r := range b.reqs {
					b.h.ServeHTTP(w, r)
				}
			}
			ns := float64(threadCPU()-start) / float64(n)
			if v, ok := best[b.name]; !ok || ns < v {
				best[b.name] = ns
			}
		}
	}
	names := make([]string, 0, len(best))
	for k := range best {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Printf("%-28s %10.1f ns/op\n", k, best[k])
	}
}

func threadCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_THREAD, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
