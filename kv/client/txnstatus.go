package client

import "sync"

// statusCacheSize bounds how many finished transactions a client remembers.
const statusCacheSize = 4096

// statusCache remembers the transactions a client found committed (start ts → commit ts) or
// rolled back (→ 0), so further locks of a finished transaction are resolved without
// asking its primary again. Both outcomes are final. The oldest entry goes first when full.
// The zero value is ready.
type statusCache struct {
	mu    sync.Mutex
	m     map[uint64]uint64
	order []uint64 // ring of the keys of m, oldest at next
	next  int
}

// get returns the commit ts of a finished transaction startTS (0: rolled back).
func (s *statusCache) get(startTS uint64) (commitTS uint64, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	commitTS, ok = s.m[startTS]
	return commitTS, ok
}

// put records that transaction startTS finished at commitTS (0: rolled back).
func (s *statusCache) put(startTS, commitTS uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = make(map[uint64]uint64, statusCacheSize)
	}
	if _, ok := s.m[startTS]; ok {
		return
	}
	if len(s.order) < statusCacheSize {
		s.order = append(s.order, startTS)
	} else {
		delete(s.m, s.order[s.next])
		s.order[s.next] = startTS
		s.next = (s.next + 1) % statusCacheSize
	}
	s.m[startTS] = commitTS
}
