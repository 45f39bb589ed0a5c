package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/gee-project/gee/kv/client"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/schedclient"
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
		fmt.Fprintf(stderr, "tinykv-ctl: %s: %v\n", c.cmd, err)
		return 1
	}
	return 0
}

func execute(ctx context.Context, c *config, out io.Writer) error {
	if c.cmd == "put" || c.cmd == "get" {
		return kvCommand(ctx, c, out)
	}
	sc, err := schedclient.New(ctx, c.scheduler)
	if err != nil {
		return err
	}
	defer sc.Close()
	switch c.cmd {
	case "stores":
		return listStores(ctx, sc, out)
	case "regions":
		return listRegions(ctx, sc, out)
	case "split":
		keys := make([][]byte, len(c.args))
		for i, a := range c.args {
			keys[i] = []byte(a)
		}
		ids, err := sc.SplitRegions(ctx, keys)
		if err != nil {
			return err
		}
		for i, k := range keys {
			fmt.Fprintf(out, "%q\tregion %d\n", k, ids[i])
		}
		return nil
	case "store-offline", "store-up":
		state := metapb.StoreState_Offline
		if c.cmd == "store-up" {
			state = metapb.StoreState_Up
		}
		st, err := sc.SetStoreState(ctx, c.storeID, state)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "store %d is %s\n", st.GetId(), st.GetState())
		return nil
	case "gc-safepoint":
		return gcSafePoint(ctx, c, sc, out)
	case "store-remove":
		if err := sc.RemoveStore(ctx, c.storeID); err != nil {
			return err
		}
		fmt.Fprintf(out, "store %d removed\n", c.storeID)
		return nil
	}
	return fmt.Errorf("unknown command %q", c.cmd)
}

func kvCommand(ctx context.Context, c *config, out io.Writer) error {
	cli, err := client.NewWithScheduler(ctx, c.scheduler)
	if err != nil {
		return err
	}
	defer cli.Close()
	key := []byte(c.args[0])
	if c.cmd == "put" {
		return cli.Put(ctx, key, []byte(c.args[1]))
	}
	v, err := cli.Get(ctx, key)
	if errors.Is(err, client.ErrNotFound) {
		return fmt.Errorf("%q: key not found", key)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s\n", v)
	return nil
}

// listStores prints every store with its replica and leader counts from the scheduler's region
// map (current even right after a scheduler restart) and the space its last heartbeat reported.
func listStores(ctx context.Context, sc *schedclient.Client, out io.Writer) error {
	stores, err := sc.GetAllStores(ctx, false)
	if err != nil {
		return err
	}
	replicas, leaders := map[uint64]int{}, map[uint64]int{}
	err = scanAll(ctx, sc, func(r *schedclient.Region) {
		for _, p := range r.Meta.GetPeers() {
			replicas[p.GetStoreId()]++
		}
		if r.Leader != nil {
			leaders[r.Leader.GetStoreId()]++
		}
	})
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tADDRESS\tSTATE\tREPLICAS\tLEADERS\tAVAILABLE")
	for _, s := range stores {
		_, stats, _ := sc.GetStore(ctx, s.GetId()) // a store removed meanwhile lists 0
		fmt.Fprintf(w, "%d\t%s\t%s\t%d\t%d\t%d\n", s.GetId(), s.GetAddress(), s.GetState(),
			replicas[s.GetId()], leaders[s.GetId()], stats.GetAvailable())
	}
	return w.Flush()
}

// scanAll calls fn on every region the scheduler knows, in key order.
func scanAll(ctx context.Context, sc *schedclient.Client, fn func(r *schedclient.Region)) error {
	var start []byte
	for page := 0; page < 1000; page++ {
		regions, err := sc.ScanRegions(ctx, start, nil, 0)
		if err != nil {
			return err
		}
		for _, r := range regions {
			fn(r)
		}
		if len(regions) == 0 || len(regions[len(regions)-1].Meta.GetEndKey()) == 0 {
			return nil
		}
		start = regions[len(regions)-1].Meta.GetEndKey()
	}
	return errors.New("more than 1000 pages of regions")
}

func listRegions(ctx context.Context, sc *schedclient.Client, out io.Writer) error {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tSTART\tEND\tEPOCH\tLEADER\tPEERS (store ids)")
	err := scanAll(ctx, sc, func(r *schedclient.Region) {
		m := r.Meta
		stores := make([]uint64, 0, len(m.GetPeers()))
		for _, p := range m.GetPeers() {
			stores = append(stores, p.GetStoreId())
		}
		fmt.Fprintf(w, "%d\t%q\t%q\t%d/%d\t%d\t%v\n", m.GetId(), m.GetStartKey(), m.GetEndKey(),
			m.GetRegionEpoch().GetConfVer(), m.GetRegionEpoch().GetVersion(), r.Leader.GetStoreId(), stores)
	})
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	return err
}
