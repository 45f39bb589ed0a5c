package scheduler

import (
	"context"

	"github.com/gee-project/gee/kv/proto/metapb"
	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/scheduler/core"
	"google.golang.org/protobuf/proto"
)

func (s *Server) regionResponse(err error, r *core.RegionInfo) *pb.GetRegionResponse {
	resp := &pb.GetRegionResponse{Header: s.header(err)}
	if err == nil && r != nil {
		resp.Region, resp.Leader = r.Meta(), r.Leader()
		resp.PendingPeers, resp.DownPeers = r.PendingPeers(), r.DownPeers()
	}
	return resp
}

// GetRegion returns the region containing region_key (region unset: the range is unresolved).
func (s *Server) GetRegion(_ context.Context, req *pb.GetRegionRequest) (*pb.GetRegionResponse, error) {
	err := s.check(req.GetHeader(), true)
	if err == nil {
		err = s.checkKey("region_key", req.GetRegionKey())
	}
	if err != nil {
		return s.regionResponse(err, nil), nil
	}
	return s.regionResponse(nil, s.cluster.GetRegionByKey(req.GetRegionKey())), nil
}

// GetPrevRegion returns the region before the one containing region_key.
func (s *Server) GetPrevRegion(_ context.Context, req *pb.GetRegionRequest) (*pb.GetRegionResponse, error) {
	err := s.check(req.GetHeader(), true)
	if err == nil {
		err = s.checkKey("region_key", req.GetRegionKey())
	}
	if err != nil {
		return s.regionResponse(err, nil), nil
	}
	return s.regionResponse(nil, s.cluster.GetPrevRegionByKey(req.GetRegionKey())), nil
}

// GetRegionByID returns the region with the id (region unset: not cached).
func (s *Server) GetRegionByID(_ context.Context, req *pb.GetRegionByIDRequest) (*pb.GetRegionResponse, error) {
	if err := s.check(req.GetHeader(), true); err != nil {
		return s.regionResponse(err, nil), nil
	}
	return s.regionResponse(nil, s.cluster.GetRegion(req.GetRegionId())), nil
}

// ScanRegions returns regions in key order from the one containing start_key, up to limit
// regions and Limits.MaxScanBytes (a short page does not mean the end: continue from the last
// region's end key).
func (s *Server) ScanRegions(_ context.Context, req *pb.ScanRegionsRequest) (*pb.ScanRegionsResponse, error) {
	err := s.check(req.GetHeader(), true)
	if err == nil {
		err = s.checkKey("start_key", req.GetStartKey())
	}
	if err == nil {
		err = s.checkKey("end_key", req.GetEndKey())
	}
	limit := int(req.GetLimit())
	if err == nil && (limit < 0 || limit > s.limits.MaxScanRegions) {
		err = invalid("limit: %d, want 0 (the maximum) to %d", limit, s.limits.MaxScanRegions)
	}
	if err != nil {
		return &pb.ScanRegionsResponse{Header: s.header(err)}, nil
	}
	if limit == 0 {
		limit = s.limits.MaxScanRegions
	}
	resp := &pb.ScanRegionsResponse{Header: s.header(nil)}
	size := 0
	for _, r := range s.cluster.ScanRegions(req.GetStartKey(), req.GetEndKey(), limit) {
		item := &pb.RegionWithLeader{Region: r.Meta(), Leader: r.Leader()}
		size += proto.Size(item)
		if len(resp.Regions) > 0 && size > s.limits.MaxScanBytes {
			break
		}
		resp.Regions = append(resp.Regions, item)
	}
	return resp, nil
}

// AskBatchSplit hands out a new region id and one new peer id per parent peer for each new region.
func (s *Server) AskBatchSplit(_ context.Context, req *pb.AskBatchSplitRequest) (*pb.AskBatchSplitResponse, error) {
	ids, err := s.askBatchSplit(req)
	return &pb.AskBatchSplitResponse{Header: s.header(err), Ids: ids}, nil
}

