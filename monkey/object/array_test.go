package object

import (
	"sync"
	"testing"
)

func TestPushExtendsInPlace(t *testing.T) {
	a := &Array{}
	total := 0
	allocs := testing.AllocsPerRun(10000, func() {
		var slots int
		a, slots = Push(a, TRUE)
		total += slots
	})
	// Amortized growth: one *Array header per push, and the buffers
	// allocated add up to a small multiple of the final length.
	if allocs > 1.1 || total > 4*len(a.Elements) {
		t.Fatalf("10001 pushes: %.2f allocations each, %d slots for %d elements", allocs, total, len(a.Elements))
	}
}

func TestPushKeepsOldArraysUnchanged(t *testing.T) {
	a, _ := Push(&Array{Elements: []Object{NewInteger(1)}}, NewInteger(2)) // [1, 2]
	b, _ := Push(a, NewInteger(3))                                         // in place
	c, slots := Push(a, NewInteger(4))                                     // a no longer ends the buffer: copies
	if slots == 0 {
		t.Fatal("second push onto the same array did not copy")
	}
	r := Rest(b)
	d, _ := Push(r, NewInteger(5)) // a rest view never extends in place
	for _, tt := range []struct {
		arr  *Array
		want string
	}{{a, "[1, 2]"}, {b, "[1, 2, 3]"}, {c, "[1, 2, 4]"}, {r, "[2, 3]"}, {d, "[2, 3, 5]"}} {
		if got := tt.arr.Inspect(); got != tt.want {
			t.Errorf("got %s, want %s", got, tt.want)
		}
	}
}

// TestPushRace pushes onto one shared array from several goroutines, as
// concurrent runs given the same host value may: each result must hold its
// own element (checked under -race too).
func TestPushRace(t *testing.T) {
	a, _ := Push(&Array{}, NewInteger(0))
	var wg sync.WaitGroup
	results := make([]*Array, 8)
	for g := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[g], _ = Push(a, NewInteger(int64(g+1)))
		}()
	}
	wg.Wait()
	for g, r := range results {
		if len(r.Elements) != 2 || r.Elements[1].(*Integer).Value != int64(g+1) {
			t.Fatalf("goroutine %d got %s", g, r.Inspect())
		}
	}
}
