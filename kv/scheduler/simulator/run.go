package simulator

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/gee-project/gee/kv/scheduler/schedule"
)

// maxFollowUps bounds the heartbeats one region sends after a round (each applied step triggers one more).
const maxFollowUps = 16

// RoundStats is what one simulated round did.
type RoundStats struct {
	schedule.RoundStats
	Heartbeats int // region heartbeats delivered after the round
}

// Round advances the clock by one schedule interval, lets the stores heartbeat, runs one scheduling round, and
// then delivers the heartbeats that follow: every region with an operator reports, and reports again after each
// change, until nothing changes.
func (s *Sim) Round() (RoundStats, error) {
	s.Advance(s.Coord.Config().ScheduleInterval)
	s.StoreHeartbeats(s.deadStores()...)
	st := RoundStats{RoundStats: s.Coord.RunOnce()}
	s.Totals.Expired += st.Expired
	s.Totals.Replica += st.Replica
	s.Totals.Region += st.Region
	s.Totals.Leader += st.Leader
	var active []*region
	for _, op := range s.Coord.Operators().Operators() {
		active = append(active, s.regions[op.RegionID()-1])
	}
	for i := 0; i < maxFollowUps && len(active) > 0; i++ {
		next := active[:0]
		for _, r := range active {
			changed, err := s.heartbeat(r)
			st.Heartbeats++
			if err != nil {
				return st, fmt.Errorf("region %d: %w", r.meta.GetId(), err)
			}
			if changed {
				next = append(next, r)
			}
		}
		active = next
	}
	return st, nil
}

// RunUntilBalanced runs rounds until the region-size spread between usable stores is within two region sizes
// and no operator is in flight, and returns how many rounds that took. It fails after maxRounds.
func (s *Sim) RunUntilBalanced(maxRounds int) (rounds int, err error) {
	for rounds = 1; rounds <= maxRounds; rounds++ {
		if _, err := s.Round(); err != nil {
			return rounds, err
		}
		if s.Spread() <= 2*s.cfg.RegionSize && s.Coord.Operators().Stats().Running == 0 {
			return rounds, nil
		}
	}
	return maxRounds, fmt.Errorf("not balanced after %d rounds: spread %d bytes (%.1f regions)", maxRounds,
		s.Spread(), float64(s.Spread())/float64(s.cfg.RegionSize))
}

// Spread is the largest minus the smallest region size over the live stores.
func (s *Sim) Spread() int64 {
	dead := map[uint64]bool{}
	for _, id := range s.deadStores() {
		dead[id] = true
	}
	first := true
	var lo, hi int64
	for _, st := range s.Cluster.GetStores() {
		if !st.IsUp() || dead[st.ID()] {
			continue
		}
		sz := st.RegionSize()
		if first || sz < lo {
			lo = sz
		}
		if first || sz > hi {
			hi = sz
		}
		first = false
	}
	return hi - lo
}

// HeartbeatAll sends one heartbeat for every region from workers goroutines (region i always from the same
// worker, as one leader reports one region) and returns how many were handled. Goroutine-safe against the
// coordinator's rounds, not against other Sim methods.
func (s *Sim) HeartbeatAll(workers int) (int, error) {
	if workers <= 0 {
		return 0, errors.New("simulator: workers must be positive")
	}
	var handled atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			n := 0
			for i := w; i < len(s.regions); i += workers {
				if _, err := s.heartbeat(s.regions[i]); err != nil {
					once.Do(func() { firstErr = err })
					break
				}
				n++
			}
			handled.Add(int64(n))
		}(w)
	}
	wg.Wait()
	return int(handled.Load()), firstErr
}
