package eviction

import (
	"testing"

	"github.com/gee-project/gee/cache/workload"
)

// sample feeds one full sample with the given hit ratio and returns the
// adjustment it produced.
func sample(c *climber, rate float64, entries int, capacity int64) int64 {
	n := climbSampleMult * max(entries, 100)
	hits := int(rate * float64(n))
	var d int64
	for i := 0; i < n; i++ {
		if x := c.record(i < hits, entries, capacity); x != 0 {
			d = x
		}
	}
	return d
}

func TestClimberKeepsDirectionWhileImprovingAndReverses(t *testing.T) {
	c := &climber{}
	const capacity = 10000
	if d := sample(c, 0.50, 100, capacity); d != 0 {
		t.Fatalf("baseline sample moved the window by %d", d)
	}
	d1 := sample(c, 0.52, 100, capacity) // better: keep the first direction
	d2 := sample(c, 0.53, 100, capacity) // better again: same sign, decayed
	if d1 == 0 || (d1 > 0) != (d2 > 0) || abs(d2) >= abs(d1) {
		t.Fatalf("improving: steps %d then %d, want same direction, shrinking", d1, d2)
	}
	d3 := sample(c, 0.51, 100, capacity) // worse: reverse
	if (d3 > 0) == (d2 > 0) {
		t.Fatalf("worse hit ratio: step %d after %d, want reversed", d3, d2)
	}
	sample(c, 0.80, 100, capacity)       // jump: the next step restarts
	d5 := sample(c, 0.81, 100, capacity) // at the full 6.25% of capacity
	if abs(d5) != capacity*625/10000 {
		t.Fatalf("after a jump in hit ratio the step is %d, want a restart at %d", d5, capacity*625/10000)
	}
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// A recency-biased trace (a working set that moves on every few thousand
// requests) favours a large window: the climber must grow it, and beat the
// fixed 1% window; on a frequency-biased trace it loses a little (noise
// in its samples makes the window wander), which is why it is not the default.
func TestAdaptiveWindowFollowsTheWorkload(t *testing.T) {
	var moving []uint64
	for phase := uint64(0); phase < 30; phase++ {
		for _, k := range workload.ZipfTrace(400, 0.6, 4000, phase) {
			moving = append(moving, phase*1000+k)
		}
	}
	adaptive := NewTinyLFUAdaptive[int](200, 0)
	ra := hitRatio(adaptive, moving)
	rf := hitRatio(NewTinyLFU[int](200, 0), moving)
	if adaptive.windowCap <= 2 || ra <= rf {
		t.Fatalf("moving working set: adaptive %.3f (window %d of 200) vs fixed %.3f", ra, adaptive.windowCap, rf)
	}
	zipf := workload.ZipfTrace(20000, 0.99, 200000, 3)
	za := hitRatio(NewTinyLFUAdaptive[int](200, 0), zipf)
	zf := hitRatio(NewTinyLFU[int](200, 0), zipf)
	t.Logf("moving: adaptive %.4f fixed %.4f (window %d/200); zipf: adaptive %.4f fixed %.4f", ra, rf, adaptive.windowCap, za, zf)
	if za < zf-0.05 { // measured -0.6 to -2.2 points here (hash seeds vary)
		t.Fatalf("zipf: adaptive %.4f far below fixed %.4f", za, zf)
	}
}
