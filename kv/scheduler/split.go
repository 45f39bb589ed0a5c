package scheduler

import (
	"bytes"
	"context"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/scheduler/core"
)

// Admin splits. SplitRegions queues its keys here; every accepted region heartbeat whose range
// holds queued keys strictly inside is answered with a SplitRegion command for them (the leader
// splits and its halves report). A key leaves the queue once a region starts at it or it expires,
// so a split that never happens (the leader died, the epoch moved) is simply asked again by the
// next heartbeat, and a caller who gives up leaves nothing behind for long.

// splitKeyTTL is how long a queued key is offered to heartbeats after its last request.
const splitKeyTTL = time.Minute

// maxSplitWait caps SplitRegionsRequest.wait_ms.
const maxSplitWait = time.Minute

type splitQueue struct {
	n  atomic.Int32 // len(keys), read without the lock on every heartbeat
	mu sync.Mutex
	// keys sorted, with their expiry (unix nanos).
	keys    [][]byte
	expires []int64
}

// add queues key (or renews it) until now+ttl.
func (q *splitQueue) add(key []byte, until time.Time) {
	q.mu.Lock()
	defer q.mu.Unlock()
	i := sort.Search(len(q.keys), func(i int) bool { return bytes.Compare(q.keys[i], key) >= 0 })
	if i < len(q.keys) && bytes.Equal(q.keys[i], key) {
		q.expires[i] = until.UnixNano()
		return
	}
	q.keys = append(q.keys, nil)
	q.expires = append(q.expires, 0)
	copy(q.keys[i+1:], q.keys[i:])
	copy(q.expires[i+1:], q.expires[i:])
	q.keys[i], q.expires[i] = append([]byte(nil), key...), until.UnixNano()
	q.n.Store(int32(len(q.keys)))
}

// inside returns the queued keys strictly inside [start, end) (end empty: unbounded), dropping
// expired ones and the one equal to start (done).
func (q *splitQueue) inside(start, end []byte, now time.Time) [][]byte {
	if q.n.Load() == 0 {
		return nil
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	var out [][]byte
	keep := 0
	for i, k := range q.keys {
		expired := q.expires[i] < now.UnixNano()
		done := bytes.Equal(k, start)
		if !expired && !done {
			q.keys[keep], q.expires[keep] = k, q.expires[i]
			keep++
			if bytes.Compare(k, start) > 0 && (len(end) == 0 || bytes.Compare(k, end) < 0) {
				out = append(out, k)
			}
		}
	}
	clear(q.keys[keep:])
	q.keys, q.expires = q.keys[:keep], q.expires[:keep]
	q.n.Store(int32(keep))
	return out
}

// splitCommand returns a SplitRegion command for region if admin splits are queued inside it.
func (s *Server) splitCommand(region *core.RegionInfo) *pb.RegionHeartbeatResponse {
	keys := s.splits.inside(region.StartKey(), region.EndKey(), s.cfg.Now())
	if len(keys) == 0 {
		return nil
	}
	return &pb.RegionHeartbeatResponse{SplitRegion: &pb.SplitRegion{SplitKeys: keys}}
}

// SplitRegions queues split_keys and waits up to wait_ms for every key to start a region.
func (s *Server) SplitRegions(ctx context.Context, req *pb.SplitRegionsRequest) (*pb.SplitRegionsResponse, error) {
	if err := s.checkSplitRequest(req); err != nil {
		return &pb.SplitRegionsResponse{Header: s.header(err)}, nil
	}
	wait := min(time.Duration(req.GetWaitMs())*time.Millisecond, maxSplitWait)
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	until := s.cfg.Now().Add(splitKeyTTL)
	for _, k := range req.GetSplitKeys() {
		s.splits.add(k, until)
	}
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		pending, ids := s.splitProgress(req.GetSplitKeys())
		if len(pending) == 0 {
			return &pb.SplitRegionsResponse{Header: s.header(nil), RegionIds: ids}, nil
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return &pb.SplitRegionsResponse{Header: s.header(nil), PendingKeys: pending, RegionIds: ids}, nil
		case <-s.ctx.Done():
			return &pb.SplitRegionsResponse{Header: s.header(errClosing)}, nil
		}
	}
}

func (s *Server) checkSplitRequest(req *pb.SplitRegionsRequest) error {
	if err := s.check(req.GetHeader(), true); err != nil {
		return err
	}
	n := len(req.GetSplitKeys())
	if n == 0 || n > int(s.limits.MaxSplitCount) {
		return invalid("split_keys: %d keys, want 1 to %d", n, s.limits.MaxSplitCount)
	}
	for i, k := range req.GetSplitKeys() {
		if len(k) == 0 {
			return invalid("split_keys[%d]: empty (the first region already starts there)", i)
		}
		if err := s.checkKey("split_keys["+itoa(i)+"]", k); err != nil {
			return err
		}
	}
	return nil
}

// splitProgress returns the keys that start no region yet and the regions starting at the others.
func (s *Server) splitProgress(keys [][]byte) (pending [][]byte, ids []uint64) {
	for _, k := range keys {
		r := s.cluster.GetRegionByKey(k)
		if r != nil && bytes.Equal(r.StartKey(), k) {
			ids = append(ids, r.ID())
			continue
		}
		pending = append(pending, k)
	}
	return pending, ids
}
