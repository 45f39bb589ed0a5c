package raftstore

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/storage"
)

// benchClients runs b.N operations split over clients goroutines against the leader.
func benchClients(b *testing.B, clients int, lease bool, op func(s storage.Storage, i int64) error) {
	c := newTestCluster(b, 3, func(id uint64) Config {
		cfg := testConfig(id)
		cfg.TickInterval = 50 * time.Millisecond
		cfg.LeaseReads = lease
		return cfg
	})
	st := c.stores[c.leader()].Storage()
	// Warm up: the leader's first entry must commit before reads are served.
	if err := op(st, -1); err != nil {
		b.Fatal(err)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	b.ResetTimer()
	start := time.Now()
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				if err := op(st, i); err != nil {
					failed.Store(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
}

// BenchmarkPut measures puts/s through Store.Storage() on a 3-store in-process cluster
// (128-byte values, fsync on), with 1 and 64 concurrent clients.
func BenchmarkPut(b *testing.B) {
	value := make([]byte, 128)
	for _, clients := range []int{1, 64} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			benchClients(b, clients, false, func(s storage.Storage, i int64) error {
				key := []byte(fmt.Sprintf("key-%d", i))
				return s.Write(context.Background(), &kvrpcpb.Context{}, []storage.Modify{storage.Put(engine.CFDefault, key, value)})
			})
		})
	}
}

// BenchmarkGet measures linearizable gets/s with 64 concurrent clients, through a
// ReadIndex heartbeat round per batch of reads and through the leader lease.
func BenchmarkGet(b *testing.B) {
	for _, lease := range []bool{false, true} {
		name := map[bool]string{false: "readindex", true: "lease"}[lease]
		b.Run(name, func(b *testing.B) {
			benchClients(b, 64, lease, func(s storage.Storage, i int64) error {
				if i < 0 {
					return s.Write(context.Background(), &kvrpcpb.Context{}, []storage.Modify{storage.Put(engine.CFDefault, []byte("k"), []byte("v"))})
				}
				r, err := s.Reader(context.Background(), &kvrpcpb.Context{})
				if err != nil {
					return err
				}
				defer r.Close()
				_, err = r.GetCF(engine.CFDefault, []byte("k"))
				return err
			})
		})
	}
}

// BenchmarkPutRegions measures puts/s with 64 clients when the key space is split into 1
// and 8 regions of one 3-store cluster: the regions share each store's raft loop, its one
// synced write per round and its apply worker, so more regions should not cost more fsyncs.
func BenchmarkPutRegions(b *testing.B) {
	value := make([]byte, 128)
	for _, regions := range []int{1, 8} {
		b.Run(fmt.Sprintf("regions=%d", regions), func(b *testing.B) {
			c := newTestCluster(b, 3, func(id uint64) Config {
				cfg := testConfig(id)
				cfg.TickInterval = 50 * time.Millisecond
				return cfg
			})
			for r := 1; r < regions; r++ {
				split := []byte(fmt.Sprintf("key-%d", r))
				parent := uint64(1) // the region holding split: the one split off last
				if r > 1 {
					parent = uint64(100 * (r - 1))
				}
				err := c.admin(parent, func(s *Store) error {
					ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
					defer cancel()
					_, err := s.Split(ctx, parent, nil, split, uint64(100*r), []uint64{uint64(100*r + 1), uint64(100*r + 2), uint64(100*r + 3)})
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
				c.leaderOf(uint64(100 * r))
			}
			var next atomic.Int64
			var wg sync.WaitGroup
			var failed atomic.Value
			b.ResetTimer()
			start := time.Now()
			for w := 0; w < 64; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := next.Add(1) - 1
						if i >= int64(b.N) {
							return
						}
						if err := c.put(fmt.Sprintf("key-%d", i), string(value)); err != nil {
							failed.Store(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			if err, _ := failed.Load().(error); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
		})
	}
}
