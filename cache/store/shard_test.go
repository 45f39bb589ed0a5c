package store

import (
	"strconv"
	"testing"

	"github.com/gee-project/gee/cache/eviction"
)

// Keys whose 64-bit hashes collide, and a table that grows and fills with
// tombstones, must keep every live key reachable.
func TestShardCollisionsGrowthAndTombstones(t *testing.T) {
	var sh shard[int]
	sh.init()
	mk := func(k string, h uint64) *entry[int] {
		return &entry[int]{Node: eviction.Node[int]{Key: k, Value: len(k), Hash: h}}
	}
	live := map[string]*entry[int]{}
	for round := 0; round < 5; round++ {
		for i := 0; i < 200; i++ {
			k := strconv.Itoa(round*1000 + i)
			e := mk(k, uint64(i%3)) // heavy collisions
			sh.put(e)
			live[k] = e
		}
		n := 0
		for k, e := range live {
			if n%2 == 0 {
				if sh.unlink(e.Hash, k, e) != e {
					t.Fatalf("unlink(%s) failed", k)
				}
				delete(live, k)
			}
			n++
		}
		for k, e := range live {
			if got := sh.find(e.Hash, k); got != e {
				t.Fatalf("round %d: find(%s) = %v", round, k, got)
			}
		}
	}
	e := mk("x", 1)
	sh.put(e)
	if old := sh.put(mk("x", 1)); old != e {
		t.Fatal("replacing x did not return the old entry")
	}
	if sh.unlink(1, "x", e) != nil {
		t.Fatal("unlink with a stale expected entry removed the new one")
	}
	if tab := sh.tab.Load(); tab.live != len(live)+1 {
		t.Fatalf("live count %d, want %d", tab.live, len(live)+1)
	}
}
