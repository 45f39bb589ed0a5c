package simulator

import "github.com/gee-project/gee/kv/proto/metapb"

// Kill stops a store for good: it sends no more heartbeats, and each region it led elects a leader among its
// other peers and reports it. Its replicas stay in the regions until the scheduler replaces them.
func (s *Sim) Kill(store uint64) error {
	s.dead = append(s.dead, store)
	for _, r := range s.regions {
		if r.leader.GetStoreId() != store {
			continue
		}
		if r.elect(s.isDead) {
			r.last = nil
		}
		if _, err := s.heartbeat(r); err != nil {
			return err
		}
	}
	return nil
}

func (s *Sim) isDead(store uint64) bool {
	for _, d := range s.dead {
		if d == store {
			return true
		}
	}
	return false
}

func (s *Sim) deadStores() []uint64 { return s.dead }

// ReplicaCounts returns, for each region, how many of its replicas live on stores that are not dead.
func (s *Sim) ReplicaCounts() (live []int, total []int) {
	for _, r := range s.regions {
		n := 0
		for _, p := range r.meta.GetPeers() {
			if !s.isDead(p.GetStoreId()) {
				n++
			}
		}
		live = append(live, n)
		total = append(total, len(r.meta.GetPeers()))
	}
	return live, total
}

// RegionCount is the number of simulated regions.
func (s *Sim) RegionCount() int { return len(s.regions) }

// LearnerCount is how many learners the regions hold (0 once every move has finished: a move's learner is
// promoted or removed before its operator ends).
func (s *Sim) LearnerCount() int {
	n := 0
	for _, r := range s.regions {
		for _, p := range r.meta.GetPeers() {
			if p.GetRole() == metapb.PeerRole_Learner {
				n++
			}
		}
	}
	return n
}
