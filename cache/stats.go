package cache

import "sync/atomic"

// Stats are a Group's counters since it was created.
type Stats struct {
	Gets           int64 `json:"gets"`            // every Get call
	Hits           int64 `json:"hits"`            // served from the main or hot cache
	HotHits        int64 `json:"hot_hits"`        // of Hits, served from the hot cache
	Loads          int64 `json:"loads"`           // misses not absorbed by singleflight
	LocalLoads     int64 `json:"local_loads"`     // loads done by this node's getter
	PeerLoads      int64 `json:"peer_loads"`      // loads answered by the owner peer
	PeerErrors     int64 `json:"peer_errors"`     // failed peer fetches (then loaded locally)
	FallbackLoads  int64 `json:"fallback_loads"`  // of LocalLoads, loaded here because the owner failed
	LoadErrors     int64 `json:"load_errors"`     // getter errors returned to callers
	ServerRequests int64 `json:"server_requests"` // requests received from peers
	HotCopies      int64 `json:"hot_copies"`      // remote values kept as hot copies
	Evictions      int64 `json:"evictions"`       // main + hot cache evictions
	MainBytes      int64 `json:"main_bytes"`
	MainEntries    int64 `json:"main_entries"`
	HotBytes       int64 `json:"hot_bytes"`
	HotEntries     int64 `json:"hot_entries"`
}

// counters count the slow paths. Hits are counted by the stores inside
// their read buffers, so a hit costs no atomic here; Gets = hits + misses.
type counters struct {
	misses, loads, localLoads, fallbackLoads, peerLoads, peerErrors, loadErrors, serverReqs, hotCopies atomic.Int64
}

func (c *counters) miss() { c.misses.Add(1) }

func (c *counters) snapshot() Stats {
	var st Stats
	st.Gets = c.misses.Load() // hits added by Group.Stats
	st.Loads = c.loads.Load()
	st.LocalLoads = c.localLoads.Load()
	st.PeerLoads = c.peerLoads.Load()
	st.PeerErrors = c.peerErrors.Load()
	st.FallbackLoads = c.fallbackLoads.Load()
	st.LoadErrors = c.loadErrors.Load()
	st.ServerRequests = c.serverReqs.Load()
	st.HotCopies = c.hotCopies.Load()
	return st
}
