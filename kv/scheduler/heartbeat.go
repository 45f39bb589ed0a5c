package scheduler

import (
	"errors"
	"io"
	"math"
	"strconv"
	"sync"

	"github.com/gee-project/gee/kv/proto/metapb"
	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/scheduler/core"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func itoa(i int) string { return strconv.Itoa(i) }

// RegionHeartbeat serves one store's region heartbeat stream. Every report is applied to the
// cache; a refused one (stale, malformed) is answered with an error response for that region,
// and an accepted one is answered only when the scheduling policies have a command for it.
func (s *Server) RegionHeartbeat(stream pb.Scheduler_RegionHeartbeatServer) error {
	if n := s.regionStreams.Add(1); n > int64(s.limits.MaxRegionStreams) {
		s.regionStreams.Add(-1)
		return status.Errorf(codes.ResourceExhausted, "more than %d region heartbeat streams", s.limits.MaxRegionStreams)
	}
	defer s.regionStreams.Add(-1)
	snd := &sender[pb.RegionHeartbeatResponse]{send: stream.Send}
	defer s.pushers.drop(snd)
	handle := func(req *pb.RegionHeartbeatRequest) *pb.RegionHeartbeatResponse {
		resp := s.HandleRegionHeartbeat(req)
		if resp.GetHeader().GetError() == nil {
			s.pushers.note(req.GetLeader().GetStoreId(), snd)
		}
		return resp
	}
	return serveStream(s, stream.Recv, handle, snd)
}

// HandleRegionHeartbeat applies one region heartbeat and returns the response to send, if any.
func (s *Server) HandleRegionHeartbeat(req *pb.RegionHeartbeatRequest) *pb.RegionHeartbeatResponse {
	s.stats.regionHeartbeats.Add(1)
	region, err := s.regionFromHeartbeat(req)
	if err != nil {
		s.stats.invalid.Add(1)
		return s.heartbeatError(req, err)
	}
	if !s.enter() {
		return s.heartbeatError(req, errClosing)
	}
	defer s.leave()
	ch, err := s.cluster.PutRegion(region)
	if err != nil {
		if errors.Is(err, core.ErrInvalidRegion) {
			s.stats.invalid.Add(1)
		} else {
			s.stats.stale.Add(1)
		}
		return s.heartbeatError(req, err)
	}
	if ch.Changed {
		s.stats.regionsChanged.Add(1)
		s.persist(region.Meta(), ch)
	}
	// An admin split goes first: it makes any operator in flight stale, which recomputes it.
	cmd := s.splitCommand(region)
	if cmd == nil && s.sched != nil {
		cmd = s.sched.Dispatch(region)
	}
	if cmd == nil || (cmd.ChangePeer == nil && cmd.TransferLeader == nil && cmd.SplitRegion == nil) {
		return nil
	}
	return s.finishCommand(cmd, region)
}

// finishCommand fills in a command's header, region id, epoch and target peer.
func (s *Server) finishCommand(cmd *pb.RegionHeartbeatResponse, region *core.RegionInfo) *pb.RegionHeartbeatResponse {
	s.stats.commands.Add(1)
	cmd.Header = s.header(nil)
	cmd.RegionId = region.ID()
	cmd.RegionEpoch = region.Epoch()
	cmd.TargetPeer = region.Leader()
	return cmd
}

func (s *Server) heartbeatError(req *pb.RegionHeartbeatRequest, err error) *pb.RegionHeartbeatResponse {
	return &pb.RegionHeartbeatResponse{
		Header:      s.header(err),
		RegionId:    req.GetRegion().GetId(),
		RegionEpoch: req.GetRegion().GetRegionEpoch(),
		TargetPeer:  req.GetLeader(),
	}
}

func (s *Server) regionFromHeartbeat(req *pb.RegionHeartbeatRequest) (*core.RegionInfo, error) {
	if err := s.check(req.GetHeader(), true); err != nil {
		return nil, err
	}
	if err := s.checkRegion("region", req.GetRegion()); err != nil {
		return nil, err
	}
	if req.GetLeader().GetId() == 0 {
		return nil, invalid("leader: missing (the reporting peer)")
	}
	if len(req.GetDownPeers()) > s.limits.MaxPeers || len(req.GetPendingPeers()) > s.limits.MaxPeers {
		return nil, invalid("down_peers/pending_peers: more than %d", s.limits.MaxPeers)
	}
	var down []*metapb.Peer
	for _, d := range req.GetDownPeers() {
		down = append(down, d.GetPeer())
	}
	size := req.GetApproximateSize()
	if size > math.MaxInt64 {
		return nil, invalid("approximate_size: %d is too large", size)
	}
	size = max(size, MinRegionSize)
	return core.NewRegionInfo(req.GetRegion(), req.GetLeader(), core.WithPendingPeers(req.GetPendingPeers()),
		core.WithDownPeers(down), core.WithApproximateSize(int64(size)), core.WithTerm(req.GetTerm())), nil
}

// Tso serves timestamp requests on one stream: each request reserves count consecutive timestamps.
func (s *Server) Tso(stream pb.Scheduler_TsoServer) error {
	if n := s.tsoStreams.Add(1); n > int64(s.limits.MaxTSOStreams) {
		s.tsoStreams.Add(-1)
		return status.Errorf(codes.ResourceExhausted, "more than %d TSO streams", s.limits.MaxTSOStreams)
	}
	defer s.tsoStreams.Add(-1)
	return serveStream(s, stream.Recv, s.handleTSO, &sender[pb.TsoResponse]{send: stream.Send})
}

func (s *Server) handleTSO(req *pb.TsoRequest) *pb.TsoResponse {
	s.stats.tso.Add(1)
	if err := s.check(req.GetHeader(), false); err != nil {
		return &pb.TsoResponse{Header: s.header(err)}
	}
	n := req.GetCount()
	if n == 0 || n > s.limits.MaxTSOCount {
		return &pb.TsoResponse{Header: s.header(invalid("count: %d, want 1 to %d", n, s.limits.MaxTSOCount))}
	}
	if !s.enter() {
		return &pb.TsoResponse{Header: s.header(errClosing)}
	}
	defer s.leave()
	physical, logical, err := s.tso.next(n)
	if err != nil {
		return &pb.TsoResponse{Header: s.header(err)}
	}
	return &pb.TsoResponse{Header: s.header(nil), Count: n, Timestamp: &pb.Timestamp{Physical: physical, Logical: logical}}
}

// sender sends on one stream; after stop (the handler returned) nothing more is sent.
type sender[R any] struct {
	mu      sync.Mutex
	stopped bool
	send    func(*R) error
}

// Send sends r unless the stream was stopped (then sent is false).
func (snd *sender[R]) Send(r *R) (sent bool, err error) {
	snd.mu.Lock()
	defer snd.mu.Unlock()
	if snd.stopped {
		return false, nil
	}
	return true, snd.send(r)
}

func (snd *sender[R]) stop() {
	snd.mu.Lock()
	snd.stopped = true
	snd.mu.Unlock()
}

// serveStream runs a bidirectional stream: one goroutine receives, handles and sends (no hand-off
// per message), while the handler itself waits for that goroutine to end or for the server to
// close. On close the handler returns, which cancels the stream and ends the blocked Recv; the
// sender's stopped flag, set before returning, makes sure nothing is sent after the handler
// returned (by this goroutine or by a push from the schedule loop).
func serveStream[T, R any](s *Server, recv func() (*T, error), handle func(*T) *R, snd *sender[R]) error {
	defer snd.stop()
	ended := make(chan error, 1)
	go func() {
		for {
			req, err := recv()
			if err != nil {
				ended <- err
				return
			}
			resp := handle(req)
			if resp == nil {
				continue
			}
			sent, err := snd.Send(resp)
			if !sent {
				return
			}
			if err != nil {
				ended <- err
				return
			}
		}
	}()
	select {
	case err := <-ended:
		if errors.Is(err, io.EOF) {
			return nil
		}
		return err
	case <-s.ctx.Done():
		snd.stop()
		return status.Error(codes.Unavailable, "scheduler is shutting down")
	}
}

// pushers maps a store id to the heartbeat stream its region leaders last reported on, so a
// new operator's first step can be sent at once.
type pushers struct {
	mu sync.Mutex
	m  map[uint64]*sender[pb.RegionHeartbeatResponse]
}

func (p *pushers) note(storeID uint64, snd *sender[pb.RegionHeartbeatResponse]) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[uint64]*sender[pb.RegionHeartbeatResponse]{}
	}
	if p.m[storeID] != snd {
		p.m[storeID] = snd
	}
}

