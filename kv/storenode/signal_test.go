package storenode

import (
	"bufio"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSIGTERMStopsGracefully builds the binary, writes through it, sends SIGTERM and
// expects exit status 0; a restart on the same directory still has the write.
func TestSIGTERMStopsGracefully(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "tinykv-server")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/gee-project/gee/cmd/tinykv-server").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	startBin := func() (*exec.Cmd, string) {
		cmd := exec.Command(bin, "-standalone", "-data", dir, "-addr", "127.0.0.1:0")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		addr := make(chan string, 1)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				if a, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
					addr <- a
				}
			}
		}()
		select {
		case a := <-addr:
			return cmd, a
		case <-time.After(30 * time.Second):
			t.Fatal("no 'listening on' line within 30s")
			return nil, ""
		}
	}

	cmd, addr := startBin()
	c := newClient(t, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := c.Put(ctx, []byte("k"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("still running 30s after SIGTERM")
	}

	_, addr = startBin()
	c = newClient(t, addr)
	if v, err := c.Get(ctx, []byte("k")); err != nil || string(v) != "v" {
		t.Fatalf("after SIGTERM and restart Get(k) = %q, %v", v, err)
	}
}
