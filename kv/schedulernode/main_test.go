package schedulernode

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/schedclient"
)

func TestHelp(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Run(context.Background(), []string{"-h"}, &out, &errb); code != 0 {
		t.Fatalf("-h exit %d", code)
	}
	for _, want := range []string{"Examples:", "-data", "-addr", "-max-replicas", "-max-store-down-time", "-schedule-interval", "-schedulers"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("-h output lacks %q", want)
		}
	}
}

func TestBadCommandLines(t *testing.T) {
	dir := t.TempDir()
	cases := map[string][]string{
		"no data":           {},
		"bad addr":          {"-data", dir, "-addr", "nowhere"},
		"replicas 0":        {"-data", dir, "-max-replicas", "0"},
		"replicas 17":       {"-data", dir, "-max-replicas", "17"},
		"down time short":   {"-data", dir, "-max-store-down-time", "10ms"},
		"interval 0":        {"-data", dir, "-schedule-interval", "0s"},
		"unknown scheduler": {"-data", dir, "-schedulers", "balance-hot"},
		"unknown flag":      {"-data", dir, "-nope"},
		"stray argument":    {"-data", dir, "extra"},
		"shutdown timeout":  {"-data", dir, "-shutdown-timeout", "0s"},
	}
	for name, args := range cases {
		var out, errb bytes.Buffer
		if code := Run(context.Background(), args, &out, &errb); code != 2 || errb.Len() == 0 {
			t.Errorf("%s: exit %d, stderr %q", name, code, errb.String())
		}
	}
}

// syncBuffer is a goroutine-safe stdout for a running server.
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

var listening = regexp.MustCompile(`listening on (\S+)`)

// startRun runs the command in-process until the returned stop is called.
func startRun(t *testing.T, args ...string) (addr string, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	code := make(chan int, 1)
	go func() { code <- Run(ctx, args, out, io.Discard) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			return m[1], func() int { cancel(); return <-code }
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no listening line; output %q", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Serve, bootstrap through the client, stop (as SIGTERM does: the context ends), restart on the
// same directory: the cluster, its ids and the explicitly given config survive.
func TestServeStopRestart(t *testing.T) {
	dir := t.TempDir()
	addr, stop := startRun(t, "-data", dir, "-addr", "127.0.0.1:0", "-max-replicas", "1", "-schedule-interval", "10ms")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cli, err := schedclient.New(ctx, []string{addr})
	if err != nil {
		t.Fatal(err)
	}
	storeID, _ := cli.AllocID(ctx)
	regionID, _ := cli.AllocID(ctx)
	peerID, err := cli.AllocID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	err = cli.Bootstrap(ctx, &metapb.Store{Id: storeID, Address: "127.0.0.1:20160"},
		&metapb.Region{Id: regionID, RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1}, Peers: []*metapb.Peer{{Id: peerID, StoreId: storeID}}})
	if err != nil {
		t.Fatal(err)
	}
	ts1, err := cli.GetTS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cli.Close()
	if code := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}

	addr, stop = startRun(t, "-data", dir, "-addr", "127.0.0.1:0")
	defer stop()
	cli, err = schedclient.New(ctx, []string{addr})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	if ok, err := cli.IsBootstrapped(ctx); !ok || err != nil {
		t.Fatalf("IsBootstrapped after restart: %v %v", ok, err)
	}
	if id, err := cli.AllocID(ctx); err != nil || id <= peerID {
		t.Fatalf("AllocID after restart: %d %v (before: %d)", id, err, peerID)
	}
	if ts2, err := cli.GetTS(ctx); err != nil || ts2 <= ts1 {
		t.Fatalf("GetTS after restart: %d %v (before: %d)", ts2, err, ts1)
	}
	cfg, err := cli.GetClusterConfig(ctx)
	if err != nil || cfg.GetMaxReplicas() != 1 {
		t.Fatalf("config after restart without the flag: %v %v", cfg, err)
	}
	r, err := cli.GetRegion(ctx, []byte("k"))
	if err != nil || r.Meta.GetId() != regionID {
		t.Fatalf("GetRegion after restart: %v %v", r, err)
	}
}

func TestBindFailure(t *testing.T) {
	addr, stop := startRun(t, "-data", t.TempDir(), "-addr", "127.0.0.1:0")
	defer stop()
	var errb bytes.Buffer
	if code := Run(context.Background(), []string{"-data", t.TempDir(), "-addr", addr}, io.Discard, &errb); code != 1 {
		t.Fatalf("second server on %s: exit %d (%s)", addr, code, errb.String())
	}
}

