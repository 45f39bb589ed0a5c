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

// regionReport describes p's region as its leader sees it.
func (s *Store) regionReport(p *peer) RegionReport {
	r := RegionReport{Region: p.ps.region, Leader: p.meta, ApproximateSize: p.approxSize}
	trunc := p.ps.trunc.index()
	for id, pr := range p.rn.Status().Progress {
		if id == p.meta.GetId() {
			continue
		}
		if pr.Match < trunc || pr.State == raft.StateSnapshot || !pr.RecentActive {
			if q := peerByID(p.ps.region, id); q != nil {
				r.PendingPeers = append(r.PendingPeers, q)
			}
		}
	}
	return r
}
