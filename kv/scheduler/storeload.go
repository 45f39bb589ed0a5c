package scheduler

import (
	"sync"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
)

// loadSample is one store heartbeat's cumulative KV counters.
type loadSample struct {
	at            time.Time
	requests, com uint64
}

// storeLoads keeps the last two samples per store.
type storeLoads struct {
	mu sync.Mutex
	m  map[uint64][2]loadSample // [0] the older, [1] the latest; at zero: none yet
}

func (l *storeLoads) note(storeID uint64, at time.Time, requests, commits uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[uint64][2]loadSample{}
	}
	p := l.m[storeID]
	l.m[storeID] = [2]loadSample{p[1], {at: at, requests: requests, com: commits}}
}

func (l *storeLoads) get(storeID uint64) [2]loadSample {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.m[storeID]
}

// StoreLoad returns the store's KV requests and transaction commits per second between its last
// two heartbeats (StoreStats.kv_requests and kv_commits). It is 0, 0 with fewer than two
// heartbeats since the scheduler started, and a rate is 0 when its counter went backwards (the
// store restarted between the two).
func (s *Server) StoreLoad(storeID uint64) (requestsPerSec, commitsPerSec float64) {
	p := s.loads.get(storeID)
	if p[0].at.IsZero() || p[1].at.IsZero() {
		return 0, 0
	}
	dt := p[1].at.Sub(p[0].at).Seconds()
	if dt <= 0 {
		return 0, 0
	}
	rate := func(a, b uint64) float64 {
		if b < a {
			return 0
		}
		return float64(b-a) / dt
	}
	return rate(p[0].requests, p[1].requests), rate(p[0].com, p[1].com)
}

// StoreDisconnectWindow is how long a store may go without a heartbeat before StoreHealth calls it
// "disconnected" (as PD; stores report every few seconds).
const StoreDisconnectWindow = 20 * time.Second

// Store health as StoreHealth reports it.
const (
	HealthUp           = "up"
	HealthDisconnected = "disconnected"
	HealthDown         = "down"
	HealthOffline      = "offline"
	HealthTombstone    = "tombstone"
)

// StoreHealth returns "tombstone" or "offline" by the store's state; for an Up store "down" when
// it has sent no heartbeat for longer than the cluster's max_store_down_time (its replicas are
// being replaced), "disconnected" when silent longer than StoreDisconnectWindow, else "up".
// Silence counts at most from the scheduler's start, so a restarted scheduler does not call every
// store down. An unknown or removed store gives "".
func (s *Server) StoreHealth(storeID uint64) string {
	st := s.cluster.GetStore(storeID)
	if st == nil {
		return ""
	}
	switch st.Meta().GetState() {
	case metapb.StoreState_Tombstone:
		return HealthTombstone
	case metapb.StoreState_Offline:
		return HealthOffline
	}
	last := st.LastHeartbeat()
	if last.Before(s.started) {
		last = s.started
	}
	silence := s.cfg.Now().Sub(last)
	downAfter := time.Duration(s.config.Load().GetMaxStoreDownTimeMs()) * time.Millisecond
	switch {
	case downAfter > 0 && silence > downAfter:
		return HealthDown
	case silence > StoreDisconnectWindow:
		return HealthDisconnected
	}
	return HealthUp
}
