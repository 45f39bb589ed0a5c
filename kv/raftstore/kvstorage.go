package raftstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftcmdpb"
	"github.com/gee-project/gee/kv/storage"
	"google.golang.org/protobuf/proto"
)

// Storage returns the store as a storage.Storage: writes go through raft, reads are
// linearizable (ReadIndex) unless the request asks for a stale read.
func (s *Store) Storage() storage.Storage { return kvStorage{s} }

type kvStorage struct{ s *Store }

func (k kvStorage) Start() error { return k.s.Start() }
func (k kvStorage) Stop() error  { k.s.Stop(); return nil }

// route finds the peer serving kvctx for key and checks the request's store and epoch.
// Without a region id it picks the region holding key.
func (s *Store) route(kvctx *kvrpcpb.Context, key []byte) (*peer, *metapb.Region, error) {
	if sid := kvctx.GetPeer().GetStoreId(); sid != 0 && sid != s.cfg.StoreID {
		return nil, nil, errStoreNotMatch(sid, s.cfg.StoreID)
	}
	var p *peer
	if id := kvctx.GetRegionId(); id != 0 {
		p = s.peer(id)
		if p == nil {
			return nil, nil, errRegionNotFound(id)
		}
	} else if p = s.peerForKey(key); p == nil {
		return nil, nil, regionErr(fmt.Sprintf("no region on store %d holds key %q", s.cfg.StoreID, key),
			errRegionNotFound(0).(*storage.RegionError).Err)
	}
	region := p.status.Load().Region
	if !initialized(region) {
		return nil, nil, errRegionNotFound(p.regionID) // created by a message, no data yet
	}
	if epochStale(kvctx.GetRegionEpoch(), region, true) {
		return nil, nil, errEpochNotMatchWith(region, s.otherRegions(p.regionID))
	}
	return p, region, nil
}

// peerForKey finds the initialized region holding key.
func (s *Store) peerForKey(key []byte) *peer {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, q := range s.order {
		if r := q.status.Load().Region; initialized(r) && inRegion(key, r) {
			return q
		}
	}
	return nil
}

// maxRegionsInError bounds the regions an EpochNotMatch carries.
const maxRegionsInError = 64

// otherRegions lists this store's initialized regions other than id (at most maxRegionsInError).
func (s *Store) otherRegions(id uint64) []*metapb.Region {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []*metapb.Region
	for _, q := range s.order {
		if r := q.status.Load().Region; q.regionID != id && initialized(r) && len(out) < maxRegionsInError {
			out = append(out, r)
		}
	}
	return out
}

// Write proposes batch as one raft entry and returns once it is applied (or failed).
func (k kvStorage) Write(ctx context.Context, kvctx *kvrpcpb.Context, batch []storage.Modify) error {
	s := k.s
	if len(batch) == 0 {
		return nil
	}
	p, region, err := s.route(kvctx, batch[0].Key)
	if err != nil {
		return err
	}
	req := &raftcmdpb.RaftCmdRequest{Header: &raftcmdpb.RaftRequestHeader{RegionId: p.regionID, Peer: p.meta,
		RegionEpoch: region.GetRegionEpoch()}, Requests: make([]*raftcmdpb.Request, 0, len(batch))}
	for _, m := range batch {
		if !engine.ValidCF(m.CF) {
			return fmt.Errorf("raftstore: unknown column family %q", m.CF)
		}
		if !inRegion(m.Key, region) {
			return errKeyNotInRegion(m.Key, region)
		}
		switch m.Kind {
		case storage.ModifyPut:
			req.Requests = append(req.Requests, &raftcmdpb.Request{CmdType: raftcmdpb.CmdType_Put,
				Put: &raftcmdpb.PutRequest{Cf: m.CF, Key: m.Key, Value: m.Value}})
		case storage.ModifyDelete:
			req.Requests = append(req.Requests, &raftcmdpb.Request{CmdType: raftcmdpb.CmdType_Delete,
				Delete: &raftcmdpb.DeleteRequest{Cf: m.CF, Key: m.Key}})
		default:
			return fmt.Errorf("raftstore: unknown modify kind %d", m.Kind)
		}
	}
	if n := uint64(proto.Size(req)); n > s.cfg.MaxEntrySize {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrEntryTooLarge, n, s.cfg.MaxEntrySize)
	}
	data, err := proto.Marshal(req)
	if err != nil {
		return fmt.Errorf("raftstore: encode command: %w", err)
	}
	if s.pending.Add(1) > int64(s.cfg.MaxPendingProposals) {
		s.pending.Add(-1)
		return errBusy(fmt.Sprintf("%d proposals pending on store %d", s.cfg.MaxPendingProposals, s.cfg.StoreID))
	}
	prop := &proposal{data: data, deadline: time.Now().Add(s.cfg.ProposalTimeout), done: make(chan error, 1), store: s}
	s.mb.push(event{kind: evPropose, region: p.regionID, prop: prop})
	select {
	case err := <-prop.done:
		return err
	case <-ctx.Done():
		return ctxErr(ctx, p.regionID)
	case <-s.loopDone:
		select {
		case err := <-prop.done:
			return err
		default:
			return ErrStopped
		}
	}
}

