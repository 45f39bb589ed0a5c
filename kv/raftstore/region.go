package raftstore

import (
	"bytes"

	"github.com/gee-project/gee/kv/proto/metapb"
	"google.golang.org/protobuf/proto"
)

// Region meta helpers. A region's epoch grows: conf_ver with every membership change,
// version with every split. Regions are never modified in place once published (the
// loop, the apply worker and readers share them): every change makes a copy.

func cloneRegion(r *metapb.Region) *metapb.Region { return proto.Clone(r).(*metapb.Region) }

func inRegion(key []byte, r *metapb.Region) bool {
	return bytes.Compare(key, r.GetStartKey()) >= 0 && (len(r.GetEndKey()) == 0 || bytes.Compare(key, r.GetEndKey()) < 0)
}

// rangesOverlap reports whether two regions' key ranges intersect.
func rangesOverlap(a, b *metapb.Region) bool {
	aEndsBefore := len(a.GetEndKey()) > 0 && bytes.Compare(a.GetEndKey(), b.GetStartKey()) <= 0
	bEndsBefore := len(b.GetEndKey()) > 0 && bytes.Compare(b.GetEndKey(), a.GetStartKey()) <= 0
	return !aEndsBefore && !bEndsBefore
}

// initialized reports whether a region meta is complete (a peer created by a message
// knows only its region id until a snapshot arrives).
func initialized(r *metapb.Region) bool { return len(r.GetPeers()) > 0 }

// peerOnStore finds the region's peer on storeID.
func peerOnStore(r *metapb.Region, storeID uint64) *metapb.Peer {
	for _, q := range r.GetPeers() {
		if q.GetStoreId() == storeID {
			return q
		}
	}
	return nil
}

// epochStale reports whether a request epoch is older than the region's: a zero epoch
// (a caller that does not know it) is never stale. checkConf includes conf_ver.
func epochStale(ep *metapb.RegionEpoch, r *metapb.Region, checkConf bool) bool {
	if ep == nil || (ep.GetConfVer() == 0 && ep.GetVersion() == 0) {
		return false
	}
	cur := r.GetRegionEpoch()
	return ep.GetVersion() != cur.GetVersion() || (checkConf && ep.GetConfVer() != cur.GetConfVer())
}
