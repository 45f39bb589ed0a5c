package core

import (
	"errors"
	"testing"

	"github.com/gee-project/gee/kv/proto/metapb"
)

// FuzzHandleRegion decodes the input into a sequence of region heartbeats (any mix of ids, ranges,
// epochs, peers, leaders, pending peers and sizes, valid or not) and checks after each one that the
// outcome is one of the documented ones and the cache's invariants still hold.
func FuzzHandleRegion(f *testing.F) {
	f.Add([]byte{1, 0, 0, 1, 1, 0x7, 0, 0})
	f.Add([]byte{1, 0, 0, 1, 1, 0x7, 0, 0, 1, 0, 8, 1, 2, 0x7, 1, 0, 2, 8, 0, 1, 2, 0x7, 2, 0})
	f.Add([]byte{2, 8, 0, 1, 2, 0x3, 0, 5, 1, 0, 0, 1, 1, 0x3, 0, 0, 1, 0, 8, 1, 2, 0x3, 0x11, 9})
	f.Add([]byte{3, 9, 3, 0, 0, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		c := NewCluster()
		for len(data) >= 8 {
			op := data[:8]
			data = data[8:]
			r := fuzzRegion(op)
			before := c.GetRegion(r.ID())
			changed, err := c.HandleRegion(r)
			switch {
			case err == nil:
				if changed && c.GetRegion(r.ID()) != r {
					t.Fatalf("changed but %v not cached", r)
				}
			case errors.Is(err, ErrStaleEpoch), errors.Is(err, ErrStaleRegion), errors.Is(err, ErrInvalidRegion):
				if changed || c.GetRegion(r.ID()) != before {
					t.Fatalf("refused %v (%v) but the cache changed", r, err)
				}
			default:
				t.Fatalf("unexpected error %v", err)
			}
			if err := c.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// fuzzRegion builds a region from 8 bytes: id, start, end, conf_ver, version, peer store mask,
// leader/pending selector, size.
func fuzzRegion(b []byte) *RegionInfo {
	id := uint64(b[0]%6) + 1
	key := func(x byte) []byte {
		if x%16 == 0 {
			return nil
		}
		return []byte{'a' + x%16}
	}
	m := &metapb.Region{Id: id, StartKey: key(b[1]), EndKey: key(b[2]),
		RegionEpoch: &metapb.RegionEpoch{ConfVer: uint64(b[3] % 4), Version: uint64(b[4] % 4)}}
	if b[3] == 0xff {
		m.RegionEpoch = nil
	}
	for s := uint64(1); s <= 5; s++ {
		if b[5]&(1<<(s-1)) != 0 {
			m.Peers = append(m.Peers, &metapb.Peer{Id: id*10 + s, StoreId: s})
		}
	}
	var leader *metapb.Peer
	var pending []*metapb.Peer
	if n := len(m.Peers); n > 0 {
		leader = m.Peers[int(b[6]&0xf)%n]
		if b[6]&0x10 != 0 {
			pending = append(pending, m.Peers[int(b[6]>>5)%n])
		}
	}
	if b[6] == 0xff {
		leader = &metapb.Peer{Id: 999, StoreId: 9} // not a peer
	}
	return NewRegionInfo(m, leader, WithPendingPeers(pending), WithApproximateSize(int64(b[7])))
}
