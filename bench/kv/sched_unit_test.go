package kv

import (
	"bytes"
	"context"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/schedclient"
)

// bucketOf returns the index of the range of splitKeys() holding k.
func bucketOf(splits [][]byte, k []byte) int {
	return sort.Search(len(splits), func(i int) bool { return bytes.Compare(splits[i], k) > 0 })
}

// TestKeysSpreadOverSplits: every workload puts the same share of its
// operations into each region of a cluster split at splitKeys(), so the
// 8-region benchmark loads all regions evenly.
func TestKeysSpreadOverSplits(t *testing.T) {
	splits := splitKeys()
	if len(splits) != keyBuckets-1 || !sort.SliceIsSorted(splits, func(i, j int) bool {
		return bytes.Compare(splits[i], splits[j]) < 0
	}) {
		t.Fatalf("splitKeys() = %q: want %d sorted keys", splits, keyBuckets-1)
	}
	s := &memStore{m: map[string][]byte{}}
	if err := preload(s); err != nil {
		t.Fatal(err)
	}
	const n = 800
	for _, w := range workloads {
		counts := make([]int, keyBuckets)
		rec := &recordStore{memStore: s, each: func(k []byte) { counts[bucketOf(splits, k)]++ }}
		if _, err := w.run(rec, n); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		for b, c := range counts {
			if c != n/keyBuckets {
				t.Errorf("%s: %d of %d ops in region %d, want %d (all: %v)", w.name, c, n, b, n/keyBuckets, counts)
			}
		}
	}
	preloaded := make([]int, keyBuckets)
	for k := range s.m {
		if strings.Contains(k, "/get/") {
			preloaded[bucketOf(splits, []byte(k))]++
		}
	}
	for b, c := range preloaded {
		if c != preloadKeys/keyBuckets {
			t.Errorf("preload: %d keys in region %d, want %d", c, b, preloadKeys/keyBuckets)
		}
	}
}

// recordStore passes calls to memStore and reports each key to each,
// one call at a time (the workloads call from many goroutines).
type recordStore struct {
	*memStore
	mu   sync.Mutex
	each func(k []byte)
}

func (r *recordStore) record(k []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.each(k)
}

func (r *recordStore) Put(ctx context.Context, k, v []byte) error {
	r.record(k)
	return r.memStore.Put(ctx, k, v)
}

func (r *recordStore) Get(ctx context.Context, k []byte) ([]byte, bool, error) {
	r.record(k)
	return r.memStore.Get(ctx, k)
}

func TestSelectImpls(t *testing.T) {
	all, err := selectImpls("")
	if err != nil || len(all) != 3 || all[0].name != "gee" || all[1].name != "gee-8regions" || all[2].name != "etcd" {
		t.Fatalf(`selectImpls("") = %v, %v; want gee, gee-8regions, etcd (no opt-in variants)`, all, err)
	}
	diag, err := selectImpls("gee-3regions")
	if err != nil || len(diag) != 1 || !diag[0].optIn {
		t.Fatalf("selectImpls(gee-3regions) = %v, %v; want the opt-in variant", diag, err)
	}
	two, err := selectImpls("etcd, gee-8regions")
	if err != nil || len(two) != 2 || two[0].name != "gee-8regions" || two[1].name != "etcd" {
		t.Fatalf("selectImpls = %v, %v; want gee-8regions then etcd", two, err)
	}
	if _, err := selectImpls("gee,tikv"); err == nil || !strings.Contains(err.Error(), `"tikv"`) {
		t.Fatalf("unknown impl: err = %v, want one naming it", err)
	}
}

// region builds a scheduler region with peers on stores and a leader on
// store lead (0: none known).
func region(id uint64, lead uint64, stores ...uint64) *schedclient.Region {
	r := &schedclient.Region{Meta: &metapb.Region{Id: id}}
	for i, s := range stores {
		p := &metapb.Peer{Id: id*10 + uint64(i), StoreId: s}
		r.Meta.Peers = append(r.Meta.Peers, p)
		if s == lead {
			r.Leader = p
		}
	}
	return r
}

// TestRegionViewReadiness: the benchmark measures only once every region
// has 3 replicas on distinct stores and leaders are at most one apart.
func TestRegionViewReadiness(t *testing.T) {
	cases := []struct {
		name                 string
		regions              []*schedclient.Region
		replicated, balanced bool
	}{
		{"spread", []*schedclient.Region{region(1, 1, 1, 2, 3), region(2, 2, 1, 2, 3), region(3, 3, 1, 2, 3), region(4, 1, 1, 2, 3)}, true, true},
		{"all on one store", []*schedclient.Region{region(1, 1, 1, 2, 3), region(2, 1, 1, 2, 3), region(3, 1, 1, 2, 3)}, true, false},
		{"two replicas", []*schedclient.Region{region(1, 1, 1, 2), region(2, 2, 1, 2, 3), region(3, 3, 1, 2, 3)}, false, true},
		{"two on one store", []*schedclient.Region{region(1, 1, 1, 1, 3), region(2, 2, 1, 2, 3), region(3, 3, 1, 2, 3)}, false, true},
		{"leader unknown", []*schedclient.Region{region(1, 0, 1, 2, 3), region(2, 2, 1, 2, 3)}, false, true},
	}
	for _, c := range cases {
		v := regionView{leaders: map[uint64]int{1: 0, 2: 0, 3: 0}, replicated: true}
		for _, r := range c.regions {
			v.add(r)
		}
		if v.replicated != c.replicated || v.balanced() != c.balanced {
			t.Errorf("%s: replicated %v balanced %v, want %v %v (leaders %v)", c.name, v.replicated, v.balanced(),
				c.replicated, c.balanced, v.leaders)
		}
	}
	v := regionView{leaders: map[uint64]int{1: 1, 2: 1}}
	if v.balanced() {
		t.Error("two stores known: called balanced")
	}
}

func TestSpreadLeadersEnv(t *testing.T) {
	for v, want := range map[string]bool{"": true, "spread": true, "one": false} {
		t.Setenv(leadersEnv, v)
		if got, err := spreadLeaders(); err != nil || got != want {
			t.Errorf("%s=%q: spread %v, %v; want %v", leadersEnv, v, got, err, want)
		}
	}
	t.Setenv(leadersEnv, "two")
	if _, err := spreadLeaders(); err == nil || !strings.Contains(err.Error(), `"two"`) {
		t.Errorf("%s=two: err %v, want one naming the value", leadersEnv, err)
	}
}
