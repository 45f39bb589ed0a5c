package raftstore

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftcmdpb"
	"github.com/gee-project/gee/kv/proto/raftserverpb"
	pb "github.com/gee-project/gee/kv/raft/raftpb"
	"google.golang.org/protobuf/proto"
)

// Membership changes and splits change the region meta. Each is applied in the apply
// batch that also moves the applied index, with the new RegionLocalState, so a crash
// leaves the region either before or after the command.

// applyConfChange applies a ChangePeer carried by a raft ConfChange entry (the
// RaftCmdRequest rides in the ConfChange's context). A change the region refuses (stale
// epoch, duplicate, unknown peer) is skipped on every replica alike and not handed to raft.
func (a *applier) applyConfChange(d *applyDelegate, e *pb.Entry, prop *proposal) error {
	var cc pb.ConfChange
	if err := proto.Unmarshal(e.Data, &cc); err != nil {
		return fmt.Errorf("raftstore: entry %d of region %d: bad conf change: %w", e.Index, d.regionID, err)
	}
	var req raftcmdpb.RaftCmdRequest
	if err := proto.Unmarshal(cc.GetContext(), &req); err != nil {
		return fmt.Errorf("raftstore: entry %d of region %d: bad conf change command: %w", e.Index, d.regionID, err)
	}
	chg := req.GetAdminRequest().GetChangePeer()
	if epochStale(req.GetHeader().GetRegionEpoch(), d.region, true) {
		return errEpochNotMatch(d.region)
	}
	region, err := changedRegion(d.region, chg, cc.GetNodeId())
	if err != nil {
		return err
	}
	d.region = region
	d.res.region = region
	d.res.confChanges = append(d.res.confChanges, &cc)
	removedSelf := chg.GetChangeType() == pb.ConfChangeType_ConfChangeRemoveNode && chg.GetPeer().GetId() == d.self.GetId()
	if removedSelf {
		a.destroy(d)
	} else if err := a.putRegionState(d.regionID, raftserverpb.PeerState_Normal, region); err != nil {
		return err
	}
	if prop != nil {
		prop.resp = &raftcmdpb.AdminResponse{CmdType: raftcmdpb.AdminCmdType_ChangePeer,
			ChangePeer: &raftcmdpb.ChangePeerResponse{Region: region}}
	}
	return nil
}

// changedRegion returns a copy of r with chg applied and conf_ver raised.
func changedRegion(r *metapb.Region, chg *raftcmdpb.ChangePeerRequest, nodeID uint64) (*metapb.Region, error) {
	p := chg.GetPeer()
	if p.GetId() == 0 || p.GetStoreId() == 0 || p.GetId() != nodeID {
		return nil, fmt.Errorf("raftstore: change peer %v of region %d: peer id and store id must be set and match the conf change (%d)",
			p, r.GetId(), nodeID)
	}
	out := cloneRegion(r)
	switch chg.GetChangeType() {
	case pb.ConfChangeType_ConfChangeAddNode:
		if q := peerOnStore(r, p.GetStoreId()); q != nil {
			return nil, fmt.Errorf("raftstore: region %d already has peer %d on store %d", r.GetId(), q.GetId(), q.GetStoreId())
		}
		if peerByID(r, p.GetId()) != nil {
			return nil, fmt.Errorf("raftstore: region %d already has peer %d", r.GetId(), p.GetId())
		}
		out.Peers = append(out.Peers, proto.Clone(p).(*metapb.Peer))
	case pb.ConfChangeType_ConfChangeRemoveNode:
		q := peerByID(r, p.GetId())
		if q == nil || q.GetStoreId() != p.GetStoreId() {
			return nil, fmt.Errorf("raftstore: region %d has no peer %d on store %d", r.GetId(), p.GetId(), p.GetStoreId())
		}
		if len(r.GetPeers()) == 1 {
			return nil, fmt.Errorf("raftstore: region %d: cannot remove its last peer", r.GetId())
		}
		out.Peers = out.Peers[:0]
		for _, q := range r.GetPeers() {
			if q.GetId() != p.GetId() {
				out.Peers = append(out.Peers, proto.Clone(q).(*metapb.Peer))
			}
		}
	default:
		return nil, fmt.Errorf("raftstore: unknown change type %v", chg.GetChangeType())
	}
	out.RegionEpoch.ConfVer++
	return out, nil
}

