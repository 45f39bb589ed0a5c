// Command cache runs a three-node GeeCache cluster inside one process on
// 127.0.0.1, loads a few keys through different nodes, and prints which
// node loaded what and each node's stats.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/gee-project/gee/cache"
	"github.com/gee-project/gee/cache/httppool"
)

// db stands in for a slow backing store.
var db = map[string]string{"Tom": "630", "Jack": "589", "Sam": "567"}

const usage = `cache runs a three-node GeeCache cluster inside one process on 127.0.0.1
(random ports), loads a few keys through each node, removes one, and prints
which node loaded what from the stand-in database and each node's stats.
It takes no flags besides -h.

Example:
  go run ./examples/cache
`

func main() {
	fs := flag.NewFlagSet("cache", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), usage) }
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(os.Stdout)
			fs.Usage()
			return
		}
		os.Exit(2)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "cache: unexpected argument %q (see -h)\n", fs.Arg(0))
		os.Exit(2)
	}
	var addrs []string
	var lns []net.Listener
	for i := 0; i < 3; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			log.Fatal(err)
		}
		lns = append(lns, ln)
		addrs = append(addrs, "http://"+ln.Addr().String())
	}
	groups := make([]*cache.Group, 3)
	for i, self := range addrs {
		pool := httppool.New(self, httppool.Options{})
		pool.Set(addrs...)
		groups[i] = cache.NewGroup("scores", 64<<20, cache.GetterFunc(func(_ context.Context, key string) ([]byte, time.Time, error) {
			v, ok := db[key]
			if !ok {
				return nil, time.Time{}, fmt.Errorf("%s not in db: %w", key, cache.ErrNotFound)
			}
			log.Printf("node %d loads %s from the db", i, key)
			return []byte(v), time.Now().Add(time.Minute), nil
		}))
		pool.Register(groups[i])
		srv := &http.Server{Handler: pool, ReadHeaderTimeout: 5 * time.Second}
		go srv.Serve(lns[i])
		defer srv.Close()
	}
	ctx := context.Background()
	for round := 0; round < 2; round++ {
		for i, g := range groups {
			for _, k := range []string{"Tom", "Jack", "Sam", "Nobody"} {
				v, err := g.Get(ctx, k)
				if round == 0 {
					fmt.Printf("node %d: Get(%s) = %q err=%v\n", i, k, v.String(), err)
				}
			}
		}
	}
	if err := groups[0].Remove(ctx, "Tom"); err != nil {
		log.Fatal(err)
	}
	v, _ := groups[1].Get(ctx, "Tom")
	fmt.Printf("after Remove, node 1: Get(Tom) = %q (reloaded by its owner)\n", v.String())
	for i, g := range groups {
		st := g.Stats()
		fmt.Printf("node %d: gets=%d hits=%d loads=%d local=%d peer=%d served=%d hot=%d\n",
			i, st.Gets, st.Hits, st.Loads, st.LocalLoads, st.PeerLoads, st.ServerRequests, st.HotEntries)
	}
}
