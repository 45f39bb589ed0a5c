package consistenthash

import (
	"fmt"
	"strconv"
	"testing"
)

func TestGetWithCustomHash(t *testing.T) {
	// Hash is the number itself, so the ring is easy to reason about:
	// nodes "2","4","6" with 3 replicas sit at 2,4,6,12,14,16,22,24,26.
	m := New(3, func(b []byte) uint32 {
		n, err := strconv.Atoi(string(b))
		if err != nil {
			t.Fatalf("hash input %q", b)
		}
		return uint32(n)
	})
	m.Add("6", "4", "2")
	cases := map[string]string{"2": "2", "11": "2", "23": "4", "27": "2", "5": "6"}
	for k, want := range cases {
		if got := m.Get(k); got != want {
			t.Errorf("Get(%s) = %s, want %s", k, got, want)
		}
	}
	m.Add("8") // adds 8, 18, 28
	if got := m.Get("27"); got != "8" {
		t.Errorf("after Add(8) Get(27) = %s, want 8", got)
	}
}

func TestEmptyRing(t *testing.T) {
	m := New(0, nil)
	if !m.IsEmpty() || m.Get("x") != "" {
		t.Fatal("empty ring must return no owner")
	}
}

func TestAddIsIdempotent(t *testing.T) {
	m := New(10, nil)
	m.Add("a", "b")
	before := len(m.points)
	m.Add("a")
	if len(m.points) != before || len(m.Nodes()) != 2 {
		t.Fatalf("re-adding a node changed the ring: %d -> %d points", before, len(m.points))
	}
}

// Adding a 5th node must move roughly 1/5 of keys, and only onto the new node.
func TestMembershipChangeMovesAboutOneNth(t *testing.T) {
	old := New(0, nil)
	old.Add("http://n1", "http://n2", "http://n3", "http://n4")
	grown := New(0, nil)
	grown.Add("http://n1", "http://n2", "http://n3", "http://n4", "http://n5")
	const keys = 20000
	moved := 0
	for i := 0; i < keys; i++ {
		k := fmt.Sprintf("key-%d", i)
		a, b := old.Get(k), grown.Get(k)
		if a != b {
			moved++
			if b != "http://n5" {
				t.Fatalf("key %s moved from %s to %s, not to the new node", k, a, b)
			}
		}
	}
	frac := float64(moved) / keys
	if frac < 0.08 || frac > 0.35 {
		t.Fatalf("moved %.2f of keys, want about 0.2", frac)
	}
}

// Golden values computed from golang/groupcache's consistenthash with
// New(50, nil): our defaults must pick the same owners.
func TestMatchesGroupcacheLayout(t *testing.T) {
	m := New(DefaultReplicas, nil)
	m.Add("http://127.0.0.1:8001", "http://127.0.0.1:8002", "http://127.0.0.1:8003")
	for k, want := range groupcacheGolden {
		if got := m.Get(k); got != want {
			t.Errorf("Get(%q) = %s, groupcache says %s", k, got, want)
		}
	}
}

func BenchmarkGet(b *testing.B) {
	m := New(0, nil)
	for i := 0; i < 8; i++ {
		m.Add(fmt.Sprintf("http://10.0.0.%d:8000", i))
	}
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = fmt.Sprintf("key-%d", i)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = m.Get(keys[i&1023])
	}
}
