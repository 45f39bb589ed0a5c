package engine

import (
	"encoding/binary"
	"fmt"
)

// Local key layout (all big-endian, so numeric order is key order):
//
//	0x01 0x01                                  store ident
//	0x01 0x02 region_id(8) 0x01 log_index(8)   raft log entry
//	0x01 0x02 region_id(8) 0x02                raft local state (hard state, last index)
//	0x01 0x02 region_id(8) 0x03                apply state (applied index, truncated state)
//	0x01 0x03 region_id(8) 0x01                region local state (region meta, peer state)
const (
	storeIdentSuffix byte = 0x01
	regionRaftPrefix byte = 0x02
	regionMetaPrefix byte = 0x03

	raftLogSuffix     byte = 0x01
	raftStateSuffix   byte = 0x02
	applyStateSuffix  byte = 0x03
	regionStateSuffix byte = 0x01
)

// LocalMin and LocalMax bound every local key: [LocalMin, LocalMax).
var (
	LocalMin = []byte{LocalPrefix}
	LocalMax = []byte{LocalPrefix + 1}
)

// StoreIdentKey holds the store's StoreIdent.
var StoreIdentKey = []byte{LocalPrefix, storeIdentSuffix}

func regionKey(prefix byte, regionID uint64, suffix byte, extra int) []byte {
	k := make([]byte, 2+8+1, 2+8+1+extra)
	k[0], k[1] = LocalPrefix, prefix
	binary.BigEndian.PutUint64(k[2:], regionID)
	k[10] = suffix
	return k
}

// RaftLogKey is the key of a region's raft log entry at index.
func RaftLogKey(regionID, index uint64) []byte {
	k := regionKey(regionRaftPrefix, regionID, raftLogSuffix, 8)
	return binary.BigEndian.AppendUint64(k, index)
}

// RaftLogRange bounds the keys of a region's raft log entries with index in [lo, hi).
func RaftLogRange(regionID, lo, hi uint64) (start, end []byte) {
	return RaftLogKey(regionID, lo), RaftLogKey(regionID, hi)
}

// RaftLogIndex decodes the index of a raft log key.
func RaftLogIndex(key []byte) (uint64, error) {
	if len(key) != 19 || key[0] != LocalPrefix || key[1] != regionRaftPrefix || key[10] != raftLogSuffix {
		return 0, fmt.Errorf("engine: %x is not a raft log key", key)
	}
	return binary.BigEndian.Uint64(key[11:]), nil
}

// RaftStateKey holds a region peer's RaftLocalState.
func RaftStateKey(regionID uint64) []byte {
	return regionKey(regionRaftPrefix, regionID, raftStateSuffix, 0)
}

// ApplyStateKey holds a region peer's RaftApplyState.
func ApplyStateKey(regionID uint64) []byte {
	return regionKey(regionRaftPrefix, regionID, applyStateSuffix, 0)
}

// RegionStateKey holds a region's RegionLocalState.
func RegionStateKey(regionID uint64) []byte {
	return regionKey(regionMetaPrefix, regionID, regionStateSuffix, 0)
}

// RegionMetaRange bounds every RegionStateKey: iterate it to find a store's regions on restart.
func RegionMetaRange() (start, end []byte) {
	return []byte{LocalPrefix, regionMetaPrefix}, []byte{LocalPrefix, regionMetaPrefix + 1}
}

// RegionIDFromMetaKey decodes the region id of a RegionStateKey.
func RegionIDFromMetaKey(key []byte) (uint64, error) {
	if len(key) != 11 || key[0] != LocalPrefix || key[1] != regionMetaPrefix || key[10] != regionStateSuffix {
		return 0, fmt.Errorf("engine: %x is not a region state key", key)
	}
	return binary.BigEndian.Uint64(key[2:10]), nil
}
