package eviction

import (
	"hash/maphash"
	"strconv"
	"testing"

	"github.com/gee-project/gee/cache/workload"
)

var seed = maphash.MakeSeed()

// sim drives a policy with a map, as a store would.
type sim struct {
	p Policy[int]
	m map[string]*Node[int]
}

func newSim(p Policy[int]) *sim { return &sim{p: p, m: map[string]*Node[int]{}} }

func (s *sim) access(key string, size int64) bool {
	if n, ok := s.m[key]; ok {
		s.p.Access(n)
		return true
	}
	s.add(key, size, false)
	return false
}

// add inserts key, replacing any node it had (as a store's Set does).
func (s *sim) add(key string, size int64, admit bool) *Node[int] {
	if old, ok := s.m[key]; ok {
		s.p.Remove(old)
	}
	n := &Node[int]{Key: key, Size: size, Hash: maphash.String(seed, key), Admit: admit}
	s.m[key] = n
	s.p.Add(n, func(v *Node[int]) {
		if s.m[v.Key] != v {
			panic("evicted a node the store does not hold")
		}
		delete(s.m, v.Key)
	})
	return n
}

func TestLRUEvictsLeastRecentlyUsedByBytes(t *testing.T) {
	s := newSim(NewLRU[int](10))
	s.access("a", 4)
	s.access("b", 4)
	s.access("a", 4) // a is now most recent
	s.access("c", 4) // 12 bytes > 10: b goes
	if _, ok := s.m["b"]; ok {
		t.Fatal("b should have been evicted")
	}
	if _, ok := s.m["a"]; !ok {
		t.Fatal("a was used recently and must stay")
	}
	if s.p.Bytes() != 8 || s.p.Len() != 2 {
		t.Fatalf("bytes=%d len=%d, want 8, 2", s.p.Bytes(), s.p.Len())
	}
}

func TestOversizedEntryIsNotKept(t *testing.T) {
	for _, kind := range []Kind{KindLRU, KindTinyLFU} {
		p, _ := New[int](kind, 10)
		s := newSim(p)
		s.access("small", 3)
		s.access("huge", 11)
		if _, ok := s.m["huge"]; ok || p.Bytes() > 10 {
			t.Fatalf("%s: entry larger than capacity kept (bytes %d)", kind, p.Bytes())
		}
	}
}

func TestRemove(t *testing.T) {
	for _, kind := range []Kind{KindLRU, KindTinyLFU} {
		p, _ := New[int](kind, 100)
		s := newSim(p)
		for i := 0; i < 10; i++ {
			s.access(strconv.Itoa(i), 5)
		}
		for i := 0; i < 10; i += 2 {
			p.Remove(s.m[strconv.Itoa(i)])
		}
		if p.Len() != 5 || p.Bytes() != 25 {
			t.Fatalf("%s: after removes len=%d bytes=%d", kind, p.Len(), p.Bytes())
		}
	}
	if _, ok := New[int]("nope", 1); ok {
		t.Fatal("unknown kind accepted")
	}
}

// A scan of never-repeated keys must not flush TinyLFU's popular entries.
func TestTinyLFUResistsScan(t *testing.T) {
	s := newSim(NewTinyLFU[int](100, 0))
	for r := 0; r < 20; r++ {
		for i := 0; i < 50; i++ {
			s.access("hot"+strconv.Itoa(i), 1)
		}
	}
	for i := 0; i < 10000; i++ {
		s.access("scan"+strconv.Itoa(i), 1)
	}
	kept := 0
	for i := 0; i < 50; i++ {
		if _, ok := s.m["hot"+strconv.Itoa(i)]; ok {
			kept++
		}
	}
	if kept < 45 {
		t.Fatalf("only %d of 50 hot keys survived the scan", kept)
	}
	if s.p.Bytes() > 100 {
		t.Fatalf("over capacity: %d", s.p.Bytes())
	}
}

func hitRatio(p Policy[int], trace []uint64) float64 {
	s := newSim(p)
	hits := 0
	for _, k := range trace {
		if s.access(strconv.FormatUint(k, 10), 1) {
			hits++
		}
	}
	return float64(hits) / float64(len(trace))
}

func TestTinyLFUBeatsLRUOnZipf(t *testing.T) {
	tr := workload.ZipfTrace(20000, 0.99, 100000, 3)
	lru := hitRatio(NewLRU[int](200), tr)
	tiny := hitRatio(NewTinyLFU[int](200, 0), tr)
	if tiny <= lru+0.03 {
		t.Fatalf("tinylfu %.3f vs lru %.3f: want a clear win", tiny, lru)
	}
}

func FuzzPolicyInvariants(f *testing.F) {
	f.Add([]byte{1, 2, 3, 1, 2, 200, 7, 7, 7})
	f.Add([]byte{10, 20, 30, 250, 221, 222, 5, 5, 5, 230, 231, 232})
	f.Fuzz(func(t *testing.T, ops []byte) {
		for _, kind := range []Kind{KindLRU, KindTinyLFU} {
			p, _ := New[int](kind, 64)
			s := newSim(p)
			for _, op := range ops {
				key := strconv.Itoa(int(op % 40))
				if op >= 240 {
					if n, ok := s.m[key]; ok {
						p.Remove(n)
						delete(s.m, key)
					}
					continue
				}
				if op >= 220 { // an explicit write: must be kept if it fits
					n := s.add(key, int64(op%9+1), true)
					if s.m[key] != n {
						t.Fatalf("%s: explicit write of %q (%d bytes) not kept", kind, key, n.Size)
					}
				} else {
					s.access(key, int64(op%9+1))
				}
				if p.Bytes() > 64 || p.Len() != len(s.m) {
					t.Fatalf("%s: bytes=%d len=%d map=%d", kind, p.Bytes(), p.Len(), len(s.m))
				}
			}
		}
	})
}
