package scheduler

import (
	"context"

	"github.com/gee-project/gee/kv/proto/metapb"
	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/scheduler/core"
	"google.golang.org/protobuf/proto"
)

// Bootstrap creates the cluster with its first store and region, once.
func (s *Server) Bootstrap(_ context.Context, req *pb.BootstrapRequest) (*pb.BootstrapResponse, error) {
	return &pb.BootstrapResponse{Header: s.header(s.bootstrap(req))}, nil
}

func (s *Server) bootstrap(req *pb.BootstrapRequest) error {
	if err := s.check(req.GetHeader(), false); err != nil {
		return err
	}
	if err := s.checkStore(req.GetStore()); err != nil {
		return err
	}
	region := req.GetRegion()
	if err := s.checkRegion("region", region); err != nil {
		return err
	}
	if core.NewRegionInfo(region, nil).StorePeer(req.GetStore().GetId()) == nil {
		return invalid("region: has no peer on store %d", req.GetStore().GetId())
	}
	if !s.enter() {
		return errClosing
	}
	defer s.leave()
	s.bootMu.Lock()
	defer s.bootMu.Unlock()
	if s.bootstrapped.Load() {
		return errorf(pb.ErrorType_ALREADY_BOOTSTRAPPED, "cluster %d is already bootstrapped", s.clusterID)
	}
	// Validate against a scratch cache first, so a bad region is refused before anything is written.
	if _, err := core.NewCluster().HandleRegion(core.NewRegionInfo(region, nil)); err != nil {
		return err
	}
	// The bootstrapping store may have chosen its ids itself: never hand them out again.
	maxID := max(req.GetStore().GetId(), region.GetId())
	for _, p := range region.GetPeers() {
		maxID = max(maxID, p.GetId())
	}
	if err := s.ids.ensureAbove(maxID); err != nil {
		return err
	}
	store := proto.Clone(req.GetStore()).(*metapb.Store)
	region = proto.Clone(region).(*metapb.Region)
	if err := s.st.saveBootstrap(store, region); err != nil {
		return err
	}
	if err := s.cluster.PutStore(store); err != nil {
		return err
	}
	if _, err := s.cluster.HandleRegion(core.NewRegionInfo(region, nil)); err != nil {
		return err
	}
	s.bootstrapped.Store(true)
	return nil
}

// IsBootstrapped reports whether the cluster has been bootstrapped.
func (s *Server) IsBootstrapped(_ context.Context, req *pb.IsBootstrappedRequest) (*pb.IsBootstrappedResponse, error) {
	return &pb.IsBootstrappedResponse{Header: s.header(s.check(req.GetHeader(), false)), Bootstrapped: s.bootstrapped.Load()}, nil
}

// AllocID returns a new cluster-unique id (also before bootstrap: stores need ids to bootstrap).
func (s *Server) AllocID(_ context.Context, req *pb.AllocIDRequest) (*pb.AllocIDResponse, error) {
	if err := s.check(req.GetHeader(), false); err != nil {
		return &pb.AllocIDResponse{Header: s.header(err)}, nil
	}
	if !s.enter() {
		return &pb.AllocIDResponse{Header: s.header(errClosing)}, nil
	}
	defer s.leave()
	id, err := s.ids.AllocID()
	return &pb.AllocIDResponse{Header: s.header(err), Id: id}, nil
}

// PutStore registers or updates a store.
func (s *Server) PutStore(_ context.Context, req *pb.PutStoreRequest) (*pb.PutStoreResponse, error) {
	return &pb.PutStoreResponse{Header: s.header(s.putStore(req))}, nil
}

func (s *Server) putStore(req *pb.PutStoreRequest) error {
	if err := s.check(req.GetHeader(), true); err != nil {
		return err
	}
	if err := s.checkStore(req.GetStore()); err != nil {
		return err
	}
	if !s.enter() {
		return errClosing
	}
	defer s.leave()
	store := proto.Clone(req.GetStore()).(*metapb.Store)
	if s.removed.has(store.GetId()) {
		return errRemoved(store.GetId())
	}
	if old := s.cluster.GetStore(store.GetId()); old != nil && !old.IsTombstone() {
		// A restarting store re-registers as Up: that must not undo an operator's Offline.
		store.State = old.Meta().GetState()
	}
	if err := s.cluster.PutStore(store); err != nil {
		return err
	}
	if err := s.ids.ensureAbove(store.GetId()); err != nil {
		return err
	}
	return s.st.saveStore(store)
}

// GetStore returns one store's meta and last statistics.
func (s *Server) GetStore(_ context.Context, req *pb.GetStoreRequest) (*pb.GetStoreResponse, error) {
	if err := s.check(req.GetHeader(), true); err != nil {
		return &pb.GetStoreResponse{Header: s.header(err)}, nil
	}
	st := s.cluster.GetStore(req.GetStoreId())
	if st == nil {
		return &pb.GetStoreResponse{Header: s.header(errorf(pb.ErrorType_STORE_NOT_FOUND, "store %d", req.GetStoreId()))}, nil
	}
	resp := &pb.GetStoreResponse{Header: s.header(nil), Store: st.Meta(), Stats: statsToPB(st), Health: s.StoreHealth(st.ID())}
	if last := st.LastHeartbeat(); !last.IsZero() {
		resp.LastHeartbeatUnixMs = last.UnixMilli()
	}
	return resp, nil
}

