package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/gee-project/gee/internal/interrupt"
	"github.com/gee-project/gee/kv/client"
	"github.com/gee-project/gee/kv/playground"
	"github.com/gee-project/gee/kv/schedclient"
	"github.com/gee-project/gee/kv/shell"
)

// pgConfig is the playground's command line.
type pgConfig struct {
	stores    int
	dataDir   string
	downTime  time.Duration
	exec      string
	timeout   time.Duration
	startWait time.Duration
}

func parsePlayground(args []string, out io.Writer) (*pgConfig, error) {
	c := &pgConfig{}
	fs := flag.NewFlagSet("tinykv playground", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.IntVar(&c.stores, "stores", 3, "number of stores, 1 to 64")
	fs.StringVar(&c.dataDir, "data", "", "`DIR` keeping the cluster across runs (default: a temporary directory removed on exit)")
	fs.DurationVar(&c.downTime, "store-down-time", 30*time.Second, "how long a store may be silent before the scheduler moves its replicas")
	fs.StringVar(&c.exec, "e", "", "run these `COMMANDS` (separated by ;) and exit instead of opening the shell")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "longest one command may run")
	fs.DurationVar(&c.startWait, "start-timeout", time.Minute, "longest the cluster may take to start")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(out, usage, "\nFlags of tinykv playground:\n")
			fs.SetOutput(out)
			fs.PrintDefaults()
		}
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (commands go in -e, or type them in the shell)", fs.Arg(0))
	}
	if c.stores < 1 || c.stores > 64 {
		return nil, fmt.Errorf("-stores %d: want 1 to 64", c.stores)
	}
	if c.downTime <= 0 || c.timeout <= 0 || c.startWait <= 0 {
		return nil, errors.New("-store-down-time, -timeout and -start-timeout must be positive")
	}
	return c, nil
}

func playgroundMain(ctx context.Context, args []string, std stdio) int {
	c, err := parsePlayground(args, std.out)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(std.err, "tinykv playground: %v\n", err)
		return 2
	}
	fmt.Fprintf(std.err, "starting a scheduler and %d stores...\n", c.stores)
	cl, err := playground.Start(ctx, playground.Config{Stores: c.stores, DataDir: c.dataDir,
		MaxStoreDownTime: c.downTime, StartTimeout: c.startWait})
	if err != nil {
		fmt.Fprintf(std.err, "tinykv playground: %v\n", err)
		return 1
	}
	defer func() {
		if err := cl.Close(); err != nil {
			fmt.Fprintf(std.err, "tinykv playground: %v\n", err)
		}
	}()
	if c.exec != "" {
		banner(std.err, cl, c.dataDir)
		sess, err := openSession(ctx, cl, c.timeout, std.out)
		if err != nil {
			fmt.Fprintf(std.err, "tinykv playground: %v\n", err)
			return 1
		}
		defer sess.close()
		return sess.script(ctx, c.exec, std)
	}
	return interactive(ctx, cl, c, std)
}

// banner says where everything listens.
func banner(w io.Writer, cl *playground.Cluster, dataDir string) {
	kept := "kept: the next playground -data " + cl.DataDir() + " resumes it"
	if dataDir == "" {
		kept = "removed on exit"
	}
	fmt.Fprintf(w, "TinyKV playground: data in %s (%s)\n", cl.DataDir(), kept)
	fmt.Fprintf(w, "  scheduler  %s\n", cl.SchedulerAddr())
	for _, s := range cl.Stores() {
		fmt.Fprintf(w, "  store %-4d %s\n", s.ID, s.Addr)
	}
	fmt.Fprintf(w, "  dashboard  %s\n", cl.DashboardURL())
	fmt.Fprintf(w, "  logs       %s/logs\n", cl.DataDir())
}

// session is the shell and the clients it runs commands through.
type session struct {
	sh      *shell.Shell
	kv      *client.Client
	admin   *schedclient.Client
	timeout time.Duration
}

func openSession(ctx context.Context, cl *playground.Cluster, timeout time.Duration, out io.Writer) (*session, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	addrs := []string{cl.SchedulerAddr()}
	admin, err := schedclient.New(ctx, addrs)
	if err != nil {
		return nil, err
	}
	kv, err := client.NewWithScheduler(ctx, addrs)
	if err != nil {
		admin.Close()
		return nil, err
	}
	return &session{kv: kv, admin: admin, timeout: timeout,
		sh: shell.New(shell.Config{KV: kv, Admin: admin, Nodes: cl, Out: out})}, nil
}

func (s *session) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = s.sh.Close(ctx)
	s.kv.Close()
	s.admin.Close()
}

// exec runs one line with the per-command timeout, printing its error, which it returns.
func (s *session) exec(ctx context.Context, line string, errw io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	err := s.sh.Exec(ctx, line)
	switch {
	case err == nil:
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(errw, "interrupted")
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Fprintf(errw, "error: %v (no answer within -timeout %v)\n", err, s.timeout)
	default:
		fmt.Fprintf(errw, "error: %v\n", err)
	}
	return err
}

// script runs -e's commands in order; every one runs even after a failure, and the exit status
// is 1 if any failed. Ctrl-C (or SIGTERM) ends the script with status 1: it cancels the command
// running, or stops before the next one. A transaction left open is rolled back and fails too.
func (s *session) script(ctx context.Context, cmds string, std stdio) int {
	stopped := make(chan struct{})
	it := interrupt.New(func() { close(stopped) })
	defer it.Stop()
	code := 0
	for _, line := range shell.SplitCommands(cmds) {
		if isExit(line) {
			break
		}
		if ended(ctx, stopped) {
			fmt.Fprintln(std.err, "interrupted")
			code = 1
			break
		}
		var err error
		it.Run(ctx, func(ctx context.Context) { err = s.exec(ctx, line, std.err) })
		if err != nil {
			code = 1
		}
		if errors.Is(err, context.Canceled) {
			break
		}
	}
	if err := s.sh.Close(context.Background()); err != nil {
		fmt.Fprintf(std.err, "error: %v\n", err)
		code = 1
	}
	return code
}

// ended reports whether ctx is done or stopped is closed.
func ended(ctx context.Context, stopped <-chan struct{}) bool {
	select {
	case <-stopped:
		return true
	default:
		return ctx.Err() != nil
	}
}
