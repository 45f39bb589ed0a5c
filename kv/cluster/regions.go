package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"github.com/gee-project/gee/kv/raft/raftpb"
	"github.com/gee-project/gee/kv/raftstore"
	"github.com/gee-project/gee/kv/storage"
	"google.golang.org/protobuf/proto"
)

// Admin is what multi-region scenarios need of a store beyond Store; *raftstore.Store
// satisfies it.
type Admin interface {
	RegionStatus(regionID uint64) (raftstore.RegionStatus, bool)
	Regions() []uint64
	ChangePeer(ctx context.Context, regionID uint64, epoch *metapb.RegionEpoch, change raftpb.ConfChangeType,
		peer *metapb.Peer) (*metapb.Region, error)
	TransferLeader(ctx context.Context, regionID uint64, peer *metapb.Peer) error
}

// RegionLocator finds the region holding a key and the store believed to lead it, the
// way a client's region cache (or the scheduler) would; *Cluster is one.
type RegionLocator interface {
	// RegionFor returns the newest region holding key that some running store knows,
	// and the store whose peer leads it (0: none known).
	RegionFor(key []byte) (*metapb.Region, uint64)
}

func (c *Cluster) admin(id uint64) Admin {
	a, _ := c.Store(id).(Admin)
	return a
}

// newer reports whether region a supersedes b (higher version, then conf_ver).
func newer(a, b *metapb.Region) bool {
	ea, eb := a.GetRegionEpoch(), b.GetRegionEpoch()
	if ea.GetVersion() != eb.GetVersion() {
		return ea.GetVersion() > eb.GetVersion()
	}
	return ea.GetConfVer() > eb.GetConfVer()
}

// RegionFor implements RegionLocator from the running stores' region states.
func (c *Cluster) RegionFor(key []byte) (*metapb.Region, uint64) {
	var best *metapb.Region
	var leader, leaderTerm uint64
	for _, id := range c.IDs() {
		a := c.admin(id)
		if a == nil {
			continue
		}
		for _, rid := range a.Regions() {
			st, ok := a.RegionStatus(rid)
			if !ok || len(st.Region.GetPeers()) == 0 || !inRange(key, st.Region) {
				continue
			}
			if best == nil || newer(st.Region, best) {
				best = st.Region
			}
		}
	}
	if best == nil {
		return nil, 0
	}
	for _, id := range c.IDs() {
		if a := c.admin(id); a != nil {
			if st, ok := a.RegionStatus(best.GetId()); ok && st.IsLeader && st.Term >= leaderTerm {
				leader, leaderTerm = id, st.Term
			}
		}
	}
	return best, leader
}

func inRange(key []byte, r *metapb.Region) bool {
	return bytes.Compare(key, r.GetStartKey()) >= 0 && (len(r.GetEndKey()) == 0 || bytes.Compare(key, r.GetEndKey()) < 0)
}

// LatestRegions returns the newest version of every region the running stores know,
// dropping regions that a newer one overlaps (a store that missed a split), in key order.
func (c *Cluster) LatestRegions() []*metapb.Region {
	byID := map[uint64]*metapb.Region{}
	for _, id := range c.IDs() {
		a := c.admin(id)
		if a == nil {
			continue
		}
		for _, rid := range a.Regions() {
			if st, ok := a.RegionStatus(rid); ok && len(st.Region.GetPeers()) > 0 {
				if cur := byID[rid]; cur == nil || newer(st.Region, cur) {
					byID[rid] = st.Region
				}
			}
		}
	}
	var out []*metapb.Region
	for _, r := range byID {
		shadowed := false
		for _, o := range byID {
			if o != r && overlap(o, r) && o.GetRegionEpoch().GetVersion() > r.GetRegionEpoch().GetVersion() {
				shadowed = true
			}
		}
		if !shadowed {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *metapb.Region) int { return bytes.Compare(a.GetStartKey(), b.GetStartKey()) })
	return out
}

func overlap(a, b *metapb.Region) bool {
	aBefore := len(a.GetEndKey()) > 0 && bytes.Compare(a.GetEndKey(), b.GetStartKey()) <= 0
	bBefore := len(b.GetEndKey()) > 0 && bytes.Compare(b.GetEndKey(), a.GetStartKey()) <= 0
	return !aBefore && !bBefore
}

// CheckTiling reports whether regions (in key order) cover the whole key space exactly:
// the first starts at "", each starts where the previous ends, the last has no end.
func CheckTiling(regions []*metapb.Region) error {
	next := []byte{}
	for i, r := range regions {
		if !bytes.Equal(r.GetStartKey(), next) {
			return fmt.Errorf("region %d starts at %q, want %q (gap or overlap)", r.GetId(), r.GetStartKey(), next)
		}
		if len(r.GetEndKey()) == 0 {
			if i != len(regions)-1 {
				return fmt.Errorf("region %d ends the key space but %d more follow", r.GetId(), len(regions)-1-i)
			}
			return nil
		}
		next = r.GetEndKey()
	}
	return fmt.Errorf("regions end at %q, not at the end of the key space", next)
}

// NextPeerID hands out a fresh peer id for membership changes.
func (c *Cluster) NextPeerID() uint64 { return c.ids.Alloc() }

