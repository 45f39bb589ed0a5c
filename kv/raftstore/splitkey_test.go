package raftstore

import (
	"bytes"
	"testing"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/mvcc"
	"github.com/gee-project/gee/kv/proto/metapb"
)

// A split picked inside a transactional key's versions must cut at the user key, so all
// of that key's versions, its lock and every other key's versions stay on one side.
func TestSplitKeyKeepsVersionsTogether(t *testing.T) {
	region := &metapb.Region{StartKey: []byte("a"), EndKey: []byte("z")}
	users := [][]byte{[]byte("acct-1"), []byte("acct-10"), []byte("acct-2"), []byte("acct-2x"), []byte("b")}
	for _, picked := range users {
		for _, ts := range []uint64{1, 1 << 40, ^uint64(0) >> 1} {
			enc := mvcc.EncodeKey(picked, ts)
			for _, cf := range []string{engine.CFDefault, engine.CFWrite} {
				got := userSplitKey(cf, enc, region)
				if !bytes.Equal(got, picked) {
					t.Fatalf("%s %q@%d: split key %q, want the user key", cf, picked, ts, got)
				}
				for _, u := range users {
					left := bytes.Compare(u, got) < 0
					for _, vts := range []uint64{1, 7, 1 << 50} {
						if vleft := bytes.Compare(mvcc.EncodeKey(u, vts), got) < 0; vleft != left {
							t.Fatalf("split at %q: lock of %q left=%v but its version @%d left=%v", got, u, left, vts, vleft)
						}
					}
				}
			}
		}
	}
}

func TestSplitKeyLeavesOtherKeys(t *testing.T) {
	region := &metapb.Region{StartKey: []byte("k"), EndKey: nil}
	cases := []struct {
		name, cf string
		key      []byte
	}{
		{"raw key", engine.CFDefault, []byte("key-0042")},
		{"lock column family", engine.CFLock, []byte("kiwi")},
		{"user key at the region start", engine.CFWrite, mvcc.EncodeKey([]byte("k"), 5)},
	}
	for _, c := range cases {
		if got := userSplitKey(c.cf, c.key, region); !bytes.Equal(got, c.key) {
			t.Errorf("%s: split key %q, want %q unchanged", c.name, got, c.key)
		}
	}
}
