package cluster

import (
	"context"
	"fmt"
	"math/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/client"
)

// serverProc is one tinykv-server process this test started, on a fixed port and data
// directory so it can be killed and started again as the same store.
type serverProc struct {
	id   uint64
	addr string
	dir  string
	log  string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// buildServer builds cmd/tinykv-server once into a temp dir.
func buildServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "tinykv-server")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/gee-project/gee/cmd/tinykv-server")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build tinykv-server: %v\n%s", err, out)
	}
	return bin
}

func freeAddrs(t *testing.T, n int) []string {
	t.Helper()
	var ls []net.Listener
	var addrs []string
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		addrs = append(addrs, l.Addr().String())
	}
	for _, l := range ls {
		l.Close()
	}
	return addrs
}

// serverArgs is the command line of store id in a cluster of addrs.
func serverArgs(id uint64, dir string, addrs []string) []string {
	var peers []string
	for i, a := range addrs {
		peers = append(peers, fmt.Sprintf("%d=%s", i+1, a))
	}
	return []string{"-addr", addrs[id-1], "-data", dir, "-store-id", fmt.Sprint(id),
		"-peers", strings.Join(peers, ","), "-tick", "50ms",
		// A small GC limit, so a store killed for a second may need a snapshot to catch up.
		"-raft-log-gc-count", "50", "-raft-log-gc-interval", "200ms", "-log-level", "info"}
}

func (p *serverProc) start(bin string, addrs []string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	logf, err := os.OpenFile(p.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	fmt.Fprintf(logf, "=== start %s\n", time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(bin, serverArgs(p.id, p.dir, addrs)...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start store %d: %w", p.id, err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(done)
	}()
	p.cmd, p.done = cmd, done
	return nil
}

// kill SIGKILLs the process (only ever one this test started) and waits for it.
func (p *serverProc) kill() {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	p.cmd = nil
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Kill()
	<-done
}

func waitListening(t *testing.T, addr string, d time.Duration) {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
			c.Close()
			return
		}
	}
	t.Fatalf("%s is not listening after %v", addr, d)
}

func tailFile(path string, n int) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// TestProcessesKillRestart starts three tinykv-server processes, drives bounded load
// through the gRPC API, SIGKILLs one per round (the leader in the first) and restarts it on
// its data directory; the history must be linearizable and every acknowledged write
// readable at the end.
func TestProcessesKillRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real server processes")
	}
	runProcesses(t, 4, 3*time.Second)
}

// runProcesses is the kill/restart test with the given rounds.
func runProcesses(t *testing.T, rounds int, roundTime time.Duration) {
	seed := ScenarioSeed()
	rng := rand.New(rand.NewSource(seed))
	t.Logf("seed %d", seed)
	bin := buildServer(t)
	base := t.TempDir()
	addrs := freeAddrs(t, 3)
	procs := make([]*serverProc, 3)
	for i := range procs {
		id := uint64(i + 1)
		procs[i] = &serverProc{id: id, addr: addrs[i], dir: filepath.Join(base, fmt.Sprintf("store%d", id)),
			log: filepath.Join(base, fmt.Sprintf("store%d.log", id))}
		if err := procs[i].start(bin, addrs); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, p := range procs {
			p.kill()
		}
	})
	failf := func(format string, args ...any) {
		t.Helper()
		for _, p := range procs {
			t.Logf("store %d log (%s) tail:\n%s", p.id, p.log, tailFile(p.log, 30))
		}
		t.Fatalf(format, args...)
	}
	for _, p := range procs {
		waitListening(t, p.addr, 30*time.Second)
	}

	w := NewWorkload()
	var cmu sync.Mutex
	var clients []*client.Client
	dial := func() *client.Client {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := client.New(ctx, addrs, client.WithMaxAttempts(1), client.WithAttemptTimeout(2*time.Second))
		if err != nil {
			t.Errorf("client: %v", err)
			return nil
		}
		cmu.Lock()
		clients = append(clients, c)
		cmu.Unlock()
		return c
	}
	defer func() {
		for _, c := range clients {
			c.Close()
		}
	}()
	newKV := func(int) KVClient { return ClientKV{C: dial()} }
	pr := &Recorder{KV: newKV(0), Hist: w.Hist, Client: 50, Stats: &w.Stats}
	if !putWithin(pr, "probe", "ready", 30*time.Second) {
		failf("the cluster never acknowledged a first write")
	}
	leaderAddr := func() string {
		// The server a one-attempt client last reached after a successful put leads (or did).
		for _, p := range procs {
			c, err := client.New(context.Background(), []string{p.addr}, client.WithMaxAttempts(1), client.WithAttemptTimeout(time.Second))
			if err != nil {
				continue
			}
			err = c.Put(context.Background(), []byte("leader-probe"), []byte(p.addr))
			c.Close()
			if err == nil {
				return p.addr
			}
		}
		return ""
	}
	for round := 0; round < rounds; round++ {
		victim := procs[rng.Intn(len(procs))]
		if round == 0 {
			la := leaderAddr()
			for _, p := range procs {
				if p.addr == la {
					victim = p
				}
			}
			if victim.addr != la {
				failf("no leader found before round %d", round)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), roundTime)
		var kw sync.WaitGroup
		kw.Add(1)
		go func() {
			defer kw.Done()
			_ = sleepCtx(ctx, roundTime/3)
			t.Logf("round %d: SIGKILL store %d (%s)", round, victim.id, victim.addr)
			victim.kill()
			time.Sleep(time.Second)
			if err := victim.start(bin, addrs); err != nil {
				t.Error(err)
			}
		}()
		var cw sync.WaitGroup
		cw.Add(1)
		go func() {
			defer cw.Done()
			w.RunContentionRound(ctx, 2, 3, seed+int64(round), newKV)
		}()
		err := w.RunGenericRound(ctx, 2, newKV)
		cw.Wait()
		kw.Wait()
		cancel()
		if err != nil {
			failf("round %d, seed %d: generic check: %v", round, seed, err)
		}
		waitListening(t, victim.addr, 30*time.Second)
		t.Logf("round %d: %s", round, w.Stats.String())
	}

	vctx, vcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer vcancel()
	final := newKV(0)
	if err := w.VerifyGeneric(vctx, final); err != nil {
		failf("seed %d: acknowledged writes lost: %v", seed, err)
	}
	fr := &Recorder{KV: final, Hist: w.Hist, Client: 51, Stats: &w.Stats}
	for k := 0; k < 3; k++ {
		key := fmt.Sprintf("k%02d", k)
		if _, _, ok := fr.Get(vctx, key, key); !ok {
			failf("final read of %s failed", key)
		}
	}
	if w.Stats.Acked.Load() < 10 {
		failf("only %d writes acknowledged", w.Stats.Acked.Load())
	}
	ops, unknown := w.Hist.Len()
	t.Logf("seed %d: %d ops (%d ambiguous): %s", seed, ops, unknown, w.Stats.String())
	if _, err := CheckLinearizable(w.Hist, fmt.Sprintf("%s-seed%d", t.Name(), seed), CheckTimeout); err != nil {
		failf("seed %d: %v", seed, err)
	}
}

// putWithin retries a recorded put until it is acknowledged or d passes.
func putWithin(r *Recorder, key, value string, d time.Duration) bool {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for ctx.Err() == nil {
		if ok, _ := r.Put(ctx, key, key, value); ok {
			return true
		}
		_ = sleepCtx(ctx, 50*time.Millisecond)
	}
	return false
}
