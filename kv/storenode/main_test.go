package storenode

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/client"
)

func TestHelpDocumentsEveryFlag(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Run(context.Background(), []string{"-h"}, &out, &errb); code != 0 {
		t.Fatalf("-h exit code %d, stderr %q", code, errb.String())
	}
	help := out.String()
	for _, f := range []string{"-addr", "-data", "-store-id", "-peers", "-standalone", "-tick", "-election-ticks",
		"-heartbeat-ticks", "-raft-log-gc-count", "-raft-log-gc-size", "-proposal-timeout", "-lease-reads",
		"-max-snapshot-size", "-max-value-size", "-shutdown-timeout", "-gc-percent", "-region-heartbeat", "Examples:"} {
		if !strings.Contains(help, f) {
			t.Errorf("-h output does not mention %s", f)
		}
	}
	if !strings.Contains(help, "(default 32MiB)") {
		t.Errorf("size defaults not shown with units:\n%s", help)
	}
}

func TestBadCommandLines(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-bogus"}, "-bogus"},
		{[]string{"-tick", "soon", "-data", "d"}, "-tick"},
		{[]string{"-standalone"}, "-data: required"},
		{[]string{"-data", "d"}, "-store-id: required"},
		{[]string{"-data", "d", "-store-id", "1"}, "-peers: required"},
		{[]string{"-data", "d", "-store-id", "4", "-peers", "1=127.0.0.1:1,2=127.0.0.1:2"}, "does not list -store-id 4"},
		{[]string{"-data", "d", "-store-id", "1", "-peers", "1=127.0.0.1:1,1=127.0.0.1:2"}, "store 1 listed twice"},
		{[]string{"-data", "d", "-store-id", "1", "-peers", "1=127.0.0.1:1,2=127.0.0.1:1"}, "share address"},
		{[]string{"-data", "d", "-store-id", "1", "-peers", "x=127.0.0.1:1"}, `entry "x=127.0.0.1:1"`},
		{[]string{"-data", "d", "-store-id", "1", "-peers", "1=nohost"}, `-peers: entry "1=nohost"`},
		{[]string{"-data", "d", "-standalone", "-store-id", "1"}, "-standalone: do not combine"},
		{[]string{"-data", "d", "-store-id", "1", "-peers", "1=127.0.0.1:1", "-election-ticks", "2"}, "-election-ticks 2"},
		{[]string{"-data", "d", "-standalone", "-addr", "nope"}, "-addr"},
		{[]string{"-data", "d", "-standalone", "-max-value-size", "lots"}, "-max-value-size"},
		{[]string{"-data", "d", "-standalone", "extra"}, `unexpected argument "extra"`},
		{[]string{"-data", "d", "-standalone", "-gc-percent", "-2"}, "-gc-percent -2"},
		{[]string{"-data", "d", "-store-id", "1", "-peers", "1=127.0.0.1:1", "-region-heartbeat", "0s"}, "-region-heartbeat: must be positive"},
		{[]string{"-data", "d", "-store-id", "1", "-scheduler", "127.0.0.1:1", "-peers", "1=127.0.0.1:1"}, "-scheduler: do not combine"},
		{[]string{"-data", "d", "-store-id", "1", "-scheduler", "127.0.0.1:1", "-addr", "127.0.0.1:0"}, "fixed port"},
		{[]string{"-data", "d", "-standalone", "-scheduler", "127.0.0.1:1"}, "-standalone: do not combine"},
	}
	for _, tc := range cases {
		var out, errb bytes.Buffer
		code := Run(context.Background(), tc.args, &out, &errb)
		if code != 2 || !strings.Contains(errb.String(), tc.want) || out.Len() != 0 {
			t.Errorf("%v: exit %d, stderr %q, stdout %q; want exit 2 naming %q and nothing started",
				tc.args, code, errb.String(), out.String(), tc.want)
		}
	}
}

func TestSizeFlag(t *testing.T) {
	for in, want := range map[string]uint64{"4096": 4096, "64KiB": 64 << 10, "32MiB": 32 << 20, "1GiB": 1 << 30, "7B": 7} {
		var s sizeFlag
		if err := s.Set(in); err != nil || uint64(s) != want {
			t.Errorf("Set(%q) = %d, %v; want %d", in, s, err, want)
		}
	}
	for _, in := range []string{"", "-1", "1TiB", "MiB", "99999999999GiB"} {
		var s sizeFlag
		if err := s.Set(in); err == nil {
			t.Errorf("Set(%q) accepted", in)
		}
	}
}

// proc is one in-test server started through run.
type proc struct {
	addr   string
	cancel context.CancelFunc
	done   chan int
	stderr *syncBuffer
}

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

var listeningRE = regexp.MustCompile(`^listening on (\S+)$`)

// start runs the server with args and waits for its "listening on" line.
func start(t *testing.T, args ...string) *proc { return startTB(t, args...) }

func startB(b *testing.B, args ...string) *proc { return startTB(b, args...) }

