package eviction

// climber sizes the W-TinyLFU window by hill climbing on the hit ratio
// (as Caffeine does): after each sample of requests it moves the window
// boundary by a step, keeps the direction while the hit ratio improves and
// reverses it when it falls. Steps decay so the size settles, and restart
// at full size when the hit ratio jumps (the workload changed). Recency-
// biased workloads end with a large window, frequency-biased ones with a
// small one.
type climber struct {
	hits, misses int64
	prevRate     float64
	step         float64 // bytes; the sign is the direction
}

const (
	climbStepPercent = 6.25 // first step, and restart step, in % of capacity
	climbDecay       = 0.98 // steps shrink by this factor per sample
	climbRestart     = 0.05 // a hit ratio change this large restarts the steps
	climbSampleMult  = 10   // a sample is this many times the entries held
	minWindowPercent = 0.2  // the window's bounds, in % of capacity
	maxWindowPercent = 80
)

// record counts one request and, when a sample is complete, returns the
// bytes to add to the window (negative: shrink it).
func (c *climber) record(hit bool, entries int, capacity int64) int64 {
	if hit {
		c.hits++
	} else {
		c.misses++
	}
	n := c.hits + c.misses
	if n < climbSampleMult*int64(max(entries, 100)) {
		return 0
	}
	rate := float64(c.hits) / float64(n)
	change := rate - c.prevRate
	if c.step == 0 { // the first sample only sets the baseline
		c.step = -climbStepPercent / 100 * float64(capacity)
		c.prevRate, c.hits, c.misses = rate, 0, 0
		return 0
	}
	amount := c.step
	switch {
	case change < 0:
		amount = -amount
	case change == 0 && rate == 0: // no signal (a scan): stay put
		c.prevRate, c.hits, c.misses = rate, 0, 0
		return 0
	}
	if change >= climbRestart || change <= -climbRestart {
		c.step = climbStepPercent / 100 * float64(capacity)
		if amount < 0 {
			c.step = -c.step
		}
	} else {
		c.step = climbDecay * amount
	}
	c.prevRate, c.hits, c.misses = rate, 0, 0
	return int64(amount)
}

// resize moves the window boundary by delta bytes within its bounds and
// moves nodes across so each segment respects its new share. Nodes move
// without a duel, as in Caffeine: the total held does not change.
func (p *TinyLFU[V]) resize(delta int64) {
	lo := max(int64(float64(p.capacity)*minWindowPercent/100), 1)
	hi := p.capacity * maxWindowPercent / 100
	p.windowCap = min(max(p.windowCap+delta, lo), hi)
	p.protectedCap = (p.capacity - p.windowCap) * protectedPercent / 100
	for p.window.bytes > p.windowCap { // shrinking: oldest window nodes go to probation
		n := p.window.back()
		p.window.remove(n)
		n.queue = qProbation
		p.probation.pushFront(n)
	}
	for p.protected.bytes > p.protectedCap {
		n := p.protected.back()
		p.protected.remove(n)
		n.queue = qProbation
		p.probation.pushFront(n)
	}
}