// startProcess starts the built binary on dir and waits for its listening line.
func startProcess(t *testing.T, bin, dir string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "-data", dir, "-addr", "127.0.0.1:0")
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
	deadline := time.Now().Add(20 * time.Second)
	for {
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			return cmd, m[1]
		}
		if time.Now().After(deadline) {
			t.Fatal("no listening line")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A real process: SIGKILL loses no id or timestamp already handed out (the marks are fsynced
// before use) nor the bootstrap; SIGTERM stops it cleanly with exit status 0.
func TestRealProcessKillAndTerm(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := t.TempDir() + "/tinykv-scheduler"
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/gee-project/gee/cmd/tinykv-scheduler").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd, addr := startProcess(t, bin, dir)
	cli, err := schedclient.New(ctx, []string{addr})
	if err != nil {
		t.Fatal(err)
	}
	err = cli.Bootstrap(ctx, &metapb.Store{Id: 1, Address: "127.0.0.1:20160"},
		&metapb.Region{Id: 2, RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1}, Peers: []*metapb.Peer{{Id: 3, StoreId: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	var lastID, lastTS uint64
	for i := 0; i < 50; i++ {
		if lastID, err = cli.AllocID(ctx); err != nil {
			t.Fatal(err)
		}
		if lastTS, err = cli.GetTS(ctx); err != nil {
			t.Fatal(err)
		}
	}
	cli.Close()
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_, _ = cmd.Process.Wait()

	cmd, addr = startProcess(t, bin, dir)
	if cli, err = schedclient.New(ctx, []string{addr}); err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	if ok, err := cli.IsBootstrapped(ctx); !ok || err != nil {
		t.Fatalf("bootstrap lost to SIGKILL: %v %v", ok, err)
	}
	if id, err := cli.AllocID(ctx); err != nil || id <= lastID {
		t.Fatalf("id after SIGKILL: %d %v, last before %d", id, err, lastID)
	}
	if ts, err := cli.GetTS(ctx); err != nil || ts <= lastTS {
		t.Fatalf("timestamp after SIGKILL: %d %v, last before %d", ts, err, lastTS)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no exit within 15 s of SIGTERM")
	}
}

// The binary wires the scheduling policies: a region with one replica in a cluster of three live
// stores (max-replicas 3) gets an AddPeer command for another store on its heartbeat stream.
func TestReplicaCheckerCommandReachesTheStore(t *testing.T) {
	addr, stop := startRun(t, "-data", t.TempDir(), "-addr", "127.0.0.1:0", "-schedule-interval", "10ms")
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmds := make(chan *pb.RegionHeartbeatResponse, 16)
	cli, err := schedclient.New(ctx, []string{addr}, schedclient.WithRegionHeartbeatHandler(func(r *pb.RegionHeartbeatResponse) {
		select {
		case cmds <- r:
		default:
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	region := &metapb.Region{Id: 100, RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1}, Peers: []*metapb.Peer{{Id: 101, StoreId: 1}}}
	if err := cli.Bootstrap(ctx, &metapb.Store{Id: 1, Address: "127.0.0.1:20160"}, region); err != nil {
		t.Fatal(err)
	}
	for id := uint64(2); id <= 3; id++ {
		if err := cli.PutStore(ctx, &metapb.Store{Id: id, Address: fmt.Sprintf("127.0.0.1:%d", 20160+id)}); err != nil {
			t.Fatal(err)
		}
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		for id := uint64(1); id <= 3; id++ {
			if err := cli.StoreHeartbeat(ctx, &pb.StoreStats{StoreId: id, Capacity: 1 << 30, Available: 1 << 29}); err != nil {
				t.Fatal(err)
			}
		}
		_ = cli.ReportRegion(&pb.RegionHeartbeatRequest{Region: region, Leader: region.Peers[0], Term: 1})
		select {
		case cmd := <-cmds:
			if e := cmd.GetHeader().GetError(); e != nil {
				t.Fatalf("heartbeat refused: %v", e)
			}
			cp := cmd.GetChangePeer()
			if cmd.GetRegionId() != 100 || cp == nil || cp.GetPeer().GetStoreId() == 1 || cp.GetPeer().GetId() == 0 {
				t.Fatalf("command %v, want AddPeer on store 2 or 3", cmd)
			}
			return
		case <-tick.C:
		case <-ctx.Done():
			t.Fatal("no command within 20 s")
		}
	}
}
