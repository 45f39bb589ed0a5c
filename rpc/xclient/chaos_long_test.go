//go:build long

package xclient

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/rpc"
)

// TestChaosRestartingServers keeps one of three servers down at a time
// while callers run; with failover every call must still succeed.
func TestChaosRestartingServers(t *testing.T) {
	addrs := make([]string, 3)
	servers := make([]*rpc.Server, 3)
	start := func(i int) {
		s := rpc.NewServer(rpc.WithLogger(slog.New(slog.DiscardHandler)))
		if err := s.RegisterName("Node", &Node{name: fmt.Sprint("node-", i)}); err != nil {
			t.Fatal(err)
		}
		addr := addrs[i]
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		var l net.Listener
		var err error
		for try := 0; try < 50; try++ { // the old socket may linger briefly
			if l, err = net.Listen("tcp", addr); err == nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err != nil {
			t.Fatal(err)
		}
		addrs[i], servers[i] = l.Addr().String(), s
		go s.Serve(l)
	}
	for i := range servers {
		start(i)
	}
	x := New(NewStatic(addrs...), WithFailMode(Failover, 5), WithPerTryTimeout(2*time.Second),
		WithBreaker(5, 20*time.Millisecond), WithSelector(&LeastLatency{}))
	defer x.Close()

	stop := make(chan struct{})
	var chaos sync.WaitGroup
	chaos.Add(1)
	go func() {
		defer chaos.Done()
		for i := 0; ; i = (i + 1) % 3 {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			servers[i].Close()
			time.Sleep(30 * time.Millisecond)
			start(i)
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 3000; i++ {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				var who string
				err := x.Call(ctx, "Node.Who", 0, &who)
				cancel()
				if err != nil || who == "" {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	chaos.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("call failed despite failover: %v", err)
	}
	for _, s := range servers {
		s.Close()
	}
}
