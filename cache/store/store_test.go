package store

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/cache/eviction"
)

func TestSetGetDelete(t *testing.T) {
	s := New[string](eviction.NewTinyLFU[string](1000, 0), nil)
	s.Set("a", "1", 10, 0)
	if v, ok := s.Get("a"); !ok || v != "1" {
		t.Fatalf("Get = %q, %v", v, ok)
	}
	s.Set("a", "2", 20, 0)
	if v, _ := s.Get("a"); v != "2" {
		t.Fatalf("replace: Get = %q", v)
	}
	if st := s.Stats(); st.Entries != 1 || st.Bytes != 20 {
		t.Fatalf("stats after replace = %+v", st)
	}
	if !s.Delete("a") || s.Delete("a") {
		t.Fatal("Delete must report presence exactly once")
	}
	if _, ok := s.Get("a"); ok {
		t.Fatal("deleted key still readable")
	}
}

func TestExpiredEntryIsAMissAndRemoved(t *testing.T) {
	s := New[int](eviction.NewLRU[int](100), nil)
	s.Set("old", 1, 1, time.Now().Add(-time.Second).UnixNano())
	s.Set("new", 2, 1, time.Now().Add(time.Hour).UnixNano())
	if _, ok := s.Get("old"); ok {
		t.Fatal("expired entry returned")
	}
	if _, ok := s.Get("new"); !ok {
		t.Fatal("unexpired entry missing")
	}
	if st := s.Stats(); st.Entries != 1 {
		t.Fatalf("expired entry not removed: %+v", st)
	}
}

func TestEvictionRespectsBytesAndCallsBack(t *testing.T) {
	var evicted []string
	s := New[int](eviction.NewLRU[int](30), func(k string, _ int) { evicted = append(evicted, k) })
	for i := 0; i < 10; i++ {
		s.Set(strconv.Itoa(i), i, 10, 0)
	}
	st := s.Stats()
	if st.Bytes > 30 || st.Entries != 3 || st.Evictions != 7 || len(evicted) != 7 {
		t.Fatalf("stats %+v, evicted %v", st, evicted)
	}
	if _, ok := s.Get("0"); ok {
		t.Fatal("oldest key survived")
	}
}

func TestConcurrentUse(t *testing.T) {
	s := New[int](eviction.NewTinyLFU[int](500, 0), nil)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 3000; i++ {
				k := strconv.Itoa((i * (g + 1)) % 900)
				if v, ok := s.Get(k); ok && strconv.Itoa(v) != k {
					t.Errorf("key %s holds %d", k, v)
					return
				}
				switch i % 7 {
				case 0:
					s.Delete(k)
				default:
					n, _ := strconv.Atoi(k)
					s.Set(k, n, 1, 0)
				}
			}
		}(g)
	}
	wg.Wait()
	if st := s.Stats(); st.Bytes > 500 {
		t.Fatalf("over capacity: %+v", st)
	}
}

func BenchmarkGetParallel(b *testing.B) {
	s := New[int](eviction.NewTinyLFU[int](1<<20, 0), nil)
	keys := make([]string, 4096)
	for i := range keys {
		keys[i] = strconv.Itoa(i)
		s.Set(keys[i], i, 1, 0)
	}
	b.ReportAllocs()
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			s.Get(keys[i&4095])
			i++
		}
	})
}

func TestHitsAndPeek(t *testing.T) {
	s := New[int](eviction.NewLRU[int](100), nil)
	s.Set("a", 1, 1, 0)
	for i := 0; i < 5; i++ {
		s.Get("a")
	}
	s.Get("missing")
	if v, _, ok := s.Peek("a"); !ok || v != 1 {
		t.Fatal("Peek missed a present key")
	}
	if st := s.Stats(); st.Hits != 5 {
		t.Fatalf("hits = %d, want 5 (Peek and misses do not count)", st.Hits)
	}
}

// An explicit write is kept even when the sketch rates it below every
// resident entry; only an entry larger than the capacity is refused.
func TestWriteIsAdmittedWhateverItsPopularity(t *testing.T) {
	s := New[int](eviction.NewTinyLFU[int](1000, 0), nil)
	for r := 0; r < 20; r++ { // popular residents fill the cache
		for i := 0; i < 100; i++ {
			k := "hot" + strconv.Itoa(i)
			if _, ok := s.Get(k); !ok {
				s.Set(k, i, 10, 0)
			}
		}
	}
	if !s.Write("new", 1, 800, 0) {
		t.Fatal("Write of 800 bytes into a 1000-byte store refused")
	}
	if _, ok := s.Get("new"); !ok {
		t.Fatal("written entry not readable")
	}
	if st := s.Stats(); st.Bytes > 1000 {
		t.Fatalf("over capacity after Write: %d bytes", st.Bytes)
	}
	if s.Write("huge", 2, 1001, 0) {
		t.Fatal("Write larger than the capacity reported stored")
	}
	if _, ok := s.Get("huge"); ok {
		t.Fatal("oversized entry readable")
	}
}
