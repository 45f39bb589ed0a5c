package cache

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	gee "github.com/gee-project/gee/cache"
	"github.com/gee-project/gee/cache/httppool"
)

// TestInteropWithGroupcache runs a GeeCache node here and a golang/groupcache
// node in a child process, with the same two-member ring. Each must fetch
// the keys the other owns over the groupcache wire protocol.
func TestInteropWithGroupcache(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	self := "http://" + ln.Addr().String()
	child := startChild(t, "groupcache", self)

	pool := httppool.New(self, httppool.Options{Timeout: 5 * time.Second})
	pool.Set(self, child)
	g, err := gee.NewGroupWithOptions("interop", 1<<20, gee.GetterFunc(func(_ context.Context, key string) ([]byte, time.Time, error) {
		return []byte("gee:" + key), time.Time{}, nil
	}), gee.Options{HotCacheBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	pool.Register(g)
	srv := &http.Server{Handler: pool, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	keys := []string{"a/b", "100%", "ünïcode", "q?x=1#frag"}
	for i := 0; i < 30; i++ {
		keys = append(keys, fmt.Sprintf("key-%d", i))
	}
	owned := map[bool]int{}
	for _, k := range keys {
		_, remote := pool.PickPeer(k)
		owned[remote]++
		want := "gee:" + k
		if remote {
			want = "groupcache:" + k
		}
		v, err := g.Get(context.Background(), k)
		if err != nil || v.String() != want {
			t.Fatalf("gee Get(%q) = %q, %v; want %q", k, v.String(), err, want)
		}
		resp, err := http.Get(child + "/get?key=" + url.QueryEscape(k))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != want {
			t.Fatalf("groupcache Get(%q) = %q (status %d); want %q", k, body, resp.StatusCode, want)
		}
	}
	if owned[true] == 0 || owned[false] == 0 {
		t.Fatalf("ownership not split between the nodes: %v", owned)
	}
	st := g.Stats()
	if st.PeerErrors != 0 || st.PeerLoads != int64(owned[true]) || st.ServerRequests != int64(owned[false]) {
		t.Fatalf("gee stats %+v; want %d peer loads, %d served to groupcache, 0 errors", st, owned[true], owned[false])
	}
}