func (s *Server) askBatchSplit(req *pb.AskBatchSplitRequest) ([]*pb.SplitID, error) {
	if err := s.check(req.GetHeader(), true); err != nil {
		return nil, err
	}
	if err := s.checkRegion("region", req.GetRegion()); err != nil {
		return nil, err
	}
	n := req.GetSplitCount()
	if n == 0 || n > s.limits.MaxSplitCount {
		return nil, invalid("split_count: %d, want 1 to %d", n, s.limits.MaxSplitCount)
	}
	if s.cluster.GetRegion(req.GetRegion().GetId()) == nil {
		return nil, errorf(pb.ErrorType_REGION_NOT_FOUND, "region %d is not known to the scheduler", req.GetRegion().GetId())
	}
	if !s.enter() {
		return nil, errClosing
	}
	defer s.leave()
	out := make([]*pb.SplitID, 0, n)
	for i := uint32(0); i < n; i++ {
		id, err := s.ids.AllocID()
		if err != nil {
			return nil, err
		}
		split := &pb.SplitID{NewRegionId: id, NewPeerIds: make([]uint64, 0, len(req.GetRegion().GetPeers()))}
		for range req.GetRegion().GetPeers() {
			pid, err := s.ids.AllocID()
			if err != nil {
				return nil, err
			}
			split.NewPeerIds = append(split.NewPeerIds, pid)
		}
		out = append(out, split)
	}
	return out, nil
}

// ReportBatchSplit records the regions a split produced, so their ranges resolve before their
// leaders report: a region the cache holds with an older epoch keeps its leader (if still a peer)
// and size, a new one has no leader until its heartbeat; a stale report changes nothing.
func (s *Server) ReportBatchSplit(_ context.Context, req *pb.ReportBatchSplitRequest) (*pb.ReportBatchSplitResponse, error) {
	return &pb.ReportBatchSplitResponse{Header: s.header(s.reportBatchSplit(req))}, nil
}

func (s *Server) reportBatchSplit(req *pb.ReportBatchSplitRequest) error {
	if err := s.check(req.GetHeader(), true); err != nil {
		return err
	}
	if n := len(req.GetRegions()); n < 2 || n > s.limits.MaxReportRegions {
		return invalid("regions: %d, want 2 to %d", n, s.limits.MaxReportRegions)
	}
	for i, r := range req.GetRegions() {
		if err := s.checkRegion("regions["+itoa(i)+"]", r); err != nil {
			return err
		}
	}
	if !s.enter() {
		return errClosing
	}
	defer s.leave()
	for _, r := range req.GetRegions() {
		m := proto.Clone(r).(*metapb.Region)
		var leader *metapb.Peer
		var opts []core.RegionOption
		if old := s.cluster.GetRegion(m.GetId()); old != nil {
			oe, ne := old.Epoch(), m.GetRegionEpoch()
			if ne.GetVersion() <= oe.GetVersion() && ne.GetConfVer() <= oe.GetConfVer() {
				continue // the cache is as new already: leave its leader and size alone
			}
			if l := old.Leader(); l != nil && core.NewRegionInfo(m, nil).StorePeer(l.GetStoreId()).GetId() == l.GetId() {
				leader = l
			}
			opts = append(opts, core.WithApproximateSize(old.ApproximateSize()))
		}
		// A stale report is refused by the epoch rules; that is not the reporter's error.
		if ch, err := s.cluster.PutRegion(core.NewRegionInfo(m, leader, opts...)); err == nil {
			s.persist(m, ch)
		}
	}
	return nil
}

// persist queues what a PutRegion changed for the next region flush.
func (s *Server) persist(m *metapb.Region, ch core.RegionChange) {
	if ch.MetaChanged {
		s.saver.put(m)
	}
	for _, r := range ch.Removed {
		s.saver.remove(r.ID())
	}
}
