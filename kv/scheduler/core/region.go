package core

import (
	"bytes"
	"fmt"

	"github.com/gee-project/gee/kv/proto/metapb"
)

// RegionInfo is the scheduler's immutable view of one region, built from a region heartbeat.
// It takes ownership of the protos passed in: callers must not mutate them afterwards.
type RegionInfo struct {
	meta    *metapb.Region
	leader  *metapb.Peer
	pending []*metapb.Peer
	down    []*metapb.Peer
	size    int64
	term    uint64
}

// RegionOption sets an optional field of a RegionInfo.
type RegionOption func(*RegionInfo)

// WithPendingPeers records the peers that lag behind the leader's log.
func WithPendingPeers(peers []*metapb.Peer) RegionOption {
	return func(r *RegionInfo) { r.pending = peers }
}

// WithDownPeers records the peers the leader has not heard from for a while.
func WithDownPeers(peers []*metapb.Peer) RegionOption {
	return func(r *RegionInfo) { r.down = peers }
}

// WithApproximateSize records the region's approximate size in bytes.
func WithApproximateSize(bytes int64) RegionOption {
	return func(r *RegionInfo) { r.size = bytes }
}

// WithTerm records the reporting leader's Raft term (0: unknown). With an equal epoch, a report
// from an older term than the cached one is refused, so a deposed leader cannot flip the leader back.
func WithTerm(term uint64) RegionOption {
	return func(r *RegionInfo) { r.term = term }
}

// NewRegionInfo builds a RegionInfo; leader may be nil (no leader known yet).
func NewRegionInfo(meta *metapb.Region, leader *metapb.Peer, opts ...RegionOption) *RegionInfo {
	r := &RegionInfo{meta: meta, leader: leader}
	for _, o := range opts {
		o(r)
	}
	r.normalizeLeader()
	return r
}

// ID returns the region id.
func (r *RegionInfo) ID() uint64 { return r.meta.GetId() }

// Meta returns the region meta; do not mutate it.
func (r *RegionInfo) Meta() *metapb.Region { return r.meta }

// Epoch returns the region epoch (never nil for a region accepted by a Cluster).
func (r *RegionInfo) Epoch() *metapb.RegionEpoch { return r.meta.GetRegionEpoch() }

// StartKey returns the inclusive start of the region's range.
func (r *RegionInfo) StartKey() []byte { return r.meta.GetStartKey() }

// EndKey returns the exclusive end of the region's range; empty means the end of the key space.
func (r *RegionInfo) EndKey() []byte { return r.meta.GetEndKey() }

// Leader returns the leader peer, or nil if unknown.
func (r *RegionInfo) Leader() *metapb.Peer { return r.leader }

// Peers returns all peers of the region.
func (r *RegionInfo) Peers() []*metapb.Peer { return r.meta.GetPeers() }

// StorePeer returns the region's peer on storeID, or nil if it has none there.
func (r *RegionInfo) StorePeer(storeID uint64) *metapb.Peer {
	for _, p := range r.meta.GetPeers() {
		if p.GetStoreId() == storeID {
			return p
		}
	}
	return nil
}

// StoreIDs returns the set of stores holding a peer of the region.
func (r *RegionInfo) StoreIDs() map[uint64]struct{} {
	ids := make(map[uint64]struct{}, len(r.meta.GetPeers()))
	for _, p := range r.meta.GetPeers() {
		ids[p.GetStoreId()] = struct{}{}
	}
	return ids
}

// Followers returns the peers other than the leader.
func (r *RegionInfo) Followers() []*metapb.Peer {
	out := make([]*metapb.Peer, 0, len(r.meta.GetPeers()))
	for _, p := range r.meta.GetPeers() {
		if r.leader == nil || p.GetId() != r.leader.GetId() {
			out = append(out, p)
		}
	}
	return out
}

// PendingPeers returns the peers whose log lags the leader's.
func (r *RegionInfo) PendingPeers() []*metapb.Peer { return r.pending }

// DownPeers returns the peers the leader reports as unreachable.
func (r *RegionInfo) DownPeers() []*metapb.Peer { return r.down }

// ApproximateSize returns the region's approximate size in bytes.
func (r *RegionInfo) ApproximateSize() int64 { return r.size }

// Term returns the reporting leader's Raft term (0: unknown).
func (r *RegionInfo) Term() uint64 { return r.term }

// ContainsKey reports whether key lies in [StartKey, EndKey).
func (r *RegionInfo) ContainsKey(key []byte) bool {
	return bytes.Compare(key, r.StartKey()) >= 0 && (len(r.EndKey()) == 0 || bytes.Compare(key, r.EndKey()) < 0)
}

