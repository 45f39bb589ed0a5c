package kv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/client"
)

// geeStore adapts kv/client (Get is linearizable unless WithStaleRead).
type geeStore struct{ cli *client.Client }

func (s geeStore) Put(ctx context.Context, key, value []byte) error {
	return s.cli.Put(ctx, key, value)
}

func (s geeStore) Get(ctx context.Context, key []byte) ([]byte, bool, error) {
	v, err := s.cli.Get(ctx, key)
	if errors.Is(err, client.ErrNotFound) {
		return nil, false, nil
	}
	return v, err == nil, err
}

// connectGee opens a kv/client over addrs and wraps it with stop.
func connectGee(tb testing.TB, addrs []string, procs []*proc) *cluster {
	tb.Helper()
	stopAll := func() {
		for _, p := range procs {
			p.stop()
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cli, err := client.New(ctx, addrs)
	if err != nil {
		stopAll()
		tb.Fatal(err)
	}
	return &cluster{store: geeStore{cli}, procs: procs, close: func() {
		cli.Close()
		stopAll()
	}}
}

// geeBinEnv names a prebuilt tinykv-server to use instead of building
// ../../cmd/tinykv-server (e.g. one built from a fixed commit).
const geeBinEnv = "KVBENCH_TINYKV_BIN"

// geeMissing says why TinyKV cannot run here ("" when it can).
func geeMissing() string {
	if os.Getenv(geeBinEnv) != "" {
		return ""
	}
	if _, err := os.Stat("../../cmd/tinykv-server/main.go"); err != nil {
		return "cmd/tinykv-server is not in the tree"
	}
	return ""
}

// startGee builds cmd/tinykv-server from the root module and starts a
// 3-store raft cluster on free loopback ports with data under dir, default
// tuning (100 ms tick, lease reads; -lease-reads=false for ReadIndex), plus
// extra flags.
func startGee(tb testing.TB, dir string, extra ...string) *cluster {
	tb.Helper()
	bin := os.Getenv(geeBinEnv)
	if bin == "" {
		bin = buildBinary(tb, "../..", "./cmd/tinykv-server")
	}
	ports := freePorts(tb, 3)
	var addrs, peers []string
	for i, p := range ports {
		addrs = append(addrs, fmt.Sprintf("127.0.0.1:%d", p))
		peers = append(peers, fmt.Sprintf("%d=%s", i+1, addrs[i]))
	}
	var procs []*proc
	for i := range addrs {
		name := fmt.Sprintf("s%d", i+1)
		args := append([]string{"-store-id", fmt.Sprint(i + 1), "-addr", addrs[i],
			"-data", filepath.Join(dir, name), "-peers", strings.Join(peers, ",")}, extra...)
		p, err := tryStartProc("tinykv "+name, bin, args, filepath.Join(dir, name+".log"),
			"listening on", 60*time.Second)
		if err != nil {
			for _, p := range procs {
				p.stop()
			}
			tb.Fatal(err)
		}
		procs = append(procs, p)
	}
	return connectGee(tb, addrs, procs)
}
