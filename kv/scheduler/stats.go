package scheduler

import "sync/atomic"

// Stats counts what the server has handled since Open.
type Stats struct {
	RegionHeartbeats  uint64 // region heartbeats received
	RegionsChanged    uint64 // heartbeats that changed the cache
	StaleHeartbeats   uint64 // heartbeats refused as stale
	InvalidHeartbeats uint64 // heartbeats refused as malformed
	CommandsSent      uint64 // ChangePeer / TransferLeader responses sent
	TSORequests       uint64
}

type statCounters struct {
	regionHeartbeats, regionsChanged, stale, invalid, commands, tso atomic.Uint64
}

// Stats returns the counters.
func (s *Server) Stats() Stats {
	c := &s.stats
	return Stats{
		RegionHeartbeats:  c.regionHeartbeats.Load(),
		RegionsChanged:    c.regionsChanged.Load(),
		StaleHeartbeats:   c.stale.Load(),
		InvalidHeartbeats: c.invalid.Load(),
		CommandsSent:      c.commands.Load(),
		TSORequests:       c.tso.Load(),
	}
}
