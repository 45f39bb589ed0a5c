package store

import (
	"testing"

	"github.com/gee-project/gee/cache/eviction"
)

// Two keys whose 64-bit hashes collide must both stay reachable.
func TestShardHashCollisionChain(t *testing.T) {
	sh := &shard[int]{m: map[uint64]*entry[int]{}}
	mk := func(k string, v int) *entry[int] {
		return &entry[int]{Node: eviction.Node[int]{Key: k, Value: v, Hash: 7}}
	}
	a, b, c := mk("a", 1), mk("b", 2), mk("c", 3)
	sh.put(a)
	sh.put(b)
	sh.put(c)
	for _, e := range []*entry[int]{a, b, c} {
		if got := sh.find(7, e.Key); got != e {
			t.Fatalf("find(%s) = %v", e.Key, got)
		}
	}
	if old := sh.put(mk("b", 20)); old != b {
		t.Fatal("replacing b did not return the old entry")
	}
	if sh.find(7, "b").Value != 20 {
		t.Fatal("replacement not visible")
	}
	if sh.unlink(7, "a", b) != nil {
		t.Fatal("unlink with the wrong expected entry removed something")
	}
	if sh.unlink(7, "a", a) != a || sh.find(7, "a") != nil {
		t.Fatal("a not removed")
	}
	if sh.find(7, "c") != c || sh.find(7, "b") == nil {
		t.Fatal("removing a lost its chain neighbours")
	}
	sh.unlink(7, "b", nil)
	sh.unlink(7, "c", nil)
	if len(sh.m) != 0 {
		t.Fatalf("map not empty: %v", sh.m)
	}
}