// destroy erases this store's replica of d's region in the apply batch: its data in
// every column family and its apply state go, and a tombstone with the final region meta
// stays, so stale messages cannot bring it back. The raft loop deletes the log and raft
// state (it alone writes them). Readers are told first: the flag is set before the batch
// that deletes the data is written.
func (a *applier) destroy(d *applyDelegate) {
	d.gone.Store(true)
	d.removed = true
	d.res.destroyed = true
	for _, cf := range engine.CFs {
		if !initialized(d.region) {
			break // never got data: its range is unknown and must not be read as "everything"
		}
		lo, hi := engine.DataRange(cf, d.region.GetStartKey(), d.region.GetEndKey())
		a.wb.DeleteRange(lo, hi)
	}
	a.wb.DeleteRaw(engine.ApplyStateKey(d.regionID))
	if err := a.putRegionState(d.regionID, raftserverpb.PeerState_Tombstone, d.region); err != nil {
		panic(fmt.Sprintf("raftstore: encode tombstone: %v", err)) // a region meta always encodes
	}
}

func (a *applier) putRegionState(regionID uint64, state raftserverpb.PeerState, r *metapb.Region) error {
	v, err := proto.Marshal(&raftserverpb.RegionLocalState{State: state, Region: r})
	if err != nil {
		return err
	}
	a.wb.PutRaw(engine.RegionStateKey(regionID), v)
	return nil
}

// applySplit cuts the region at the split key: this region keeps [start, split), a new
// region with the given ids takes [split, end); both get version+1. The new region's
// initial raft and apply state go in the same batch, unless this store already holds
// state for it (then that state is newer than the split and is kept).
func (a *applier) applySplit(d *applyDelegate, hdr *raftcmdpb.RaftRequestHeader, sp *raftcmdpb.SplitRequest, prop *proposal) error {
	if epochStale(hdr.GetRegionEpoch(), d.region, false) {
		return errEpochNotMatch(d.region)
	}
	left, right, err := splitRegion(d.region, sp)
	if err != nil {
		return err
	}
	exists, err := a.regionExists(right.GetId())
	if err != nil {
		return err
	}
	if err := a.putRegionState(d.regionID, raftserverpb.PeerState_Normal, left); err != nil {
		return err
	}
	if !exists {
		if err := writeBootstrap(a.wb, right); err != nil {
			return err
		}
	}
	d.region = left
	d.res.region = left
	d.res.splits = append(d.res.splits, right)
	if prop != nil {
		prop.resp = &raftcmdpb.AdminResponse{CmdType: raftcmdpb.AdminCmdType_Split,
			Split: &raftcmdpb.SplitResponse{Regions: []*metapb.Region{left, right}}}
	}
	return nil
}

func (a *applier) regionExists(id uint64) (bool, error) {
	if a.deleg[id] != nil {
		return true, nil
	}
	_, err := a.eng.GetRaw(engine.RegionStateKey(id))
	if errors.Is(err, engine.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// splitRegion returns the two halves of r split by sp, or why the split is refused.
func splitRegion(r *metapb.Region, sp *raftcmdpb.SplitRequest) (left, right *metapb.Region, err error) {
	key := sp.GetSplitKey()
	switch {
	case len(key) == 0 || !inRegion(key, r) || bytes.Equal(key, r.GetStartKey()):
		return nil, nil, fmt.Errorf("raftstore: split key %q is not strictly inside region %d [%q, %q)",
			key, r.GetId(), r.GetStartKey(), r.GetEndKey())
	case sp.GetNewRegionId() == 0 || sp.GetNewRegionId() == r.GetId():
		return nil, nil, fmt.Errorf("raftstore: split of region %d: bad new region id %d", r.GetId(), sp.GetNewRegionId())
	case len(sp.GetNewPeerIds()) != len(r.GetPeers()):
		return nil, nil, fmt.Errorf("raftstore: split of region %d: %d new peer ids for %d peers",
			r.GetId(), len(sp.GetNewPeerIds()), len(r.GetPeers()))
	}
	left, right = cloneRegion(r), cloneRegion(r)
	left.EndKey = append([]byte(nil), key...)
	left.RegionEpoch.Version++
	right.Id, right.StartKey = sp.GetNewRegionId(), append([]byte(nil), key...)
	right.RegionEpoch.Version++
	for i, q := range right.Peers {
		if sp.GetNewPeerIds()[i] == 0 {
			return nil, nil, fmt.Errorf("raftstore: split of region %d: new peer id 0", r.GetId())
		}
		q.Id = sp.GetNewPeerIds()[i]
	}
	return left, right, nil
}
