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

// applyConfChange applies a ChangePeer (ConfChange entry) or ChangePeerV2 (ConfChangeV2
// entry; the RaftCmdRequest rides in the change's context), or the empty ConfChangeV2 with
// which raft leaves a joint configuration. A change the region refuses (stale epoch,
// duplicate, unknown peer, no voter left) is skipped on every replica alike and not handed
// to raft. A replica no longer in the region afterwards is destroyed.
func (a *applier) applyConfChange(d *applyDelegate, e *pb.Entry, prop *proposal) error {
	region, raftCC, err := a.decodeConfChange(d, e)
	if err != nil {
		return err
	}
	d.region = region
	d.res.region = region
	d.res.confChanges = append(d.res.confChanges, raftCC)
	if peerByID(region, d.self.GetId()) == nil {
		a.destroy(d)
	} else if err := a.putRegionState(d.regionID, raftserverpb.PeerState_Normal, region); err != nil {
		return err
	}
	if prop != nil {
		if e.Type == pb.EntryType_EntryConfChangeV2 {
			prop.resp = &raftcmdpb.AdminResponse{CmdType: raftcmdpb.AdminCmdType_ChangePeerV2,
				ChangePeerV2: &raftcmdpb.ChangePeerV2Response{Region: region}}
		} else {
			prop.resp = &raftcmdpb.AdminResponse{CmdType: raftcmdpb.AdminCmdType_ChangePeer,
				ChangePeer: &raftcmdpb.ChangePeerResponse{Region: region}}
		}
	}
	return nil
}

// decodeConfChange returns the region after a conf change entry and the change for raft.
func (a *applier) decodeConfChange(d *applyDelegate, e *pb.Entry) (*metapb.Region, *pb.ConfChangeV2, error) {
	var ctx []byte
	var raftCC *pb.ConfChangeV2
	if e.Type == pb.EntryType_EntryConfChange {
		var cc pb.ConfChange
		if err := proto.Unmarshal(e.Data, &cc); err != nil {
			return nil, nil, fmt.Errorf("raftstore: entry %d of region %d: bad conf change: %w", e.Index, d.regionID, err)
		}
		ctx, raftCC = cc.GetContext(), singleAsV2(&cc)
	} else {
		raftCC = &pb.ConfChangeV2{}
		if err := proto.Unmarshal(e.Data, raftCC); err != nil {
			return nil, nil, fmt.Errorf("raftstore: entry %d of region %d: bad conf change: %w", e.Index, d.regionID, err)
		}
		ctx = raftCC.GetContext()
		if len(raftCC.GetChanges()) == 0 {
			// Raft's own auto-leave of a joint configuration: it carries no command.
			region, err := leftJoint(d.region)
			return region, raftCC, err
		}
	}
	var req raftcmdpb.RaftCmdRequest
	if err := proto.Unmarshal(ctx, &req); err != nil {
		return nil, nil, fmt.Errorf("raftstore: entry %d of region %d: bad conf change command: %w", e.Index, d.regionID, err)
	}
	if epochStale(req.GetHeader().GetRegionEpoch(), d.region, true) {
		return nil, nil, errEpochNotMatch(d.region)
	}
	changes := req.GetAdminRequest().GetChangePeerV2().GetChanges()
	if e.Type == pb.EntryType_EntryConfChange {
		changes = []*raftcmdpb.ChangePeerRequest{req.GetAdminRequest().GetChangePeer()}
	}
	ids := make([]uint64, 0, len(raftCC.GetChanges()))
	for i, c := range raftCC.GetChanges() {
		if i >= len(changes) || c.GetType() != changes[i].GetChangeType() {
			return nil, nil, fmt.Errorf("raftstore: entry %d of region %d: conf change and command disagree", e.Index, d.regionID)
		}
		ids = append(ids, c.GetNodeId())
	}
	region, err := changedRegion(d.region, changes, ids)
	return region, raftCC, err
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
	case isJoint(r):
		// Kept simple: a joint phase is short (left automatically), the split retries after.
		return nil, nil, fmt.Errorf("raftstore: region %d is in a joint configuration and cannot split now", r.GetId())
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
