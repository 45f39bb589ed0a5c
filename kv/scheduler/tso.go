package scheduler

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// logicalBits is how many low bits of a timestamp count within one millisecond.
const logicalBits = 18

// maxLogical bounds the logical part: at most 2^18 - 1 timestamps per millisecond.
const maxLogical = 1<<logicalBits - 1

// ComposeTS packs a timestamp the way every TSO consumer reads it.
func ComposeTS(physicalMs, logical int64) uint64 {
	return uint64(physicalMs)<<logicalBits | uint64(logical)
}

// tso hands out strictly increasing timestamps (physical ms << 18 | logical). The physical part
// never goes below a persisted high-water mark that is kept a window ahead of what is used, so
// a restart (even after the wall clock stepped back) continues above every timestamp already given.
type tso struct {
	mu       sync.Mutex
	st       *storage
	window   time.Duration
	now      func() time.Time
	physical int64 // ms of the last timestamp handed out
	logical  int64 // logical of the last timestamp handed out
	saved    int64 // persisted high-water mark (ms): physical stays below it
}

var errTSOCount = errors.New("tso: count must be at least 1")

func newTSO(st *storage, window time.Duration, now func() time.Time) (*tso, error) {
	hw, err := st.loadUint64(keyTSOHighWater)
	if err != nil {
		return nil, fmt.Errorf("tso: %w", err)
	}
	t := &tso{st: st, window: max(window, time.Millisecond), now: now}
	// Everything below hw may have been handed out: start strictly after it.
	t.physical = max(now().UnixMilli(), int64(hw))
	t.logical = maxLogical // forces the first allocation onto a fresh millisecond
	t.saved = int64(hw)
	return t, nil
}

// next reserves count consecutive timestamps and returns the last one's parts.
func (t *tso) next(count uint32) (physical, logical int64, err error) {
	if count == 0 {
		return 0, 0, errTSOCount
	}
	if count > maxLogical {
		return 0, 0, fmt.Errorf("tso: count %d exceeds %d per request", count, maxLogical)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if now := t.now().UnixMilli(); now > t.physical {
		t.physical, t.logical = now, 0
	}
	if t.logical+int64(count) > maxLogical {
		// This millisecond is used up: run ahead of the clock by one, still below the mark.
		t.physical, t.logical = t.physical+1, 0
	}
	if t.physical >= t.saved {
		mark := t.physical + t.window.Milliseconds()
		if err := t.st.saveUint64(keyTSOHighWater, uint64(mark)); err != nil {
			return 0, 0, fmt.Errorf("tso: persist high-water mark: %w", err)
		}
		t.saved = mark
	}
	t.logical += int64(count)
	return t.physical, t.logical, nil
}
