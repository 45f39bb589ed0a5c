package scheduler

import (
	"context"
	"fmt"
	"sync"

	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
)

// gcSafePoint is the cluster's GC safe point: stores may remove versions that no read at or above
// it can see. It only moves forward and is persisted (fsynced) before an update is answered, so a
// store that saw it never sees a lower one, even across a scheduler restart.
type gcSafePoint struct {
	mu sync.Mutex
	st *storage
	v  uint64
}

func newGCSafePoint(st *storage) (*gcSafePoint, error) {
	v, err := st.loadUint64(keyGCSafePoint)
	if err != nil {
		return nil, fmt.Errorf("gc safe point: %w", err)
	}
	return &gcSafePoint{st: st, v: v}, nil
}

func (g *gcSafePoint) get() uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.v
}

// raise sets the safe point to v if v is higher and returns the safe point after the update.
func (g *gcSafePoint) raise(v uint64) (uint64, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if v <= g.v {
		return g.v, nil
	}
	if err := g.st.saveUint64(keyGCSafePoint, v); err != nil {
		return g.v, fmt.Errorf("gc safe point: persist: %w", err)
	}
	g.v = v
	return v, nil
}

// latestTS is the highest timestamp the TSO could hand out right now: a safe point above it
// would let GC remove versions that transactions starting later still need to read.
func (s *Server) latestTS() uint64 {
	s.tso.mu.Lock()
	physical := max(s.tso.physical, s.cfg.Now().UnixMilli())
	s.tso.mu.Unlock()
	return ComposeTS(physical, maxLogical)
}

// GCSafePoint returns the current GC safe point (0 until first set).
func (s *Server) GCSafePoint() uint64 { return s.gc.get() }

// GetGCSafePoint returns the cluster's GC safe point.
func (s *Server) GetGCSafePoint(_ context.Context, req *pb.GetGCSafePointRequest) (*pb.GetGCSafePointResponse, error) {
	if err := s.check(req.GetHeader(), true); err != nil {
		return &pb.GetGCSafePointResponse{Header: s.header(err)}, nil
	}
	return &pb.GetGCSafePointResponse{Header: s.header(nil), SafePoint: s.gc.get()}, nil
}

// UpdateGCSafePoint raises the GC safe point; a lower value leaves it and answers the current one.
func (s *Server) UpdateGCSafePoint(_ context.Context, req *pb.UpdateGCSafePointRequest) (*pb.UpdateGCSafePointResponse, error) {
	v, err := s.updateGCSafePoint(req)
	return &pb.UpdateGCSafePointResponse{Header: s.header(err), NewSafePoint: v}, nil
}

func (s *Server) updateGCSafePoint(req *pb.UpdateGCSafePointRequest) (uint64, error) {
	if err := s.check(req.GetHeader(), true); err != nil {
		return 0, err
	}
	sp := req.GetSafePoint()
	if latest := s.latestTS(); sp > latest {
		return s.gc.get(), invalid("safe_point: %d is ahead of the TSO (at most %d now)", sp, latest)
	}
	if !s.enter() {
		return s.gc.get(), errClosing
	}
	defer s.leave()
	return s.gc.raise(sp)
}
