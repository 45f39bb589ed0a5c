package playground

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// proc is one child process the playground started: the scheduler or a store. Its output is
// appended to a log file; the "listening on ADDR" line it prints once serving marks it ready.
type proc struct {
	name string
	args []string
	log  string // path of the log file

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{} // closed when the process has been reaped
	err    error         // its exit status, once exited is closed
}

var listeningRE = regexp.MustCompile(`listening on (\S+)`)

// start runs the process and waits until it prints its listening line, exits, or timeout passes.
func (p *proc) start(exe string, timeout time.Duration) error {
	logf, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	fmt.Fprintf(logf, "--- %s: %s %s\n", time.Now().Format(time.RFC3339), p.name, strings.Join(p.args, " "))
	cmd := exec.Command(exe, p.args...)
	cmd.SysProcAttr = childAttr()
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	ready := make(chan struct{})
	go watchOutput(pr, logf, ready)
	exited := make(chan struct{})
	p.mu.Lock()
	p.cmd, p.exited = cmd, exited
	p.mu.Unlock()
	go func() {
		err := cmd.Wait()
		pw.Close()
		p.mu.Lock()
		p.err = err
		p.mu.Unlock()
		close(exited)
	}()
	select {
	case <-ready:
		return nil
	case <-exited:
		return fmt.Errorf("%s exited before serving (%v); see %s:\n%s", p.name, p.exitErr(), p.log, tail(p.log, 15))
	case <-time.After(timeout):
		p.kill()
		return fmt.Errorf("%s did not start serving within %v; see %s:\n%s", p.name, timeout, p.log, tail(p.log, 15))
	}
}

// watchOutput copies the child's output to its log and closes ready at the listening line.
func watchOutput(r io.Reader, logf *os.File, ready chan struct{}) {
	defer logf.Close()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	seen := false
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintln(logf, line)
		if !seen && listeningRE.MatchString(line) {
			seen = true
			close(ready)
		}
	}
	_, _ = io.Copy(logf, r) // a line over 1 MiB: keep draining so the child never blocks
}

func (p *proc) exitErr() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// running reports whether the process was started and has not exited.
func (p *proc) running() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return false
	}
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// kill SIGKILLs the process and reaps it; a process not running is left alone.
func (p *proc) kill() {
	p.signalAndWait(syscall.SIGKILL, time.Minute)
}

// stop asks the process to shut down (SIGTERM) and SIGKILLs it after grace.
func (p *proc) stop(grace time.Duration) {
	if !p.signalAndWait(syscall.SIGTERM, grace) {
		p.kill()
	}
}

// signalAndWait sends sig and waits up to d for the exit; it reports whether the process is gone.
func (p *proc) signalAndWait(sig syscall.Signal, d time.Duration) bool {
	p.mu.Lock()
	cmd, exited := p.cmd, p.exited
	p.mu.Unlock()
	if cmd == nil {
		return true
	}
	select {
	case <-exited:
		return true
	default:
	}
	_ = cmd.Process.Signal(sig)
	select {
	case <-exited:
		return true
	case <-time.After(d):
		return false
	}
}

// tail returns the last n lines of a file, for error messages.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