// GetAllStores returns every store, optionally without tombstones.
func (s *Server) GetAllStores(_ context.Context, req *pb.GetAllStoresRequest) (*pb.GetAllStoresResponse, error) {
	if err := s.check(req.GetHeader(), true); err != nil {
		return &pb.GetAllStoresResponse{Header: s.header(err)}, nil
	}
	resp := &pb.GetAllStoresResponse{Header: s.header(nil)}
	for _, st := range s.cluster.GetStores() {
		if req.GetExcludeTombstoneStores() && st.IsTombstone() {
			continue
		}
		resp.Stores = append(resp.Stores, st.Meta())
	}
	return resp, nil
}

// StoreHeartbeat records that a store is alive, with its statistics.
func (s *Server) StoreHeartbeat(_ context.Context, req *pb.StoreHeartbeatRequest) (*pb.StoreHeartbeatResponse, error) {
	err := s.check(req.GetHeader(), true)
	if err == nil {
		st := req.GetStats()
		if st == nil || st.GetStoreId() == 0 {
			err = invalid("stats.store_id: missing")
		} else if s.removed.has(st.GetStoreId()) {
			err = errRemoved(st.GetStoreId())
		} else {
			now := s.cfg.Now()
			if err = s.cluster.StoreHeartbeat(st.GetStoreId(), now, statsFromPB(st)); err == nil {
				s.loads.note(st.GetStoreId(), now, st.GetKvRequests(), st.GetKvCommits())
			}
		}
	}
	return &pb.StoreHeartbeatResponse{Header: s.header(err)}, nil
}

func statsFromPB(st *pb.StoreStats) core.StoreStats {
	return core.StoreStats{
		Capacity: st.GetCapacity(), Available: st.GetAvailable(), UsedSize: st.GetUsedSize(),
		RegionCount: int(st.GetRegionCount()), SendingSnapCount: int(st.GetSendingSnapCount()),
		ReceivingSnapCount: int(st.GetReceivingSnapCount()), ApplyingSnapCount: int(st.GetApplyingSnapCount()),
		IsBusy: st.GetIsBusy(), KVRequests: st.GetKvRequests(), KVCommits: st.GetKvCommits(),
	}
}

func statsToPB(info *core.StoreInfo) *pb.StoreStats {
	st := info.Stats()
	return &pb.StoreStats{
		StoreId: info.ID(), Capacity: st.Capacity, Available: st.Available, UsedSize: st.UsedSize,
		RegionCount: uint32(st.RegionCount), SendingSnapCount: uint32(st.SendingSnapCount),
		ReceivingSnapCount: uint32(st.ReceivingSnapCount), ApplyingSnapCount: uint32(st.ApplyingSnapCount),
		IsBusy: st.IsBusy, KvRequests: st.KVRequests, KvCommits: st.KVCommits,
	}
}

// GetClusterConfig returns the cluster config.
func (s *Server) GetClusterConfig(_ context.Context, req *pb.GetClusterConfigRequest) (*pb.GetClusterConfigResponse, error) {
	if err := s.check(req.GetHeader(), false); err != nil {
		return &pb.GetClusterConfigResponse{Header: s.header(err)}, nil
	}
	return &pb.GetClusterConfigResponse{Header: s.header(nil), Config: s.config.Load()}, nil
}

// PutClusterConfig replaces max_replicas and max_store_down_time_ms (cluster_id cannot change).
func (s *Server) PutClusterConfig(_ context.Context, req *pb.PutClusterConfigRequest) (*pb.PutClusterConfigResponse, error) {
	return &pb.PutClusterConfigResponse{Header: s.header(s.putConfig(req))}, nil
}

func (s *Server) putConfig(req *pb.PutClusterConfigRequest) error {
	if err := s.check(req.GetHeader(), false); err != nil {
		return err
	}
	c := req.GetConfig()
	switch {
	case c == nil:
		return invalid("config: missing")
	case c.GetClusterId() != 0 && c.GetClusterId() != s.clusterID:
		return invalid("config.cluster_id: %d cannot change (cluster %d)", c.GetClusterId(), s.clusterID)
	case c.GetMaxReplicas() == 0 || int(c.GetMaxReplicas()) > s.limits.MaxPeers:
		return invalid("config.max_replicas: %d, want 1 to %d", c.GetMaxReplicas(), s.limits.MaxPeers)
	case c.GetMaxStoreDownTimeMs() == 0:
		return invalid("config.max_store_down_time_ms: 0")
	}
	if !s.enter() {
		return errClosing
	}
	defer s.leave()
	s.bootMu.Lock()
	defer s.bootMu.Unlock()
	next := cloneConfig(c)
	next.ClusterId = s.clusterID
	if err := s.st.saveConfig(next); err != nil {
		return err
	}
	s.config.Store(next)
	return nil
}
