package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

const usage = `tinykv-ctl administers a TinyKV cluster through its scheduler.

Usage:
  tinykv-ctl [-scheduler HOST:PORT,...] [-timeout D] COMMAND [ARGS]

Commands:
  stores                 list stores: id, address, state, replicas and leaders (from the region map),
                         available bytes (from the last store heartbeat)
  regions                list regions: id, start and end key, epoch, leader store, peers (store ids)
  split KEY...           split the regions holding the keys at exactly those keys; returns when
                         the scheduler has seen every new region (or -timeout passes)
  store-offline ID       drain store ID: its replicas move to other stores, then it becomes Tombstone
  store-up ID            cancel a drain (Offline back to Up)
  store-remove ID        forget a Tombstone store for good (its id can never register again)
  put KEY VALUE          write KEY (raw, through the region leaders)
  get KEY                print KEY's value (exit 1 if it does not exist)
  gc-safepoint get       print the GC safe point (a TSO timestamp; 0 until first set)
  gc-safepoint set TS    raise the GC safe point to TS (stores then remove versions no read at or
                         after TS can see); it never moves back: a lower TS prints the current one.
                         Locks older than TS are not resolved first (kv/client's Client.GC does that)

Keys and values are taken as given (bytes of the argument); the output quotes keys.

Examples:
  tinykv-ctl -scheduler 127.0.0.1:2379 stores
  tinykv-ctl -scheduler 127.0.0.1:2379 split user100 user200 user300
  tinykv-ctl -scheduler 127.0.0.1:2379 regions
  tinykv-ctl -scheduler 127.0.0.1:2379 put greeting hello
  tinykv-ctl -scheduler 127.0.0.1:2379 get greeting
  tinykv-ctl -scheduler 127.0.0.1:2379 gc-safepoint set 449031862591815680
  tinykv-ctl -scheduler 127.0.0.1:2379 store-offline 4   # then, once 'stores' shows Tombstone:
  tinykv-ctl -scheduler 127.0.0.1:2379 store-remove 4

Exit status: 0 done, 1 the command failed (the error is printed), 2 bad command line.

Flags:
`

// config is the parsed command line.
type config struct {
	scheduler []string
	timeout   time.Duration
	cmd       string
	args      []string
	storeID   uint64 // store-* commands
	gcSet     bool   // gc-safepoint set
	gcTS      uint64 // gc-safepoint set TS
}

// argForms gives each command's argument form (as usage errors show it) and count: exact,
// or at least min when max is -1.
var argForms = map[string]struct {
	form     string
	min, max int
}{
	"stores": {"no arguments", 0, 0}, "regions": {"no arguments", 0, 0}, "split": {"KEY...", 1, -1},
	"store-offline": {"ID", 1, 1}, "store-up": {"ID", 1, 1}, "store-remove": {"ID", 1, 1},
	"put": {"KEY VALUE", 2, 2}, "get": {"KEY", 1, 1}, "gc-safepoint": {"get or set TS", 1, 2},
}

// argCountError is the usage error of cmd given n arguments, e.g.
// "put: want KEY VALUE, got 1 argument".
func argCountError(cmd string, n int) error {
	plural := "s"
	if n == 1 {
		plural = ""
	}
	return fmt.Errorf("%s: want %s, got %d argument%s (see -h)", cmd, argForms[cmd].form, n, plural)
}

func parseFlags(args []string, stdout io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("tinykv-ctl", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var sched string
	fs.StringVar(&sched, "scheduler", "127.0.0.1:2379", "the scheduler's `HOST:PORT` (comma-separated for several)")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "give up on the command after this long")
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
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
	if fs.NArg() == 0 {
		return nil, errors.New("no command (see -h)")
	}
	c.cmd, c.args = fs.Arg(0), fs.Args()[1:]
	f, ok := argForms[c.cmd]
	switch {
	case !ok:
		return nil, fmt.Errorf("unknown command %q (see -h)", c.cmd)
	case len(c.args) < f.min || (f.max >= 0 && len(c.args) > f.max):
		return nil, argCountError(c.cmd, len(c.args))
	}
	if strings.HasPrefix(c.cmd, "store-") {
		id, err := strconv.ParseUint(c.args[0], 10, 64)
		if err != nil || id == 0 {
			return nil, fmt.Errorf("%s: store id %q is not a positive integer", c.cmd, c.args[0])
		}
		c.storeID = id
	}
	if c.cmd == "gc-safepoint" {
		if err := c.parseGCSafePoint(); err != nil {
			return nil, err
		}
	}
	for i, a := range c.args {
		if a == "" && (c.cmd == "split" || i == 0 && (c.cmd == "put" || c.cmd == "get")) {
			return nil, fmt.Errorf("%s: empty key", c.cmd)
		}
	}
	return c, nil
}
