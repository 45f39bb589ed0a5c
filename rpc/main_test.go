package rpc

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
)

const childEnv = "GEERPC_TEST_SERVER_CHILD"

// TestMain lets a test re-execute this binary as a standalone server
// process, so a test can kill the server for real.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		s := NewServer()
		if err := s.Register(&Arith{}); err != nil {
			panic(err)
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			panic(err)
		}
		fmt.Printf("ADDR %s\n", l.Addr())
		_ = s.Serve(l)
		return
	}
	os.Exit(m.Run())
}

// startServerProcess runs a server in a child process; the caller kills it.
func startServerProcess(t *testing.T) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ADDR ") {
		t.Fatalf("child server: %q %v", line, err)
	}
	return cmd, strings.TrimSpace(strings.TrimPrefix(line, "ADDR "))
}
