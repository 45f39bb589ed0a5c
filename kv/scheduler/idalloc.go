package scheduler

import (
	"fmt"
	"sync"
)

// idAllocator hands out cluster-unique ids from windows: before an id of a new window is
// used, the window's end is persisted (fsynced) as the high-water mark, so after a restart
// allocation resumes above every id that may have been handed out. A crash wastes at most
// one window of ids, never repeats one.
type idAllocator struct {
	mu     sync.Mutex
	st     *storage
	window uint64
	next   uint64 // next id to hand out
	end    uint64 // persisted high-water mark: ids < end may be handed out
}

func newIDAllocator(st *storage, window uint64) (*idAllocator, error) {
	hw, err := st.loadUint64(keyIDHighWater)
	if err != nil {
		return nil, fmt.Errorf("id allocator: %w", err)
	}
	next := max(hw, 1) // id 0 means "unset" in every proto
	return &idAllocator{st: st, window: max(window, 1), next: next, end: next}, nil
}

// AllocID returns a new id.
func (a *idAllocator) AllocID() (uint64, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.next >= a.end {
		end := a.next + a.window
		if err := a.st.saveUint64(keyIDHighWater, end); err != nil {
			return 0, fmt.Errorf("id allocator: persist high-water mark: %w", err)
		}
		a.end = end
	}
	id := a.next
	a.next++
	return id, nil
}

// ensureAbove makes sure id is never handed out (ids chosen outside the allocator).
func (a *idAllocator) ensureAbove(id uint64) error {
	if id > maxExternalID {
		return invalid("id %d is above the maximum of %d", id, uint64(maxExternalID))
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.next > id {
		return nil
	}
	if id+1 > a.end {
		end := id + 1 + a.window
		if err := a.st.saveUint64(keyIDHighWater, end); err != nil {
			return err
		}
		a.end = end
	}
	a.next = id + 1
	return nil
}

// maxExternalID leaves room above any id a client chose, so the allocator never wraps around.
const maxExternalID = 1 << 62
