package xclient

import (
	"errors"
	"sync"
	"time"
)

// ErrBreakerOpen is returned when every candidate server's breaker is open.
var ErrBreakerOpen = errors.New("xclient: circuit breaker open")

// breaker is a per-server circuit breaker: after threshold consecutive
// failures it opens for cooldown, then lets one trial call through
// (half-open); the trial's outcome closes or re-opens it. A trial that
// never reports back expires after another cooldown.
type breaker struct {
	threshold int
	cooldown  time.Duration

	mu       sync.Mutex
	failures int
	openTill time.Time
	trialAt  time.Time // zero when no half-open trial is in flight
}

// available reports, without changing state, whether a call may go out.
func (b *breaker) available(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.availableLocked(now)
}

func (b *breaker) availableLocked(now time.Time) bool {
	if b.threshold <= 0 || b.failures < b.threshold {
		return true
	}
	return !now.Before(b.openTill) && (b.trialAt.IsZero() || now.Sub(b.trialAt) > b.cooldown)
}

// begin claims the right to call; false means another caller took the
// half-open trial first.
func (b *breaker) begin(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.availableLocked(now) {
		return false
	}
	if b.threshold > 0 && b.failures >= b.threshold {
		b.trialAt = now
	}
	return true
}

func (b *breaker) record(now time.Time, failed bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.trialAt = time.Time{}
	if !failed {
		b.failures = 0
		return
	}
	b.failures++
	if b.threshold > 0 && b.failures >= b.threshold {
		b.openTill = now.Add(b.cooldown)
	}
}

// release ends a call without an outcome.
func (b *breaker) release() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.trialAt = time.Time{}
}
