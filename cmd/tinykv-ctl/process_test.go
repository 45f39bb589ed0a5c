package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/client"
	"github.com/gee-project/gee/kv/schedclient"
)

// syncBuffer collects a process's output for the "listening on" line.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listeningRE = regexp.MustCompile(`listening on (\S+)`)

// proc is one binary this test started (and only those are ever signalled).
type proc struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	args []string
	bin  string
}

func startProc(t *testing.T, bin string, args ...string) *proc {
	t.Helper()
	p := &proc{out: &syncBuffer{}, args: args, bin: bin}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.kill() })
	deadline := time.Now().Add(60 * time.Second)
	for !listeningRE.MatchString(p.out.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("%s %v: no listening line; output:\n%s", filepath.Base(bin), args, p.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return p
}

// kill SIGKILLs the process if it still runs and reaps it.
func (p *proc) kill() {
	if p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		_ = p.cmd.Wait()
	}
}

func (p *proc) restart(t *testing.T) *proc {
	t.Helper()
	p.kill()
	return startProc(t, p.bin, p.args...)
}

func freePorts(t *testing.T, n int) []string {
	t.Helper()
	var out []string
	var ls []net.Listener
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		out = append(out, l.Addr().String())
	}
	for _, l := range ls {
		l.Close()
	}
	return out
}

func buildBinaries(t *testing.T, names ...string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	out := map[string]string{}
	for _, n := range names {
		bin := filepath.Join(dir, n)
		cmd := exec.Command("go", "build", "-o", bin, "github.com/gee-project/gee/cmd/"+n)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", n, err, b)
		}
		out[n] = bin
	}
	return out
}

// until polls cond every 100ms for up to d.
func until(t *testing.T, d time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(d)
	last := ""
	for time.Now().Before(deadline) {
		ok, s := cond()
		if ok {
			return
		}
		last = s
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: not reached in %v (last: %s)", what, d, last)
}

// TestProcessCluster runs the real binaries: one tinykv-scheduler and three tinykv-server
// -scheduler stores on free ports. A writer puts keys through kv/client.NewWithScheduler while
// the test splits through tinykv-ctl, SIGKILLs and restarts a store, and SIGKILLs and restarts
// the scheduler; every acknowledged write must then be readable with its value.
func TestProcessCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the tinykv binaries")
	}
	bins := buildBinaries(t, "tinykv-scheduler", "tinykv-server", "tinykv-ctl")
	addrs := freePorts(t, 4)
	sched := startProc(t, bins["tinykv-scheduler"], "-data", t.TempDir(), "-addr", addrs[0], "-schedule-interval", "50ms")
	var stores []*proc
	for i := 1; i <= 3; i++ {
		stores = append(stores, startProc(t, bins["tinykv-server"], "-data", t.TempDir(), "-store-id", fmt.Sprint(i),
			"-scheduler", addrs[0], "-addr", addrs[i], "-tick", "20ms", "-region-heartbeat", "200ms"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sc, err := schedclient.New(ctx, []string{addrs[0]})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	until(t, 30*time.Second, "first region on 3 stores", func() (bool, string) {
		r, err := sc.GetRegion(ctx, nil)
		return err == nil && len(r.Meta.GetPeers()) == 3 && len(r.PendingPeers) == 0, fmt.Sprint(r, err)
	})

	w := startProcWriter(t, addrs[0])
	ctl := func(args ...string) string {
		out, err := exec.Command(bins["tinykv-ctl"], append([]string{"-scheduler", addrs[0], "-timeout", "30s"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tinykv-ctl %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	until(t, 20*time.Second, "writes before the split", func() (bool, string) { return w.count() >= 20, fmt.Sprint(w.count()) })
	t.Log(ctl("split", "k00100", "k00200"))
	rs, err := sc.ScanRegions(ctx, nil, nil, 0)
	if err != nil || len(rs) != 3 {
		t.Fatalf("regions after split: %d, %v", len(rs), err)
	}

	stores[1] = stores[1].restart(t) // SIGKILL store 2, start it again on its data
	w.progress(t, "writes after the store restart")
	sched.restart(t) // SIGKILL the scheduler, start it again on its data
	w.progress(t, "writes after the scheduler restart")
	t.Log(ctl("regions"))
	t.Log(ctl("stores"))
	acked := w.stop()

	kv, err := client.NewWithScheduler(ctx, []string{addrs[0]})
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	for k, v := range acked {
		got, err := kv.Get(ctx, []byte(k))
		if err != nil || string(got) != v {
			t.Fatalf("acknowledged %s=%s reads %q, %v", k, v, got, err)
		}
	}
	if out := ctl("raw", "get", "k00000"); out != acked["k00000"]+"\n" {
		t.Fatalf("tinykv-ctl get k00000 = %q, want %q", out, acked["k00000"])
	}
	t.Logf("%d acknowledged writes read back (%d failed or ambiguous)", len(acked), w.failed)
}

// procWriter puts k%05d = v%d in order through kv/client.NewWithScheduler until stopped.
type procWriter struct {
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	acked  map[string]string
	failed int
}

func startProcWriter(t *testing.T, sched string) *procWriter {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	cl, err := client.NewWithScheduler(ctx, []string{sched})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	w := &procWriter{cancel: cancel, done: make(chan struct{}), acked: map[string]string{}}
	go func() {
		defer close(w.done)
		defer cl.Close()
		for i := 0; i < 100000 && ctx.Err() == nil; i++ {
			k, v := fmt.Sprintf("k%05d", i), fmt.Sprintf("v%d", i)
			pctx, pcancel := context.WithTimeout(ctx, 10*time.Second)
			err := cl.Put(pctx, []byte(k), []byte(v))
			pcancel()
			w.mu.Lock()
			if err == nil {
				w.acked[k] = v
			} else if !errors.Is(err, context.Canceled) {
				w.failed++
			}
			w.mu.Unlock()
			time.Sleep(2 * time.Millisecond)
		}
	}()
	t.Cleanup(func() { w.stop() })
	return w
}

func (w *procWriter) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.acked)
}

// progress waits until 20 more writes are acknowledged.
func (w *procWriter) progress(t *testing.T, what string) {
	t.Helper()
	base := w.count()
	until(t, 30*time.Second, what, func() (bool, string) { return w.count() >= base+20, fmt.Sprint(w.count()) })
}

func (w *procWriter) stop() map[string]string {
	w.cancel()
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.acked
}
