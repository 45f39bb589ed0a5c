package raftstore

import (
	"sync/atomic"
	"time"

	"github.com/gee-project/gee/kv/proto/raftserverpb"
	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

// Hibernation (raft's Config.Hibernate, on unless Config.NoHibernate): an idle region's
// leader goes quiet once every member holds its last entry and nothing is in flight, and
// tells its followers, who go quiet too. The raft loop then neither ticks a quiet peer
// nor polls it for a Ready: it only looks at the peers in the awake set, so a store with
// 10,000 idle regions does no per-region work per tick. A quiet peer joins the set again
// as soon as anything concerns it: a raft message, a proposal, a read, a conf change, a
// transfer, an apply result, an unreachable report. Requests also Wake a quiet follower,
// whose election timer then runs again: a client that finds the leader dead and retries
// at a follower makes the group elect a new one.
//
// Nobody notices a dead leader while the whole group is quiet (docs/raft.md,
// "Hibernation"): the host must wake followers whose leader's store went down. Here that
// is ReportStoreUnreachable, called by the store itself whenever a message to a store
// cannot be delivered (rate-limited per store), and available to whoever learns of a down
// store otherwise (a transport watching its connections, the scheduler link).

// awakeSet is the peers the raft loop ticks and polls, owned by the loop. With
// hibernation off every peer stays in it.
type awakeSet struct {
	on    bool
	peers []*peer
	// ticks counts tick rounds; lastDown is the round a store was last reported down
	// (rate limit of the automatic reports).
	ticks    int
	lastDown map[uint64]int
	// ticked is how many peers the last tick round ticked (a test hook).
	ticked int
	// probeFrom rotates the regions probeQuietLeaders starts from; probes are the tick
	// rounds at which a wake-up went to a store that has not answered since.
	probeFrom int
	probes    map[uint64]int
	// onJoin, if set, is called with the region of every peer that joins the set (a test hook).
	onJoin atomic.Pointer[func(regionID uint64)]
}

// touch puts p in the awake set (raft loop, or before Start).
func (s *Store) touch(p *peer) {
	if !p.awake {
		p.awake = true
		if !s.tickBase.IsZero() {
			// A quiet raft ignores ticks: the wall time it slept is not a stall to catch up
			// (catchUpTicks would fire a woken leader's CheckQuorum before anyone answered),
			// and it holds no lease from before.
			p.ticked = s.dueTicks(time.Now())
		}
		s.awake.peers = append(s.awake.peers, p)
		if f := s.awake.onJoin.Load(); f != nil {
			(*f)(p.regionID)
		}
	}
}

// wakeForRequest wakes a quiet follower a request is addressed to: it answers NotLeader
// without raft, and a client retrying at followers must make a group whose leader died
// elect. A leader is left to wake on the raft call itself (after the read path's tick
// catch-up, which a quiet raft ignores).
func (s *Store) wakeForRequest(p *peer) {
	if !p.isLeader && p.rn.Hibernated() {
		p.rn.Wake()
	}
}

// pruneAwake drops from the awake set the peers that went quiet this round (nothing left
// for the loop to time out or retry) and the destroyed ones.
func (s *Store) pruneAwake() {
	kept := s.awake.peers[:0]
	for _, p := range s.awake.peers {
		quiet := s.awake.on && p.rn.Hibernated() && len(p.proposals) == 0 && len(p.unbound) == 0 &&
			len(p.reads) == 0 && len(p.newReads) == 0 && !p.destroying
		if quiet && s.maybeCompactLog(p) {
			quiet = false // GC ticks stop while quiet: trim the log first (the proposal wakes raft)
		}
		if quiet || s.peer(p.regionID) != p {
			p.awake = false
			continue
		}
		kept = append(kept, p)
	}
	clear(s.awake.peers[len(kept):])
	s.awake.peers = kept
}

// quietLeader reports whether p leads a quiet group. Such a leader ignores unreachable
// reports: they concern its MsgHibernate or older messages, every follower already holds
// its whole log, and raft would wake it for nothing — a region with a dead follower could
// then never stay quiet.
func quietLeader(p *peer) bool { return p.isLeader && p.rn.Hibernated() }

// ReportStoreUnreachable tells the store that storeID is down or cut off. Every quiet
// peer here whose leader is on that store (or whose leader is unknown) wakes, so its
// election timer runs and a new leader is elected if the old one is really gone (a live
// leader's heartbeat puts the group back to sleep). Quiet leaders with a follower there
// stay quiet: they work on with the other voters, and the scheduler replaces the replica.
func (s *Store) ReportStoreUnreachable(storeID uint64) {
	s.mb.push(event{kind: evStoreDown, peerID: storeID})
}

// onStoreDown runs on the raft loop.
func (s *Store) onStoreDown(storeID uint64) {
	s.awake.lastDown[storeID] = s.awake.ticks
	for _, p := range s.peersInOrder() {
		if !p.rn.Hibernated() {
			continue
		}
		if l := peerByID(p.ps.region, p.leaderID); l == nil || l.GetStoreId() == storeID {
			p.rn.Wake()
			s.touch(p)
		}
	}
}

// maybeStoreDown reports storeID down after a failed delivery, at most once per election
// timeout per store.
func (s *Store) maybeStoreDown(storeID uint64) {
	if !s.awake.on || storeID == 0 || storeID == s.cfg.StoreID {
		return
	}
	if last, ok := s.awake.lastDown[storeID]; ok && s.awake.ticks-last < s.cfg.ElectionTicks {
		return
	}
	s.onStoreDown(storeID)
}

// probeQuietLeaders sends, for every other store leading some of this store's quiet
// regions, one of those followers' leaders (a different region each time) a
// MsgHibernateResp — raft's "wake up" from a follower. A live leader wakes, heartbeats
// (which answers the probe: see heardFrom) and the group goes quiet again at its next
// heartbeat tick, with no election. Waking a follower instead would not do: two followers
// woken by their stores at once both time out (a quiet leader sends nothing) and elect,
// deposing a live leader. A store that does not answer within an election timeout, or
// to which the probe cannot even be sent, is taken for down (onStoreDown): every follower
// here of its leaders wakes, and they elect if the leader is really gone. So a dead or
// cut-off leader of a quiet group is found within about LeaderCheckInterval plus two
// election timeouts, with no help from outside.
func (s *Store) probeQuietLeaders() {
	peers := s.peersInOrder()
	if len(peers) == 0 {
		return
	}
	s.awake.probeFrom = (s.awake.probeFrom + 1) % len(peers)
	probed := map[uint64]bool{}
	for i := range peers {
		p := peers[(s.awake.probeFrom+i)%len(peers)]
		if p.isLeader || !p.rn.Hibernated() {
			continue
		}
		l := peerByID(p.ps.region, p.leaderID)
		if l == nil || probed[l.GetStoreId()] || l.GetStoreId() == s.cfg.StoreID {
			continue
		}
		probed[l.GetStoreId()] = true
		region := p.ps.region
		m := &pb.Message{Type: pb.MessageType_MsgHibernateResp, From: p.meta.GetId(), To: l.GetId(), Term: p.term}
		err := s.trans.Send(&raftserverpb.RaftMessage{RegionId: p.regionID, FromPeer: p.meta, ToPeer: l, Message: m,
			RegionEpoch: region.GetRegionEpoch(), StartKey: region.GetStartKey(), EndKey: region.GetEndKey()})
		if err != nil {
			s.maybeStoreDown(l.GetStoreId())
			continue
		}
		if _, waiting := s.awake.probes[l.GetStoreId()]; !waiting {
			s.awake.probes[l.GetStoreId()] = s.awake.ticks
		}
	}
}

// heardFrom notes a message from storeID: it is up, any probe of it is answered.
func (s *Store) heardFrom(storeID uint64) {
	if len(s.awake.probes) > 0 {
		delete(s.awake.probes, storeID)
	}
}

// expireProbes takes the stores that left a probe unanswered for an election timeout
// for down.
func (s *Store) expireProbes() {
	for id, at := range s.awake.probes {
		if s.awake.ticks-at > s.cfg.ElectionTicks {
			delete(s.awake.probes, id)
			s.onStoreDown(id)
		}
	}
}

// AwakeRegions returns how many of this store's peers the raft loop currently ticks and
// how many it ticked in its last tick round (for tests and metrics).
func (s *Store) AwakeRegions() (awake, tickedLastRound int) {
	done := make(chan [2]int, 1)
	s.mb.push(event{kind: evAwakeCount, awakeReply: done})
	select {
	case v := <-done:
		return v[0], v[1]
	case <-s.loopDone:
		return 0, 0
	}
}
