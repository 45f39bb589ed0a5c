package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/gee-project/gee/kv/client"
	"github.com/gee-project/gee/kv/schedclient"
	"github.com/gee-project/gee/kv/shell"
)

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "tinykv-ctl:", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if err := execute(ctx, c, stdout); err != nil {
		fmt.Fprintln(stderr, "tinykv-ctl:", err)
		if errors.Is(err, shell.ErrUsage) {
			return 2
		}
		return 1
	}
	return 0
}

// execute connects to the cluster (the key-value client only if a command needs it) and runs
// the steps in order, stopping at the first error; a transaction left open is rolled back.
func execute(ctx context.Context, c *config, out io.Writer) error {
	cfg := shell.Config{JSON: c.json, Out: out}
	var sc *schedclient.Client
	if !onlyHelp(c.steps) {
		var err error
		if sc, err = schedclient.New(ctx, c.scheduler); err != nil {
			return fmt.Errorf("scheduler %v: %w", c.scheduler, err)
		}
		defer sc.Close()
		cfg.Admin = sc
	}
	for _, st := range c.steps {
		if st.ctl == nil && shell.UsesKV(st.words[0]) {
			kv, err := client.NewWithScheduler(ctx, c.scheduler)
			if err != nil {
				return err
			}
			defer kv.Close()
			cfg.KV = kv
			break
		}
	}
	sh := shell.New(cfg)
	for _, st := range c.steps {
		var err error
		if st.ctl != nil {
			err = runCtl(ctx, st.ctl, sc, c.json, out)
			if err != nil {
				err = fmt.Errorf("%s: %w", st.ctl.name, err)
			}
		} else {
			err = sh.ExecWords(ctx, st.words)
		}
		if err != nil {
			_ = sh.Close(ctx)
			return err
		}
	}
	return sh.Close(ctx)
}

// onlyHelp reports whether every step is help, which needs no cluster.
func onlyHelp(steps []step) bool {
	for _, st := range steps {
		if st.ctl != nil || st.words[0] != "help" {
			return false
		}
	}
	return true
}
