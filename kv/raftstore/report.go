package raftstore

import "github.com/gee-project/gee/kv/raft"

// sendReports hands a region heartbeat to Config.Reporter for every led region marked
// reportDue this round (raft loop).
func (s *Store) sendReports() {
	for _, p := range s.peersInOrder() {
		if !p.reportDue {
			continue
		}
		p.reportDue = false
		if p.isLeader && s.cfg.Reporter != nil && p.initialized() {
			s.cfg.Reporter.ReportRegion(s.regionReport(p))
		}
	}
}

// pendingLag is how many committed entries a follower may miss and still not be pending: a
// live follower trails by the appends in flight, a new or restarted one by far more.
const pendingLag = 256

// regionReport describes p's region as its leader sees it. A follower is pending while it needs
// a snapshot or trails the commit index by more than pendingLag. (Raft's RecentActive is not
// used: the leader clears it every election timeout, so a report on that tick would call every
// follower pending and the scheduler's AddPeer step would wait for another report.)
func (s *Store) regionReport(p *peer) RegionReport {
	r := RegionReport{Region: p.ps.region, Leader: p.meta, ApproximateSize: p.approxSize}
	trunc := p.ps.trunc.index()
	st := p.rn.Status()
	for id, pr := range st.Progress {
		if id == p.meta.GetId() {
			continue
		}
		if pendingPeer(pr, trunc, st.Commit) {
			if q := peerByID(p.ps.region, id); q != nil {
				r.PendingPeers = append(r.PendingPeers, q)
			}
		}
	}
	return r
}

// pendingPeer reports a follower that needs a snapshot or trails commit by more than pendingLag.
func pendingPeer(pr raft.Progress, trunc, commit uint64) bool {
	return pr.Match < trunc || pr.State == raft.StateSnapshot || pr.Match+pendingLag < commit
}
