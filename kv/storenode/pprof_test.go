package storenode

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestHibernateAndPprofFlags: -no-hibernate maps to raftstore's NoHibernate, -pprof is off
// unless given and needs HOST:PORT, and -h documents both.
func TestHibernateAndPprofFlags(t *testing.T) {
	base := []string{"-data", "d", "-store-id", "1", "-peers", "1=127.0.0.1:1"}
	cfg, err := parseFlags(base, io.Discard)
	if err != nil || cfg.store.NoHibernate || cfg.pprof != "" {
		t.Fatalf("defaults: NoHibernate %v, pprof %q, %v; want false, off", cfg.store.NoHibernate, cfg.pprof, err)
	}
	cfg, err = parseFlags(append(base, "-no-hibernate", "-pprof", "127.0.0.1:6060"), io.Discard)
	if err != nil || !cfg.store.NoHibernate || cfg.pprof != "127.0.0.1:6060" {
		t.Fatalf("-no-hibernate -pprof: NoHibernate %v, pprof %q, %v", cfg.store.NoHibernate, cfg.pprof, err)
	}
	if cfg, err := parseFlags(append(base, "-bootstrap=false"), io.Discard); err != nil || cfg.bootstrap {
		t.Fatalf("-bootstrap=false: %v, %v", cfg, err)
	}
	sched := []string{"-data", "d", "-store-id", "1", "-scheduler", "127.0.0.1:1", "-addr", "127.0.0.1:2", "-bootstrap=false"}
	if _, err := parseFlags(sched, io.Discard); err == nil || !strings.Contains(err.Error(), "only for -peers") {
		t.Fatalf("-bootstrap=false with -scheduler: %v", err)
	}
	if _, err := parseFlags(append(base, "-pprof", "6060"), io.Discard); err == nil || !strings.Contains(err.Error(), "-pprof") {
		t.Fatalf("-pprof 6060 = %v, want an error naming -pprof", err)
	}
	var help strings.Builder
	_, _ = parseFlags([]string{"-h"}, &help)
	for _, f := range []string{"-no-hibernate", "-pprof HOST:PORT", "off by default", "-bootstrap=false", "-store-heartbeat"} {
		if !strings.Contains(help.String(), f) {
			t.Errorf("-h does not mention %q", f)
		}
	}
}

// TestPprofServes: the profiler answers on its own address and stops with stop.
func TestPprofServes(t *testing.T) {
	addr, stop, err := startPprof("127.0.0.1:0", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cl := &http.Client{Timeout: 5 * time.Second}
	resp, err := cl.Get("http://" + addr + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "goroutine profile") {
		t.Fatalf("pprof goroutine: %d %.200s", resp.StatusCode, body)
	}
	stop()
	if _, err := cl.Get("http://" + addr + "/debug/pprof/"); err == nil {
		t.Fatal("pprof still answers after stop")
	}
	if _, _, err := startPprof("127.0.0.1:bad", io.Discard); err == nil {
		t.Fatal("startPprof on a bad address succeeded")
	}
}