func ctxErr(ctx context.Context, regionID uint64) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return errTimeout(regionID, "request deadline passed before raft answered")
	}
	return ctx.Err()
}

// Reader returns a read view. Unless kvctx asks for a stale read, it first confirms
// leadership with a ReadIndex round and waits until this peer has applied that index, so
// the view holds every write acknowledged before the call. A kvctx without a region id
// reads the region holding the empty key. The view covers one region: reading a key
// outside it answers KeyNotInRegion, and iteration is clipped to it.
func (k kvStorage) Reader(ctx context.Context, kvctx *kvrpcpb.Context) (storage.Reader, error) {
	s := k.s
	p, region, err := s.route(kvctx, nil)
	if err != nil {
		return nil, err
	}
	if !kvctx.GetStaleRead() {
		r := &readReq{deadline: time.Now().Add(s.cfg.ProposalTimeout), done: make(chan error, 1)}
		s.mb.push(event{kind: evRead, region: p.regionID, read: r})
		select {
		case err := <-r.done:
			if err != nil {
				return nil, err
			}
		case <-ctx.Done():
			return nil, ctxErr(ctx, p.regionID)
		case <-s.loopDone:
			return nil, ErrStopped
		}
		region = p.status.Load().Region
		// A split while the read waited would clip the view below what the caller expects.
		if epochStale(kvctx.GetRegionEpoch(), region, false) {
			return nil, errEpochNotMatchWith(region, s.otherRegions(p.regionID))
		}
	}
	es := s.eng.Snapshot()
	// The peer's data is deleted only after gone is set: a snapshot taken before that
	// is complete, and one taken after sees the flag.
	if p.gone.Load() {
		_ = es.Close()
		return nil, errRegionNotFound(p.regionID)
	}
	return &regionReader{snap: es, region: region}, nil
}

// regionReader reads one region's keys from an engine snapshot.
type regionReader struct {
	snap   *engine.Snapshot
	region *metapb.Region
}

func (r *regionReader) GetCF(cf string, key []byte) ([]byte, error) {
	if !engine.ValidCF(cf) {
		return nil, fmt.Errorf("raftstore: unknown column family %q", cf)
	}
	if !inRegion(key, r.region) {
		return nil, errKeyNotInRegion(key, r.region)
	}
	v, err := r.snap.Get(cf, key)
	if errors.Is(err, engine.ErrNotFound) {
		return nil, nil
	}
	return v, err
}

// IterCF iterates [start, end) clipped to the region.
func (r *regionReader) IterCF(cf string, start, end []byte) (storage.Iterator, error) {
	if string(start) < string(r.region.GetStartKey()) {
		start = r.region.GetStartKey()
	}
	if re := r.region.GetEndKey(); len(re) > 0 && (len(end) == 0 || string(end) > string(re)) {
		end = re
	}
	it, err := r.snap.NewCFIterator(cf, start, end)
	if err != nil {
		return nil, err
	}
	return it, nil
}

func (r *regionReader) Close() { _ = r.snap.Close() }

// RegionForKey names the region of this store holding key, for callers that got no
// region id (kv/server fills the request context with it).
func (k kvStorage) RegionForKey(key []byte) (uint64, bool) {
	if p := k.s.peerForKey(key); p != nil {
		return p.regionID, true
	}
	return 0, false
}
