package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gee-project/gee/kv/shell"
)

const usageHead = `tinykv-ctl administers a TinyKV cluster through its scheduler: it runs one command of the
TinyKV shell (the playground's), or several with -e.

Usage:
  tinykv-ctl [-scheduler HOST:PORT,...] [-timeout D] [-json] COMMAND [ARGS]
  tinykv-ctl [-scheduler HOST:PORT,...] [-timeout D] [-json] -e 'COMMAND ARGS; COMMAND ARGS...'

Commands:
`

const usageTail = `
Administration (tinykv-ctl only):
  store-offline ID       drain store ID: its replicas move to other stores, then it becomes Tombstone
  store-up ID            cancel a drain (Offline back to Up)
  store-remove ID        forget a Tombstone store for good (its id can never register again)
  gc-safepoint get       print the GC safe point (a TSO timestamp; 0 until first set)
  gc-safepoint set TS    raise the GC safe point to TS (stores then remove versions no read at or
                         after TS can see); it never moves back: a lower TS prints the current one.
                         Locks older than TS are not resolved first (kv/client's Client.GC does that)

On the command line (without -e) keys and values are taken as given (the bytes of each
argument); in an -e script they are words or double-quoted strings with Go escapes. A
transaction (begin ... commit) lives for one run, so it needs -e; one left open is rolled back
(exit 1). -json prints one JSON value per command (lowercase field names), for scripts.

Examples:
  tinykv-ctl -scheduler 127.0.0.1:2379 stores
  tinykv-ctl -scheduler 127.0.0.1:2379 split user100 user200 user300
  tinykv-ctl -scheduler 127.0.0.1:2379 regions
  tinykv-ctl -scheduler 127.0.0.1:2379 region 2
  tinykv-ctl -scheduler 127.0.0.1:2379 put greeting hello
  tinykv-ctl -scheduler 127.0.0.1:2379 get greeting
  tinykv-ctl -scheduler 127.0.0.1:2379 scan user user~ 20
  tinykv-ctl -scheduler 127.0.0.1:2379 -e 'begin; put a 1; put b 2; commit'
  tinykv-ctl -scheduler 127.0.0.1:2379 -e 'put "a key" "\x00\x01"; get "a key"'
  tinykv-ctl -scheduler 127.0.0.1:2379 transfer-leader 2 3
  tinykv-ctl -scheduler 127.0.0.1:2379 operator add-peer 2 4   # then watch it:
  tinykv-ctl -scheduler 127.0.0.1:2379 operators
  tinykv-ctl -scheduler 127.0.0.1:2379 -json regions          # JSON for scripts (jq, ...)
  tinykv-ctl -scheduler 127.0.0.1:2379 gc-safepoint set 449031862591815680
  tinykv-ctl -scheduler 127.0.0.1:2379 store-offline 4   # then, once 'stores' shows Tombstone:
  tinykv-ctl -scheduler 127.0.0.1:2379 store-remove 4

Exit status: 0 done, 1 a command failed (the error is printed), 2 bad command line.

Flags:
`

// config is the parsed command line.
type config struct {
	scheduler []string
	timeout   time.Duration
	json      bool
	steps     []step // the commands to run, in order
}

// step is one command: a shell command's words, or an administration command (ctl set).
type step struct {
	words []string
	ctl   *ctlCmd
}

// usage prints the -h text: the shell's command list between the head and the tail.
func usage(out io.Writer, fs *flag.FlagSet) {
	var cmds bytes.Buffer
	_ = shell.New(shell.Config{Out: &cmds}).Exec(context.Background(), "help")
	fmt.Fprint(out, usageHead, cmds.String(), usageTail)
	fs.SetOutput(out)
	fs.PrintDefaults()
}

func parseFlags(args []string, stdout io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("tinykv-ctl", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var sched, script string
	fs.StringVar(&sched, "scheduler", "127.0.0.1:2379", "the scheduler's `HOST:PORT` (comma-separated for several)")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "give up after this long (all the commands together)")
	fs.BoolVar(&c.json, "json", false, "print one JSON value per command")
	fs.StringVar(&script, "e", "", "run the `COMMANDS` separated by ; instead of one from the arguments")
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout, fs)
			return nil, flag.ErrHelp
		}
		return nil, err
	}
	for _, a := range strings.Split(sched, ",") {
		if a = strings.TrimSpace(a); a != "" {
			c.scheduler = append(c.scheduler, a)
		}
	}
	if len(c.scheduler) == 0 {
		return nil, errors.New("-scheduler: no address")
	}
	if c.timeout <= 0 {
		return nil, fmt.Errorf("-timeout %v: must be positive", c.timeout)
	}
	var lines [][]string
	switch {
	case script != "" && fs.NArg() > 0:
		return nil, fmt.Errorf("-e and the command %q: give one or the other", fs.Arg(0))
	case script != "":
		for _, line := range shell.SplitCommands(script) {
			ws, err := shell.Words(line)
			if err != nil {
				return nil, err
			}
			if len(ws) > 0 {
				lines = append(lines, ws)
			}
		}
		if len(lines) == 0 {
			return nil, errors.New("-e: no command")
		}
	case fs.NArg() == 0:
		return nil, errors.New("no command (see -h)")
	default:
		lines = [][]string{fs.Args()}
	}
	for _, ws := range lines {
		st, err := parseStep(ws)
		if err != nil {
			return nil, err
		}
		c.steps = append(c.steps, st)
	}
	return c, nil
}

// parseStep checks one command: an administration command here, any other as the shell would.
func parseStep(ws []string) (step, error) {
	if _, ok := ctlForms[ws[0]]; ok {
		cc, err := parseCtl(ws)
		return step{ctl: cc}, err
	}
	name, err := shell.CheckWords(ws)
	if err != nil {
		return step{}, err
	}
	if name == "kill" || name == "restart" { // they need the playground's processes
		return step{}, fmt.Errorf("%s: only in the playground (tinykv playground), which started the stores", name)
	}
	return step{words: ws}, nil
}
