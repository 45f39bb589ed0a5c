package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/gee-project/gee/kv/schedclient"
)

// parseGCSafePoint checks "gc-safepoint get" or "gc-safepoint set TS".
func (c *ctlCmd) parseGCSafePoint() error {
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

// gcJSON is gc-safepoint's JSON answer; changed is false when a set did not move it.
type gcJSON struct {
	SafePoint uint64 `json:"safe_point"`
	Changed   bool   `json:"changed"`
}

// gcSafePoint prints the safe point, after raising it for "set"; a set that did not move it
// (TS not above the current one) says so.
func gcSafePoint(ctx context.Context, c *ctlCmd, sc *schedclient.Client, asJSON bool, out io.Writer) error {
	if !c.gcSet {
		sp, err := sc.GetGCSafePoint(ctx)
		if err != nil {
			return err
		}
		return emit(out, asJSON, gcJSON{SafePoint: sp}, fmt.Sprintf("gc safe point %d\n", sp))
	}
	sp, err := sc.UpdateGCSafePoint(ctx, c.gcTS)
	if err != nil {
		return err
	}
	if sp != c.gcTS {
		return emit(out, asJSON, gcJSON{SafePoint: sp},
			fmt.Sprintf("gc safe point %d (unchanged: %d is not above it)\n", sp, c.gcTS))
	}
	return emit(out, asJSON, gcJSON{SafePoint: sp, Changed: true}, fmt.Sprintf("gc safe point %d\n", sp))
}
