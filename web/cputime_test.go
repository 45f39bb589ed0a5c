//go:build linux

package web

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// TestCPUTime prints thread CPU time per ServeHTTP (static and param
// routes), the minimum over interleaved rounds, so time spent descheduled
// on a shared machine does not count. It compared the Context pool's
// variants (see ctxpool.go): GEE_WEB_CPUTIME=1 go test -count=1 -run TestCPUTime -v ./web/
func TestCPUTime(t *testing.T) {
	if os.Getenv("GEE_WEB_CPUTIME") == "" {
		t.Skip("set GEE_WEB_CPUTIME=1 to measure")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	e := New()
	e.GET("/user/repos", func(c *Context) {})
	e.GET("/repos/:owner/:repo/stargazers", func(c *Context) {})
	// logged: Default's Logger with its own output format, written to io.Discard.
	logged := New()
	logged.Use(Logger(&LoggerConfig{Logger: slog.New(newTextHandler(newBatchWriter(io.Discard), slog.LevelInfo))}), Recovery(nil))
	logged.GET("/ping", func(c *Context) { c.String(http.StatusOK, "pong") })
	ping := mustReq("GET", "/ping")
	ping.RemoteAddr = "127.0.0.1:4321"
	cases := []struct {
		name string
		e    *Engine
		r    *http.Request
		n    int
	}{
		{"static", e, mustReq("GET", "/user/repos"), 2000000},
		{"param2", e, mustReq("GET", "/repos/a/b/stargazers"), 2000000},
		{"logged", logged, ping, 200000},
	}
	best := make([]float64, len(cases))
	w := &nopWriter{h: http.Header{}}
	for round := 0; round < 7; round++ {
		for i, c := range cases {
			n := c.n
			start := threadCPU()
			for j := 0; j < n; j++ {
				c.e.ServeHTTP(w, c.r)
			}
			ns := float64(threadCPU()-start) / float64(n)
			if round == 0 || ns < best[i] {
				best[i] = ns
			}
		}
	}
	for i, c := range cases {
		fmt.Printf("cputime %-8s %6.1f ns/op (per-P slots: %v)\n", c.name, best[i], len(e.pool.slots) > 0)
	}
}

func threadCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_THREAD, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
