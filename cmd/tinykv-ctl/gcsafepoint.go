package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/gee-project/gee/kv/schedclient"
)

// parseGCSafePoint checks "gc-safepoint get" or "gc-safepoint set TS".
func (c *config) parseGCSafePoint() error {
	switch {
	case c.args[0] == "get" && len(c.args) == 1:
		return nil
	case c.args[0] == "set" && len(c.args) == 2:
		ts, err := strconv.ParseUint(c.args[1], 10, 64)
		if err != nil || ts == 0 {
			return fmt.Errorf("gc-safepoint set: timestamp %q is not a positive integer", c.args[1])
		}
		c.gcSet, c.gcTS = true, ts
		return nil
	case c.args[0] == "get" || c.args[0] == "set":
		return fmt.Errorf("gc-safepoint: want get or set TS, got %q with %d more arguments (see -h)", c.args[0], len(c.args)-1)
	}
	return fmt.Errorf("gc-safepoint: unknown action %q, want get or set TS (see -h)", c.args[0])
}

// gcSafePoint prints the safe point, after raising it for "set"; a set that did not move it
// (TS not above the current one) says so.
func gcSafePoint(ctx context.Context, c *config, sc *schedclient.Client, out io.Writer) error {
	if !c.gcSet {
		sp, err := sc.GetGCSafePoint(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "gc safe point %d\n", sp)
		return nil
	}
	sp, err := sc.UpdateGCSafePoint(ctx, c.gcTS)
	if err != nil {
		return err
	}
	if sp != c.gcTS {
		fmt.Fprintf(out, "gc safe point %d (unchanged: %d is not above it)\n", sp, c.gcTS)
		return nil
	}
	fmt.Fprintf(out, "gc safe point %d\n", sp)
	return nil
}
