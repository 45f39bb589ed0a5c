package scheduler

import (
	"context"
	"sync"

	"github.com/gee-project/gee/kv/proto/metapb"
	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"google.golang.org/protobuf/proto"
)

// Store lifecycle: Up → Offline (SetStoreState; the replica checker moves the store's replicas
// away) → Tombstone (automatic, once no cached region names the store) → removed (RemoveStore).
// A tombstone store's heartbeats and registrations are refused with STORE_TOMBSTONE, and a
// removed store's id can never register again.

// removedStores remembers removed store ids (persisted under prefixRemoved).
type removedStores struct {
	mu  sync.Mutex
	ids map[uint64]bool
}

func (r *removedStores) has(id uint64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ids[id]
}

func (r *removedStores) add(id uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ids == nil {
		r.ids = map[uint64]bool{}
	}
	r.ids[id] = true
}

func errRemoved(id uint64) error {
	return errorf(pb.ErrorType_STORE_TOMBSTONE, "store %d was removed from the cluster (tombstone); it cannot come back: wipe its data and start it with a new id", id)
}

// SetStoreState marks a store Offline or back Up.
func (s *Server) SetStoreState(_ context.Context, req *pb.SetStoreStateRequest) (*pb.SetStoreStateResponse, error) {
	st, err := s.setStoreState(req)
	return &pb.SetStoreStateResponse{Header: s.header(err), Store: st}, nil
}

func (s *Server) setStoreState(req *pb.SetStoreStateRequest) (*metapb.Store, error) {
	if err := s.check(req.GetHeader(), true); err != nil {
		return nil, err
	}
	id, state := req.GetStoreId(), req.GetState()
	if state != metapb.StoreState_Up && state != metapb.StoreState_Offline {
		return nil, invalid("state: %s, want Offline or Up (a store becomes Tombstone when drained)", state)
	}
	if !s.enter() {
		return nil, errClosing
	}
	defer s.leave()
	s.bootMu.Lock() // serializes with the tombstone sweep
	defer s.bootMu.Unlock()
	old := s.cluster.GetStore(id)
	switch {
	case s.removed.has(id):
		return nil, errRemoved(id)
	case old == nil:
		return nil, errorf(pb.ErrorType_STORE_NOT_FOUND, "store %d", id)
	case old.IsTombstone():
		return nil, errorf(pb.ErrorType_STORE_TOMBSTONE, "store %d is a tombstone and cannot change state", id)
	}
	return s.saveStoreState(old.Meta(), state)
}

// saveStoreState persists meta with state, then updates the cache. Caller holds bootMu.
func (s *Server) saveStoreState(meta *metapb.Store, state metapb.StoreState) (*metapb.Store, error) {
	m := proto.Clone(meta).(*metapb.Store)
	m.State = state
	if err := s.st.saveStore(m); err != nil {
		return nil, err
	}
	if err := s.cluster.SetStoreState(m.GetId(), state); err != nil {
		return nil, err
	}
	return m, nil
}

// RemoveStore forgets a tombstone store.
func (s *Server) RemoveStore(_ context.Context, req *pb.RemoveStoreRequest) (*pb.RemoveStoreResponse, error) {
	return &pb.RemoveStoreResponse{Header: s.header(s.removeStore(req))}, nil
}

func (s *Server) removeStore(req *pb.RemoveStoreRequest) error {
	if err := s.check(req.GetHeader(), true); err != nil {
		return err
	}
	id := req.GetStoreId()
	if !s.enter() {
		return errClosing
	}
	defer s.leave()
	s.bootMu.Lock()
	defer s.bootMu.Unlock()
	st := s.cluster.GetStore(id)
	switch {
	case s.removed.has(id):
		return nil // already removed: retries are harmless
	case st == nil:
		return errorf(pb.ErrorType_STORE_NOT_FOUND, "store %d", id)
	case !st.IsTombstone():
		return invalid("store_id: store %d is %s; mark it Offline and wait until it is drained (Tombstone)", id, st.Meta().GetState())
	}
	if err := s.st.removeStore(id); err != nil {
		return err
	}
	s.removed.add(id)
	return s.cluster.RemoveStore(id)
}

// buryDrainedStores turns Offline stores that no cached region names into tombstones.
func (s *Server) buryDrainedStores() {
	if !s.enter() {
		return
	}
	defer s.leave()
	for _, st := range s.cluster.GetStores() {
		if !st.IsOffline() || st.RegionCount() > 0 {
			continue
		}
		s.bootMu.Lock()
		// Re-read under the lock: SetStoreState may have brought it back Up.
		if cur := s.cluster.GetStore(st.ID()); cur != nil && cur.IsOffline() && cur.RegionCount() == 0 {
			_, _ = s.saveStoreState(cur.Meta(), metapb.StoreState_Tombstone) // a failed write is retried next round
		}
		s.bootMu.Unlock()
	}
}