func startTB(t testing.TB, args ...string) *proc {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	p := &proc{cancel: cancel, done: make(chan int, 1), stderr: &syncBuffer{}}
	go func() {
		p.done <- Run(ctx, args, pw, p.stderr)
		close(p.done)
		pw.Close()
	}()
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
				lines <- m[1]
			}
		}
	}()
	select {
	case p.addr = <-lines:
	case code := <-p.done:
		t.Fatalf("server exited with %d before listening: %s", code, p.stderr.String())
	case <-time.After(20 * time.Second):
		cancel()
		t.Fatalf("server did not print its address: %s", p.stderr.String())
	}
	t.Cleanup(func() { p.stop(t) })
	return p
}

func (p *proc) stop(t testing.TB) {
	p.cancel()
	select {
	case code, ok := <-p.done:
		if ok && code != 0 {
			t.Errorf("server exit code %d: %s", code, p.stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Errorf("server did not stop within 30s")
	}
}

func newClient(t *testing.T, addrs ...string) *client.Client { return newClientTB(t, addrs...) }

func newClientB(b *testing.B, addrs ...string) *client.Client { return newClientTB(b, addrs...) }

func newClientTB(t testing.TB, addrs ...string) *client.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := client.New(ctx, addrs, client.WithBackoff(5*time.Millisecond, 200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestStandaloneServesAndStops(t *testing.T) {
	dir := t.TempDir()
	p := start(t, "-standalone", "-data", dir, "-addr", "127.0.0.1:0")
	c := newClient(t, p.addr)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := c.Put(ctx, []byte("k"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	p.stop(t)

	// The write survived the stop; the port is free again for a new process.
	p = start(t, "-standalone", "-data", dir, "-addr", "127.0.0.1:0")
	c = newClient(t, p.addr)
	if v, err := c.Get(ctx, []byte("k")); err != nil || string(v) != "v" {
		t.Fatalf("after restart Get(k) = %q, %v", v, err)
	}
}

func TestBindFailureIsReported(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer lis.Close()
	var out, errb bytes.Buffer
	code := Run(context.Background(), []string{"-standalone", "-data", t.TempDir(), "-addr", lis.Addr().String()}, &out, &errb)
	if code != 1 || strings.Contains(out.String(), "listening") || !strings.Contains(errb.String(), "-addr") {
		t.Fatalf("busy port: exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
}

func freeAddrs(t *testing.T, n int) []string { return freeAddrsTB(t, n) }

func freeAddrsB(b *testing.B, n int) []string { return freeAddrsTB(b, n) }

func freeAddrsTB(t testing.TB, n int) []string {
	t.Helper()
	var addrs []string
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addrs = append(addrs, l.Addr().String())
		defer l.Close()
	}
	return addrs
}

// TestThreeStoreCluster runs three raft stores in this process over real gRPC: writes go
// through whichever store leads, survive a store's graceful restart, and reach it.
func TestThreeStoreCluster(t *testing.T) {
	addrs := freeAddrs(t, 3)
	peers := fmt.Sprintf("1=%s,2=%s,3=%s", addrs[0], addrs[1], addrs[2])
	dirs := []string{t.TempDir(), t.TempDir(), t.TempDir()}
	args := func(i int) []string {
		return []string{"-store-id", fmt.Sprint(i + 1), "-addr", addrs[i], "-data", dirs[i], "-peers", peers,
			"-tick", "20ms", "-proposal-timeout", "3s", "-shutdown-timeout", "5s"}
	}
	var ps []*proc
	for i := range 3 {
		ps = append(ps, start(t, args(i)...))
	}
	c := newClient(t, addrs...)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for i := range 20 {
		k := []byte(fmt.Sprintf("k%02d", i))
		if err := c.Put(ctx, k, k); err != nil {
			t.Fatalf("Put(%s): %v", k, err)
		}
	}
	ps[0].stop(t)
	if err := c.Put(ctx, []byte("while-down"), []byte("x")); err != nil {
		t.Fatalf("Put with store 1 down: %v", err)
	}
	ps[0] = start(t, args(0)...)
	kvs, err := c.Scan(ctx, []byte("k"), []byte("l"), 100)
	if err != nil || len(kvs) != 20 {
		t.Fatalf("Scan = %d pairs, %v; want 20", len(kvs), err)
	}
	// Store 1 catches up: a stale read served by it alone eventually sees the write made
	// while it was down.
	one := newClient(t, addrs[0])
	for end := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		v, err := one.Get(ctx, []byte("while-down"), client.WithStaleRead())
		if err == nil && string(v) == "x" {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("store 1 never caught up: %q, %v", v, err)
		}
	}
}

func TestLeaseReadsDefaultOn(t *testing.T) {
	base := []string{"-data", "d", "-store-id", "1", "-peers", "1=127.0.0.1:1"}
	cfg, err := parseFlags(base, io.Discard)
	if err != nil || !cfg.store.LeaseReads {
		t.Fatalf("default: LeaseReads = %v, err %v; want lease reads on", cfg != nil && cfg.store.LeaseReads, err)
	}
	cfg, err = parseFlags(append(base, "-lease-reads=false"), io.Discard)
	if err != nil || cfg.store.LeaseReads {
		t.Fatalf("-lease-reads=false: LeaseReads = %v, err %v; want ReadIndex", cfg != nil && cfg.store.LeaseReads, err)
	}
}
