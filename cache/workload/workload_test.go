package workload

import (
	"math"
	"testing"
)

func TestZipfFollowsDistribution(t *testing.T) {
	const n, draws = 1000, 200000
	tr := ZipfTrace(n, 0.99, draws, 1)
	counts := make([]int, n)
	for _, k := range tr {
		if k >= n {
			t.Fatalf("rank %d out of range", k)
		}
		counts[k]++
	}
	// P(rank0)/P(rank9) = 10^0.99 ≈ 9.77.
	ratio := float64(counts[0]) / float64(counts[9])
	if math.Abs(ratio-9.77) > 1.5 {
		t.Fatalf("count ratio rank0/rank9 = %.2f, want ≈ 9.77", ratio)
	}
}

func TestZipfIsReproducible(t *testing.T) {
	a, b := ZipfTrace(100, 1.2, 1000, 7), ZipfTrace(100, 1.2, 1000, 7)
	for i := range a {
		if a[i] != b[i] {
			t.Fatal("same seed gave different traces")
		}
	}
}

func TestScanTraceInsertsUniqueScans(t *testing.T) {
	tr := ScanTrace(100, 0.99, 1000, 50, 20, 1)
	if len(tr) != 1000 {
		t.Fatalf("len = %d", len(tr))
	}
	seen := map[uint64]bool{}
	for i, k := range tr {
		inScan := i%70 >= 50
		if inScan != (k >= 100) {
			t.Fatalf("position %d key %d: scan placement wrong", i, k)
		}
		if k >= 100 && seen[k] {
			t.Fatalf("scan key %d repeated", k)
		}
		seen[k] = true
	}
}

func TestBeladyKnownSequence(t *testing.T) {
	// Capacity 2 on a b c a b: after a b, c is used never again and is
	// bypassed, so a and b hit: 2/5.
	if got := Belady([]uint64{1, 2, 3, 1, 2}, 2); got != 0.4 {
		t.Fatalf("Belady = %v, want 0.4", got)
	}
	// Capacity 1: a b a b -> no hits possible beyond keeping one: a b a b
	// keeps a (next use 2) vs b(3): hit at index 2 only.
	if got := Belady([]uint64{1, 2, 1, 2}, 1); got != 0.25 {
		t.Fatalf("Belady = %v, want 0.25", got)
	}
}