func (p *pushers) get(storeID uint64) *sender[pb.RegionHeartbeatResponse] {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.m[storeID]
}

// drop forgets snd (its stream ended).
func (p *pushers) drop(snd *sender[pb.RegionHeartbeatResponse]) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for id, x := range p.m {
		if x == snd {
			delete(p.m, id)
		}
	}
}

// addedSource is implemented by a Scheduling (schedule.ServerScheduling) that can tell which
// regions it gave an operator since the last call.
type addedSource interface {
	TakeAdded() []uint64
}

// pushAdded sends the first step of every new operator to its region leader's stream at once,
// instead of waiting for the region's next heartbeat (up to the store's report interval).
func (s *Server) pushAdded() {
	src, ok := s.sched.(addedSource)
	if !ok {
		return
	}
	for _, id := range src.TakeAdded() {
		r := s.cluster.GetRegion(id)
		if r == nil || r.Leader() == nil {
			continue
		}
		snd := s.pushers.get(r.Leader().GetStoreId())
		if snd == nil {
			continue
		}
		cmd := s.sched.Dispatch(r)
		if cmd == nil || (cmd.ChangePeer == nil && cmd.TransferLeader == nil) {
			continue
		}
		_, _ = snd.Send(s.finishCommand(cmd, r)) // a failed send ends that stream; heartbeats re-send
	}
}
