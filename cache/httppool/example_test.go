package httppool_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gee-project/gee/cache"
	"github.com/gee-project/gee/cache/httppool"
)

// Example is the README's cache snippet: two nodes in one process, each key
// loaded once by its owner however many nodes ask for it.
func Example() {
	var loads atomic.Int32
	db := map[string]string{"Tom": "630", "Jack": "589"}
	addrs := []string{listen(), listen()}
	urls := []string{"http://" + addrs[0], "http://" + addrs[1]}
	var nodes []*cache.Group
	for i, self := range urls {
		g := cache.NewGroup("scores", 64<<20, cache.GetterFunc(func(ctx context.Context, key string) ([]byte, time.Time, error) {
			loads.Add(1)
			v, ok := db[key]
			if !ok {
				return nil, time.Time{}, fmt.Errorf("%s not found", key)
			}
			return []byte(v), time.Time{}, nil // zero time: no expiry
		}))
		pool := httppool.New(self, httppool.Options{})
		pool.Set(urls...)
		pool.Register(g)
		serve(addrs[i], pool)
		nodes = append(nodes, g)
	}

	ctx := context.Background()
	for _, g := range nodes {
		v, err := g.Get(ctx, "Tom")
		fmt.Println(v.String(), err)
	}
	fmt.Println("loads:", loads.Load())
	// Output:
	// 630 <nil>
	// 630 <nil>
	// loads: 1
}

var listeners = map[string]net.Listener{}

func listen() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	listeners[l.Addr().String()] = l
	return l.Addr().String()
}

func serve(addr string, h http.Handler) {
	go func() { _ = http.Serve(listeners[addr], h) }()
}
