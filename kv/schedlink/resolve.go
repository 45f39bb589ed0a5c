package schedlink

import (
	"context"
	"sync"
)

// resolver caches store addresses learned from the scheduler.
type resolver struct {
	mu      sync.Mutex
	addrs   map[uint64]string
	looking map[uint64]bool
}

// Resolve maps a store id to its registered address, for kv/transport's Resolver and
// raftstore's Config.Resolver. It never blocks: an unknown store answers false at once and
// is looked up in the background (the caller retries, as raft resends), and a store whose
// connection fails can be forgotten with Forget to pick up a new address.
func (l *Link) Resolve(storeID uint64) (string, bool) {
	r := &l.res
	r.mu.Lock()
	defer r.mu.Unlock()
	if a, ok := r.addrs[storeID]; ok {
		return a, true
	}
	if storeID == l.cfg.StoreID {
		return l.cfg.Address, true
	}
	if r.looking[storeID] || l.ctx.Err() != nil {
		return "", false
	}
	if r.looking == nil {
		r.looking, r.addrs = map[uint64]bool{}, map[uint64]string{}
	}
	r.looking[storeID] = true
	l.wg.Add(1)
	go l.lookup(storeID)
	return "", false
}

// Forget drops a cached address (after a store moved).
func (l *Link) Forget(storeID uint64) {
	l.res.mu.Lock()
	delete(l.res.addrs, storeID)
	l.res.mu.Unlock()
}

func (l *Link) lookup(storeID uint64) {
	defer l.wg.Done()
	ctx, cancel := context.WithTimeout(l.ctx, l.cfg.RPCTimeout)
	defer cancel()
	st, _, err := l.cli.GetStore(ctx, storeID)
	r := &l.res
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.looking, storeID)
	if err != nil || st.GetAddress() == "" {
		if l.ctx.Err() == nil {
			l.log.Warn("resolve store failed", "store", storeID, "err", err)
		}
		return
	}
	r.addrs[storeID] = st.GetAddress()
}
