package cache

import (
	"sync"
	"sync/atomic"
)

// maxFallbacks bounds how many fallback keys are remembered per group;
// beyond it the fallback TTL alone limits how long such copies live.
const maxFallbacks = 1 << 14

// fallbacks remembers which keys were loaded locally because their owner
// did not answer, so they can be dropped as soon as that owner answers
// again rather than only when their short TTL runs out.
type fallbacks struct {
	n  atomic.Int64 // keys held, so the common case takes no lock
	mu sync.Mutex
	by map[string]map[string]struct{} // owner address -> keys
}

func (f *fallbacks) add(owner, key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n.Load() >= maxFallbacks {
		return
	}
	if f.by == nil {
		f.by = map[string]map[string]struct{}{}
	}
	keys := f.by[owner]
	if keys == nil {
		keys = map[string]struct{}{}
		f.by[owner] = keys
	}
	if _, ok := keys[key]; !ok {
		keys[key] = struct{}{}
		f.n.Add(1)
	}
}

// take returns and forgets the keys loaded in place of owner.
func (f *fallbacks) take(owner string) map[string]struct{} {
	if f.n.Load() == 0 {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	keys := f.by[owner]
	delete(f.by, owner)
	f.n.Add(-int64(len(keys)))
	return keys
}