// ChangePeer proposes a membership change of regionID at its leader, retrying while
// there is no leader, the leader moved, or another change is still applying, until ctx ends.
func (c *Cluster) ChangePeer(ctx context.Context, regionID uint64, change raftpb.ConfChangeType, peer *metapb.Peer) (*metapb.Region, error) {
	return c.ChangePeerAt(ctx, regionID, nil, change, peer)
}

// ChangePeerAt is ChangePeer refused unless the region is still at epoch (nil: any).
func (c *Cluster) ChangePeerAt(ctx context.Context, regionID uint64, epoch *metapb.RegionEpoch, change raftpb.ConfChangeType,
	peer *metapb.Peer) (*metapb.Region, error) {
	var last error
	for {
		if id := c.LeaderOf(regionID); id != 0 {
			if a := c.admin(id); a != nil {
				actx, cancel := context.WithTimeout(ctx, 2*time.Second)
				r, err := a.ChangePeer(actx, regionID, epoch, change, peer)
				cancel()
				if err == nil {
					return r, nil
				}
				if epoch != nil && isRegionErr(err, func(e *storage.RegionError) bool { return e.Err.GetEpochNotMatch() != nil }) {
					return nil, err
				}
				last = err
			}
		}
		if err := sleepCtx(ctx, 20*time.Millisecond); err != nil {
			return nil, fmt.Errorf("change peer %v %v of region %d: %v (%w)", change, peer, regionID, last, err)
		}
	}
}

// TransferLeader asks regionID's leader to hand leadership to the peer on store to and
// waits until that store leads, until ctx ends.
func (c *Cluster) TransferLeader(ctx context.Context, regionID, to uint64) error {
	for {
		if a := c.admin(to); a != nil {
			if st, ok := a.RegionStatus(regionID); ok && st.IsLeader {
				return nil
			}
			st, ok := a.RegionStatus(regionID)
			if l := c.LeaderOf(regionID); ok && l != 0 && c.admin(l) != nil {
				_ = c.admin(l).TransferLeader(ctx, regionID, &metapb.Peer{Id: st.PeerID, StoreId: to})
			}
		}
		if err := sleepCtx(ctx, 50*time.Millisecond); err != nil {
			return fmt.Errorf("store %d did not become leader of region %d: %w", to, regionID, err)
		}
	}
}

// LeaderOf returns the running store whose peer leads regionID with the highest term (0: none).
func (c *Cluster) LeaderOf(regionID uint64) uint64 {
	var leader, term uint64
	for _, id := range c.IDs() {
		if a := c.admin(id); a != nil {
			if st, ok := a.RegionStatus(regionID); ok && st.IsLeader && st.Term >= term {
				leader, term = id, st.Term
			}
		}
	}
	return leader
}

// RegionState reads store id's persisted state of a region (nil: none).
func (c *Cluster) RegionState(id, regionID uint64) (*raftserverpb.RegionLocalState, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodes[id]
	if n == nil || n.eng == nil {
		return nil, fmt.Errorf("%w: %d", errDown, id)
	}
	v, err := n.eng.GetRaw(engine.RegionStateKey(regionID))
	if errors.Is(err, engine.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	st := new(raftserverpb.RegionLocalState)
	return st, proto.Unmarshal(v, st)
}

// HostedRegions lists the regions store id holds in Normal state on disk.
func (c *Cluster) HostedRegions(id uint64) ([]uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodes[id]
	if n == nil || n.eng == nil {
		return nil, fmt.Errorf("%w: %d", errDown, id)
	}
	lo, hi := engine.RegionMetaRange()
	it, err := n.eng.NewIterator(lo, hi)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []uint64
	for ; it.Valid(); it.Next() {
		st := new(raftserverpb.RegionLocalState)
		if err := proto.Unmarshal(it.Value(), st); err != nil {
			return nil, err
		}
		if st.GetState() == raftserverpb.PeerState_Normal {
			out = append(out, st.GetRegion().GetId())
		}
	}
	return out, it.Err()
}

// EngineKeys counts the user keys of the default column family store id holds.
func (c *Cluster) EngineKeys(id uint64) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodes[id]
	if n == nil || n.eng == nil {
		return 0, fmt.Errorf("%w: %d", errDown, id)
	}
	lo, hi := engine.DataRange(engine.CFDefault, nil, nil)
	it, err := n.eng.NewIterator(lo, hi)
	if err != nil {
		return 0, err
	}
	defer it.Close()
	count := 0
	for ; it.Valid(); it.Next() {
		count++
	}
	return count, it.Err()
}

// isRegionErr reports whether err is a region error with the detail pick selects.
func isRegionErr(err error, pick func(*storage.RegionError) bool) bool {
	var re *storage.RegionError
	return errors.As(err, &re) && re.Err != nil && pick(re)
}

// Describe lists every running store's peers (region, peer, leader, term, indexes,
// region meta), for failure messages.
func (c *Cluster) Describe() string {
	var b bytes.Buffer
	for _, id := range c.IDs() {
		a := c.admin(id)
		if a == nil {
			fmt.Fprintf(&b, "store %d: down\n", id)
			continue
		}
		for _, rid := range a.Regions() {
			st, _ := a.RegionStatus(rid)
			fmt.Fprintf(&b, "store %d region %d: peer %d leader %d term %d commit %d applied %d truncated %d last %d; %v\n",
				id, rid, st.PeerID, st.LeaderID, st.Term, st.Commit, st.Applied, st.TruncatedIndex, st.LastIndex, st.Region)
		}
	}
	return b.String()
}
