package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/schedclient"
)

// ctlCmd is a parsed administration command (one the shell does not have).
type ctlCmd struct {
	name    string
	args    []string
	storeID uint64 // store-* commands
	gcSet   bool   // gc-safepoint set
	gcTS    uint64 // gc-safepoint set TS
}

// ctlForms gives each administration command's argument form (as usage errors show it) and
// count: from min to max.
var ctlForms = map[string]struct {
	form     string
	min, max int
}{
	"store-offline": {"ID", 1, 1}, "store-up": {"ID", 1, 1}, "store-remove": {"ID", 1, 1},
	"gc-safepoint": {"get or set TS", 1, 2},
}

// parseCtl checks an administration command, e.g. "store-up: want ID, got 2 arguments".
func parseCtl(ws []string) (*ctlCmd, error) {
	c := &ctlCmd{name: ws[0], args: ws[1:]}
	f := ctlForms[c.name]
	if n := len(c.args); n < f.min || n > f.max {
		plural := "s"
		if n == 1 {
			plural = ""
		}
		return nil, fmt.Errorf("%s: want %s, got %d argument%s (see -h)", c.name, f.form, n, plural)
	}
	if strings.HasPrefix(c.name, "store-") {
		id, err := strconv.ParseUint(c.args[0], 10, 64)
		if err != nil || id == 0 {
			return nil, fmt.Errorf("%s: store id %q is not a positive integer", c.name, c.args[0])
		}
		c.storeID = id
		return c, nil
	}
	return c, c.parseGCSafePoint()
}

// runCtl runs an administration command, printing text or (asJSON) one JSON value.
func runCtl(ctx context.Context, c *ctlCmd, sc *schedclient.Client, asJSON bool, out io.Writer) error {
	switch c.name {
	case "store-offline", "store-up":
		state := metapb.StoreState_Offline
		if c.name == "store-up" {
			state = metapb.StoreState_Up
		}
		st, err := sc.SetStoreState(ctx, c.storeID, state)
		if err != nil {
			return err
		}
		return emit(out, asJSON, storeStateJSON{ID: st.GetId(), State: st.GetState().String()},
			fmt.Sprintf("store %d is %s\n", st.GetId(), st.GetState()))
	case "store-remove":
		if err := sc.RemoveStore(ctx, c.storeID); err != nil {
			return err
		}
		return emit(out, asJSON, storeStateJSON{ID: c.storeID, State: "Removed"}, fmt.Sprintf("store %d removed\n", c.storeID))
	}
	return gcSafePoint(ctx, c, sc, asJSON, out)
}

// storeStateJSON is the JSON answer of the store-* commands.
type storeStateJSON struct {
	ID    uint64 `json:"id"`
	State string `json:"state"`
}

// emit prints v as one JSON line, or text.
func emit(out io.Writer, asJSON bool, v any, text string) error {
	if asJSON {
		return json.NewEncoder(out).Encode(v)
	}
	_, err := io.WriteString(out, text)
	return err
}