// IsPending reports whether the peer on storeID is pending.
func (r *RegionInfo) IsPending(storeID uint64) bool { return hasStore(r.pending, storeID) }

// String names the region for logs and errors.
func (r *RegionInfo) String() string {
	e := r.Epoch()
	return fmt.Sprintf("region %d [%q, %q) epoch {conf_ver %d, version %d}", r.ID(), r.StartKey(), r.EndKey(),
		e.GetConfVer(), e.GetVersion())
}

func hasStore(peers []*metapb.Peer, storeID uint64) bool {
	for _, p := range peers {
		if p.GetStoreId() == storeID {
			return true
		}
	}
	return false
}

// validate checks what the range index and the per-store counters rely on.
func (r *RegionInfo) validate() error {
	m := r.meta
	switch {
	case m == nil:
		return fmt.Errorf("%w: no region meta", ErrInvalidRegion)
	case m.GetId() == 0:
		return fmt.Errorf("%w: region id 0", ErrInvalidRegion)
	case m.GetRegionEpoch() == nil:
		return fmt.Errorf("%w: region %d has no epoch", ErrInvalidRegion, m.GetId())
	case len(m.GetEndKey()) > 0 && bytes.Compare(m.GetStartKey(), m.GetEndKey()) >= 0:
		return fmt.Errorf("%w: region %d start key %q not below end key %q", ErrInvalidRegion, m.GetId(),
			m.GetStartKey(), m.GetEndKey())
	case r.size < 0:
		return fmt.Errorf("%w: region %d negative size %d", ErrInvalidRegion, m.GetId(), r.size)
	}
	stores := make(map[uint64]bool, len(m.GetPeers()))
	for i, p := range m.GetPeers() {
		if p == nil || p.GetId() == 0 || p.GetStoreId() == 0 {
			return fmt.Errorf("%w: region %d peers[%d] needs a peer id and a store id", ErrInvalidRegion, m.GetId(), i)
		}
		if stores[p.GetStoreId()] {
			return fmt.Errorf("%w: region %d has two peers on store %d", ErrInvalidRegion, m.GetId(), p.GetStoreId())
		}
		stores[p.GetStoreId()] = true
	}
	if r.leader != nil && (r.leader.GetId() != 0 || r.leader.GetStoreId() != 0) && !samePeer(r.StorePeer(r.leader.GetStoreId()), r.leader) {
		return fmt.Errorf("%w: region %d leader %d on store %d is not one of its peers", ErrInvalidRegion, m.GetId(),
			r.leader.GetId(), r.leader.GetStoreId())
	}
	for _, list := range [][]*metapb.Peer{r.pending, r.down} {
		seen := make(map[uint64]bool, len(list))
		for _, p := range list {
			if !samePeer(r.StorePeer(p.GetStoreId()), p) || seen[p.GetStoreId()] {
				return fmt.Errorf("%w: region %d pending/down peer %d on store %d is not one of its peers or repeated",
					ErrInvalidRegion, m.GetId(), p.GetId(), p.GetStoreId())
			}
			seen[p.GetStoreId()] = true
		}
	}
	return nil
}

// normalizeLeader turns a zero-valued leader into nil so "no leader" has one representation.
func (r *RegionInfo) normalizeLeader() {
	if r.leader != nil && r.leader.GetId() == 0 && r.leader.GetStoreId() == 0 {
		r.leader = nil
	}
}

func samePeer(a, b *metapb.Peer) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.GetId() == b.GetId() && a.GetStoreId() == b.GetStoreId()
}

func samePeers(a, b []*metapb.Peer) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !samePeer(a[i], b[i]) {
			return false
		}
	}
	return true
}

// sameRoles reports whether the per-store role sets (leader, peers, pending) are unchanged.
func sameRoles(a, b *RegionInfo) bool {
	return samePeer(a.leader, b.leader) && samePeers(a.Peers(), b.Peers()) && samePeers(a.pending, b.pending)
}

// sameRange reports whether both regions cover the same keys.
func sameRange(a, b *RegionInfo) bool {
	return bytes.Equal(a.StartKey(), b.StartKey()) && bytes.Equal(a.EndKey(), b.EndKey())
}

// sameState reports whether a heartbeat with an equal epoch carries nothing new.
func sameState(a, b *RegionInfo) bool {
	return sameRoles(a, b) && sameRange(a, b) && samePeers(a.down, b.down) && a.size == b.size && a.term == b.term
}

// sameMeta reports whether the persisted part (range, epoch, peers) is unchanged.
func sameMeta(a, b *RegionInfo) bool {
	ae, be := a.Epoch(), b.Epoch()
	return sameRange(a, b) && ae.GetVersion() == be.GetVersion() && ae.GetConfVer() == be.GetConfVer() &&
		samePeers(a.Peers(), b.Peers())
}
