package kv

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// freePorts returns n distinct loopback ports that were free a moment ago.
func freePorts(tb testing.TB, n int) []int {
	tb.Helper()
	ports := make([]int, 0, n)
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for len(ports) < n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

var (
	buildMu sync.Mutex
	built   = map[string]string{}
)

// buildBinary builds pkg (run from dir) once per test binary and returns
// the executable's path.
func buildBinary(tb testing.TB, dir, pkg string) string {
	tb.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	key := dir + "|" + pkg
	if p, ok := built[key]; ok {
		return p
	}
	out := filepath.Join(binDir(tb), filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = dir
	if msg, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build %s: %v\n%s", pkg, err, msg)
	}
	built[key] = out
	return out
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// binDir is a directory for built binaries that lives as long as the test
// binary; TestMain removes it.
func binDir(tb testing.TB) string {
	binOnce.Do(func() { binPath, binErr = os.MkdirTemp("", "kvbench-bin-") })
	if binErr != nil {
		tb.Fatal(binErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(binPath)
	}
	os.Exit(code)
}

// proc is a child process that announced readiness on stdout.
type proc struct {
	name  string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	log   *os.File
	done  chan struct{}
	err   error
}

// tryStartProc runs bin with args and waits up to timeout for a stdout
// line starting with ready. Stderr and stdout go to logPath.
func tryStartProc(name, bin string, args []string, logPath, ready string, timeout time.Duration) (*proc, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stderr = logf
	stdin, err := cmd.StdinPipe()
	if err != nil {
		logf.Close()
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		logf.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, stdin: stdin, log: logf, done: make(chan struct{})}
	readyc := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		seen := false
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(logf, line)
			if !seen && strings.HasPrefix(line, ready) {
				seen = true
				readyc <- true
			}
		}
		if !seen {
			readyc <- false
		}
		p.err = cmd.Wait()
		close(p.done)
	}()
	select {
	case ok := <-readyc:
		if !ok {
			<-p.done
			return nil, fmt.Errorf("%s exited before %q: %v\n%s", name, ready, p.err, tailFile(logPath))
		}
	case <-time.After(timeout):
		p.stop()
		return nil, fmt.Errorf("%s not ready after %v\n%s", name, timeout, tailFile(logPath))
	}
	return p, nil
}

// stop closes stdin and sends SIGTERM (either stops our children
// gracefully), then SIGKILL if the process lingers.
func (p *proc) stop() {
	p.stdin.Close()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	p.log.Close()
}

// tailFile returns the last lines of a log for failure messages.
func tailFile(path string) string {
	b, _ := os.ReadFile(path)
	lines := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}

// waitForFile blocks until path exists, for at most two minutes.
func waitForFile(tb testing.TB, path string) {
	tb.Helper()
	for end := time.Now().Add(2 * time.Minute); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if _, err := os.Stat(path); err == nil {
			return
		}
	}
	tb.Fatalf("%s did not appear within 2 minutes", path)
}
